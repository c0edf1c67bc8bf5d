"""Entity recognition: SCHOOL, REGION, PROGRAMME, ORG, DOCUMENT, PERSON (ANNOTATION.md s.2).

Rules follow how Chinese names are built, so that names never seen before are found:

- a name is a *core* ending in a *suffix* (中学, 职业技术学院, 镇, 街道, 教育局, 委员会 ...);
  the core is found by walking left over jieba words from the suffix until a boundary word
  (verb, preposition, conjunction, punctuation; ``configs/entities.yaml``) and must be
  *specific*: contain a region, a proper noun or a word jieba does not know (天宸, 长岗背),
  never only common words (民办学校, 乡村学校, 城区);
- abbreviations are built the same way (region + ordinal + 中: 金华一中; + 职高/职专; 浙师大);
- PROGRAMME: quoted names with a directly attached head noun, quoted names that behave as a
  programme (followed by 建设/工作/政策..., or ending in 计划/工程/校园...), and unquoted
  names ending in 行动计划/工程/计划/行动/成果奖 after a verb or ordinal;
- DOCUMENT: the title inside 《》;  ORG: region or level prefix + body suffix, and the
  standard short forms (市委, 县政府, 区教育局, 局党委), venues, papers and companies named by
  their place (西藏博物馆, 贵州日报, 中国移动于都分公司);  PERSON: surname + given name next to a
  title, a role, an introducing verb or a formulaic phrase, before a memorial or rank (故居,
  将军, 烈士) or 等 + a group of people (等革命先辈), and the names of an enumeration before
  them; a name of jieba's dictionary after a storytelling verb (讲好, 传承);
- REGION: gazetteer surfaces (``pipeline.gazetteer``, when present), administrative suffix
  rules for towns, townships, streets and villages, and short forms of regions named in full
  elsewhere in the same document.

No nesting: overlapping candidates are resolved longest first.  Nothing is produced inside
``doc._.ignored``.  The rules learn nothing from gold; every candidate they considered, overlaps
included, is kept as ``doc._.entity_candidates`` for the trained recognizer that follows
(``pipeline.components.recognizer``), which reads them and the resolved ``doc._.entities`` as
features.
"""
from __future__ import annotations

import bisect
import re
from pathlib import Path

import numpy as np
from spacy.language import Language
from spacy.attrs import IDX, SPACY
from spacy.tokens import Doc

from .. import CONFIGS
from ..extensions import init_doc
from ..normalise import normalise_chars
from ..settings import read_config
from ..zh import Surfaces, alt as _alt, cut as _cut, jieba_tables as _jieba_tables, jieba_words as _words_tagged

CJK = "\u4e00-\u9fff"
_ORDINAL = re.compile(r"^第[一二三四五六七八九十百零〇\d]+$")
# a name on a contact line, its characters perhaps spaced out (周  敏)
_CONTACT_NAME = re.compile(f"[{CJK}](?:[ \u3000]{{0,2}}[{CJK}]){{1,2}}(?![{CJK}])")
_CN_DIGITS = set("一二三四五六七八九十百千万两零〇")
_PROG_CUT = re.compile(f"\\d+[年月日届期轮批次项个所名件]|[^{CJK}A-Za-z+]")
_VERSION = re.compile(r"(?<![\d.])\d{1,2}\.\d(?![\d.%])")
_ALL_OF = re.compile("^[全各本该每我][省市县区镇乡村校]$")
_SCHOOL_END = re.compile("(?:学校|中学|(?<!中)小学|幼儿园)$")
_CJK_RUN = re.compile(f"[{CJK}]+")
_CJK_CHAR = re.compile(f"[{CJK}]")
_LAST_NON_CJK = re.compile(f"[^{CJK}](?=[{CJK}]*\\Z)")

# priorities: lower wins among equally long overlapping candidates
PRIO = {"DOCUMENT": 0, "KNOWN": 1, "SCHOOL": 2, "ORG": 3, "PROGRAMME": 4, "PERSON": 5, "REGION": 6}


def normalise_surface(s: str) -> str:
    """A gold surface as it appears in the view: simplified, half-width, wraps removed."""
    return normalise_chars(s).replace("\n", "").replace("\r", "")


@Language.factory("zhpolicy_entities", default_config={"config": None})
def make_entities(nlp: Language, name: str, config: str | None = None):
    return EntityRecognizer(Path(config) if config else CONFIGS / "entities.yaml")


def _han_before(text: str, p: int):
    """(length, start, characters) of the 3- and then 2-character runs of Han characters
    ending at ``p``: where a personal name before ``p`` could start."""
    for n in (3, 2):
        s = p - n
        if s >= 0 and _CJK_RUN.fullmatch(text[s:p]):
            yield n, s, text[s:p]


class EntityRecognizer:
    def __init__(self, config_path: Path | str | None = None, use_gazetteer: bool = True):
        path = Path(config_path) if config_path else CONFIGS / "entities.yaml"
        self.cfg = c = read_config(path, "entities.yaml")
        self.stop_words = set(c["stop_words"])
        self.stop_chars = set(c["stop_chars"]) | set("省市县区镇乡村轮期届批")
        self.stop_tags = set(c["stop_tags"])
        self.proper_tags = set(c["proper_tags"])
        self.rare_freq = int(c["rare_freq"])
        self.stop_tag_min_freq = int(c.get("stop_tag_min_freq", 30))
        self.generic_chars = set(c.get("generic_chars", ""))
        long_stops = [w for w in self.stop_words if len(w) >= 2]
        self.re_stop_prefix = re.compile(f"(?:{_alt(long_stops)}).")
        self.re_stop_suffix = re.compile(f".(?:{_alt(long_stops)})$")
        # REGION
        self.region_max = dict(c["region_suffixes"])
        self.re_region = re.compile(f"(?:{_alt(self.region_max)})")
        self.re_region_town = re.compile(f"(?:{_alt(x for x in self.region_max if x in ('镇', '乡', '街道', '村'))})")
        self.region_blockers = set(c["region_suffix_blockers"])
        self.region_generic = set(c["region_generic_cores"])
        self.region_word_blockers = set(c.get("region_word_blockers", []))
        self.region_never = set(c["region_never"])
        self.region_short_stop = set(c["region_short_stop"])
        self.countries = set(c["countries"])
        self.re_landform = re.compile(f"(?:{_alt(c.get('landform_heads') or ['(?!)'])})")
        # a country other than China that may open a school's name
        self.re_foreign = re.compile(f"(?:{_alt(x for x in self.countries if x != '中国')})")
        # SCHOOL
        sfx = list(c["school_suffixes"])
        self.re_school = re.compile(f"(?:{_alt(sfx)})")
        self.re_campus = re.compile(c["school_campus"])
        # a lookahead on the possible first characters lets the regex skip most positions fast
        first = {w[0] for w in c["school_abbrev_tails"]}
        ordinal = re.match(r"\[([^\]\\]+)\]", c["school_ordinal_tail"])
        look = f"(?=[{re.escape(''.join(sorted(first)) + ordinal.group(1))}])" if ordinal else ""
        self.re_school_abbrev = re.compile(
            f"{look}(?:{c['school_ordinal_tail']}|{_alt(c['school_abbrev_tails'])})(?!生|学|部|教师|老师|阶段|年级|班)")
        self.abbrev_tails = set(c["school_abbrev_tails"])
        self.re_univ_abbrev = re.compile(c["university_abbrev"])
        anchor = c.get("university_abbrev_anchor")
        self.univ_anchor = re.compile(re.escape(anchor)) if anchor else None
        self.univ_anchor_back = int(c.get("university_abbrev_anchor_back", 0))
        self.school_generic = set(c["school_generic_cores"])
        self.school_evaluative = set(c.get("school_evaluative", []))
        self.school_hard_stops = set(c.get("school_hard_stops", []))
        self.school_tail_chars = set("中小学幼职")
        # ORG
        self.org_levels = c["org_levels"]
        self.re_org_short = re.compile(f"{c['org_levels']}(?:{_alt(c['org_short_heads'])})")
        self.re_org = re.compile(f"(?:{_alt(c['org_suffixes'])})")
        self.org_strong = set(c["org_strong_suffixes"])
        self.re_org_standalone = re.compile(f"(?:{_alt(c['org_standalone'])})")
        self.org_generic = set(c["org_generic_cores"])
        self.org_centre_roles = tuple(c.get("org_centre_roles") or ())
        self.org_weak = frozenset(c.get("org_weak_suffixes") or ())
        self.org_place_suffixes = frozenset(c.get("org_place_suffixes") or ())
        # PROGRAMME
        heads = _alt(c["programme_heads"])
        self.re_quote = re.compile(r"[“「]([^“”「」\n]{1,40})[”」]")
        self.re_head = re.compile(
            f"([{CJK}A-Za-z]{{0,{int(c['programme_head_modifier_max'])}}})(?:{heads})")
        self.re_follow = re.compile("(?:" + "|".join(sorted(c["programme_followers"], key=len, reverse=True)) + ")")
        self.n_counting = int(c.get("slogan_counting", 5))
        self.re_intro = re.compile(f"(?:{_alt(c['programme_introducers'])})(?:第[一二三四五六七八九十\\d]+[轮期届批])?")
        self.prog_level_generic = tuple(c["programme_level_generic"])
        self.re_content_end = re.compile(f"(?:{_alt(c['programme_content_endings'])})$")
        self.re_slogans = [re.compile(p) for p in c["slogan_patterns"]]
        # any slogan / any counting formula, as one search each
        self.re_slogan_any = re.compile("|".join(f"(?:{p})" for p in c["slogan_patterns"]))
        self.re_counting_any = re.compile("|".join(f"(?:{p})" for p in c["slogan_patterns"][:self.n_counting]) or "(?!)")
        self.re_prog_head = re.compile(f"(?:{_alt(c['programme_unquoted_heads'])})")
        self.prog_min = int(c["programme_unquoted_min_core"])
        self.prog_max = int(c["programme_unquoted_max_core"])
        self.prog_generic = set(c["programme_unquoted_generic"])
        self.prog_national_heads = set(c.get("programme_unquoted_national_heads") or ())
        self.prog_national_prefix = c.get("programme_national_prefix", "国家")
        self.re_prog_bad = re.compile(_alt(c["programme_bad_words"]))
        self.re_prog_bad_core = re.compile("|".join(f"(?:{x})" for x in c["programme_bad_core_patterns"]) or "(?!)")
        self.prog_event_endings = tuple(c["programme_event_endings"])
        self.prog_head_blockers = tuple(c.get("programme_head_blockers") or ())
        self.re_prog_goal = re.compile("|".join(f"(?:{x})" for x in c["programme_goal_patterns"]) or "(?!)")
        self.prog_bad_first = frozenset(c["programme_bad_first"])
        self.prog_bad_endings = tuple(c["programme_bad_endings"])
        self.region_bad_endings = tuple(c["region_bad_core_endings"])
        self.org_short_bad_prev = frozenset(c["org_short_bad_prev"])
        self.school_bad_next1 = frozenset(c["school_bad_next_chars"])
        self.school_bad_next2 = frozenset(c["school_bad_next_words"])
        self.re_count_word = re.compile(f"^[一二三四五六七八九十百千万两几多数\\d]+[{re.escape(c['count_measure_words'])}]$")
        self.function_tags = frozenset(c["function_tags"])
        # PERSON
        self.surnames = set(c["surnames"])
        self.compound_surnames = set(c["compound_surnames"])
        self.re_person_after = re.compile(f"(?:{_alt(c['person_titles_after'] + c['person_anchor_after'])})")
        self.re_person_before = re.compile(f"(?:{_alt(c['person_titles_before'])})")
        self.re_person_intro = re.compile(f"(?:{_alt(c['person_intro_before'])})")
        self.re_person_contact = re.compile(c["person_contact"]) if c.get("person_contact") else None
        self.person_after_verbs = tuple(sorted(c["person_after_verbs"], key=len, reverse=True))
        self.person_not_given = set(c["person_not_given"])
        self.not_in_given = frozenset(c["person_not_in_given"])
        self.common_tags = frozenset(c["person_common_tags"])
        self.re_award = re.compile(_alt(c["person_award_verbs"]))
        # strong contexts: what follows a person's name and nothing else (故居, 将军, 等革命先辈)
        self.re_person_strong = re.compile(f"(?:{_alt(c['person_strong_after'])})")
        self.re_person_group = re.compile(
            f"等[{CJK}]{{0,{int(c['person_group_gap'])}}}?(?:{_alt(c['person_group_heads'])})")
        # characters that open personal names in jieba's dictionary: a character starting at
        # least ``person_opener_min`` three-character words tagged nr (皮定均, 闻一多, 慕生忠)
        self.name_openers = self.surnames | _name_openers(int(c["person_opener_min"]))
        self.person_word_tags = frozenset(c["person_word_tags"])
        self.re_person_nr_intro = re.compile(f"(?:{_alt(c['person_nr_intro'])})")
        self.person_nr_min_freq = int(c["person_nr_min_freq"])
        # DOCUMENT
        self.re_document = re.compile(r"《([^《》\n]{1,80})》")
        # gazetteer surfaces
        self.gaz = None
        self.region_surfaces: set[str] = set()
        self.institutions: dict[str, str] = {}
        self.dropped_short: dict[str, str] = {}
        if use_gazetteer:
            self._load_gazetteer()
        # nationally known short names of universities (清华, 北大), with the linking rules
        link_cfg = read_config(CONFIGS / "gazetteer" / "linking.yaml", "gazetteer/linking.yaml")
        self.school_short_names = set(link_cfg.get("school_short_names") or {})
        self._build_automata()

    # ------------------------------------------------------------------ resources
    def _load_gazetteer(self) -> None:
        from ..gazetteer import load_gazetteer

        self.gaz = load_gazetteer()
        for s in self.gaz.region_surfaces():
            s = normalise_surface(s)
            if len(s) >= 2 and s not in self.region_never:
                self.region_surfaces.add(s)
        # county/city names whose bare short form the gazetteer drops as an ordinary word
        # (南部县 -> 南部, 保康县 -> 保康): the short form is a name only in a document that
        # writes the full name (see _doc_aliases)
        self.dropped_short = {
            name: short for name, short in self.gaz.dropped_short_forms().items()
            if short not in self.region_surfaces and short not in self.region_short_stop
            and short not in self.stop_words}
        for s, inst in self.gaz.institution_surfaces().items():
            if len(s) >= 3:
                self.institutions[normalise_surface(s)] = inst.label
        self.region_surfaces |= self.countries

    def _build_automata(self) -> None:
        # one automaton for gazetteer regions and known names: the text is scanned once
        self.known_labels = {**{w: "SCHOOL" for w in self.school_short_names}, **self.institutions}
        self.ac_surfaces = Surfaces(self.region_surfaces | set(self.known_labels))

    def __call__(self, doc: Doc) -> Doc:
        init_doc(doc)
        cands = _DocumentPass(self, doc).candidates()
        doc._.entity_candidates = [(s, e, lab) for s, e, lab, _ in cands]
        chosen = resolve(cands)
        # ignored regions, merged and sorted, so each entity is checked by one bisection
        # (the same test as ``in_ignored``)
        merged: list[list[int]] = []
        for a, b in sorted((r["start"], r["end"]) for r in doc._.ignored or ()):
            if b <= a:
                continue
            if merged and a <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        ig_starts = [a for a, _ in merged]
        ents = doc._.entities
        for s, e, lab in chosen:
            i = bisect.bisect_left(ig_starts, e) - 1
            if i >= 0 and merged[i][1] > s:
                continue
            ents.append({"start": s, "end": e, "label": lab})
        return doc


class _DocumentPass:
    """One document's reading by an :class:`EntityRecognizer` (``rules``): the per-document
    state (text, token boundaries, the region short forms this document implies, caches)
    lives here, so the component itself is never changed by a call."""

    def __init__(self, rules: EntityRecognizer, doc: Doc):
        self.rules = rules
        self.text = text = doc.text
        self.doc_regions: set[str] = set()
        # _walk_back and _specific results by their arguments (valid for this document's regions)
        self._walk_cache: dict[tuple, int | bool] = {}
        self._hits_text: str | None = None
        self._hits: list[tuple[int, int, str]] = []
        self._region_ends: dict[int, int] = {}
        self._known_org_ends: dict[int, int] = {}
        if len(doc):
            # token boundaries as byte masks over the text (mask[i] == 1: a token starts/ends at i)
            # (IDX and SPACY only: a token ends where the next begins, less its trailing space;
            # LENGTH would cost a lexeme lookup per token)
            arr = doc.to_array([IDX, SPACY]).astype(np.int64)
            idx = arr[:, 0]
            ends = np.empty_like(idx)
            ends[:-1] = idx[1:]
            ends[-1] = len(text)
            ends -= arr[:, 1]
            st = np.zeros(len(text) + 1, dtype=np.uint8)
            en = np.zeros(len(text) + 1, dtype=np.uint8)
            st[idx] = 1
            en[ends] = 1
            self.tok_starts, self.tok_ends = st.tobytes(), en.tobytes()
        else:
            self.tok_starts = self.tok_ends = bytes(len(text) + 1)

    def candidates(self) -> list[tuple[int, int, str, int]]:
        """Every candidate (start, end, label, priority) of the document, overlaps included."""
        text = self.text
        self._set_doc_regions(self._doc_aliases(text))
        cands: list[tuple[int, int, str, int]] = []
        self._documents(text, cands)
        self._known(text, cands)
        self._regions(text, cands)
        # where REGION candidates end (-> their earliest start): a school's or body's name may
        # open with the divisions that contain it (襄阳市昭明小学, 某县某镇中心小学, 某市教育局)
        for s, e, lab, prio in cands:
            if lab == "REGION" and s < self._region_ends.get(e, e):
                self._region_ends[e] = s
            elif lab == "ORG" and prio == PRIO["KNOWN"] and s < self._known_org_ends.get(e, e):
                self._known_org_ends[e] = s  # a known body a branch's name may open with
        self._schools(text, cands)
        self._orgs(text, cands)
        self._programmes(text, cands)
        self._persons(text, cands)
        return cands

    # ------------------------------------------------------------------ helpers
    def _tag(self, tok: str) -> tuple[str | None, int]:
        tab, freq = _jieba_tables()
        return tab.get(tok), freq.get(tok, 0) or 0

    @staticmethod
    def _jieba_words() -> dict[str, int]:
        return _jieba_tables()[1]

    def _is_region_word(self, tok: str) -> bool:
        return tok in self.rules.region_surfaces or tok in self.doc_regions

    def _set_doc_regions(self, regions: set[str]) -> None:
        if regions != self.doc_regions:
            self._walk_cache = {}  # walks depend on which words are regions
        self.doc_regions = regions

    def _walk_back(self, text: str, p: int, max_core: int, barrier: int, use_tags: bool) -> int:
        """Start of the name core that ends at ``p``: walk left over jieba words while they
        can be part of a name."""
        lo = max(barrier, p - max_core - 4, 0)
        window = text[lo:p]
        key = (window, max_core, use_tags)
        n = self._walk_cache.get(key)
        if n is None:
            n = self._walk_back_len(window, max_core, use_tags)
            if len(self._walk_cache) > 200_000:
                self._walk_cache.clear()
            self._walk_cache[key] = n
        return p - n

    def _walk_back_len(self, window: str, max_core: int, use_tags: bool) -> int:
        """How many characters at the end of ``window`` the walk takes (see ``_walk_back``);
        depends on the window, the settings and the document's region aliases only."""
        m = _LAST_NON_CJK.search(window)
        if m is not None:
            window = window[m.end():]
        n = 0
        for tok in reversed(_cut(window)):
            if n + len(tok) > max_core:
                break
            if self._is_stop_token(tok, use_tags):
                break
            if n and _SCHOOL_END.search(tok):
                break  # another school's name ends here (…学校开设职高)
            n += len(tok)
        return n

    def _is_stop_token(self, tok: str, use_tags: bool) -> bool:
        if tok in self.rules.stop_words:
            return True
        if len(tok) == 1:
            return tok in self.rules.stop_chars
        if self._is_region_word(tok) or _ORDINAL.match(tok):
            return False
        if self.rules.re_count_word.match(tok):
            return True
        # 全面推行, 新创建: a word glued to a boundary word
        if len(tok) > 2 and (self.rules.re_stop_prefix.match(tok) or self.rules.re_stop_suffix.search(tok)):
            return True
        if use_tags:
            tag, freq = self._tag(tok)
            if tag in self.rules.stop_tags and freq >= self.rules.stop_tag_min_freq:
                return True
        return False

    def _specific(self, core: str, generic: set[str], evaluative: set[str] | None = None) -> bool:
        """A core names something: it has a region, an ordinal, a proper noun, a rare or an
        unknown word; a core of common words only is a generic mention."""
        key = (core, id(generic), id(evaluative))
        r = self._walk_cache.get(key)  # the same validity as the walks (the document's regions)
        if r is None:
            r = self._walk_cache[key] = self._specific_uncached(core, generic, evaluative)
        return r

    def _specific_uncached(self, core: str, generic: set[str], evaluative: set[str] | None) -> bool:
        if not core or core in generic or _ALL_OF.match(core):
            return False
        toks = _cut(core)
        # a region followed only by generic words (上海优质学校) is still generic
        if len(toks) > 1 and self._is_region_word(toks[0]) and all(t in (evaluative or generic) for t in toks[1:]):
            return False
        run = 0
        for t in toks:
            if self._is_region_word(t) or _ORDINAL.match(t):
                return True
            if len(t) == 1:
                if t in self.rules.stop_chars or t in _CN_DIGITS:
                    run = 0
                    continue
                if t not in self.rules.generic_chars and self._tag(t)[0] not in self.rules.function_tags:
                    run += 1
                    if run >= 2:
                        return True
                continue
            run = 0
            if t in generic:
                continue
            tag, freq = self._tag(t)
            if tag in self.rules.proper_tags or (tag is None and not freq):
                return True
            # a rare two-character word of jieba's dictionary is usually a place (岗背, 水东)
            if len(t) == 2 and freq < self.rules.rare_freq and not (set(t) & _CN_DIGITS):
                return True
        return False

    def _region_chain_start(self, text: str, start: int) -> int:
        """Where a name starting at ``start`` begins once the REGION names written right
        before it are taken in (省 + 市 + 县 + 镇 ...): a name opens with the divisions it
        belongs to, and the whole is one entity (no nesting).  A foreign country stays
        outside (瑞典 + 耶夫勒大学: the country is not part of the name)."""
        ends = self._region_ends
        while start in ends and ends[start] < start and not self.rules.re_foreign.fullmatch(text, ends[start], start):
            start = ends[start]
        return start

    def _has_region_prefix(self, core: str) -> bool:
        for n in range(min(len(core), 12), 1, -1):
            if self._is_region_word(core[:n]):
                return True
        return False

    # ------------------------------------------------------------------ detectors
    def _documents(self, text, out):
        for m in self.rules.re_document.finditer(text):
            out.append((m.start(1), m.end(1), "DOCUMENT", PRIO["DOCUMENT"]))

    def _surface_hits(self, text: str) -> list[tuple[int, int, str]]:
        """Every occurrence of a gazetteer region or known name in ``text`` (one scan per text)."""
        if self._hits_text is not text:
            self._hits = self.rules.ac_surfaces.find(text)
            self._hits_text = text
        return self._hits

    def _known(self, text, out):
        labels = self.rules.known_labels
        if not labels:
            return
        for st, en, s in self._surface_hits(text):
            lab = labels.get(s)
            if lab is None:
                continue
            if (lab in ("REGION", "PERSON") or len(s) <= 3 or s in self.rules.school_short_names) and \
                    (not self.tok_starts[st] or not self.tok_ends[en]):
                continue  # a short known name inside another word (北大 in 北大荒)
            out.append((st, en, lab, PRIO["KNOWN"]))

    def _regions(self, text, out):
        # gazetteer / document aliases
        found = []
        regions = self.rules.region_surfaces
        found.extend(h for h in self._surface_hits(text) if h[2] in regions)
        if self.doc_regions:
            found.extend(Surfaces(self.doc_regions).find(text))
        tab, freq = _jieba_tables()
        for s, e, surf in found:
            if surf in self.rules.region_never:
                continue
            if self.tok_starts is not None:
                if surf in self.rules.countries:
                    # a country opening an adjective in 式 is still named (中国式现代化), not one
                    # inside a word (精英国际) or a compound noun (新中国史)
                    if not self.tok_starts[s] or not self.tok_ends[e] and text[e:e + 1] != "式":
                        continue
                elif len(surf) >= 3 and surf[-1] in "省市县区州旗盟":
                    if not self.tok_starts[s] and not self.tok_ends[e]:
                        continue
                    if surf[:-1] in self.rules.stop_words and text[e - 1:e + 1] in self.rules.region_blockers:
                        continue  # 新建 + 区级名师工作室: a verb and a level word, not 新建区
                elif not self.tok_starts[s] or not self.tok_ends[e]:
                    continue
            if surf[-1] not in "省市县区州旗盟镇乡村道" and surf not in self.rules.countries:
                if surf in self.rules.region_short_stop:
                    continue
                nxt = text[e:e + 1]
                # a bare short form followed by a level char is the full name's job
                if nxt and nxt in "省市县区":
                    continue
            out.append((s, e, "REGION", PRIO["REGION"]))
        # suffix rules
        barrier = 0
        towns = []
        # county level and above: the gazetteer knows every full name
        for m in (self.rules.re_region if self.rules.gaz is None else self.rules.re_region_town).finditer(text):
            sfx = m.group()
            p, q = m.span()
            if text[p:p + 2] in self.rules.region_blockers or text[p:p + 3] in self.rules.region_blockers:
                continue
            if text[p - 1:q] in self.rules.region_word_blockers or text[p - 2:q] in self.rules.region_word_blockers:
                continue
            listed = False
            if sfx in "镇乡" and p >= 2 and text[p - 1] == sfx and text[p - 2] not in self.rules.stop_chars:
                start = p - 2  # 壶镇镇: the name itself ends in the suffix
                listed = True
            else:
                start = self._walk_back(text, p, self.rules.region_max[sfx], barrier, use_tags=True)
                # an item of an enumeration (北界镇、石练镇、大柘镇等): the core runs from the
                # separator, whatever its words are
                # only a separator within 4 characters matters (1-3 character items); a bounded
                # search keeps this linear in the text
                lo4 = max(0, p - 4)
                d = max(text.rfind("、", lo4, p), text.rfind("，", lo4, p), text.rfind(",", lo4, p))
                one = (p - d - 1 == 1 and sfx in "镇乡" and text[d:d + 1] == "、" and text[q:q + 1] in ("、", "等")
                       and text[d + 1] not in self.rules.stop_chars and text[d + 1] not in self.rules.generic_chars)
                if 0 <= d and (2 <= p - d - 1 <= 3 or one) and text[q:q + 1] in ("、", "等", "，", ",", "和", "及") \
                        and _CJK_RUN.fullmatch(text[d + 1:p]) and d + 1 >= barrier \
                        and (one or not any(len(t) == 1 and self._is_stop_token(t, True) for t in _cut(text[d + 1:p]))):
                    # (an item opening with a preposition is a phrase: 以城带乡、以公带民)
                    start, listed = d + 1, True
            core = text[start:p]
            if (len(core) < 2 and not listed) or core in self.rules.region_generic:
                continue
            if core.endswith(self.rules.region_bad_endings):
                continue
            if not listed and not self._region_core_ok(core):
                continue
            if core + sfx in self.rules.region_never:
                continue
            if sfx == "村" and not listed and text[q:q + 1] not in ("、", "等", "，", ",", "。", "的", "和", "及", ""):
                continue
            out.append((start, q, "REGION", PRIO["REGION"]))
            barrier = q
            if sfx in ("镇", "乡", "街道") and len(core) >= 2:
                towns.append(core)
        # a town named in full once may be named bare elsewhere (金塘镇 ... 金塘等海岛)
        towns = {t for t in towns if t not in self.rules.region_short_stop and t not in self.rules.region_surfaces}
        if towns:
            for s0, e0, t in Surfaces(towns).find(text):
                if text[e0:e0 + 1] in ("镇", "乡", "街") or text[e0:e0 + 1] in self.rules.school_tail_chars:
                    continue
                if self.rules.re_landform.match(text, e0):
                    continue  # a lake, mountain or river named after the town is no division
                if self.tok_starts is not None and (not self.tok_starts[s0] or not self.tok_ends[e0]):
                    continue
                out.append((s0, e0, "REGION", PRIO["REGION"]))

    def _region_core_ok(self, core: str) -> bool:
        """A core before an administrative suffix names a place unless it is made only of
        common words (乡镇, 城乡, 山区)."""
        for t in _cut(core):
            if len(t) == 1:
                if t in self.rules.stop_chars or t in self.rules.generic_chars or t in _CN_DIGITS or t in self.rules.region_generic:
                    continue
                tag, freq = self._tag(t)
                if tag in ("v", "p", "c", "d") and freq >= self.rules.stop_tag_min_freq:
                    continue  # a common verb is no evidence of a name (以城带乡)
                return True
            if t in self.rules.region_generic:
                continue
            tag, freq = self._tag(t)
            if tag in self.rules.proper_tags or tag is None or freq < 200:
                return True
        return False

    def _schools(self, text, out):
        bad_next1 = self.rules.school_bad_next1
        bad_next2 = self.rules.school_bad_next2
        for m in self.rules.re_school.finditer(text):
            p, q = m.span()
            g = m.group()
            nxt = text[q:q + 2]
            n1 = nxt[:1]
            if g == "小学" and text[p - 1:p] == "中":
                continue
            if n1 in bad_next1 or (n1 == "校" and (g == "中学" or g == "小学")):
                continue
            # 小学教师 is a kind of teacher; after a compound kind (中心小学, 特殊教育学校) it is
            # a teacher of that school (某镇中心小学教师某某)
            if nxt in bad_next2 and (len(g) < 4 or nxt in ("阶段", "学段", "课程")):
                continue
            start = self._walk_back(text, p, 14, 0, use_tags=True)
            if start == p and p > 0:
                # 浙江广厦建设职业技术大学, 丽水开放技师学院: a boundary word right before the
                # suffix is part of the name when a name stands before it
                w = _cut(text[max(0, p - 4):p])
                if w and len(w[-1]) >= 2 and w[-1] not in self.rules.school_hard_stops:
                    s2 = self._walk_back(text, p - len(w[-1]), 12, 0, use_tags=True)
                    if s2 < p - len(w[-1]) and self._specific(text[s2:p - len(w[-1])], self.rules.school_generic, self.rules.school_evaluative):
                        start = s2
            if start > 0 and text[start - 1] in "省市县区" and (start < 2 or text[start - 2] in "，,、。；;：:（( \n"):
                start -= 1
            core = text[start:p]
            # a country other than China does not prefix a school's name (瑞典耶夫勒大学)
            ctry = self.rules.re_foreign.match(core)
            if ctry is not None and len(core) > ctry.end():
                start += ctry.end()
                core = core[ctry.end():]
            c = self.rules.re_campus.match(text, q)
            # a school with a named campus or branch is a named school (草堂小学西区分校)
            if not (c and c.group()[-2:] in ("分校", "校区") and len(core) >= 2) and \
                    not self._specific(core, self.rules.school_generic, self.rules.school_evaluative):
                # a region + a specific kind of school is a name (某市特殊教育学校, 某县某镇中心小学);
                # a region + a bare 学校/中学/小学 or + an evaluative word is not
                if core or len(g) < 4 or self._region_chain_start(text, start) == start:
                    continue
            if c:
                q = c.end()
            out.append((self._region_chain_start(text, start), q, "SCHOOL", PRIO["SCHOOL"]))
        for m in self.rules.re_school_abbrev.finditer(text):
            p, q = m.span()
            start = next((p - n for n in (4, 3, 2) if p - n >= 0 and self._is_region_word(text[p - n:p])), None)
            if start is None:
                start = self._walk_back(text, p, 4, 0, use_tags=True)
            core = text[start:p]
            if len(core) < 2:
                continue
            if not (self._has_region_prefix(core) or self._specific(core, self.rules.school_generic)):
                continue
            tail = m.group()
            if tail in ("师范", "外国语", "实验") :
                continue
            c = self.rules.re_campus.match(text, q)
            if c:
                q = c.end()
            out.append((start, q, "SCHOOL", PRIO["SCHOOL"]))
        for m in self._univ_matches(text):
            s, e = m.span()
            if e < len(text) and text[e] in "学生":
                continue
            # the place part is one char (浙, 杭, 北) or a two-char word; keep the shortest
            # prefix that follows a boundary
            if e - s == 4 and (text[s] in self.rules.stop_chars or self._tag(text[s])[0] in ("v", "p", "c", "d")):
                s += 1
            out.append((s, e, "SCHOOL", PRIO["SCHOOL"]))

    def _univ_matches(self, text: str):
        """``re_univ_abbrev.finditer(text)``, but the pattern is tried only a few characters
        before each occurrence of the anchor every match contains (``university_abbrev_anchor``,
        e.g. 大), instead of at every position."""
        if self.rules.univ_anchor is None:
            yield from self.rules.re_univ_abbrev.finditer(text)
            return
        rx, back, last = self.rules.re_univ_abbrev, self.rules.univ_anchor_back, 0
        tried = -1
        for a in self.rules.univ_anchor.finditer(text):
            for pos in range(max(a.start() - back, last, tried + 1), a.start() + 1):
                tried = pos
                m = rx.match(text, pos)
                if m is not None and m.end() > m.start():
                    last = tried = m.end() - 1
                    yield m
                    break

    def _orgs(self, text, out):
        for m in self.rules.re_org_standalone.finditer(text):
            s, e = m.span()
            if m.group() == "中共" and text[e:e + 1] in ("中", "党", "浙", "江"):
                continue
            out.append((s, e, "ORG", PRIO["ORG"]))
        bad_prev = self.rules.org_short_bad_prev
        for m in self.rules.re_org_short.finditer(text):
            s, e = m.span()
            if s > 0 and text[s - 1] in bad_prev:
                continue
            if text[s + 1:e] in ("政府",) and text[e:e + 1] in ("采", "购", "性", "投"):
                continue
            out.append((s, e, "ORG", PRIO["ORG"]))
        for m in self.rules.re_org.finditer(text):
            p, q = m.span()
            sfx = m.group()
            if sfx[-1] in "局委厅" and text[q:q + 1] in ("长", "级", "面", "势", "部", "限", "员", "托", "屈"):
                continue
            if sfx == "中心" and text[q:q + 1] in ("城", "区", "校", "镇", "组", "任", "工", "环", "思", "小", "幼", "学"):
                continue
            if sfx in self.rules.org_weak and _CJK_CHAR.match(text, q) and text[q] not in "合共等和与及、":
                continue  # 移动互联网, 电信诈骗: the word, not a company
            if sfx == "中心" and text.endswith(self.rules.org_centre_roles, 0, p):
                continue  # 某市经济副中心, 区域中心: a role a place plays, not a body
            start = self._walk_back(text, p, 18, 0, use_tags=False)
            # a quoted name inside a body's name: 丽水市“云和木玩游戏教育”研究发展联盟
            if start > 1 and text[start - 1] == "”":
                o = text.rfind("“", max(0, start - 20), start)
                if o > 0:
                    start = self._walk_back(text, o, 10, 0, use_tags=False)
            if start > 0 and text[start - 1] in "省市县区" and self._boundary_before(text, start - 1):
                start -= 1
            if text[start:start + 1] in "省市县区旗州" and self._region_ends.get(start + 1, start) < start \
                    and self._region_ends[start + 1] in self._region_ends:
                # a division whose name jieba reads as a word (新建 + 区) right after the region
                # that contains it (南昌市新建区教育局): the chain of regions opens the name
                start = self._region_ends[start + 1]
            start = self._region_chain_start(text, start)
            if sfx in self.rules.org_place_suffixes:
                # a venue, paper or company named by its place: the place right before the
                # suffix opens the name (用好宁夏回族自治区博物馆), after a known company
                # (中国移动 + 于都 + 分公司)
                if p in self._region_ends and not self._has_region_prefix(text[start:p]):
                    start = self._region_chain_start(text, p)
                while start in self._known_org_ends:
                    start = self._known_org_ends[start]
            # a boundary word glued to a level short form (会同 + 县财政局, 联合 + 市教育局):
            # the word reading wins, even where word + level character is also a county's name
            for k in (3, 2):
                if p - start > k and text[start:start + k] in self.rules.stop_words and text[start + k] in "省市县区":
                    start += k
                    break
            core = text[start:p]
            if not core or core in self.rules.org_generic:
                continue
            level = core[0] in "省市县区" and (core[1:2] not in ("级", "域", "际", "属", "直", "内", "外", "场", "民")
                                              or core[1:3] in ("民政", "民宗", "民族"))  # 市民 no, 县民政局 yes
            if level or self._has_region_prefix(core):
                if len(core) < 2 and sfx in ("局", "委", "厅"):
                    continue
                out.append((start, q, "ORG", PRIO["ORG"]))
            elif sfx in self.rules.org_strong and len(core) >= 6:
                s2, pos = start, start
                for tok in _cut(core):  # 以适当方式听取家长委员会: the name starts after the last verb
                    pos += len(tok)
                    tag, freq = self._tag(tok)
                    if tag in ("v", "vd", "d", "ad", "p", "c", "r") and freq >= self.rules.stop_tag_min_freq:
                        s2 = pos
                if p - s2 >= 6 and not text[s2:p].startswith(("区域", "跨区", "校际", "县级", "市级", "省级")):
                    out.append((s2, q, "ORG", PRIO["ORG"]))

    def _boundary_before(self, text: str, i: int) -> bool:
        """True when a name may start at ``i``: text start, punctuation, or a boundary word."""
        if i == 0 or not _CJK_CHAR.match(text[i - 1]):
            return True
        for n in (1, 2, 3, 4):
            if text[max(0, i - n):i] in self.rules.stop_words:
                return True
        return False

    def _slogan(self, content: str) -> bool:
        return self.rules.re_slogan_any.search(content) is not None

    def _programmes(self, text, out):
        for m in self.rules.re_quote.finditer(text):
            s, e = m.span()
            content = m.group(1)
            if content.isdigit():
                continue  # a quoted number (a hotline, “12345”) names nothing
            if content.endswith(self.rules.prog_event_endings) or self.rules.re_prog_goal.search(content):
                continue  # an event (“推普周”系列活动, “行知杯”) or a goal (“教育强市”)
            slogan = self._slogan(content)
            counting = self.rules.re_counting_any.search(content) is not None
            h = self.rules.re_head.match(text, e)
            if h is not None:
                mod = h.group(1)
                bad_mod = bool(mod) and (any(w in mod for w in ("的", "和", "与", "及", "等")) or self.rules.re_intro.search(mod) or (
                    counting) or ("," in content or "，" in content))
                if text.startswith(self.rules.prog_head_blockers, h.end()):
                    continue  # “问题导学”课堂教学模式: a way of teaching, not a programme
                if not bad_mod and not (mod and text[h.end():h.end() + 1] in ("师",)):
                    out.append((s, h.end(), "PROGRAMME", PRIO["PROGRAMME"]))
                    continue
            follow = self.rules.re_follow.match(text, e) is not None
            ending = self.rules.re_content_end.search(content) is not None
            if follow or ending or ("·" in content or "•" in content):
                if slogan and not follow and not ending:
                    continue
                if "、" in content and not ending:
                    continue
                out.append((s, e, "PROGRAMME", PRIO["PROGRAMME"]))
        # unquoted names ending in a programme head, after an introducing verb or a clause start
        for m in self.rules.re_prog_head.finditer(text):
            p, q = m.span()
            if text[q:q + 1] in ("师", "学", "院", "技", "部", "书", "中"):
                continue
            if not self.tok_ends[q] or text[p - 1:p] in ("本", "该", "此", "这", "其"):
                continue  # the head runs into the next word (实行|动态), or names this document (对照本计划)
            lo = max(0, p - self.rules.prog_max - 6)
            window = text[lo:p]
            if "." in window:  # a version number belongs to the name (教育信息化2.0行动计划)
                window = _VERSION.sub(lambda v: "版" * len(v.group()), window)
            start = lo
            for b in _PROG_CUT.finditer(window):
                start = lo + b.end()
            for i in self.rules.re_intro.finditer(text, start, p):
                start = i.end()
            if m.group() in self.rules.prog_national_heads:
                # 平台 names a programme only as a named national one (国家…平台); the name
                # starts at 国家 whatever verb comes before it
                k = text.rfind(self.rules.prog_national_prefix, start, p)
                if k < 0:
                    continue
                start = k
            # a one-character function word (为, 等, 的 ...) as a word of its own ends the name
            pos = start
            for tok in _cut(text[start:p]):
                pos += len(tok)
                if tok in ("为", "等", "的", "了", "与", "和", "及", "获"):
                    start = pos
            if text[start:start + 1] in "省市县区" and not self._is_region_word(text[start:start + 2]) \
                    and text[start + 1:start + 2] not in ("级", "域", "委", "政"):
                start += 1  # 深化市、县创新型后备人才培养计划
            core = text[start:p]
            if len(core) < self.rules.prog_min or len(core) > self.rules.prog_max:
                continue
            if core in self.rules.prog_generic or core.startswith(self.rules.prog_level_generic) \
                    or core.endswith(self.rules.prog_bad_endings):
                continue
            if self.rules.re_prog_bad.search(text, start, q) or self.rules.re_prog_bad_core.search(text, start, q):
                continue
            toks = _cut(core)
            if all(t in self.rules.prog_generic for t in toks):
                continue
            tag, freq = self._tag(toks[0])
            if tag in ("v", "vd", "d", "ad", "p", "c", "r") and freq >= self.rules.stop_tag_min_freq or toks[0] in self.rules.prog_bad_first:
                continue
            out.append((start, q, "PROGRAMME", PRIO["PROGRAMME"] + 1))

    def _persons(self, text, out):
        def name_before(p: int) -> int | None:
            """Start of a 2–3 character name ending at p, or None."""
            for n, s, cand in _han_before(text, p):
                if cand[:2] in self.rules.compound_surnames and n == 3 or cand[0] in self.rules.surnames:
                    given = cand[1:] if cand[:2] not in self.rules.compound_surnames else cand[2:]
                    if given in self.rules.person_not_given or any(ch in self.rules.not_in_given for ch in given):
                        continue
                    if len(given) == 2 and self._tag(given)[1] >= 1000:
                        continue
                    if n == 3 and cand[1:] in self.rules.person_not_given:
                        continue
                    if s and self._tag(text[s - 1:s + 1])[1] >= 1000 and given in self._jieba_words():
                        continue  # the first character closes a word before it (完成首批)
                    if self._is_region_word(cand):
                        continue  # a place before a title (于都代表团)
                    if n == 3 and (text[s - 1:s] in self.rules.surnames and p - s == 3) and \
                            self._tag(cand[:2])[0] not in (None, "nr"):
                        continue
                    return s
            return None

        for m in self.rules.re_person_after.finditer(text):
            p = m.start()
            if p and self._tag(text[p - 1:m.end()])[0] is not None:
                continue  # the title ends a longer word (班主任)
            s = name_before(p)
            if s is None:
                continue
            # the char before a name is a boundary, not part of a word (教授 after 张民选)
            prev = text[s - 1:s]
            cand = text[s:p]
            tag = self._tag(cand)[0]
            if tag in self.rules.common_tags:
                continue
            if prev and _CJK_CHAR.match(prev) and self._tag(text[s - 1:p])[0] is not None:
                continue
            out.append((s, p, "PERSON", PRIO["PERSON"]))
        # a name right after an institution and before an award verb: 某某小学王某某荣获
        for m in self.rules.re_award.finditer(text):
            p = m.start()
            s = name_before(p)
            if s is None or s == 0 or text[s - 1] not in "校学园院局司会所部心":
                continue
            if self._tag(text[s:p])[0] not in (None, "nr", "nrt", "nrfg"):
                continue
            out.append((s, p, "PERSON", PRIO["PERSON"]))
        # title before the name: 市委书记胡海锋接见
        for m in self.rules.re_person_before.finditer(text):
            q = m.end()
            for n in (3, 2, 4):  # four characters for names of other peoples (吉克阿芝), last
                cand = text[q:q + n]
                if len(cand) < n or cand[0] not in self.rules.surnames or not _CJK_RUN.fullmatch(cand):
                    continue
                rest = text[q + n:q + n + 4]
                if rest.startswith(self.rules.person_after_verbs):
                    if self._tag(cand)[0] in (None, "nr", "nrt", "nrfg"):
                        out.append((q, q + n, "PERSON", PRIO["PERSON"]))
                        break
        # introducing verb: 聘请庄西真等11位专家 / 讲好葛云飞等…故事
        for m in self.rules.re_person_intro.finditer(text):
            q = m.end()
            for n in (3, 2):
                cand = text[q:q + n]
                if len(cand) == n and cand[0] in self.rules.surnames and text[q + n:q + n + 1] == "等" \
                        and _CJK_RUN.fullmatch(cand):
                    out.append((q, q + n, "PERSON", PRIO["PERSON"]))
                    break
        # a report's contact line: 联系人：周  敏，
        if self.rules.re_person_contact is not None:
            for m in self.rules.re_person_contact.finditer(text):
                q = m.end()
                c = _CONTACT_NAME.match(text, q, q + 9)
                if c and text[q] in self.rules.surnames:
                    out.append((q, c.end(), "PERSON", PRIO["PERSON"]))
        # strong contexts: a name before 故居/旧居/纪念馆/将军/烈士/同志 ... or before 等 + a
        # group of people (等革命先辈, 等老一辈革命家, 等联大先贤); the names of an enumeration
        # before it are names too (孙中山、杨匏安等先贤)
        found = {}
        anchors = [m.start() for m in self.rules.re_person_strong.finditer(text)]
        anchors += [m.start() for m in self.rules.re_person_group.finditer(text)]
        for p in anchors:
            s = self._strong_name_before(text, p)
            while s is not None and s not in found:
                found[s] = p
                if s < 2 or text[s - 1] not in "、和与":
                    break
                p, s = s - 1, self._strong_name_before(text, s - 1)
        for s, p in found.items():
            out.append((s, p, "PERSON", PRIO["PERSON"]))
        # a name of jieba's dictionary (tag nr) as a whole word right after a verb that
        # introduces people's stories (讲好刘伯承与…, 传承顾炎武“…”, 以诸葛亮“…”的精神)
        r = self.rules
        for m in r.re_person_nr_intro.finditer(text):
            q = m.end()
            q = self._nr_name_at(text, q, out, listed=False)
            while q is not None:     # and the names listed after it: 讲述康熙、乾隆
                q = self._nr_name_at(text, q, out, listed=True)

    def _nr_name_at(self, text: str, q: int, out, listed: bool) -> int | None:
        """A name of jieba's dictionary (tag nr, frequent enough) as a whole word at ``q``:
        added to ``out``; returns where the next name of an enumeration (after 、) starts.
        A name ``listed`` after another needs no common surname (康熙、乾隆)."""
        r = self.rules
        for n in (3, 4, 2):
            cand = text[q:q + n]
            if len(cand) < n or not self.tok_starts[q] or not self.tok_ends[q + n]:
                continue
            if not (listed or cand[0] in r.surnames or cand[:2] in r.compound_surnames):
                continue  # jieba tags some words nr too (立德, 廉政, 巴蜀)
            tag, freq = self._tag(cand)
            if tag in ("nr", "nrfg") and freq >= r.person_nr_min_freq and _CJK_RUN.fullmatch(cand) \
                    and not self._is_region_word(cand):
                out.append((q, q + n, "PERSON", PRIO["PERSON"]))
                return q + n + 1 if text[q + n:q + n + 1] == "、" else None
        return None

    def _strong_name_before(self, text: str, p: int) -> int | None:
        """Start of a personal name of 2-3 characters ending at ``p`` in a context only a
        person fits: a surname or name opener, a given name that is no word, not a place or
        a known institution, and no word glued to its first character (完成首批)."""
        r = self.rules
        for n, s, cand in _han_before(text, p):
            if self._tag(cand)[0] in r.person_word_tags:
                return None
            compound = n == 3 and cand[:2] in r.compound_surnames
            if not (compound or cand[0] in r.surnames or (n == 3 and cand[0] in r.name_openers)):
                continue
            given = cand[2:] if compound else cand[1:]
            if given in r.person_not_given or any(ch in r.not_in_given for ch in given):
                continue
            tag, _ = self._tag(cand)
            if tag in r.person_word_tags:
                return None  # a word of another kind (西柏坡 ns, so not 柏坡 either); jieba tags some names t or l
            if tag not in ("nr", "nrfg", "nrt") and len(given) == 2:
                gtag, gfreq = self._tag(given)
                if gtag is not None and not gtag.startswith("nr") and gfreq >= 100:
                    continue  # the "given name" is a word (平型关大捷, 彝海结盟)
            if any(self._tag(text[k:s + 1])[1] >= r.stop_tag_min_freq and not (self._tag(text[k:s + 1])[0] or "").startswith("nr")
                   for k in (s - 2, s - 1) if k >= 0):
                continue  # the first character closes a word before it (平型关, 完成)
            if self._is_region_word(cand) or cand in r.known_labels:
                continue
            return s
        return None

    # ------------------------------------------------------------------ main
    def _doc_aliases(self, text: str) -> set[str]:
        """Short forms of regions written in full in this document (遂昌县 -> 遂昌)."""
        al: set[str] = set()
        if self.rules.gaz is not None:
            # the gazetteer knows every county-level short form, except those that are also
            # ordinary words: they are names where the document writes the full name
            if self.rules.dropped_short:
                for _, _, surf in self._surface_hits(text):
                    short = self.rules.dropped_short.get(surf)
                    if short is not None:
                        al.add(short)
            return al
        for m in re.finditer(f"([{CJK}]{{2,4}}?)(?:省|市|县|区|自治县|自治州)(?=教育局|人民政府|政府|教育|[{CJK}]{{0,6}}(?:学校|中学|小学|学院))", text):
            core = m.group(1)
            st = self._walk_back(text, m.start(1) + len(core), 4, 0, use_tags=True)
            core = text[st:m.start(1) + len(m.group(1))]
            if len(core) >= 2 and core not in self.rules.region_short_stop and core not in self.rules.region_generic \
                    and self._specific(core, self.rules.region_generic):
                al.add(core)
        return al


def _name_openers(min_words: int) -> set[str]:
    """Characters that open at least ``min_words`` three-character personal names (tag nr) of
    jieba's dictionary: the surnames a real name list shows, rare ones included."""
    from collections import Counter

    n = Counter(w[0] for w in _words_tagged("nr", 3) if _CJK_RUN.fullmatch(w))
    return {ch for ch, k in n.items() if k >= min_words}


def resolve(cands: list[tuple[int, int, str, int]]) -> list[tuple[int, int, str]]:
    """No nesting: longest first, then priority; a candidate overlapping a chosen one is dropped."""
    if not cands:
        return []
    # (-length, priority, start, end, label): ties are broken the same way on every run
    order = sorted({(s - e, prio, s, e, lab) for s, e, lab, prio in cands})
    # characters covered by chosen spans: a candidate clashes iff one of its characters is taken
    taken = bytearray(max(c[1] for c in cands) + 1)
    out = []
    for _, _, s, e, lab in order:
        if e <= s or taken.find(1, s, e) >= 0:
            continue
        taken[s:e] = b"\x01" * (e - s)
        out.append((s, e, lab))
    return sorted(out)

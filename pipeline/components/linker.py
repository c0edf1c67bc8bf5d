"""Entity linking: regions to GB/T 2260 codes, schools and organisations to the gazetteer.

For every SCHOOL, REGION and ORG in ``doc._.entities`` this stage sets ``kb_id`` and
``canonical`` (ANNOTATION.md "Linking").  The report's own region (the "context") is read
from the title, publisher and head of the report (a region name followed by 教育局 /
人民政府 ...), else taken from the most-mentioned county/city; it breaks ties between
same-named places and fills in short forms (市教育局 -> 金华市教育局).  SCHOOL/ORG mentions
are linked in two passes so that a short mention can take the full name written elsewhere
in the same report (金华职院 -> 金华职业技术学院, 长岗背小学 -> 莲都区长岗背小学).
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Sequence

from spacy.language import Language
from spacy.tokens import Doc

import srsly

from ..extensions import gold_records_of, in_ignored, init_doc
from ..gazetteer import Gazetteer, clean, learn_entries, load_gazetteer
from ..gazetteer.linking import _WRITTEN_OUT, is_subsequence
from ..zh import Surfaces

LINKED = ("REGION", "SCHOOL", "ORG")
# REGION mentions below county level keep their name; a bare town name (金塘) takes the full
# name written elsewhere in the report (金塘镇).
_SUB_COUNTY = ("街道", "镇", "乡", "村", "社区")


@Language.factory("zhpolicy_linker", default_config={"gazetteer": None})
def make_linker(nlp: Language, name: str, gazetteer: str | None):
    return EntityLinker(load_gazetteer(gazetteer))


class EntityLinker:
    def __init__(self, gaz: Gazetteer | None = None):
        self.base = gaz or load_gazetteer()
        self.learnt_entries: list[dict] = []
        self.gaz = self.base
        ctx = self.gaz.config.get("context", {}) or {}
        self.head_chars = int(ctx.get("head_chars", 600))
        self.bureau_rx = re.compile(ctx.get("bureau_heads", "(教育局|人民政府)"))
        self._auto = None
        self._short_auto = None     # full county/city names whose short form is an ordinary word
        self.school_short_names = self.gaz._linker.school_short      # 清华 -> 清华大学 (linking.yaml)

    # ------------------------------------------------------------------ learned state
    def learn(self, records: Sequence[dict]) -> None:
        """Institutions (canonical names and context-free aliases) of gold ``records`` only."""
        self._set_learnt(learn_entries(records))

    def _set_learnt(self, entries: list[dict]) -> None:
        self.learnt_entries = list(entries)
        self.gaz = self.base.with_learnt(self.learnt_entries)
        self._auto = self._short_auto = None

    def initialize(self, get_examples, *, nlp=None) -> None:
        self.learn(gold_records_of(get_examples))

    def to_disk(self, path, *, exclude=()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "learnt.json", {"institutions": self.learnt_entries})

    def from_disk(self, path, *, exclude=()) -> "EntityLinker":
        self._set_learnt(srsly.read_json(Path(path) / "learnt.json")["institutions"])
        return self

    # ------------------------------------------------------------------ context
    def _region_names(self) -> Surfaces:
        if self._auto is None:
            self._auto = Surfaces(x for x in self.gaz.region_surfaces() if len(x) >= 2)
        return self._auto

    def infer_context(self, doc: Doc, text: str | None = None) -> list[str]:
        """The report's own region codes, most specific first (may be empty)."""
        meta = doc._.meta or {}
        text = doc.text if text is None else text      # doc.text is rebuilt on every access
        # (the head cleaned too: a letter-spaced PDF head, 内 蒙 古 自 治 区 教 育 厅 文 件)
        texts = [clean(meta.get("publisher") or ""), clean(meta.get("title") or ""), clean(text[: self.head_chars])]
        strong: list[str] = []
        weak: list[str] = []
        for i, t in enumerate(texts):
            for st, en, s in self._region_names().longest(t):
                (strong if self.bureau_rx.match(t, en) else weak).append(s)
            if i == 0 and strong:
                # the publisher names the report's own body: the bodies a cover letter goes to
                # (满洲里市、二连浩特市教育局) are not it
                break
        linker = self.gaz._linker
        surfaces = self.gaz.region_surfaces()
        named = set(strong) | set(weak)
        picked = None
        for pool in (strong, weak):
            if not pool:
                continue
            # resolve each surface with the others as context, then keep the most specific
            others = [r.code for s in pool for r in surfaces[s][:1]]
            cands = []
            for s in pool:
                r = self._resolve(s, named, others)
                if r.level != "country":
                    cands.append(r)
            if cands:
                rank = {"county": 0, "city": 1, "province": 2}
                picked = min(cands, key=lambda r: (rank.get(r.level, 3), pool.index(
                    next(s for s in pool if r in self.gaz.region_surfaces()[s]))))
                break
        if picked is None:
            counts = Counter()
            for e in doc._.entities or ():
                if e.get("label") == "REGION":
                    for r in self.gaz.region_surfaces().get(clean(text[e["start"]:e["end"]]), [])[:1]:
                        if r.level in ("city", "county"):
                            counts[r.code] += 1
            if counts:
                picked = self.gaz.region(counts.most_common(1)[0][0])
        return [picked.code] if picked is not None else []

    def _resolve(self, surface: str, named: set[str], others: list[str]):
        """The division a surface names: of same-named places (南山区 of 深圳市 and of 鹤岗市),
        the one under most of the other places the report names (深圳市南山区教育局), then the
        gazetteer's ranking."""
        surfaces = self.gaz.region_surfaces()
        ranked = self.gaz._linker.rank_regions(surfaces[surface], others)
        if len(ranked) == 1:
            return ranked[0]
        codes = {r.code for t in named if t != surface for r in surfaces[t]}

        def under(r) -> int:
            return sum(1 for a in self.gaz._linker.ancestors(r.code)[1:] if a.code in codes)

        return max(ranked, key=under)        # the first of the ranking among equals

    def _dropped_short_forms(self, text: str) -> dict[str, str]:
        """Short forms (南部, 保康) of the county/city full names written in ``text`` (南部县,
        保康县) that the gazetteer does not list because they are also ordinary words."""
        dropped = self.gaz.dropped_short_forms()
        if self._short_auto is None:
            self._short_auto = Surfaces(dropped)
        out: dict[str, str] = {}
        for _, _, full in self._short_auto.find(text):
            out.setdefault(dropped[full], full)
        return out

    # ------------------------------------------------------------------ main
    def __call__(self, doc: Doc) -> Doc:
        init_doc(doc)
        ents = [e for e in doc._.entities if e.get("label") in LINKED
                and not in_ignored(doc, e["start"], e["end"])]
        if not ents:
            return doc
        text = doc.text
        context = self.infer_context(doc, text)
        publisher = (doc._.meta or {}).get("publisher")
        lk = self.gaz._linker
        surfaces = {id(e): clean(text[e["start"]:e["end"]]) for e in ents}
        region_names = {surfaces[id(e)] for e in ents if e["label"] == "REGION"}
        short_full = self._dropped_short_forms(text)
        # a report names the same places and bodies again and again: each surface is linked once
        # (the linker's answer depends only on the surface, the context and the publisher)
        region_links: dict[str, tuple] = {}
        inst_links: dict[tuple[str, str], tuple] = {}

        def link_region(s: str) -> tuple:
            r = region_links.get(s)
            if r is None:
                r = region_links[s] = lk.link_region(s, context)
            return r

        def link_institution(label: str, s: str) -> tuple:
            r = inst_links.get((label, s))
            if r is None:
                r = inst_links[label, s] = lk.link_institution(label, s, context, publisher)
            return r

        methods = {}
        for e in ents:
            s = surfaces[id(e)]
            if e["label"] == "REGION":
                kb, canon = link_region(s)
                if kb is None and s in short_full:  # 南部 in a report that writes 南部县
                    kb, canon = link_region(short_full[s])
                if kb is None and not s.endswith(_SUB_COUNTY):
                    full = sorted(n for n in region_names if n.startswith(s) and n[len(s):] in _SUB_COUNTY)
                    if full:
                        canon = full[0]
            elif e["label"] == "SCHOOL" and s in self.school_short_names:
                canon = self.school_short_names[s]       # 清华 -> 清华大学
                kb, methods[id(e)] = lk._known(canon), "rule"
            else:
                kb, canon, methods[id(e)] = link_institution(e["label"], s)
                short = next((s[:n] for n in (3, 2) if s[:n] in short_full and len(s) > n), None)
                if short is not None and methods[id(e)] in ("nil", "bare", "fuzzy"):
                    # a name opening with such a short form: an abbreviation expands on the full
                    # name (南部二中 -> 南部县第二中学); otherwise the name is kept as written
                    # (南部中学 is a school's own name, not 南部县 + 南部中学)
                    k2, c2, m2 = link_institution(e["label"], short_full[short] + s[len(short):])
                    if m2 == "abbrev":
                        kb, canon, methods[id(e)] = k2, c2, m2
                    else:
                        kb, canon, methods[id(e)] = None, s, "nil"
            e["kb_id"], e["canonical"] = kb, canon
        # pass 2: short SCHOOL/ORG mentions take a full name written elsewhere in the report
        # in the order the report names them (a set's order changed from process to process)
        names = list(dict.fromkeys(e["canonical"] for e in ents if e["label"] != "REGION"))
        corefs: dict[tuple[str, str], str | None] = {}
        for e in ents:
            if methods.get(id(e)) in (None, "alias", "rule"):
                continue
            key = (surfaces[id(e)], e["canonical"])
            if key not in corefs:
                corefs[key] = lk.coref(key[0], [n for n in names if n != key[1]])
            c = corefs[key]
            # a name a rule wrote out takes a fuller one only when it is contained in it (南部县职业
            # 学校 -> 南部县职业技术学校), not another school (昆山市第一中学 is not 昆山第一中等专业学校)
            if c and methods.get(id(e)) in _WRITTEN_OUT and not is_subsequence(e["canonical"], c):
                continue
            if c:
                e["kb_id"], e["canonical"] = lk._known(c), c
        return doc

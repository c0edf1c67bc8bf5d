"""What a numeric target counts: its ``indicator`` (ANNOTATION.md s.3), "the short noun phrase
that says what is counted" (新增幼儿园学位, 公办幼儿园在园幼儿占比).

Interface.  ``IndicatorReader(config, mentions, year_cue)`` is built once by the targets stage
(``config``: the ``indicator:`` block of configs/units.yaml; ``mentions``: the stage's regex of
a number with its unit; ``year_cue``: its ``kind.year_cue``).  Per mention, in document order,
``parent(ctx, t, prev, parent)`` says which mention a 其中-part belongs to and
``read(ctx, t, prev, parent, part)`` gives the indicator.  Everything about the document comes
in as ``ctx``, a :class:`Reading` made by the stage for one call and kept by no one, so one
reader serves any number of documents at once.

Inside, three readers share one compiled vocabulary (``_Vocabulary``), in this order:

- ``_ClauseBefore``: the clause before the number (新增幼儿园学位[8100个]); leading frames,
  light verbs, years and comparator words are cleaned off; 分别-lists, changes, shares,
  coordinated people, heads borrowed from the mention before, bare rates;
- ``_NumberFirst``: the number first (新增[80所]结对学校, [6所]幼儿园通过评估): the noun
  phrase after it, a verb phrase after that turned into a 的-modifier, lists and coordinated
  counts, people appointed or sent, what 对 brings before an act (接受巡察的学校);
- ``IndicatorReader`` itself: the mention before in the same sentence, 其中 parts
  (``_as_part_of``) and shares (``_share_of_whole``), siblings after 、 (``_sibling``), list verbs;
- ``_Qualifiers``: qualifiers earlier in the sentence: a sub-area subject (市本级…), a light-verb
  topic clause (开展…监测,抽测学生…), a subject clause, the topic a verb of reach reaches from
  (组建共同体N个,覆盖乡村学校…), a baseline's past year, 人数.

Vocabulary (word lists, cue words, the words of the year, share and change patterns) lives in
the ``indicator:`` block of configs/units.yaml; the code keeps the grammar: punctuation, the
shared families of ``pipeline.patterns`` and the particles a phrase is built with (的, 等, 了,
每, 年 after a year's digits).  Nothing here names a place or a report.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from ..patterns import CN_DIGITS as _CN_DIGITS, PAGE_NUMBER_LINE, YEAR_DIGITS
from ..zh import alt as _alt, posseg as _posseg


@dataclass
class Reading:
    """One document as the targets stage reads it: made at the start of each call of the
    component, handed to everything that reads a mention, dropped at the end of the call (no
    component keeps it, so one component can serve many documents at once).

    ``clause_ends`` / ``sentence_ends``: where clauses and sentences end (a page-number line
    inside a sentence ends neither); ``quoted``: quoted spans, in order; ``paragraph_years``:
    line start -> (end of its opening "2023年，", that year) for the lines that open so;
    ``default_kind``: what most of the document sounds like, filled in when first asked."""
    text: str
    clause_ends: list[int]
    sentence_ends: list[int]
    quoted: list[tuple[int, int]]
    paragraph_years: dict[int, tuple[int, int]]
    default_kind: str | None = None

    def __post_init__(self) -> None:
        self.quote_starts = [s for s, _ in self.quoted]

    def clause_start(self, pos: int) -> int:
        i = bisect.bisect_left(self.clause_ends, pos) - 1
        return self.clause_ends[i] + 1 if i >= 0 else 0

    def sentence_start(self, pos: int) -> int:
        i = bisect.bisect_left(self.sentence_ends, pos) - 1
        return self.sentence_ends[i] + 1 if i >= 0 else 0

    def in_quotes(self, s: int, e: int) -> bool:
        """Whether [s, e) lies inside a quoted span (that starts before s)."""
        i = bisect.bisect_right(self.quote_starts, s) - 1
        return i >= 0 and self.quoted[i][1] >= e and self.quoted[i][0] < s

    def paragraph_year(self, pos: int) -> int | None:
        """The year a paragraph opens with (2023年，全市…), before ``pos``: in a plan, a past
        year's paragraph reports that year's results, sentence after sentence."""
        opening = self.paragraph_years.get(self.text.rfind("\n", 0, pos) + 1)
        return opening[1] if opening is not None and opening[0] <= pos else None


# the grammar of punctuation around a number (the words are in configs/units.yaml)
_OPEN = re.compile(r"[(（][^()（）]*$")                # a parenthesis still open
_QUOTE_MARKS = re.compile(r"[“”\"‘’「」]")
_NOISE = re.compile(rf"(?:{PAGE_NUMBER_LINE.pattern}|[\s“”\"‘’《》「」])+")
_QUOTED = re.compile(r"“([^“”]*)”|\"([^\"]*)\"|‘([^‘’]*)’|「([^「」]*)」")
_LIST_SEP = re.compile(r"[、+]")
_SHARE_UNITS = ("%", "‰")


def _verbs_only(words) -> bool:
    """建成投用 (建成/v 投/vn 用/p): a short verb compound the tagger splits."""
    return (len(words) > 1 and words[0][1] == "v" and sum(len(w) for w, _ in words) <= 6
            and all(f[0] in "vp" for _, f in words))


def _np_of(ind: str) -> str:
    """The noun phrase of an indicator: what follows its last verb (实施教育基建项目 ->
    教育基建项目, 全市新增正高级教师 -> 正高级教师)."""
    words = _posseg(ind)
    pos, cut = 0, 0
    for w, f in words:
        pos += len(w)
        if f[0] == "v" and f != "vn":
            cut = pos
    np_ = ind[cut:]
    return np_ if len(np_) >= 2 else ind


def _head_end(phrase: str, most: int) -> str:
    """The head end of a noun phrase, whole words up to ``most`` characters (农村义务教育学生营养
    改善计划 -> 学生营养改善计划 at 8): a Chinese noun phrase ends in its head."""
    out = ""
    for w, _ in reversed(_posseg(phrase)):
        if len(out) + len(w) > most:
            break
        out = w + out
    return out.lstrip("、，,；;和及与")


class _Vocabulary:
    """The ``indicator:`` block of configs/units.yaml, compiled once and shared by the readers
    below (read only)."""

    def __init__(self, ind: dict) -> None:
        self.ind_lead = re.compile("^(?:" + _alt(ind["strip_leading"]) + ")+")
        self.ind_trail = re.compile("(?:" + _alt(ind["strip_trailing"]) + ")+$")
        since = f"(?:{_alt(ind['change_compare'])})?(?:{_alt(ind['change_periods'])})?"
        self.inc = re.compile(f"{since}(?:{_alt(ind['increase_words'])})了?$")
        self.dec = re.compile(f"{since}(?:{_alt(ind['decrease_words'])})了?$")
        self.inc_words = tuple(ind["increase_words"])
        self.dec_words = tuple(ind["decrease_words"])
        self.inc_suffix = ind["increase_suffix"]
        self.dec_suffix = ind["decrease_suffix"]
        self.inc_count_suffix = ind.get("increase_count_suffix") or self.inc_suffix
        self.count_units = frozenset(ind.get("count_units") or ())
        self.change_suffixes = (self.inc_count_suffix, self.inc_suffix, self.dec_suffix)
        self.ind_max = int(ind["max_len"])
        self.last_year_words = set(ind["last_year_words"])
        self.last_year_prefix = ind["last_year_prefix"]
        self.year_lead = re.compile(
            rf"^(?:{YEAR_DIGITS}年(?:{_alt(ind['year_lead_suffixes'])})?|{_alt(ind['year_lead_words'])})+")
        self.year_tail = re.compile(rf"{YEAR_DIGITS}年(?:{_alt(ind['year_tail_suffixes'])})?$")
        self.year_inside = re.compile(rf"{YEAR_DIGITS}年(?:{_alt(ind['year_inside_suffixes'])})?")
        closers = _alt(ind["number_closers"])
        self.closer_chars = "".join(sorted(set("".join(ind["number_closers"]))))
        self.pre_lead = re.compile(rf"^[、)）\]】]*(?:{closers})?[、,，)）]*")
        self.post_end = re.compile(rf"[，,；;。！？!?：:、\n\t|(（)）《》\d]|{closers}")
        self.post_tail = re.compile(rf"^(?:[ \u3000]|{_alt(ind['number_closers'] + ind['number_marks'])})+")
        self.borrow_heads = frozenset(ind["borrow_head_chars"])
        self.money_unit = ind["money_unit"]
        self.share_verb = ind["share_verb"]
        self.share_noun = ind["share_noun"]
        self.share_of_previous = ind["share_of_previous"]
        self.each = re.compile(_alt(ind["respectively_words"]))
        self.each_value_joins = ("、", ",", "，", *ind["respectively_value_joins"])
        self.each_subject_joins = tuple(ind["respectively_subject_joins"])
        self.place_suffixes = frozenset(ind["place_suffixes"])
        self.rate_words = tuple(ind["rate_words"])
        self.sub_cue = ind["sub_cue"]
        self.money_heads = tuple(ind["money_heads"])
        self.money_nouns = tuple(ind.get("money_nouns", ())) or ("\0",)
        self.generic_nouns = tuple(ind["generic_nouns"])
        self.institutions = list(ind["institutions"])
        self.unit_heads = {k: list(v) for k, v in ind["unit_heads"].items()}
        self.ind_drop = re.compile("|".join(f"(?:{r})" for r in ind["drop_patterns"]))
        self.vp_not_start = set(ind["vp_not_start"])
        self.unit_noun = dict(ind["unit_noun"])
        self.ind_prep = re.compile("^(?:" + _alt(ind["leading_frames"]) + ")")
        self.frame_verbs = frozenset(ind.get("frame_verbs", ()))
        self.bare_heads = frozenset(ind.get("bare_heads", ()))
        self.post_and = tuple(sorted(ind.get("post_coordinators", ()), key=len, reverse=True))
        self.post_work = tuple(ind.get("post_work_nouns", ()))
        self.post_vp_max = int(ind["post_vp_max"])
        self.post_lead_drop = re.compile(_alt(ind.get("post_lead_drop") or ["\0"]))
        self.post_heads = {k: tuple(v) for k, v in (ind.get("post_count_heads") or {}).items()}
        self.people_units = frozenset(ind.get("people_units", ()))
        self.subject_heads = tuple(ind.get("subject_heads", ())) or ("\0",)
        self.people_pivot_verbs = tuple(sorted(ind.get("people_pivot_verbs", ()), key=len, reverse=True))
        self.people_count_verbs = tuple(ind.get("people_count_verbs", ())) or ("\0",)
        self.people_count_noun = ind["people_count_noun"]
        self.people_heads = tuple(ind["people_heads"])
        self.people_times_units = frozenset(ind["people_times_units"])
        self.people_event_open = tuple(ind["people_event_open"])
        self.people_event_rx = re.compile(
            f"^(?:{_alt(ind['people_event_open'])})(.{{2,20}}?)(?:{_alt(ind['people_event_close'])})(.{{1,4}})$")
        self.people_mid_frames = tuple(ind.get("people_mid_frames", ()))
        self.people_unit_heads = dict(ind.get("people_unit_heads", {}))
        self.people_coord = tuple(ind["people_coord"])
        self.people_share_rx = re.compile("^(.*?)(?:" + _alt(ind["people_share_words"]) + ")(.+)$")
        self.people_whole_tail = re.compile("(?:" + _alt(ind["people_whole_tails"]) + ")$")
        self.people_role_rx = re.compile("^([^的]{2,10}?)(?:" + _alt(ind["people_role_verbs"]) + ")(.{2,})$")
        self.people_role_join = ind["people_role_join"]
        self.ctx_once_done = re.compile(f"^[\u4e00-\u9fff]{{1,3}}(?:{_alt(ind['context_once_done'])})")
        self.light_verbs = frozenset(ind.get("light_verbs") or ())
        self.shared_word_max = int(ind.get("shared_word_max", 6))
        self.frame_object_preps = frozenset(ind.get("frame_object_preps") or ())
        places = "".join(sorted(set("".join(ind["place_suffixes"]))))
        self.undergo_rx = re.compile(f"(?:{_alt(ind['undergo_preps'])})(?:全[{places}])?$") \
            if ind.get("undergo_preps") else None
        self.undergo_verb = ind.get("undergo_verb", "")
        self.undergo_light = tuple(sorted(ind.get("undergo_light_verbs") or (), key=len, reverse=True))
        self.light_not_before = tuple(ind.get("light_not_before") or ("\0",))
        self.light_det = re.compile("^(?:" + _alt(ind.get("light_determiners") or ["\0"]) + ")")
        self.ctx_levels = tuple(sorted(ind.get("context_levels", ()), key=len, reverse=True))
        self.ctx_level_rx = re.compile(_alt(self.ctx_levels)) if self.ctx_levels else None
        self.ctx_topic_verbs = tuple(sorted(ind.get("context_topic_verbs", ()), key=len, reverse=True))
        self.ctx_topic_tail = tuple(sorted(ind.get("context_topic_tail", ()), key=len, reverse=True))
        self.ctx_topic_frames = tuple(ind.get("context_topic_frames", ()))
        self.ctx_topic_verb_rx = re.compile(_alt(self.ctx_topic_verbs or ["^"]))
        self.reach_verbs = tuple(ind.get("reach_verbs") or ())
        self.reach_topic_max = int(ind.get("reach_topic_max", 8))
        self.reach_topic_verbs = tuple(sorted(set(self.ctx_topic_verbs) | set(ind.get("reach_topic_verbs") or ()),
                                              key=len, reverse=True))
        self.ctx_topic_adv = re.compile("^(?:" + _alt(ind.get("context_topic_adverbs", ()) or ["^"]) + ")*")


class _NumberFirst:
    """The number comes first (新增[80所]结对学校, [6所]幼儿园通过评估): the noun phrase after
    it is what is counted, a verb phrase after that its 的-modifier, the verb before the
    number its lead; lists, coordinated counts and people appointed, sent or listed."""

    def __init__(self, vocab: _Vocabulary, mentions: re.Pattern):
        self.vocab = vocab
        self.mentions = mentions

    def read(self, ctx: Reading, t: dict, pre: str) -> str | None:
        """The indicator of ``t`` read from the words after it (``pre``: the cleaned clause
        before it), or None when they name nothing."""
        text = ctx.text
        post = text[t["end"]:t["end"] + 40]
        post = self.vocab.year_inside.sub("", self.vocab.post_tail.sub("", post))
        is_share = t["unit"] in _SHARE_UNITS
        post_q = post
        post = _QUOTE_MARKS.sub("", post).lstrip("的")   # 建成[5个]“智安校园”示范点
        post_full = post
        post = self.vocab.post_end.split(post, 1)[0]
        post = _NOISE.sub("", post)
        if not post or not "\u4e00" <= post[0] <= "\u9fff":
            return None
        role = self._people_role(post, t)
        if role:
            return role[-self.vocab.ind_max:]
        words = self._post_words(post, post_q)
        np_end = 0
        for w, f in words:
            if f[0] in "vpdcu" and f != "vn" or np_end and w in self.vocab.frame_verbs:
                break                        # 乡镇|改扩建(j)…: a building verb the tagger misreads
            np_end += len(w)
        np_, vp = post[:np_end], post[np_end:]
        np_, vp = self._post_np_vp(post_full, np_, vp)
        undergo = self._undergo(ctx, t, post_full, np_)
        if undergo:
            return undergo[-self.vocab.ind_max:]
        share_vp = vp.replace("的", "")[:8]
        vp = self._post_cut(vp.split("的", 1)[0])
        if vp and vp[0] in self.vocab.vp_not_start:
            vp = ""
        pre_words = _posseg(pre) if pre else []
        lead = pre if pre_words and (pre_words[-1][1][0] == "v" or _verbs_only(pre_words)) else ""
        lead = lead or self._people_place_lead(pre, pre_words)
        lead = self._post_lead(ctx, t, pre, lead, vp)
        if not lead and np_:                 # 新增A、B[2个]专业: the verb opening the list
            listed = self._people_list_lead(ctx, pre, t)
            lead = listed if listed != pre else lead
        np_, vp = self._post_head(t, np_, vp)
        phrase = ""
        if is_share and np_:
            # 共同体覆盖[80%]以上的农村学校: the verb before the share is its 的-modifier
            mod = lead + "的" if lead and post_q.startswith("的") and not share_vp else ""
            phrase = mod + np_ + share_vp + self.vocab.share_noun
        elif np_ and vp:
            phrase = lead + vp + "的" + np_
        elif np_ in self.vocab.bare_heads and pre and not lead and not vp:
            # 完成第二届中德班[96名]学生: a bare head takes the noun phrase before the number
            np0 = _np_of(pre)
            phrase = np0 + np_ if 2 <= len(np0) < len(pre) or (np0 == pre and pre_words
                                                                and pre_words[0][1][0] == "n") else np_
        elif np_:
            phrase = lead + np_
        elif vp and lead:
            phrase = lead + vp
        elif vp and (pivot := self._people_pivot(pre, vp, t)):
            phrase = pivot
        elif vp and not pre:
            phrase = vp + ("的" + self.vocab.unit_noun[t["unit"]] if t["unit"] in self.vocab.unit_noun else "")
        return phrase[-self.vocab.ind_max:] if phrase else None

    def _undergo(self, ctx: Reading, t: dict, post: str, np_: str) -> str:
        """对[23所]学校开展专项巡察 -> 接受专项巡察的学校, 完成对[8所]高校的巡察 -> 接受巡察的
        高校: the ones 对 brings before an act are counted as the ones that undergo it.  Not
        people (对150名园长开展专题培训: they take part, the act stays as written)."""
        if not self.vocab.undergo_rx or not np_ or "、" in np_ or t["unit"] in self.vocab.people_units:
            return ""
        before = _NOISE.sub("", ctx.text[max(0, t["start"] - 8):t["start"]])
        if not self.vocab.undergo_rx.search(before):
            return ""
        rest = _NOISE.sub("", post)
        if not rest.startswith(np_):
            return ""
        rest = rest[len(np_):]
        rest = rest[1:] if rest.startswith("的") else rest
        act = self.vocab.post_end.split(rest, 1)[0]
        v = next((w for w in self.vocab.undergo_light if act.startswith(w)), "")
        act = act[len(v):]
        words = _posseg(act) if act else ()
        if len(act) < 2 or "的" in act or not any(f[0] == "v" for _, f in words):
            return ""
        return self.vocab.undergo_verb + act + "的" + np_

    def _post_words(self, post: str, raw: str) -> tuple[tuple[str, str], ...]:
        """jieba's words of the noun phrase after the number, a quoted name kept as one word
        (建成5个“智安校园”示范点: 智安校园 is not 智 + 安 + 校园)."""
        if not _QUOTED.search(raw):
            return _posseg(post)
        words: list[tuple[str, str]] = []
        pos = 0
        for m in _QUOTED.finditer(raw):
            words.extend(_posseg(raw[pos:m.start()]) if m.start() > pos else ())
            q = next(g for g in m.groups() if g is not None)
            if q:
                words.append((q, "nz"))
            pos = m.end()
        words.extend(_posseg(raw[pos:]) if pos < len(raw) else ())
        out, acc = [], 0                     # only as far as post goes
        for w, f in words:
            if not post.startswith(w, acc):
                break
            out.append((w, f))
            acc += len(w)
        return tuple(out) if acc == len(post) else _posseg(post)

    def _post_np_vp(self, full: str, np_: str, vp: str) -> tuple[str, str]:
        """The verb phrase that says what the counted noun did: through lists and counts inside
        it, and-joined nouns moved to the noun phrase, cut at 等."""
        if not np_:
            return np_, vp
        last = _posseg(np_)[-1]
        if vp and len(last[0]) == 1 and last[1] in ("a", "d", "ad") and len(np_) > 2:
            np_, vp = np_[:-1], last[0] + vp          # 公办中小学 | 全覆盖
        full = _NOISE.sub("", full)
        end = len(np_) + len(vp)
        if full.startswith(np_ + vp) and (full[end:end + 1] == "、" or not vp and full[end:end + 1].isdigit()):
            vp = self._post_list(full, end, vp)
        elif vp and full.startswith(np_ + vp) and end < len(full) and not vp.startswith("的"):
            m = self.mentions.match(full, end)             # 20位专家开讲[20次]讲堂: a count inside
            if m is not None:
                vp += self.vocab.post_end.split(full[m.end():], 1)[0]
        if vp.startswith("的"):                     # 42个支部的集中换届选举工作
            vp = self._post_of_act(vp[1:]) or vp
        if not vp:
            return np_, vp
        if vp.startswith(self.vocab.post_and):            # 书记和党务干部 | 进行了专题培训
            c = next(a for a in self.vocab.post_and if vp.startswith(a))
            pos = len(c)
            for w, f in _posseg(vp[pos:]):
                if f[0] in "vpdcu" and f != "vn":
                    break
                pos += len(w)
            if len(c) < pos < len(vp):
                np_, vp = np_ + vp[:pos], vp[pos:]
        if "等" in vp:                              # 结对导学等方面深入合作
            k = 0
            for w, f in _posseg(vp):
                if w == "等" and k >= 2:
                    vp = vp[:k]
                    break
                k += len(w)
        return np_, vp

    def _post_head(self, t: dict, np_: str, vp: str) -> tuple[str, str]:
        """26所学校课后服务实现全覆盖: the measure word counts 学校; 课后服务 is the topic of
        the verb phrase (课后服务实现全覆盖的学校)."""
        heads = self.vocab.post_heads.get(t["unit"])
        if not heads or not vp or not np_:
            return np_, vp
        best = -1
        for h in heads:
            i = np_.find(h)
            if i >= 0 and (best < 0 or i + len(h) < best):
                best = i + len(h)
        if 0 < best < len(np_) - 1 and not np_.startswith(self.vocab.post_and, best):
            return np_[:best], np_[best:] + vp
        return np_, vp

    def _post_cut(self, vp: str) -> str:
        """The verb phrase, whole words up to post_vp_max characters."""
        if len(vp) <= self.vocab.post_vp_max:
            return vp
        n = 0
        for w, _ in _posseg(vp):
            if n + len(w) > self.vocab.post_vp_max:
                break
            n += len(w)
        return vp[:n]

    def _post_of_act(self, rest: str) -> str:
        """NP的 + a nominalised verb (支部的集中换届选举工作): the act, as a verb phrase."""
        words = _posseg(rest)
        if not words or words[0][1][0] != "v" or "的" in rest:
            return ""
        for w in self.vocab.post_work:
            if rest.endswith(w) and len(rest) > len(w):
                return rest[: -len(w)]
        return rest if words[-1][1] == "vn" else ""

    def _after_count(self, ctx: Reading, pos: int) -> bool:
        """Whether a number with its unit ends right at ``pos``."""
        a = max(0, pos - 12)
        return any(m.end() == pos - a for m in self.mentions.finditer(ctx.text[a:pos]))

    def _post_shared_verb(self, ctx: Reading, t: dict, pre: str) -> str:
        """完成了10个学校8个党总支[42个]支部的换届选举: a count right after another one shares
        the verb that opens the clause."""
        cs = ctx.clause_start(t["start"])
        head = ctx.text[cs:t["start"] - len(pre)]
        if not self.mentions.search(head):
            return ""
        words = _posseg(head)
        lead = ""
        for w, f in words:
            if f[0] == "v" and f != "vn" or w in self.vocab.frame_verbs:
                lead += w
            elif f in ("ul", "uz") and lead:
                continue
            else:
                break
        return lead if lead and len(words) > 2 else ""

    def _post_list(self, full: str, end: int, vp: str) -> str:
        """The verb phrase cut at a 、: 被清华大学、北京大学录取 goes on through a list of
        objects; 4所学校、19个专业入选… shares the verb phrase of the last count."""
        rest = full[end + 1:] if full[end] == "、" else full[end:]
        if not rest:
            return vp
        if not vp:
            m = self.mentions.match(rest)
            if m is None or m.start() != 0:
                return vp
            nxt = self.vocab.post_end.split(rest[m.end():], 1)[0]
            pos = 0
            for w, f in _posseg(nxt):
                if f[0] in "vpdcu" and f != "vn":
                    break
                pos += len(w)
            return nxt[pos:] if 0 < pos < len(nxt) else vp
        for _ in range(4):
            piece = self.vocab.post_end.split(rest, 1)[0]
            words = _posseg(piece)
            if (not words or words[0][1][0] == "v" or piece[0].isdigit()
                    or words[0][1][0] == "m" and vp[-1:] not in _CN_DIGITS):   # 一、二等奖
                return vp
            vp += "、" + piece
            rest = rest[len(piece):]
            if not rest.startswith("、"):
                break
            rest = rest[1:]
        return vp

    def _post_lead(self, ctx: Reading, t: dict, pre: str, lead: str, vp: str) -> str:
        lead = self._post_lead_list(ctx, t, pre, lead, vp)
        if not lead and "每" in pre:
            lead = self._post_each(pre)
        return self.vocab.post_lead_drop.sub("", lead) if lead and len(lead) > 3 else lead

    def _post_each(self, pre: str) -> str:
        """确保每个乡镇（街道）至少有[1所]公办中心幼儿园, 完成每学期[两次]近视监测普查: a
        distributive 每-phrase right before the number is part of what is counted."""
        tail = pre[pre.rfind("每"):]
        words = _posseg(tail)
        if len(tail) < 2 or any(f[0] == "v" and f != "vn" for _, f in words[1:]):
            return ""
        return tail

    def _post_lead_list(self, ctx: Reading, t: dict, pre: str, lead: str, vp: str) -> str:
        """The verb before the number, without the list it closes (…建设、开展[百所]学校结对帮扶
        -> 开展; 农业、护理、教育[3个]专业硕士点: a list in apposition is no verb)."""
        joined = pre.endswith(("、", *self.vocab.post_and)) and self._after_count(ctx, t["start"] - len(pre))
        if not lead and (vp or joined) and (
                not pre or joined or not any(f[0] == "v" for _, f in _posseg(pre))):
            return self._post_shared_verb(ctx, t, pre)
        if not _LIST_SEP.search(pre) or not (lead or ctx.text[t["start"] - 1:t["start"]] == "等"):
            return lead
        parts = _LIST_SEP.split(pre)
        words = _posseg(parts[-1]) if parts[-1] else ()
        if words and words[-1][1] == "v":
            return parts[-1]
        # 新增智能制造、茶艺与茶营销[2个]专业, 开工建设甲校、乙校等[8个]项目: the verb of the list
        lead, on = "", False
        for w, f in _posseg(parts[0]):
            if f[0] == "v" and (f == "v" or on):
                lead, on = lead + w, True
            elif on:
                break
        return lead

    def _people_role(self, post: str, t: dict) -> str | None:
        """聘请[11位]专家学者为职业教育发展顾问: people appointed as a role are counted by
        the role (the role, then who they are)."""
        if t["unit"] not in self.vocab.people_units:
            return None
        m = self.vocab.people_role_rx.match(post)
        if not m:
            return None
        who, role = m.group(1), m.group(2)
        rw = _posseg(role)
        if rw[-1][1][0] != "n" or any(f[0] in "pc" for _, f in rw):   # 为学生开展辅导: 为 is "for"
            return None
        ww = _posseg(who)
        if ww[-1][1][0] != "n" or any(f[0] in "pd" for _, f in ww):      # 被发展成为…
            return None
        return role + self.vocab.people_role_join.format(who)

    @staticmethod
    def _people_place_lead(pre: str, words) -> str:
        """引进上海[24名]名校长: a place between the verb and a leading number says where the
        counted come from; verb and place lead the noun phrase."""
        if len(words) >= 2 and words[-1][1] == "ns" and words[-2][1][0] == "v" and words[-2][1] != "vn":
            return pre
        return ""

    def _people_pivot(self, pre: str, vp: str, t: dict) -> str:
        """选派骨干教师[60名]到县中跟岗支教 -> 选派到县中跟岗支教的骨干教师: people sent or
        brought to do something are counted by what they do, the sending verb kept."""
        if t["unit"] not in self.vocab.people_units or not vp or vp[0] in self.vocab.vp_not_start:
            return ""
        pivot = next((v for v in self.vocab.people_pivot_verbs if pre.startswith(v)), "")
        who = pre[len(pivot):]
        if not pivot or len(who) < 2 or not who.endswith(self.vocab.people_heads):
            return ""
        if any(f[0] == "v" and f != "vn" for _, f in _posseg(who)):
            return ""
        return pivot + vp + "的" + who

    def _people_list_lead(self, ctx: Reading, pre: str, t: dict) -> str:
        """新增A、B[2个]专业, 开工建设A、B等[8个]项目: a list before a leading number is an
        apposition of the noun after it; only the verb that opens the clause is kept."""
        if "、" not in pre and not ctx.text[:t["start"]].rstrip().endswith("等"):
            return pre
        words = _posseg(pre)
        pos, a, b = 0, -1, -1
        for w, f in words:
            if w == "、":
                break
            if f[0] == "v" and f != "vn":        # 在建兴(vn)镇、…: a place, no verb
                a = pos if a < 0 else a
                b = pos + len(w)
            elif a >= 0:
                break
            pos += len(w)
        return pre[a:b] if a >= 0 else ""


class _ClauseBefore:
    """The clause before the number names what is counted (新增幼儿园学位[8100个]): leading
    frames, light verbs, years and comparator words are cleaned off; 分别-lists, changes
    (增幅/降幅), shares, coordinated people, heads borrowed from the mention before, money of
    the projects just counted, bare rates; else the words after the number (``_NumberFirst``)."""

    def __init__(self, vocab: _Vocabulary, mentions: re.Pattern, number_first: _NumberFirst):
        self.vocab = vocab
        self.mentions = mentions
        self.number_first = number_first

    def read(self, ctx: Reading, t: dict, cs: int, prev: dict | None) -> tuple[str | None, bool]:
        """(the indicator of ``t``, whether it names a share of a whole); ``cs``: where the
        clause of ``t`` starts, ``prev``: the mention before ``t`` (with its indicator)."""
        each = self._respectively(ctx, t, cs)
        if each:
            return each, False
        pre, raw = self._before(ctx, t, cs, prev)
        if raw == self.vocab.share_verb and prev is not None and prev.get("indicator"):
            return prev["indicator"] + self.vocab.share_of_previous, False
        coord = self._people_coord(pre, raw, prev)
        if coord:
            return coord[-self.vocab.ind_max:], False
        share = self._share_of(pre, raw, t, prev)
        if share is None:
            return self._rest(ctx, t, cs, prev, pre, raw), False
        phrase = self._share_phrase(*share)
        return (phrase[-self.vocab.ind_max:] if phrase else self._rest(ctx, t, cs, prev, pre, raw)), True

    def _before(self, ctx: Reading, t: dict, cs: int, prev: dict | None) -> tuple[str, str]:
        """The words between the clause start (or the mention before) and ``t``: cleaned, and
        as written less noise (raw)."""
        text = ctx.text
        pre_start = cs
        if prev is not None and prev["end"] > cs:
            pre_start = prev["end"]
        pre = text[pre_start:t["start"]]
        pre = self.vocab.pre_lead.sub("", pre)
        pre = _NOISE.sub("", pre)
        k = _OPEN.search(pre)           # a parenthesis opened before the number
        if k:
            pre = pre[k.start() + 1:]
        raw = pre
        pre = self._clean(self._drop_frame(self._clean(self.vocab.ind_drop.sub("", pre))))
        if "等" in pre:                       # 开展船员等社会培训 -> 社会培训 (not 高等教育)
            pos = 0
            for w, _ in _posseg(pre):
                pos += len(w)
                if w == "等" and 1 < pos <= len(pre) - 2:
                    pre = pre[pos:]
                    break
        return pre, raw

    def _rest(self, ctx: Reading, t: dict, cs: int, prev: dict | None, pre: str, raw: str) -> str | None:
        """Past the lists, coordinations and shares: a change (增幅/降幅), a head borrowed from
        the mention before, then the words after the number, then the clause itself less its
        subject, frames and people constructions."""
        text = ctx.text
        change = None
        tail = pre[:-1] if pre.endswith("了") else pre     # both patterns end word + 了?
        if tail.endswith(self.vocab.inc_words) and self.vocab.inc.search(pre):
            change = self.vocab.inc_count_suffix if t["unit"] in self.vocab.count_units else self.vocab.inc_suffix
            pre = self._clean(self.vocab.inc.sub("", pre))
        elif tail.endswith(self.vocab.dec_words) and self.vocab.dec.search(pre):
            change = self.vocab.dec_suffix
            pre = self._clean(self.vocab.dec.sub("", pre))
        if change:
            if len(pre) < 2 and prev is not None and prev.get("indicator"):
                base = prev["indicator"]
                for suf in self.vocab.change_suffixes:
                    if base.endswith(suf):
                        base = base[: -len(suf)]
                        break
                return base + change
            return (pre + change)[-self.vocab.ind_max:] if pre else None
        # 优良率达到50%以上、合格率96%以上: borrow the head of the previous indicator
        if (prev is not None and prev.get("indicator") and 1 < len(pre) <= 4 and pre[-1] in self.vocab.borrow_heads
                and text[prev["end"]:t["start"]].lstrip(self.vocab.closer_chars + " ").startswith(("、", ",", "，"))
                and len(prev["indicator"]) > len(pre) and prev["indicator"][-1] == pre[-1]):
            return prev["indicator"][: -len(pre)] + pre
        # 新建幼儿园项目9个,新增学位[2610个]: places of the kind of school just counted
        g = (next((g for g in self.vocab.generic_nouns if pre.endswith(g)), None)
             if pre.endswith(self.vocab.generic_nouns) else None)
        q = _posseg(pre[: -len(g)]) if g and len(pre) > len(g) else ()
        if (g and (not q or (len(q) == 1 and q[0][1][0] == "v")) and prev is not None and prev.get("indicator")
                and prev["start"] >= ctx.sentence_start(t["start"])
                and not any(w in pre for w in self.vocab.institutions)):
            inst = [w for w in self.vocab.institutions if w in prev["indicator"]]
            if inst:
                w = max(inst, key=lambda x: (prev["indicator"].rfind(x), len(x)))
                return (pre[: -len(g)] + w + g)[-self.vocab.ind_max:]
        # 实施教育项目116个,完成投资[18.4亿元]: money for the things counted just before
        if (t["unit"] == self.vocab.money_unit and 1 < len(pre) <= 4 and prev is not None and prev.get("indicator")
                and prev["unit"] != self.vocab.money_unit and prev["start"] >= ctx.sentence_start(t["start"])):
            np_ = _np_of(prev["indicator"])
            if len(np_) <= 10 and np_.endswith(self.vocab.money_heads):
                return (np_ + pre)[-self.vocab.ind_max:]
        # 完成教育项目投资[4.37亿元] -> 教育项目完成投资: the projects first, as when they
        # were counted just before (实施教育项目116个,完成投资…)
        if t["unit"] == self.vocab.money_unit and pre.endswith(self.vocab.money_nouns):
            mw = _posseg(pre)
            if len(mw) >= 3 and mw[0][1] == "v" and mw[-1][0] in self.vocab.money_nouns:
                np_ = pre[len(mw[0][0]):-len(mw[-1][0])]
                if np_.endswith(self.vocab.money_heads) and not any(f[0] == "v" and f != "vn" for _, f in mw[1:-1]):
                    return (np_ + mw[0][0] + mw[-1][0])[-self.vocab.ind_max:]
        # 覆盖率达[80%], 完成率[146.78%]: a bare rate names its subject in the clause before
        if 1 < len(pre) <= 4 and pre.endswith(self.vocab.rate_words):
            head = self._subject_before(ctx, t, cs, prev)
            if head and not head.endswith(self.vocab.rate_words):
                return (head + pre)[-self.vocab.ind_max:]
        if pre in self.vocab.last_year_words and prev is not None and prev.get("indicator"):
            return self.vocab.last_year_prefix + prev["indicator"]
        # the number comes first: a noun phrase follows it
        post = self.number_first.read(ctx, t, pre)
        if post:
            return post
        if not pre:
            # 由2021年的53.6%提高到[60%]以上, 分别达到88.18%、[87.30%]: the same indicator
            if prev is not None and prev.get("indicator") and prev["end"] > cs:
                return prev["indicator"]
            return None
        pre = self._drop_subject(pre)
        pre = self._people_verb_only(ctx, pre, t, cs)
        pre = self._people_subject_verb(pre, t)
        pre = self._people_frame_event(pre, raw)
        pre = self._people_mid_frame(pre)
        pre = self._people_unit_head(pre, t)
        framed = self._frame_object(raw)
        if framed:
            return framed[-self.vocab.ind_max:]
        pre = self._drop_light_verb(pre)
        return pre[-self.vocab.ind_max:]

    def _frame_object(self, raw: str) -> str:
        """面向企业职工开展技能培训[10万人次] -> 企业职工技能培训, 在重点水域设置警示牌[300块]
        -> 重点水域警示牌: whom or where a light verb's act is for is part of what is counted;
        the preposition, the light verb and the doer before them are not."""
        if not self.vocab.light_verbs or not self.vocab.frame_object_preps:
            return ""
        r = self.vocab.ind_drop.sub("", _NOISE.sub("", raw))      # not _clean: it strips 对
        words = _posseg(r)
        k = 0
        while k < len(words) and words[k][0] not in self.vocab.frame_object_preps:
            if words[k][1][0] not in "nltjm" or words[k][0] in self.vocab.light_verbs:
                return ""
            k += 1
        if k >= len(words):
            return ""
        j = k + 1
        while j < len(words) and words[j][0] not in self.vocab.light_verbs:
            if words[j][1][0] in "vpd" and words[j][1] != "vn" or words[j][0] == "的":
                return ""
            j += 1
        if j >= len(words):
            return ""
        x = "".join(w for w, _ in words[k + 1:j])
        y = self.vocab.light_det.sub("", "".join(w for w, _ in words[j + 1:]))
        yw = _posseg(y) if y else ()
        if not 2 <= len(x) <= 12 or len(y) < 2 or "的" in y or any(f[0] == "p" for _, f in yw):
            return ""
        if any(f[0] == "v" and f != "vn" for _, f in yw) and yw[-1][1][0] != "n" and yw[-1][1] != "vn":
            return ""
        return x + y

    def _drop_light_verb(self, pre: str) -> str:
        """发放各类学生资助资金[2860万元] -> 学生资助资金, 县教研室组织送教送研活动[35场] ->
        送教送研活动: a light verb (and the doer before it) says who handled what is counted,
        not what it is; the noun phrase after it is the indicator when it holds no other
        verb.  A leading 各类/各级 goes with the verb."""
        if not self.vocab.light_verbs:
            return pre
        words = _posseg(pre)
        pos = 0
        for k, (w, f) in enumerate(words):
            if w in self.vocab.light_verbs:
                rest = pre[pos + len(w):]
                rest = self.vocab.light_det.sub("", rest)
                rw = words[k + 1:]
                last = _posseg(rest)[-1] if rest else ("", "x")
                # 全县共有各级各类学校: the whole area is what every count is of, it stays
                keep = words[0][0] if k and words[0][0][:1] in "全本" and len(words[0][0]) <= 3 else ""
                if rest.startswith(self.vocab.light_not_before):
                    return pre                  # 建成后可容纳: once built, not what is built
                if (len(rest) >= 3 and "的" not in rest and not any(f2[0] == "p" for _, f2 in rw)
                        and all(f2[0] in "nlzd" or f2 in ("vn", "j", "b", "a") for _, f2 in words[:k])
                        and (not any(f2[0] == "v" and f2 != "vn" for _, f2 in rw)
                             or len(last[0]) >= 2 and (last[1][0] == "n" or last[1] == "vn"))):
                    return keep + rest
                return pre
            if f[0] == "v" and f != "vn":
                return pre
            pos += len(w)
        return pre

    def _respectively(self, ctx: Reading, t: dict, cs: int) -> str | None:
        """小学、初中巩固率分别达到[99.6%]、[98.9%] -> 小学巩固率, 初中巩固率: a list of
        subjects sharing one head, then 分别 and as many values, gives the i-th value the i-th
        subject.  The subjects are parallel: the first is as long as the last one's own part
        (what precedes the shared head), the rest of the first item is a prefix for all."""
        text = ctx.text
        seg = text[cs:t["start"]]
        m = None
        for m in self.vocab.each.finditer(seg):
            pass
        if m is None or m.start() < 3:
            return None
        i, rest, first = 0, cs + m.end(), t["start"]
        for v in self.mentions.finditer(text, rest, t["start"]):
            first = min(first, v.start())
            i += 1
            rest = v.end()
        if self.vocab.ind_trail.sub("", _NOISE.sub("", text[cs + m.end():first])):
            return None                         # 甲、乙分别新增学位…: the head follows 分别
        gap = text[rest:t["start"]] if i else ""
        if i and gap.strip(" \u3000\n" + self.vocab.closer_chars) not in self.vocab.each_value_joins:
            return None
        front = _NOISE.sub("", seg[:m.start()])
        front = self._clean(self._drop_frame(self._clean(self.vocab.ind_drop.sub("", front))))
        sep = "、" if "、" in front else next((c for c in self.vocab.each_subject_joins if front.count(c) == 1), "")
        if not sep:
            return None
        items = front.split(sep)
        last = items[-1]
        if len(items) < 2 or i >= len(items) or not all(items) or len(front) > self.vocab.ind_max:
            return None
        words = _posseg(items[0])
        n = 0
        for w, _ in reversed(words):            # the first item's own part, at most as long as
            if n + len(w) > len(last) - 2:      # the last item less a head of two characters
                break
            n += len(w)
        if n == 0:
            return None
        prefix, items[0] = items[0][: len(items[0]) - n], items[0][len(items[0]) - n:]
        head = last[n:]
        items[-1] = last[:n]
        if len(head) < 2:
            return None
        return (prefix + items[i] + head)[-self.vocab.ind_max:]

    def _subject_before(self, ctx: Reading, t: dict, cs: int, prev: dict | None) -> str:
        """The head the previous clause of the same sentence talks about: the previous
        mention's indicator, or else that clause's text."""
        ss = ctx.sentence_start(t["start"])
        if prev is not None and prev["start"] >= ss and prev.get("indicator"):
            head = prev["indicator"]
            for suf in self.vocab.change_suffixes:
                if head.endswith(suf):
                    head = head[: -len(suf)]
                    break
            return head
        head = self._clause_before(ctx, t, cs)
        if not head:
            return ""
        head = self._drop_frame(self._clean(self.vocab.ind_drop.sub("", head)))
        return head if len(head) <= 16 else ""

    def _clause_before(self, ctx: Reading, t: dict, cs: int) -> str:
        """The clause before the one starting at ``cs``, in the same sentence as ``t``, without
        noise ("" when ``cs`` opens the sentence)."""
        ss = ctx.sentence_start(t["start"])
        if cs - 1 <= ss:
            return ""
        return _NOISE.sub("", ctx.text[max(ss, ctx.clause_start(cs - 1)):cs - 1])

    def _drop_frame(self, pre: str) -> str:
        """依托定海区社区学院新增老年教育学位 -> 新增老年教育学位: a leading frame (preposition
        or 依托/围绕 …) is dropped up to the next verb."""
        if not pre or not self.vocab.ind_prep.match(pre):
            return pre
        words = _posseg(pre)
        pos = len(words[0][0])
        for k, (w, f) in enumerate(words[1:], 1):
            if (f[0] == "v" and (f != "vn" or k < len(words) - 1)) or w in self.vocab.frame_verbs:
                return pre[pos:] if len(pre) - pos >= 2 else pre
            pos += len(w)
        return pre

    def _drop_subject(self, pre: str) -> str:
        """某县特殊教育学校新建康复训练室[5间] -> 新建康复训练室: an institution that does the
        counted work is its subject, not part of what is counted; the verb and its object stay."""
        if not pre.endswith(self.vocab.post_work + self.vocab.rate_words) and len(pre) >= 8:
            pos, named = 0, False
            for w, f in _posseg(pre):
                if (f[0] == "v" and f != "vn") or w in self.vocab.frame_verbs or w in self.vocab.ctx_topic_verbs:
                    subj = pre[:pos]
                    if named and subj.endswith(self.vocab.subject_heads) and len(pre) - pos >= 4:
                        return pre[pos:]
                    break
                if f[0] not in "nlj":
                    break
                named = (named or f in ("ns", "nr", "nt", "nz")     # 有条件的小学: no one school
                         or len(w) >= 3 and w[-1] in self.vocab.place_suffixes)    # 毕节市/n
                pos += len(w)
        return pre

    def _clean(self, pre: str) -> str:
        for _ in range(3):
            old = pre
            m = self.vocab.ind_lead.match(pre)
            if m:
                pre = pre[m.end():]
            m = self.vocab.year_lead.match(pre)
            if m:
                pre = pre[m.end():]
            pre = self.vocab.ind_trail.sub("", pre)
            pre = self.vocab.year_tail.sub("", pre)
            if pre == old:
                break
        return pre

    def _share_of(self, pre: str, raw: str, t: dict, prev: dict | None) -> tuple[str, str] | None:
        """骨干教师不低于交流总数的[20%], 占符合条件教师的[16.8%] after 交流轮岗教师[104名]: a
        share of a whole, as (its part, its whole); a bare 占 takes the mention before as part."""
        if t["unit"] not in _SHARE_UNITS or not raw.rstrip().endswith("的"):
            return None
        m = self.vocab.people_share_rx.match(pre)
        if not m:
            return None
        part, whole = m.group(1), self.vocab.people_whole_tail.sub("", m.group(2))
        if not part:
            if not raw.lstrip().startswith(self.vocab.share_verb) or prev is None or not prev.get("indicator"):
                return None
            part = prev["indicator"]
        return part, whole

    def _share_phrase(self, part: str, whole: str) -> str | None:
        """骨干教师占交流比例, 交流轮岗教师占符合条件教师比例: a share names its part and its
        whole."""
        if part.endswith(self.vocab.rate_words):        # 认定数字家校比例不低于总数的10%
            return part
        v = self.vocab
        return part + v.share_verb + whole + v.share_noun if len(whole) >= 2 else None

    def _people_coord(self, pre: str, raw: str, prev: dict | None) -> str | None:
        """表彰优秀集体[40个]和个人[199名]: a bare noun joined by 和/及 to the mention before
        shares that mention's modifiers; it replaces the last word of its indicator."""
        if prev is None or not prev.get("indicator") or not raw.lstrip().startswith(self.vocab.people_coord):
            return None
        pw = _posseg(pre) if 2 <= len(pre) <= 3 else ()
        if len(pw) != 1 or pw[0][1][0] != "n":
            return None
        last = _posseg(prev["indicator"])[-1]
        if last[1][0] != "n" or last[0] == pre or len(prev["indicator"]) <= len(last[0]):
            return None
        n = len(last[0])
        if n > len(pre) and _posseg(last[0][-len(pre):])[-1] == (last[0][-len(pre):], "n"):
            n = len(pre)                    # 先进集体 -> 先进个人
        return prev["indicator"][:-n] + pre

    def _people_mid_frame(self, pre: str) -> str:
        """职专全年面向茶农开展社会培训[3200人次] -> 开展社会培训: a frame (面向/与/向 …) after
        the subject is dropped with the subject, up to the verb that takes an object."""
        if not any(w in pre for w in self.vocab.people_mid_frames):
            return pre
        words = _posseg(pre)
        pos, seen, cut = 0, False, -1
        for w, f in words:                  # the last verb after the frame (面向A、返乡青年开展…)
            if seen and f[0] == "v" and f != "vn" and len(pre) - pos - len(w) >= 2:
                cut = pos
            if w in self.vocab.people_mid_frames:
                seen = True
            pos += len(w)
        return pre[cut:] if cut >= 0 else pre

    def _people_unit_head(self, pre: str, t: dict) -> str:
        """教师人均完成培训[96学时] -> …培训学时: a unit that is itself the measured quantity
        (学时, 课时, 学分) is the head of the indicator."""
        head = self.vocab.people_unit_heads.get(t["unit"])
        return pre + head if head and not pre.endswith(head) else pre

    def _people_frame_event(self, pre: str, raw: str) -> str:
        """在全省技能大赛中获奖[17项] -> 全省技能大赛获奖: a verb with no object after a
        dropped 在…中 frame is about the event the frame names."""
        if not any(w in raw for w in self.vocab.people_event_open):
            return pre
        m = self.vocab.people_event_rx.match(self._clean(self.vocab.ind_drop.sub("", raw)))
        if not m or len(m.group(1)) < 3 or not pre.endswith(m.group(2)):
            return pre
        vw = _posseg(m.group(2))
        return m.group(1) + m.group(2) if len(vw) == 1 and vw[0][1] == "v" else pre

    def _people_subject_verb(self, pre: str, t: dict) -> str:
        """中小学生参加红色研学[9600人次] -> 参加红色研学的中小学生: people who do something
        are counted as the people, the verb phrase their 的-modifier."""
        if t["unit"] not in self.vocab.people_units and t["unit"] not in self.vocab.people_times_units:
            return pre
        heads = self.vocab.people_heads
        pivot = next((v for v in self.vocab.people_pivot_verbs if pre.startswith(v)), "")
        body = pre[len(pivot):]                  # 吸引高校毕业生留襄就业创业: V + who + what
        pos, subj = 0, -1
        words = _posseg(body)
        for k, (w, f) in enumerate(words):
            if f[0] == "v" and f != "vn":
                subj = pos if k and body[:pos].endswith(heads) else -1
                break
            if f[0] not in "nmj":
                return pre
            pos += len(w)
        if subj < 2 or len(body) - subj < 4 or body.endswith(heads):   # 为对象配置导师[42位]
            return pre
        if not pivot and any(f[0] == "v" and f != "vn" for _, f in _posseg(body[subj:])[1:]):
            return pre
        return pivot + body[subj:] + "的" + body[:subj]

    def _people_verb_only(self, ctx: Reading, pre: str, t: dict, cs: int) -> str:
        """推进教师交流轮岗，全年交流[104名]: a bare verb counting people takes the people and
        the full verb from the clause before, where that verb follows them."""
        if t["unit"] not in self.vocab.people_units or len(pre) > 3 or len(_posseg(pre)) != 1:
            return pre
        pc = self._clause_before(ctx, t, cs)
        i = pc.rfind(pre)
        if i < 2:
            return pre
        who = _posseg(pc[:i])[-1][0]
        if not who.endswith(tuple(self.vocab.unit_heads.get(t["unit"], ()))):
            return pre
        act = pc[i:]
        return (act if len(act) <= len(pre) + 4 else pre) + who


class _Qualifiers:
    """Qualifiers of an indicator that sit earlier in the sentence than the number's clause: a
    sub-area subject (市本级…), a light-verb topic clause (开展…监测,抽测学生…), a subject clause,
    a named past year, a people count's 人数."""

    def __init__(self, vocab: _Vocabulary, mentions: re.Pattern, year_cue: re.Pattern,
                 clause: _ClauseBefore):
        self.vocab = vocab
        self.mentions = mentions
        self.year_cue = year_cue
        self.clause = clause

    def qualify(self, ctx: Reading, ind: str | None, t: dict, cs: int, prev: dict | None,
                parent: dict | None, part: dict | None) -> str | None:
        """``ind`` (the indicator of ``t`` read so far) with the qualifiers that sit earlier
        in the sentence than the number's clause."""
        if not ind:
            return ind
        ind = self._context_level(ctx, ind, t, cs, prev, parent)
        ind = self._context_topic(ctx, ind, t, cs, prev)
        ind = self._context_reach(ctx, ind, t, cs, prev)
        ind = self._context_year(ctx, ind, t, part)
        return self._people_count(ind, t)

    def _people_count(self, ind: str, t: dict) -> str:
        """高考本科上线[3862人] -> 高考本科上线人数: people counted by an outcome verb with no
        noun after it are a number of people (the verb's 人数)."""
        if t["unit"] not in self.vocab.people_units or not ind.endswith(self.vocab.people_count_verbs):
            return ind
        return (ind + self.vocab.people_count_noun)[-self.vocab.ind_max:]

    def _context_topic(self, ctx: Reading, ind: str, t: dict, cs: int, prev: dict | None) -> str:
        """开展义务教育质量监测,[抽测学生]3.6万名: a clause with no number that opens with a
        light verb names the topic the next clause counts in; its noun phrase, less a generic
        action noun (工程, 专项整治 …), qualifies the indicator (实施名师培养工程,遴选培养对象
        -> 名师培养对象, the shared word once).  The topic may sit one clause further back; a
        clause opening with a subject instead goes to ``_context_subject``."""
        if not self.vocab.ctx_topic_verbs or (prev is not None and prev["end"] > cs):
            return ind
        if len(ind) > 9 and not ind.endswith(self.vocab.rate_words):
            return ind                          # no bare count (see below)
        text = ctx.text
        ss = ctx.sentence_start(t["start"])
        if cs - 1 <= ss or text[cs - 1] not in ",，":
            return ind
        pcs, pce = max(ss, ctx.clause_start(cs - 1)), cs - 1
        clause = self._topic_clause(text[pcs:pce])
        if not clause.startswith(self.vocab.ctx_topic_verbs) and not self.mentions.search(text, pcs, pce):
            new = self._context_subject(ind, clause, text[cs:t["start"]])
            if new != ind:
                return new
        if not ind.endswith(self.vocab.rate_words):   # the count's own clause has no subject
            own = _posseg(_NOISE.sub("", text[cs:t["start"]]))
            if not own or own[0][1][0] != "v" and own[0][0] not in self.vocab.frame_verbs:
                return ind
        if not clause.startswith(self.vocab.ctx_topic_verbs) and pcs - 1 > ss and text[pcs - 1] in ",，":
            # one clause further back: 推进…课程改革,组建…联盟,[新增试点园]106所
            pcs, pce = max(ss, ctx.clause_start(pcs - 1)), pcs - 1
            clause = self._topic_clause(text[pcs:pce])
        if not clause.startswith(self.vocab.ctx_topic_verbs) or self.mentions.search(text, pcs, pce):
            return ind
        v = next(w for w in self.vocab.ctx_topic_verbs if clause.startswith(w))
        q = full = clause[len(v):]
        for _ in range(3):
            q2 = q
            for w in self.vocab.ctx_topic_tail:
                if q.endswith(w) and len(q) > len(w) + 1:
                    q = q[: -len(w)]
                    break
            if q == q2:
                break
        if len(q) < 2 or q in ind or "的" in q or q[0] in self.vocab.vp_not_start:
            return ind
        # only a bare count (抽测学生, 组织交叉检查), or one that names the topic's own action
        # again (…常态化监管,[预收费资金监管覆盖率]) is no whole indicator by itself
        core = ind[len(v2):] if (v2 := next((w for w in self.vocab.ctx_topic_verbs if ind.startswith(w)), "")) else ind
        fv = next((w for w in self.vocab.frame_verbs if ind.startswith(w)), "") if not v2 else ""
        if fv:
            core = ind[len(fv):]
        between = text[pce:cs]
        if core in q or any(len(w) >= 2 and (w in q or w in between) for w, _ in _posseg(core)):
            return ind                          # the topic names the counted thing itself
        dropped = full[len(q):]
        short = 6 if core.endswith(self.vocab.rate_words) else 4     # 任务完成率: a bare rate
        if len(core) < 2 or len(core) > short and not any(len(w) >= 2 and w in core[1:]
                                                      for w, _ in _posseg(dropped)):
            return ind
        if fv:                                  # 新增+[城乡共同体]+结对学校: after the verb
            return (fv + q + core)[-self.vocab.ind_max:]
        for k in range(min(len(q), len(ind)) - 1, 1, -1):   # 名师培养 + 培养对象: once
            if q.endswith(ind[:k]):
                return (q[:-k] + ind)[-self.vocab.ind_max:]
        return (q + ind)[-self.vocab.ind_max:]

    def _bare_reach(self, ind: str) -> tuple[str, str] | None:
        """覆盖乡村学校, 参与学生, 学生参与率, 检查覆盖率: who or what is reached, by nothing named:
        (what stands before the verb, who is reached), or None.  Before the verb of a rate may
        stand who takes part (学生参与率) or the act the topic names again (检查覆盖率); after a
        verb, who is reached in a few words, no 的-phrase (参与帆船运动的中小学生 names its act)."""
        if "的" in ind:
            return None
        rate = next((r for r in self.vocab.rate_words if ind.endswith(r)), "")
        v = next((v for v in self.vocab.reach_verbs if ind.startswith(v)), "")
        if v:
            return ("", ind[len(v):]) if len(ind) - len(v) - len(rate) <= 6 else None
        if not rate or len(ind) > 6:
            return None
        i = next((ind.find(v) for v in self.vocab.reach_verbs if v in ind), -1)
        return (ind[:i], "") if i > 0 else None


    def _context_reach(self, ctx: Reading, ind: str, t: dict, cs: int, prev: dict | None) -> str:
        """组织研学活动310场、[参与学生]2.1万人次; 实施“因材施教”项目,[覆盖初中学校]14所; 课后服务
        实现全覆盖,[学生参与率]96.4%: a count or rate named by a verb of reach alone is the reach
        of the clause before, whose topic goes first: what the count there counts, else the object
        of its light verb, else its subject (the head end of each, ``_head_end``)."""
        bare = self._bare_reach(ind) if self.vocab.reach_verbs else None
        if bare is None:
            return ind
        before, reached = bare
        text = ctx.text
        own = _NOISE.sub("", text[cs:t["start"]])
        own = self.vocab.ind_lead.sub("", own)
        if own and not ind.startswith(own[:2]):
            return ind                          # the clause names something before the verb
        ss = ctx.sentence_start(t["start"])
        topic = ""
        if prev is not None and prev["start"] >= ss and prev.get("indicator") and \
                not self.mentions.search(text, prev["end"], cs) and prev["end"] >= ctx.clause_start(max(ss, cs - 1)):
            topic = prev["indicator"]           # 组建城乡学校共同体800个,[覆盖乡村学校]
            v = next((w for w in self.vocab.reach_topic_verbs + tuple(self.vocab.light_verbs)
                      if topic.startswith(w)), "")
            topic = topic[len(v):]
            if topic.startswith(self.vocab.ctx_levels):
                topic = topic[len(next(w for w in self.vocab.ctx_levels if topic.startswith(w))):]
        elif cs - 1 > ss and text[cs - 1] in ",，;；":
            pcs, pce = max(ss, ctx.clause_start(cs - 1)), cs - 1
            if self.mentions.search(text, pcs, pce):
                return ind
            clause = self._topic_clause(text[pcs:pce])
            v = next((w for w in self.vocab.reach_topic_verbs if clause.startswith(w)), "")
            if v:
                topic = clause[len(v):]
            else:                               # its subject: the words before its first verb
                for w, f in _posseg(clause):
                    if f[0] in "vdpcrmu" and f != "vn" or f in ("ad", "a", "x"):
                        break
                    topic += w
                if topic == clause:
                    topic = ""
        topic = _head_end(topic, self.vocab.reach_topic_max) if len(topic) > self.vocab.reach_topic_max else topic
        if len(topic) < 2 or "的" in topic or topic in ind:
            return ind
        for k in range(min(len(topic), len(ind)) - 1, 1, -1):   # 食品安全检查 + 检查覆盖率: once
            if topic.endswith(ind[:k]):
                return (topic[:-k] + ind)[-self.vocab.ind_max:]
        if before and not before.endswith(self.vocab.people_heads):
            return ind                          # 家访覆盖率: the act is named, not the topic's
        if any(len(w) >= 2 and w in topic and not w.endswith(self.vocab.people_heads)
               for w, _ in _posseg(reached)[:-1]):
            return ind                          # 参加课后服务学生: the reach names the topic itself
        return (topic + ind)[-self.vocab.ind_max:]

    def _context_subject(self, ind: str, clause: str, pre: str) -> str:
        """盐仓街道九年一贯制学校完成主体工程,[建筑面积]约4.2万平方米: a bare noun counted
        right after a clause with no number that opens with its subject (the nouns before the
        first verb; 某校迁建工程 -> 某校迁建) is that subject's; so is what a work adds once
        done (…工程主体结顶,建成后将[新增校舍]…)."""
        m = self.vocab.ctx_once_done.match(ind)
        core = ind[m.end():] if m else ind
        fv = next((w for w in self.vocab.frame_verbs if core.startswith(w)), "")
        if len(core) - len(fv) > 4 or len(core) - len(fv) < 2 or len(clause) < 6 or ind not in pre:
            return ind
        iw = _posseg(core[len(fv):])
        if iw[0][1][0] not in "nl" or iw[0][1] == "nr":
            return ind
        words = _posseg(clause)
        if words[0][1][0] not in "nlj" or words[0][1] == "nr":
            return ind
        subj = ""
        for k, (w, f) in enumerate(words):
            if f[0] in "vdpcrmu" and f != "vn" or f == "ad" or f[0] == "t" and k == 0:
                if f[0] == "v" and k + 1 < len(words) and words[k + 1][0] in self.vocab.ctx_topic_tail:
                    subj += w                    # 迁建工程: the work is the subject
                break
            subj += w
        else:
            return ind                           # no predicate: no subject clause
        for w in self.vocab.ctx_topic_tail:
            if subj.endswith(w) and len(subj) > len(w) + 1:
                subj = subj[: -len(w)]
                break
        if len(subj) < 4 or core in subj:
            return ind
        return (subj + core)[-self.vocab.ind_max:]

    def _topic_clause(self, raw: str) -> str:
        """A clause as a topic: noise and leading adverbs dropped; a leading frame or partner
        (与某学院, 依托某平台) passed over up to the light verb."""
        clause = self.vocab.ctx_topic_adv.sub("", _NOISE.sub("", raw))
        if clause.startswith(self.vocab.ctx_topic_frames):
            m = self.vocab.ctx_topic_verb_rx.search(clause, 2)
            if m:
                clause = self.vocab.ctx_topic_adv.sub("", clause[m.start():])
        return clause

    def _context_year(self, ctx: Reading, ind: str, t: dict, part: dict | None) -> str:
        """公办园在园幼儿占比由2021年的[53.6%]提高到60%: in a plan, a value of a named past year
        right before it is that year's indicator (2021年公办园在园幼儿占比); the goal after it is
        not.  A past year opening the sentence or its paragraph (2023年，全县…) says when, not
        what is counted: a time word, left out (ANNOTATION s.3)."""
        m = self.vocab.year_inside.match(ind)
        if m:                                   # copied from the previous mention
            ind = ind[m.end():] or ind
        if not part or part.get("kind") != "plan" or t.get("kind") != "actual":
            return ind
        try:
            pyear = int(part.get("year"))
        except (TypeError, ValueError):
            return ind
        ss = ctx.sentence_start(t["start"])
        sent = ctx.text[ss:t["start"]]
        last = None
        for last in self.year_cue.finditer(sent):
            pass
        if last is None or int(last.group(1)) >= pyear:
            return ind
        if last.end() == len(sent):
            return (last.group(1) + "年" + ind)[-self.vocab.ind_max:]
        return ind

    def _context_level(self, ctx: Reading, ind: str, t: dict, cs: int, prev: dict | None,
                       parent: dict | None) -> str:
        """全市开展前期项目51个,实施类项目134个 -> 全市实施类项目: a level word opening an
        earlier clause of the sentence (or this clause, before an earlier mention) is the
        subject of the mentions that follow it, up to a 其中 (a part of its parent); 其中市本级…
        opens a new subject, and its mentions are no parts of the one before."""
        text = ctx.text
        ss = ctx.sentence_start(t["start"])
        if self.vocab.ctx_level_rx is None or not self.vocab.ctx_level_rx.search(text, ss, t["start"]):
            return ind
        c = cs
        if prev is None or prev["start"] < cs:      # the first mention of its clause
            if cs - 1 <= ss:
                return ind
            c = max(ss, ctx.clause_start(cs - 1))
        for _ in range(4):
            head = text[c:c + 12].lstrip(" \u3000\n")
            sub = head.startswith(self.vocab.sub_cue)
            if sub:
                head = head[len(self.vocab.sub_cue):]
            else:
                k = text.rfind(self.vocab.sub_cue, c, t["start"])
                if k >= 0 and not re.search(r"[)）]", text[k:t["start"]]):
                    return ind                      # parts after 其中 have their parent
            head = self.vocab.year_lead.sub("", head)
            if head.startswith(self.vocab.ctx_levels):
                w = next(w for w in self.vocab.ctx_levels if head.startswith(w))
                if sub and parent is not None:
                    ind = self.clause.read(ctx, t, cs, prev)[0] or ind
                if w in ind:
                    return ind
                if any(x in ind for x in self.vocab.ctx_levels):
                    return ind
                return (w + ind)[-self.vocab.ind_max:]
            if c - 1 <= ss:
                break
            c = max(ss, ctx.clause_start(c - 1))
        return ind


class IndicatorReader:
    """What each numeric target counts.  Built once by the targets stage; ``parent`` and
    ``read`` are called once per mention, in document order, with the :class:`Reading` of the
    document being read (nothing is kept between calls)."""

    def __init__(self, config: dict, mentions: re.Pattern, year_cue: re.Pattern):
        """``config``: the ``indicator:`` block of configs/units.yaml; ``mentions``: the stage's
        regex of a number with its unit (searched in parts of the text); ``year_cue``: a year
        in the sentence before a number (``kind.year_cue``)."""
        self.vocab = _Vocabulary(config)
        self.mentions = mentions
        number_first = _NumberFirst(self.vocab, mentions)
        self.clause = _ClauseBefore(self.vocab, mentions, number_first)
        self.qualifiers = _Qualifiers(self.vocab, mentions, year_cue, self.clause)

    def parent(self, ctx: Reading, t: dict, prev: dict | None, parent: dict | None) -> dict | None:
        """The mention whose parts ``t`` counts: ``prev`` when a 其中 stands between them in
        the sentence (实施项目11个,其中[新建项目4个]), else ``parent`` (the one of the mention
        before) while in the same sentence."""
        ss = ctx.sentence_start(t["start"])
        if parent is not None and parent["start"] < ss:
            parent = None
        k = ctx.text.rfind(self.vocab.sub_cue, ss, t["start"])
        if k >= 0 and prev is not None and ss <= prev["start"] and prev["end"] <= k:
            parent = prev                  # 实施项目11个,其中[新建项目4个]、…
        return parent

    def read(self, ctx: Reading, t: dict, prev: dict | None, parent: dict | None,
             part: dict | None) -> str | None:
        """The indicator of mention ``t`` (its ``start``, ``end``, ``unit`` and ``kind`` are
        read), or None: ``prev`` is the mention before it (with its indicator), ``parent`` the
        one it is a part of (see :meth:`parent`), ``part`` the part of the report it is in."""
        cs = ctx.clause_start(t["start"])
        gap = ctx.text[prev["end"]:t["start"]] if prev else None
        ind, share = self.clause.read(ctx, t, cs, prev)
        ind = self._people_list_verb(ind, prev, gap)
        if not share and parent is None:
            ind = self._shared_word(ctx, ind, t, cs, prev)
        if not share and parent is not None:   # a share names its whole
            ind = self._as_part_of(ind, parent, t)
        elif prev is not None and ind and gap is not None and gap.lstrip()[:1] in ("、", ",", "，"):
            ind = self._sibling(ind, prev)
        ind = self._share_of_whole(ctx, ind, t, cs, prev)
        return self.qualifiers.qualify(ctx, ind, t, cs, prev, parent, part)

    def _share_of_whole(self, ctx: Reading, ind: str | None, t: dict, cs: int, prev: dict | None) -> str | None:
        """招聘新教师1420名,其中硕士及以上学历占[83%]: a share after 其中 is the part's share of
        the whole counted just before (新教师硕士及以上学历占比); 占 makes it a 占比, else a 比例."""
        if not ind or t["unit"] not in _SHARE_UNITS or prev is None or not prev.get("indicator"):
            return ind
        own = _NOISE.sub("", ctx.text[cs:t["start"]])
        if not own.startswith(self.vocab.sub_cue) or prev["end"] > cs or prev["start"] < ctx.sentence_start(t["start"]):
            return ind
        if self.mentions.search(ctx.text, prev["end"], cs):
            return ind
        whole = prev["indicator"]
        for r in self.vocab.rate_words + (self.vocab.share_noun,):
            if whole.endswith(r) and len(whole) > len(r) + 1:
                whole = whole[: -len(r)]
                break
        part_ = ind
        for r in (self.vocab.share_verb + "比", self.vocab.share_noun, self.vocab.share_verb):
            if part_.endswith(r):
                part_ = part_[: -len(r)]
                break
        whole = _head_end(whole, self.vocab.reach_topic_max) if len(whole) > self.vocab.reach_topic_max else whole
        if len(part_) < 2 or whole in part_ or part_ in whole or self.vocab.share_verb in part_:
            return ind                          # 其中农村学校教师占招聘总数的: its whole is named
        noun = self.vocab.share_verb + "比" if self.vocab.share_verb in own else self.vocab.share_noun
        return (whole + part_ + noun)[-self.vocab.ind_max:]

    def _shared_word(self, ctx: Reading, ind: str | None, t: dict, cs: int, prev: dict | None) -> str | None:
        """高考普通类一段上线1164人,[一段上线率]68.3%; 课后服务参与学生21万人,[教师参与率]92%: a
        short indicator whose first word is in the indicator of the count just before, in the
        clause before of the same sentence, takes what precedes that word there (高考普通类一段
        上线率, 课后服务教师参与率)."""
        if not ind or prev is None or not prev.get("indicator") or len(ind) > self.vocab.shared_word_max:
            return ind
        if prev["end"] > cs or prev["start"] < ctx.sentence_start(t["start"]):
            return ind
        if self.mentions.search(ctx.text, prev["end"], cs):   # only the count right before
            return ind
        pind = prev["indicator"]
        first = _posseg(ind)[0][0]
        i = pind.find(first)
        if len(first) < 2 or i < 2 or pind.startswith(ind[:i]) or ind in pind:
            return ind
        head = pind[:i]
        if len(head) > 8 or head[0] in "全本各" and len(head) <= 3:
            return ind                          # 全县: the whole area, no qualifier to carry over
        if any(f[0] == "v" and f != "vn" for _, f in _posseg(head)[-1:]):
            return ind                          # 新增学位…, 学位完成率: a verb is no qualifier
        return (head + ind)[-self.vocab.ind_max:]

    def _as_part_of(self, ind: str | None, parent: dict, t: dict) -> str | None:
        """A mention after 其中 counts a part of its parent: 新建项目 under 实施教育基建项目 is
        新建教育基建项目; 研究生学历 (名) under 招聘新教师 is 研究生学历新教师."""
        pind = parent.get("indicator")
        if not ind or not pind or parent.get("unit") != t.get("unit") and t["unit"] in _SHARE_UNITS:
            return ind
        np_ = _np_of(pind)
        if np_ in ind or pind.endswith(self.vocab.people_count_noun) and ind.endswith(self.vocab.people_count_verbs):
            return ind                          # 其中重点本科上线[1214人]: its own 人数
        np_ = self._people_part_np(np_, pind)
        n, acc = 0, 0
        for w, _ in reversed(_posseg(ind)):      # the shared head, in whole words of ind
            acc += len(w)
            if acc < len(ind) and np_.endswith(ind[-acc:]):
                n = acc
        if n >= 2:
            return (ind[:-n] + np_)[-self.vocab.ind_max:]
        # 其中一等奖20项 under …教学成果奖: the part's head replaces the parent's
        head = np_.split("的", 1)[0]
        i = head.rfind(ind[-1])
        if i > 1 and i == len(head) - 1 and len(_posseg(ind)) == 1:
            return (np_[:i] + ind)[-self.vocab.ind_max:]
        heads = self.vocab.unit_heads.get(t["unit"])
        if heads and not ind.endswith(tuple(heads)) and t["unit"] == parent.get("unit"):
            return (ind + np_)[-self.vocab.ind_max:]
        return ind

    def _sibling(self, ind: str, prev: dict) -> str:
        """新增国家级校园足球特色校32所、省级[27所]: a short modifier replaces its counterpart
        in the previous indicator."""
        pind = prev.get("indicator") or ""
        if len(ind) > 3 or len(pind) < len(ind) + 2:
            return ind
        words = _posseg(pind)
        ends = []
        pos = 0
        for w, _ in words:
            ends.append((pos, pos + len(w)))
            pos += len(w)
        for k in range(len(words) - 1, -1, -1):
            w = words[k][0]
            if w[-1] == ind[-1] and w != ind:
                a, b = ends[k]
                j = k
                while b - a < len(ind) and j > 0:      # 优质+校 <- 达标校
                    j -= 1
                    a = ends[j][0]
                return pind[:a] + ind + pind[b:]
        return ind

    def _people_list_verb(self, ind: str | None, prev: dict | None, gap: str | None) -> str | None:
        """引进A、B毕业生[150名]、硕士生[70名] -> 引进硕士生; 其中新设甲专项[30项]、乙专项[30项]
        -> 新设乙专项: the next item of a list is governed by the verb that opens the list."""
        if not ind or prev is None or not prev.get("indicator") or gap is None:
            return ind
        if gap.lstrip()[:1] not in ("、", ",", "，") or len(gap.strip()) > len(ind) + 2:
            return ind
        pw = _posseg(prev["indicator"])
        k = 1 if len(pw) > 2 and len(pw[0][0]) == 1 and pw[0][1] in ("a", "d") else 0   # 新/a 设/v
        verb = "".join(w for w, _ in pw[:k + 1])
        if len(pw) < k + 2 or pw[k][1] != "v" or ind.startswith(verb) or ind.endswith(self.vocab.rate_words):
            return ind
        iw = _posseg(ind)
        if any(f[0] == "v" and f != "vn" for _, f in iw) or iw[-1][1][0] != "n":
            return ind
        if "、" not in prev["indicator"] and len(ind) <= 3:
            return ind
        return verb + ind

    def _people_part_np(self, np_: str, pind: str) -> str:
        """招聘教师[607人],其中研究生以上[46人] -> 研究生以上招聘教师: when the parent counts a
        bare head (教师, 学生), the part keeps the parent's verb, which says which ones."""
        if np_ not in self.vocab.bare_heads or not pind.endswith(np_):
            return np_
        w = _posseg(pind[: -len(np_)])
        if w and w[-1][1] == "v":
            return w[-1][0] + np_
        return np_

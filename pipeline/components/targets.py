"""Numeric targets (ANNOTATION.md s.3).

One compiled regex finds every number-with-unit in the normalised view (Arabic or Chinese
numerals, 万/亿 multipliers, 余/多/约/近 approximations, ranges, 百分之N, %, ‰, 个百分点,
money, areas, measure words); Python then only looks at each hit: is it an ordinal, a name,
a quoted slogan, a date?  Whether it is a floor or a ceiling (comparator) and whether it is
a goal or a result (kind) are read from the clause around it; what is counted (indicator) is
read by ``indicator.IndicatorReader``, which this stage builds once and holds as
``self.indicators``.  Each call reads its document into an ``indicator.Reading`` (the view
text, quoted spans, clause and sentence ends, paragraph years, default kind) that every step
is handed; the component keeps nothing of a document, so one instance serves many threads.
A flattened table (header line with column units, then rows of cells) gives one target per
numeric cell, unit and scale from its column header.

Vocabulary (units, measure words, cue words, range separators, table header units …) lives in
``configs/units.yaml``, read through ``pipeline.settings.read_config``; the code keeps the
grammar of numerals (digits, 十百千万亿, 百分之, 点, 第) and the shared families of
``pipeline.patterns``.  Nothing here names a place or a report.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from itertools import accumulate
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import numpy as np
from spacy.language import Language
from spacy.tokens import Doc

from ..extensions import init_doc
from ..patterns import CLAUSE_END, CN_DIGITS as _CN_DIGITS, PAGE_NUMBER_LINE, SENTENCE_END, YEAR
from ..settings import read_config
from ..tables import table_records
from ..zh import alt as _alt
from .indicator import IndicatorReader, Reading

_CN_NUM = f"[{_CN_DIGITS}十百千][{_CN_DIGITS}十百千万亿]*"
_AR_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUM = f"(?:{_AR_NUM}|{_CN_NUM})"
_MULT = {"万": Decimal(10000), "亿": Decimal(100000000), "千": Decimal(1000), "百": Decimal(100)}
_GAP = r"(?:\n[ \t\u3000]*)?"           # a hard wrap between number and unit

_QUOTES = re.compile(r"“[^“”\n]{1,30}”|\"[^\"\n]{1,30}\"|‘[^‘’\n]{1,30}’|「[^「」\n]{1,30}」"
                     r"|《[^《》\n]{1,80}》|〔[^〔〕\n]{1,12}〕|\[[^\[\]\n]{1,12}\]")
_BAD_CN = re.compile(f"[{_CN_DIGITS}][{_CN_DIGITS}]")
# a line of prose: no tab, no | and no run of spaces (those are table rows)
_TABLE_LINE = re.compile(r"\t|\||[ \u3000]{2}")
_NL = re.compile("\n")
_SHARED_POINTS = re.compile(r"[和、及与至到~～]\d+(?:\.\d+)?个?百分点")
_PRIVATE = ("_nstart", "_table", "_cmp_before", "_col_kind")
_CN_BEFORE = _CN_DIGITS + "十百千万亿"


def _merge(spans) -> list[tuple[int, int]]:
    """Sorted disjoint spans covering the same characters."""
    out: list[list[int]] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


@dataclass
class _KindReading(Reading):
    """A ``Reading`` with what the kind of a mention is read from besides: ``cue_text``, the
    text with the names of programmes and documents blanked (营养改善计划, 《…发展规划》 name
    no plan), and ``past_paragraphs``:
    line start -> end of an opening that makes the paragraph a report of the past year
    (过去的一年，…)."""
    cue_text: str = ""
    past_paragraphs: dict[int, int] = field(default_factory=dict)

    def in_past_paragraph(self, pos: int) -> bool:
        end = self.past_paragraphs.get(self.text.rfind("\n", 0, pos) + 1)
        return end is not None and end <= pos


def _masked(text: str, spans: list[tuple[int, int]], mark: str = "某") -> str:
    """``text`` with the characters of ``spans`` replaced by ``mark`` (same length; an
    ideograph, so a name still reads as words to the cues around it: 争取…项目资金)."""
    if not spans:
        return text
    out, pos = [], 0
    for a, b in _merge(spans):
        out.append(text[pos:a])
        out.append(mark * (b - a))
        pos = b
    out.append(text[pos:])
    return "".join(out)


def _past_ignored(text: str, pos: int, ignored: list[tuple[int, int]]) -> int:
    """Where the text after ``pos`` goes on: past white space and the ignored spans (a page
    footer and running head between 95% and its 以上) that follow it right away."""
    if not ignored:
        return pos
    ends = [b for _, b in ignored]
    while True:
        q = pos
        while q < len(text) and text[q] in " \t\u3000\n":
            q += 1
        i = bisect.bisect_right(ends, q)
        if i < len(ignored) and ignored[i][0] <= q:
            pos = ignored[i][1]
            continue
        return pos


def _positions(rx: re.Pattern, text: str) -> list[int]:
    """Where the one-character matches of ``rx`` are, without a match object each: split,
    then cumulative lengths (numpy)."""
    lens = np.fromiter(map(len, rx.split(text)), dtype=np.int64)
    return (np.cumsum(lens[:-1] + 1) - 1).tolist()


# what cn2an raises for a numeral it cannot read: ValueError, and KeyError in "smart" mode
# (零十零); anything else is a real error and is not caught
_CN2AN_REFUSES = (ValueError, KeyError)


# The integers cn2an's "strict" grammar accepts, without 零 and below 亿, with 两 wherever 二
# may stand (strict refuses 两 and cn2an's "smart" retry reads it as 二; the smart mode's
# zero-insertions never apply to these forms): read here directly, so that most reports never
# import cn2an (~0.2 s: its proces dependency compiles a regex of every city at import).
# tests/test_targets.py checks this against cn2an on every such numeral below 10^5 and more.
_D19 = "[一二两三四五六七八九]"
_C99 = f"(?:{_D19}?十{_D19}?|{_D19})"
_C999 = f"(?:{_D19}百(?:{_D19}十{_D19}?)?|{_C99})"
_C9999 = f"(?:{_D19}千(?:{_D19}百(?:{_D19}十{_D19}?)?)?|{_C999})"
_SIMPLE_CN = re.compile(f"(?:{_C9999}万(?:{_D19}千(?:{_D19}百(?:{_D19}十{_D19}?)?)?)?|{_C9999})")
_CN_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}


def simple_cn_int(s: str) -> int | None:
    """The value of a plain Chinese integer (三, 十五, 两千, 一千二百, 十五万, 四万五千), or None
    for anything else (零, 亿, 点, digits, odd forms: cn2an decides those)."""
    if not _SIMPLE_CN.fullmatch(s):
        return None
    total = section = num = 0
    for c in s:
        d = _CN_DIGIT.get(c)
        if d is not None:
            num = d
        elif c == "万":
            total, section, num = (section + num) * 10000, 0, 0
        else:
            section, num = section + (num or 1) * _CN_UNIT[c], 0
    return total + section + num


def cn_value(s: str) -> Decimal | None:
    """A Chinese numeral as a Decimal; None for digit-by-digit strings (二〇二一, 一二)."""
    if _BAD_CN.search(s.replace("零", "")) or "〇" in s:
        return None
    if s[0] in "百千":
        s = "一" + s
    v = simple_cn_int(s)
    if v is not None:
        return Decimal(v)
    return _cn2an_value(s)


def _cn2an_value(s: str) -> Decimal | None:
    import cn2an  # imported on first use only (see simple_cn_int)

    try:
        v = cn2an.cn2an(s, "strict")
    except _CN2AN_REFUSES:
        try:
            v = cn2an.cn2an(s, "smart")
        except _CN2AN_REFUSES:
            return None
    return Decimal(str(v))


_DIGIT = {c: str(i) for i, c in enumerate("零一二三四五六七八九")} | {"〇": "0", "两": "2"}


def cn_decimal(s: str) -> Decimal | None:
    """零点五 -> 0.5, 十二点零五 -> 12.05 (the fraction is read digit by digit)."""
    a, _, b = s.partition("点")
    ia = cn_value(a) if a else Decimal(0)
    if ia is None or not b or any(c not in _DIGIT for c in b):
        return None
    return Decimal(f"{int(ia)}.{''.join(_DIGIT[c] for c in b)}")


def num_value(s: str) -> Decimal | None:
    if not s:
        return None
    if s[0].isdigit():
        try:
            return Decimal(s.replace(",", ""))
        except InvalidOperation:
            return None
    return cn_value(s)


def _as_float(d: Decimal) -> float:
    f = float(d)
    return float(int(f)) if f == int(f) else f


class TargetExtractor:
    """The targets stage: ``TargetExtractor(config)`` compiles configs/units.yaml (or the file
    ``config``) once, ``component(doc)`` appends the document's targets to ``doc._.targets``
    and ``fallback_parts(text)`` gives the heading-based parts.  What is built here is read
    only; a call's own state is the ``Reading`` it makes, so calls may run at the same time."""

    def __init__(self, config: Path | str | None = None):
        cfg = read_config(config, "units.yaml")
        self.cfg = cfg
        self.scaled = {k: (v[0], Decimal(str(v[1]))) for k, v in cfg["scaled_units"].items()}
        self.measure = set(cfg["measure_words"])
        tenths = [cfg["tenths_unit"]] if cfg.get("tenths_unit") else []
        units = _alt(list(self.scaled) + list(self.measure) + tenths) + r"|[ \t\u3000](?=[%‰])[ \t\u3000]*[%‰]"
        apx_b = _alt(cfg["approx_before"])
        apx_i = "[" + "".join(cfg["approx_inside"]) + "]"
        sep = _alt(cfg["range_separators"])
        pct_cn = f"[{_CN_DIGITS}十百点]+"
        # the lookahead lets the regex engine skip every position that cannot start a number
        first = "0-9" + _CN_DIGITS + "十百千" + "".join(sorted({w[0] for w in cfg["approx_before"]}))
        self.rx = re.compile(
            f"(?=[{first}])(?P<apx>{apx_b})?(?:"
            f"百分之(?P<pct>\\d+(?:\\.\\d+)?|{pct_cn})"
            f"|(?P<n1>{_NUM})(?P<m1>[万亿])?(?P<u1>{units})?[ \t]?(?:{sep})[ \t]?(?P<n2>{_NUM})"
            f"(?P<i2>{apx_i})?(?P<m2>[万亿])?(?P<i2b>{apx_i})?{_GAP}(?P<u2>{units})"
            f"|(?P<n>{_NUM})(?P<i>{apx_i})?(?:[ \t](?=[万亿]))?(?P<m>[万亿千百])?(?P<ib>{apx_i})?{_GAP}(?P<u>{units})"
            ")")
        self.bare_money_rx = re.compile(
            f"(?=[{first}])(?P<apx>{apx_b})?(?P<n>{_AR_NUM})(?P<i>{apx_i})?(?P<m>[万亿])(?P<ib>{apx_i})?"
            f"(?![\\d\u4e00-\u9fff%‰])")
        self.money_cue = re.compile(_alt(cfg["money_words"]))
        self.money_unit = cfg["money_unit"]
        self.cohort_units = frozenset(cfg["cohort_units"])
        bad_cont: dict[str, list[str]] = {}
        for w in cfg["bad_continuations"]:
            bad_cont.setdefault(w[0], []).append(w)
        self.bad_cont = {k: tuple(v) for k, v in bad_cont.items()}
        self.one_always = frozenset(cfg.get("one_always_units") or ())
        self.good_cont = tuple(cfg.get("good_continuations") or ())
        self.phase_units = frozenset(cfg.get("phase_units") or ())
        self.outline_before = tuple(cfg.get("outline_before") or ())
        self.outline_after = re.compile("|".join(f"(?:{r})" for r in cfg.get("outline_after") or ["(?!)"]))
        self.tenths = cfg.get("tenths_unit")
        self.lexical = tuple(sorted(cfg["lexical_words"], key=len, reverse=True))
        self.one_cues = tuple(sorted(cfg["one_needs_cue"], key=len, reverse=True))
        self.one_cue_verb = re.compile("(?:" + _alt(cfg.get("one_cue_before_verb") or ["\0"]) + ")[\u4e00-\u9fff]{1,2}$")
        self.apx_after = tuple(cfg["approx_after"])
        self.apx_verbs = tuple(cfg["approx_verbs"])
        self.name_heads = tuple(cfg["name_heads"])
        self.vague_before = set(cfg["vague_before"])
        c = cfg["comparators"]
        self.cmp_word = {**{w: "=" for w in c["neutral_before"]}, **{w: ">=" for w in c["ge_before"]},
                         **{w: "<=" for w in c["le_before"]}}
        self.cmp_before = re.compile(_alt(self.cmp_word))
        self.ge_after = tuple(sorted(c["ge_after"], key=len, reverse=True))
        self.le_after = tuple(sorted(c["le_after"], key=len, reverse=True))
        self.cmp_carried_by = frozenset(c["carried_by"])
        self.comparatives = frozenset(c.get("comparatives") or ())
        k = cfg["kind"]
        self.target_cue = re.compile("|".join(f"(?:{r})" for r in k["target_cues"]))
        self.actual_cue = re.compile("|".join(f"(?:{r})" for r in k["actual_cues"]))
        self.year_cue = re.compile(k["year_cue"])
        self.report_cue = re.compile("|".join(f"(?:{r})" for r in k["report_cues"]))
        # a line that opens with a year (2023年，全市…), found at every line start at once
        pre = _alt(k.get("paragraph_year_prefixes") or []) or "(?!)"
        past = _alt(k.get("past_paragraph_openings") or []) or "(?!)"
        self.paragraph_year = re.compile(
            rf"(?m)^[ \t\u3000]*(?:{pre})?{YEAR.pattern}(?:{_alt(k['paragraph_year_suffixes'])})?[,，]")
        self.past_paragraph = re.compile(rf"(?m)^[ \t\u3000]*(?:{past})[,，]")
        self.past_sentence = re.compile(rf"[ \t\u3000\n]*(?:{past})[,，]")
        self.indicators = IndicatorReader(cfg["indicator"], self.rx, self.year_cue)
        t = cfg["table"]
        self.serial_headers = set(t["serial_headers"])
        self.header_units = dict(t["header_units"])
        self.header_unit = re.compile(t["unit_in_header"])
        self.unit_note = re.compile(t["unit_note"])
        self.col_target = re.compile(_alt(t["target_columns"]))
        self.col_actual = re.compile(_alt(t["actual_columns"]))
        self.col_words = re.compile(_alt(t["target_columns"] + t["actual_columns"] + t["value_words"]))
        pc = cfg["parts"]
        self.part_summary = set(pc["summary_headings"])
        self.part_max_len = int(pc["max_heading_len"])
        self.part_word = re.compile(_alt(list(pc["summary_headings"]) + list(pc["plan_headings"])))

    # ------------------------------------------------------------------ main
    def _reading(self, text: str) -> Reading:
        """The per-document state of one call (see ``indicator.Reading``)."""
        quoted = [(m.start(), m.end()) for m in _QUOTES.finditer(text)]
        # a PDF page number line (\n- 4 -\n) inside a sentence ends neither clause nor sentence
        page_nl = set()
        for m in PAGE_NUMBER_LINE.finditer(text):
            page_nl.update((m.start(), m.end()))
        clause = _positions(CLAUSE_END, text)
        sent = _positions(SENTENCE_END, text)
        if page_nl:
            clause = [i for i in clause if i not in page_nl]
            sent = [i for i in sent if i not in page_nl]
        years = {m.start(): (m.end(), int(m.group(1))) for m in self.paragraph_year.finditer(text)}
        past = {m.start(): m.end() for m in self.past_paragraph.finditer(text)}
        return _KindReading(text, clause, sent, quoted, years, past_paragraphs=past)

    def __call__(self, doc: Doc) -> Doc:
        # the structure stage's tables; run on its own, this stage finds them with the same reader
        tables = doc._.tables if doc._.tables is not None else \
            table_records(doc.text, doc._.ignored or [])
        init_doc(doc)
        text = doc.text
        ctx = self._reading(text)
        ctx.cue_text = _masked(text, [(e["start"], e["end"]) for e in doc._.entities or ()
                                      if e.get("label") in ("PROGRAMME", "DOCUMENT")])
        fallback = self.fallback_parts(text)
        parts = sorted(doc._.parts or fallback, key=lambda p: p["start"])
        tasks = sorted(doc._.tasks or [], key=lambda t: (t["start"], -t["end"]))
        ignored = _merge((r["start"], r["end"]) for r in doc._.ignored or ())
        ig_starts = [a for a, _ in ignored]
        ig_ends = [b for _, b in ignored]

        def kept(t: dict) -> bool:       # pipeline.extensions.in_ignored, by bisect
            i = bisect.bisect_right(ig_ends, t["start"])
            return i >= len(ig_starts) or ig_starts[i] >= t["end"]

        found = [t for t in (self._mention(ctx, m) for m in self.rx.finditer(text)) if t is not None]
        if ignored:
            found = [t for t in found if kept(t)]
        found.extend(t for t in self._bare_money(ctx, found) if not ignored or kept(t))
        # table rows: their cells end clauses, their lines end sentences (the normaliser may
        # have joined them as wrapped lines)
        bounds: set[int] = set()
        row_bounds: set[int] = set()
        found.extend(t for t in self._tables(text, tables, doc._.view.joins if doc._.view is not None else (),
                                             bounds, row_bounds)
                     if not ignored or kept(t))
        if bounds:
            ctx.clause_ends = sorted(set(ctx.clause_ends) | {b for b in bounds if 0 <= b < len(text)})
            ctx.sentence_ends = sorted(set(ctx.sentence_ends) | {b for b in row_bounds if 0 <= b < len(text)})
        found.sort(key=lambda t: t["start"])
        found = self._outside_names(found, doc._.entities or ())
        self._unwrap(ctx, found)
        self._fields(ctx, found, parts, fallback if doc._.parts else [], ignored)
        task_starts = [t["start"] for t in tasks]
        for t in found:
            t["task_id"] = self._task_of(tasks, task_starts, t["start"], t["end"])
            for k in _PRIVATE:
                t.pop(k, None)
        doc._.targets.extend(found)
        return doc

    @staticmethod
    def _outside_names(found: list[dict], entities) -> list[dict]:
        """A count inside a place or school name is part of the name (九台区, 三台镇, 五台县,
        三门峡): no target (ANNOTATION s.3, numbers inside names)."""
        names = sorted((e["start"], e["end"]) for e in entities if e.get("label") in ("REGION", "SCHOOL"))
        if not names:
            return found
        starts = [a for a, _ in names]

        def inside(t: dict) -> bool:
            i = bisect.bisect_right(starts, t["start"]) - 1
            return i >= 0 and names[i][0] <= t["start"] and t["end"] <= names[i][1]

        return [t for t in found if not inside(t)]

    @staticmethod
    def _unwrap(ctx: Reading, found: list[dict]) -> None:
        """A hard wrap right before a mention that opens a line of prose (…教育经费总投入\n
        [36.4亿元]) ends neither clause nor sentence: the words before it are its clause."""
        text = ctx.text
        wraps = set()
        for t in found:
            if t.get("_table"):
                continue
            ls = text.rfind("\n", 0, t["start"])
            if ls < 1 or text[ls + 1:t["start"]].strip(" \u3000") or not "\u4e00" <= text[ls - 1] <= "\u9fff":
                continue
            le = text.find("\n", t["start"])
            if _TABLE_LINE.search(text, ls + 1, le if le >= 0 else len(text)):
                continue
            wraps.add(ls)
        if wraps:
            ctx.clause_ends = [i for i in ctx.clause_ends if i not in wraps]
            ctx.sentence_ends = [i for i in ctx.sentence_ends if i not in wraps]

    # ------------------------------------------------------------- mention
    def _mention(self, ctx: Reading, m: re.Match) -> dict | None:
        text = ctx.text
        g = m.groupdict()
        start, end = m.start(), m.end()
        nstart = m.end("apx") if g["apx"] else start
        before = text[nstart - 1] if nstart > 0 else ""
        if before.isdigit() or before == "." or ("a" <= before.lower() <= "z") or before == "第":
            return None
        if g["apx"] is None and before and before in _CN_BEFORE:
            return None
        num0 = g["n"] or g["n1"]
        if g["apx"] is None and before and before in self.vague_before and num0 and not num0[0].isdigit():
            return None
        if ctx.in_quotes(start, end):
            return None
        after = text[end:end + 1]
        if after and ("a" <= after.lower() <= "z"):
            return None
        approx = bool(g["apx"])
        value_high = None
        if g["pct"] is not None:
            s = g["pct"]
            if "点" in s:
                v = cn_decimal(s)
            elif s == "百":
                v = Decimal(100)
            else:
                v = num_value(s)
            if v is None:
                return None
            unit, value, ustart = "%", v, end
        else:
            if g["u"] is not None:
                n, mult, unit_s, ustart = g["n"], g["m"], g["u"], m.start("u")
                approx |= bool(g["i"] or g["ib"])
                numtxt = n
                v = num_value(n)
                if v is None:
                    return None
                if mult:
                    v *= _MULT[mult]
                vh = None
            else:
                n, mult, unit_s, ustart = g["n2"], g["m2"], g["u2"], m.start("u2")
                approx |= bool(g["i2"] or g["i2b"])
                numtxt = g["n1"]
                v, vh = num_value(g["n1"]), num_value(g["n2"])
                if v is None or vh is None:
                    return None
                if g["u1"] and g["u1"] != unit_s:
                    return None
                m1 = _MULT.get(g["m1"] or mult or "", Decimal(1))
                v, vh = v * m1, vh * _MULT.get(mult or "", Decimal(1))
                if vh <= v:
                    return None
            unit_s = unit_s.strip(" \t\u3000")
            ustart = ustart + (len(g["u"] or g["u2"]) - len(unit_s))
            # lexicalised words and "一" as an article
            if text.startswith(self.lexical, nstart):
                return None
            if numtxt == "一" and unit_s not in self.one_always and not self._has_one_cue(text, nstart):
                return None
            # 八项规定, 十项准则, 三大任务: a Chinese count that names a code or a programme
            if not numtxt[0].isdigit() and text.startswith(self.name_heads, m.end()):
                return None
            # 2021届 (a cohort), 十四五期间, 100周年 ...
            bad = self.bad_cont.get(unit_s[0])
            if bad and text.startswith(bad, ustart) and not text.startswith(self.good_cont, ustart):
                return None
            # 二期扩建: a phase; 以下十一个方面: an outline
            if unit_s in self.phase_units and not numtxt[0].isdigit() and "\u4e00" <= before <= "\u9fff":
                return None
            if text.endswith(self.outline_before, 0, nstart) or self.outline_after.match(text, ustart + len(unit_s)):
                return None
            if unit_s == self.tenths:
                # 八成 (80%): tenths, in Chinese numerals only (1成 is no way of writing it)
                if numtxt[0].isdigit() or vh is not None:
                    return None
                unit_s, v = "%", v * 10
            # 提高1.2个和3.4个百分点: the 个 of the first shares the unit of the second
            if unit_s == "个" and _SHARED_POINTS.match(text, end):
                unit_s = "个百分点"
            if unit_s in self.cohort_units and v >= 1900:
                return None
            if unit_s in self.scaled:
                unit, scale = self.scaled[unit_s]
                value = v * scale
                if vh is not None:
                    vh = vh * scale
            else:
                unit, value = unit_s, v
            value_high = _as_float(vh) if vh is not None else None
        # trailing 左右; 约占/约为 right before
        rest = text[end:end + 3].lstrip()
        if rest.startswith(self.apx_after) or text[max(0, start - 4):start].endswith(self.apx_verbs):
            approx = True
        return {"start": start, "end": end, "value": _as_float(value), "value_high": value_high,
                "unit": unit, "approx": approx, "comparator": "=", "kind": None,
                "indicator": None, "task_id": None, "_nstart": nstart}

    def _bare_money(self, ctx: Reading, found: list[dict]) -> list[dict]:
        """投资1.2亿, 经费3000万余: 万/亿 with no unit, in a clause about money, is 元."""
        text = ctx.text
        out = []
        taken = [(t["start"], t["end"]) for t in found]
        for m in self.bare_money_rx.finditer(text):
            s, e = m.start(), m.end()
            if any(a < e and s < b for a, b in taken) or ctx.in_quotes(s, e):
                continue
            before = text[s - 1:s] if s else ""
            if before and (before.isdigit() or before in ".第" or "a" <= before.lower() <= "z"):
                continue
            if not self.money_cue.search(text[ctx.clause_start(s):s]):
                continue
            v = num_value(m.group("n"))
            if v is None:
                continue
            out.append({"start": s, "end": e, "value": _as_float(v * _MULT[m.group("m")]),
                        "value_high": None, "unit": self.money_unit,
                        "approx": bool(m.group("apx") or m.group("i") or m.group("ib")),
                        "comparator": "=", "kind": None, "indicator": None, "task_id": None,
                        "_nstart": m.end("apx") if m.group("apx") else s})
        return out

    def _has_one_cue(self, text: str, pos: int) -> bool:
        pre = text[max(0, pos - 5):pos]
        return pre.endswith(self.one_cues) or self.one_cue_verb.search(pre) is not None

    # -------------------------------------------------------------- tables
    def _tables(self, text: str, tables: list[dict], joins=(), bounds: set[int] | None = None,
                row_bounds: set[int] | None = None) -> list[dict]:
        """Targets of the tables the structure stage found (``doc._.tables``, read by
        ``pipeline.tables``): this stage reads no table of its own, only what the header cells
        say.  A column's unit comes from its header (总投资(万元)) or from a 单位：万元 note on the
        header line or the line above; a row whose first cell carries the unit (新增学位（个）)
        gives the unit of its cells, and its label is what they count.  A cell that is a bare
        number is a target; its kind comes from its column when the header says so (目标/计划 vs
        完成/实际).  A row ends the clauses of its cells and is a sentence of its own."""
        out: list[dict] = []
        # the lines of the source: a hard wrap the normaliser joined still ends a line here
        # (a cut at a newline drops it, a cut at a join drops nothing)
        cuts = sorted({*((m.start(), 1) for m in _NL.finditer(text)), *((j, 0) for j in joins if 0 < j < len(text))})
        offsets, lines, pos = [], [], 0
        for c, width in [*cuts, (len(text), 0)]:
            if c < pos:
                continue
            offsets.append(pos)
            lines.append(text[pos:c])
            pos = c + width

        def line_of(p: int) -> int:
            return bisect.bisect_right(offsets, p) - 1

        rows_end: set[int] = set()
        for tab in tables:
            if not tab["header"]:
                continue
            names = [text[h["start"]:h["end"]] for h in tab["header"]]
            if tab["format"] == "line":
                out.extend(self._vertical_rows(text, tab, names))
                continue
            i = line_of(tab["header"][0]["start"])
            above = lines[i - 1] if i else ""
            note = self._unit_note(above) or self._unit_note(lines[i])
            header = self._header(names, note) if len(lines[i]) <= 200 else None
            if header is None:
                continue
            if note and self._unit_note(above):
                # columns named by a year only (2022年 2023年) count what the title names
                title = self.unit_note.sub("", above).strip(" \u3000:：")
                title = re.sub(r"^表\s*\d+[\s\u3000]*", "", YEAR.sub("", title)).strip()
                for c in header:
                    if c["unit"] and not YEAR.sub("", c["name"]).strip():
                        c["name"] = title or c["name"]
            for row in tab["rows"]:
                cells = [(c["start"], c["end"], text[c["start"]:c["end"]]) for c in row["cells"]]
                if len(cells) < 2 or not any(self._NUMCELL.match(c[2]) for c in cells[1:]):
                    break
                out.extend(self._row_targets(header, cells))
                j = line_of(row["start"])
                rows_end.update((offsets[j] - 1, offsets[j] + len(lines[j])))
                if bounds is not None:
                    bounds.update(e for _, e, _ in cells[:-1])
        if bounds is not None:
            bounds.update(rows_end)
        if row_bounds is not None:
            row_bounds.update(rows_end)
        return out

    def _vertical_rows(self, text: str, tab: dict, names: list[str]) -> list[dict]:
        """A table written one cell per line (a PDF table as its reader gives it): the header
        cells from the serial column on, then each record's cells."""
        head = next((k for k, nm in enumerate(names) if nm in self.serial_headers), None)
        if head is None:
            return []
        header = self._header(names[head:])
        if header is None or len(header) < 3:
            return []
        out: list[dict] = []
        for row in tab["rows"]:
            cells = [(c["start"], c["end"], text[c["start"]:c["end"]]) for c in row["cells"]]
            while len(cells) > len(header) and not cells[-1][2]:
                cells.pop()
            out.extend(self._row_targets(header, cells))
        return out

    def _unit_of(self, u: str) -> tuple[str, Decimal] | None:
        if u in self.scaled:
            return self.scaled[u]
        if u in self.measure:
            return u, Decimal(1)
        if u in self.header_units:
            return self.header_units[u], Decimal(1)
        return None

    def _unit_note(self, line: str) -> tuple[str, Decimal] | None:
        m = self.unit_note.search(line)
        return self._unit_of(m.group(1)) if m else None

    def _col_kind(self, name: str) -> str | None:
        t = self.col_target.search(name)
        a = self.col_actual.search(name)
        if t and (not a or t.start() <= a.start()):
            return "target"
        return "actual" if a else None

    def _header(self, cells: list[str], note: tuple[str, Decimal] | None = None) -> list[dict] | None:
        if len(cells) < 2 or any(len(c) > 24 or c and c[-1] in "。；;，," for c in cells):
            return None
        cols, n_unit, n_kind = [], 0, 0
        for c in cells:
            um = self.header_unit.search(c)
            name = self.unit_note.sub("", self.header_unit.sub("", c)).strip()
            unit = scale = None
            if um:
                unit, scale = self._unit_of(um.group(1)) or (None, None)
            kind = self._col_kind(name)
            if unit:
                n_unit += 1
            if kind:
                n_kind += 1
            cols.append({"name": name, "unit": unit, "scale": scale, "kind": kind,
                         "serial": name in self.serial_headers})
        if any(re.search(r"\d", YEAR.sub("", c["name"])) for c in cols):
            return None
        if n_unit == 0 and note:                 # 单位：万元 for every numeric column
            for c in cols[1:]:
                if not c["serial"]:
                    c["unit"], c["scale"] = note
                    n_unit += 1
        if n_unit == 0 and n_kind == 0:
            return None
        return cols

    _NUMCELL = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
    _EMPTY_CELL = frozenset(("", "—", "-", "/", "——", "－"))

    def _row_targets(self, header: list[dict], cells: list[tuple[int, int, str]]) -> list[dict]:
        out = []
        n = len(header)
        while len(cells) > n and not cells[-1][2]:
            cells = cells[:-1]                   # a separator closing the row
        ucols = [c for c in header if c["unit"] and not c["serial"]]
        nums = [c for c in cells[1:] if self._NUMCELL.match(c[2]) or c[2] in self._EMPTY_CELL and c[2]]
        if ucols and len(nums) == len(ucols):
            # as many number cells as unit columns (whatever a text column with spaces inside
            # or a 合计 row with its empty cells does): the unit columns take them in order
            pairs = list(zip(ucols, nums))
        elif len(cells) == n:
            pairs = list(zip(header, cells))
        elif len(cells) < n:
            # align to the right: the trailing numeric columns are the ones that count
            pairs = list(zip(header[n - len(cells):], cells))
        else:
            pairs = []
        # a row label with its unit (新增学位（个）): it names what the cells count
        label = cells[0][2]
        lm = self.header_unit.search(label)
        row_unit = self._unit_of(lm.group(1)) if lm else None
        row_name = self.header_unit.sub("", label).strip()
        for col, (s, e, txt) in pairs:
            if col["serial"] or not self._NUMCELL.match(txt) or (s, e) == cells[0][:2]:
                continue
            if row_unit is not None and not col["unit"]:
                unit, scale = row_unit
                rest = YEAR.sub("", self.col_words.sub("", col["name"]))
                ind = (rest + row_name) if len(rest) >= 2 else row_name
            elif col["unit"]:
                unit, scale = col["unit"], col["scale"]
                ind = YEAR.sub("", col["name"]) or col["name"]
            else:
                continue
            v = Decimal(txt.replace(",", "")) * scale
            out.append({"start": s, "end": e, "value": _as_float(v), "value_high": None,
                        "unit": unit, "approx": False, "comparator": "=", "kind": None,
                        "indicator": ind, "task_id": None, "_nstart": s, "_table": True,
                        "_col_kind": col["kind"]})
        return out

    # -------------------------------------------------------------- fields
    @staticmethod
    def _part_at(parts: list[dict], starts: list[int], pos: int) -> dict | None:
        i = bisect.bisect_right(starts, pos) - 1
        return parts[i] if i >= 0 and parts[i]["end"] > pos else None

    def _fields(self, ctx: Reading, found: list[dict], parts: list[dict], fallback: list[dict],
                ignored: list[tuple[int, int]] = ()) -> None:
        """``fallback``: the heading-based parts, consulted where the structure stage's parts
        say nothing (no part, or kind "other")."""
        text = ctx.text
        part_starts = [p["start"] for p in parts]
        fb_starts = [p["start"] for p in fallback]
        prev = parent = None
        for t in found:
            cs = ctx.clause_start(t["start"])
            seg_start = max(cs, prev["end"]) if prev and prev["end"] > cs else cs
            seg = text[seg_start:t["start"]]
            gap = text[prev["end"]:t["start"]] if prev else None
            # comparator -------------------------------------------------
            if not t.get("_table"):
                t["comparator"], src = self._comparator(text, seg, _past_ignored(text, t["end"], ignored))
                t["_cmp_before"] = src == "before"
                if (src is None and prev is not None and gap is not None
                        and gap.strip() in self.cmp_carried_by and prev.get("_cmp_before")):
                    t["comparator"] = prev["comparator"]
                    t["_cmp_before"] = True
                # kind -------------------------------------------------------
            part = self._part_at(parts, part_starts, t["start"])
            if fallback and (part is None or part.get("kind") not in ("summary", "plan")):
                part = self._part_at(fallback, fb_starts, t["start"]) or part
            t["kind"] = t.get("_col_kind") or self._kind(ctx, t, part)
            # indicator --------------------------------------------------
            if not t.get("_table"):
                parent = self.indicators.parent(ctx, t, prev, parent)
                t["indicator"] = self.indicators.read(ctx, t, prev, parent, part)
            prev = t

    def _comparator(self, text: str, seg: str, end: int) -> tuple[str, str | None]:
        """(comparator, where its cue was: "after", "before" or None); ``end``: where the
        text after the number goes on (past a page break that the chrome stage ignored)."""
        after = text[end:end + 6].lstrip(" \u3000\n")
        if after.startswith(self.le_after):
            return "<=", "after"
        if after.startswith(self.ge_after):
            return ">=", "after"
        last = None
        for m in self.cmp_before.finditer(seg):   # leftmost-longest: 不低于 is not 低于
            last = m
        if last is None:
            return "=", None
        obj = seg[last.end():].strip()
        if last.group() in self.comparatives and len(obj) >= 2 and not obj.endswith("的"):
            return "=", None                     # 高于全市平均水平[21.5分]: a margin
        cmp = self.cmp_word[last.group()]
        return cmp, ("before" if cmp != "=" else None)

    def _kind(self, ctx: Reading, t: dict, part: dict | None) -> str:
        text = ctx.cue_text or ctx.text          # programme and document names blanked
        ss = ctx.sentence_start(t["start"])
        sent = text[ss:t["start"]]
        pkind = part.get("kind") if part else None
        pyear = part.get("year") if part else None
        try:
            pyear = int(pyear) if pyear else None
        except (TypeError, ValueError):
            pyear = None
        if pkind == "summary":
            if self.target_cue.search(sent):
                return "target"
            if pyear and any(int(y) > pyear for y in YEAR.findall(sent)):
                return "target"
            return "actual"
        if pkind == "plan":
            if pyear and YEAR.search(sent):
                # a past year naming this number: 由2021年的53.6%, 2021年，…新增2160个
                ym = list(self.year_cue.finditer(sent))
                last = ym[-1]
                y = int(last.group(1))
                if y < pyear and (last.end() == len(sent) or not sent[:last.start()].strip()):
                    return "actual"
            if self.actual_cue.search(text[ctx.clause_start(t["start"]):t["start"]]):
                return "actual"
            py = ctx.paragraph_year(t["start"])
            if pyear and py is not None and py < pyear and not self.target_cue.search(sent):
                return "actual"
            # 过去一年，…: a sentence (or a paragraph) that opens so reports the past year
            if (ctx.in_past_paragraph(t["start"]) or self.past_sentence.match(sent)) \
                    and not self.target_cue.search(sent):
                return "actual"
            return "target"
        # no part: cues only, then what most of the document sounds like
        if self.target_cue.search(sent):
            return "target"
        if self.report_cue.search(sent):
            return "actual"
        return self._doc_kind(ctx)

    def _doc_kind(self, ctx: Reading) -> str:
        if ctx.default_kind is None:
            n_t = sum(1 for _ in self.target_cue.finditer(ctx.cue_text or ctx.text))
            n_r = sum(1 for _ in self.report_cue.finditer(ctx.cue_text or ctx.text))
            ctx.default_kind = "actual" if n_r > n_t else "target"
        return ctx.default_kind

    @staticmethod
    def _task_of(tasks: list[dict], starts: list[int], s: int, e: int) -> str | None:
        """The smallest task holding [s, e) (of equal ones, the last in (start, -end) order).
        Walks back from the last task starting at or before s; a task starting at a' cannot be
        shorter than e - a', so the walk stops once that reaches the best length."""
        best, best_len = None, None
        for i in range(bisect.bisect_right(starts, s) - 1, -1, -1):
            t = tasks[i]
            if best_len is not None and e - t["start"] >= best_len:
                break
            if t["end"] >= e and (best_len is None or t["end"] - t["start"] < best_len):
                best, best_len = t, t["end"] - t["start"]
        return best["id"] if best else None

    # --------------------------------------------------------------- parts
    def fallback_parts(self, text: str) -> list[dict]:
        """Summary/plan parts from heading lines (…2021年工作总结, 2022年工作要点, 下一步工作
        打算), used when the structure stage gives none.  A title naming both (…年工作总结和…年
        工作要点) starts with the one it names first; the next heading switches."""
        heads = []
        last_line = -1
        for m in self.part_word.finditer(text):    # the first heading word of each line
            ls = text.rfind("\n", 0, m.start()) + 1
            if ls == last_line:
                continue
            last_line = ls
            le = text.find("\n", m.end())
            line = text[ls:le if le >= 0 else len(text)]
            if len(line.strip()) > self.part_max_len:
                continue
            w = m.group()
            kind = "summary" if w in self.part_summary else "plan"
            years = [(y.start(), int(y.group(1))) for y in YEAR.finditer(line)]
            wpos = line.index(w)
            before = [y for p, y in years if p < wpos]
            year = before[-1] if before else (years[0][1] if years else None)
            heads.append((ls, kind, year))
        parts: list[dict] = []
        for s, kind, year in heads:
            if parts and parts[-1]["kind"] == kind and (parts[-1]["year"] == year or year is None):
                continue
            if parts:
                parts[-1]["end"] = s
                if year is None and kind == "plan" and parts[-1]["year"]:
                    year = parts[-1]["year"] + 1
            parts.append({"start": 0 if not parts else s, "end": len(text), "kind": kind, "year": year})
        return parts


@Language.factory("zhpolicy_targets", default_config={"config": None})
def make_targets(nlp: Language, name: str, config: Any = None):
    return TargetExtractor(config)

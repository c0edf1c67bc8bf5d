"""Word files (.docx): the body's paragraphs and tables in document order.

- One line per paragraph; a soft line break (``<w:br/>``, ``<w:cr/>``) inside a paragraph is a
  line break, ``<w:tab/>`` a tab.  Empty paragraphs are dropped.
- A table row is one line with its cells separated by a tab; empty cells are kept (a cell
  that continues a vertical merge is one), and a cell merged across columns is followed by an
  empty cell for each further column, so every cell keeps its column; the paragraphs of one
  cell join with a space; a table nested in a cell contributes its rows to
  that cell's text.
- Content controls (``<w:sdt>``) are read through; tracked deletions and field codes are not
  text; text boxes (``<w:txbxContent>``) follow their anchoring paragraph as lines of their own,
  read once (the VML fallback copy of a text box is skipped).
- Automatic list numbering ("一、", "（一）", "1.") that Word keeps outside the text is
  rendered in front of its paragraph (bullets are not).
- Headers, footers, footnotes and comments are not part of the body and are not read.
- A file that is not a Word 2007+ package (not a zip, an old .doc, a password-protected file,
  a broken package) raises ReadError saying so; so does a package with a member expanding
  beyond ``MAX_MEMBER_BYTES`` (or all of them beyond ``MAX_TOTAL_BYTES``): it is not expanded.
"""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..settings import read_config
from . import ReadError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = (W + "p", W + "tbl", W + "tr", W + "tc", W + "sdt",
                                          W + "sdtContent")
_T, _TAB, _BR, _CR, _TXBX = W + "t", W + "tab", W + "br", W + "cr", W + "txbxContent"
_NO_BREAK_HYPHEN, _SOFT_HYPHEN, _SYM = W + "noBreakHyphen", W + "softHyphen", W + "sym"
_FALLBACK, _DEL, _INSTR, _PPR, _RPR = (MC + "Fallback", W + "del", W + "instrText",
                                       W + "pPr", W + "rPr")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# python-docx reads every part of the package into memory: members (and the whole package)
# expanding beyond these (configs/limits.yaml) are refused, not read
_LIMITS = read_config(None, "limits.yaml", "docx")
MAX_MEMBER_BYTES = int(_LIMITS["max_member_mb"]) << 20
MAX_TOTAL_BYTES = int(_LIMITS["max_total_mb"]) << 20


def _paragraph(p, boxes: list, num) -> str:
    """Text of one w:p; paragraphs found in text boxes are appended to ``boxes``."""
    out: list[str] = []
    stack = [p]
    first = True
    while stack:
        el = stack.pop()
        tag = el.tag
        if not first:
            if tag == _T:
                out.append(el.text or "")
                continue
            if tag == _TAB:
                # a w:tab inside w:pPr/w:tabs is a tab stop definition, not a tab character
                parent = el.getparent()
                if parent is not None and parent.tag == W + "r":
                    out.append("\t")
                continue
            if tag in (_BR, _CR):
                if el.get(W + "type") in (None, "textWrapping"):
                    out.append("\n")
                continue
            if tag == _NO_BREAK_HYPHEN:
                out.append("-")
                continue
            if tag in (_FALLBACK, _DEL, _INSTR, _PPR, _RPR, _SOFT_HYPHEN):
                continue
            if tag == _TXBX:
                for inner in el.iterchildren(_P, _TBL, _SDT):
                    boxes.extend(_block_lines(inner, num))
                continue
        first = False
        stack.extend(reversed(list(el)))
    return "".join(out)


def _cell_text(tc, num) -> str:
    parts = []
    for el in tc.iterchildren(_P, _TBL, _SDT):
        parts.extend(line for line in _block_lines(el, num, in_cell=True) if line.strip())
    return " ".join(" ".join(part.split("\n")) for part in parts).strip()


def _row_line(tr, num) -> str:
    """The cells of a row separated by tabs, empty ones too (a cell that continues a vertical
    merge is empty), and one empty cell more for each further column a merged cell spans
    (gridSpan): every cell keeps its column."""
    cells = []
    for tc in _row_cells(tr):
        cells.append(_cell_text(tc, num))
        span = _val(tc.find(W + "tcPr"), W + "gridSpan")
        if span and span.isdigit() and 1 < int(span) <= 64:
            cells.extend([""] * (int(span) - 1))
    return "\t".join(cells).strip("\t")


def _row_cells(tr):
    for el in tr:
        if el.tag == _TC:
            yield el
        elif el.tag == _SDT:  # a content control wrapping cells
            content = el.find(_SDT_CONTENT)
            if content is not None:
                yield from (c for c in content if c.tag == _TC)


def _table_rows(tbl):
    for el in tbl:
        if el.tag == _TR:
            yield el
        elif el.tag == _SDT:
            content = el.find(_SDT_CONTENT)
            if content is not None:
                yield from (r for r in content if r.tag == _TR)


def _block_lines(el, num, in_cell: bool = False) -> list[str]:
    tag = el.tag
    if tag == _P:
        boxes: list[str] = []
        label = num.label(el)       # counted even when the paragraph is empty, as Word does
        text = _paragraph(el, boxes, num)
        return [label + text if text.strip() else text, *boxes]
    if tag == _TBL:
        rows = [_row_line(tr, num) for tr in _table_rows(el)]
        return [" ".join(rows)] if in_cell else rows
    if tag == _SDT:
        content = el.find(_SDT_CONTENT)
        lines: list[str] = []
        if content is not None:
            for child in content:
                lines.extend(_block_lines(child, num, in_cell))
        return lines
    return []


# ------------------------------------------------------------------ automatic list numbering
# Word keeps "一、", "（一）", "1." of numbered headings and lists out of the text, in
# numbering.xml; a reader that skips them loses the report's outline markers.  The label is
# rebuilt from the level's lvlText and numFmt, counting per list (numId) with deeper levels
# restarting, as Word renders it.  Bullets contribute nothing.

_CN_DIGITS = "〇一二三四五六七八九"


def _chinese_counting(n: int) -> str:
    if n <= 0:
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        tail = ""
        if rest:
            tail = ("零" + _CN_DIGITS[rest] if rest < 10 else
                    ("一" + _chinese_counting(rest) if rest < 20 else _chinese_counting(rest)))
        return _CN_DIGITS[hundreds] + "百" + tail
    return str(n)


def _roman(n: int) -> str:
    out = []
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"),
                       (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"),
                       (4, "IV"), (1, "I")):
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


def _letters(n: int) -> str:
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1) if n > 0 else str(n)


def _format_number(n: int, fmt: str) -> str:
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified",
               "taiwaneseCounting", "taiwaneseCountingThousand"):
        return _chinese_counting(n)
    if fmt in ("ideographDigital", "taiwaneseDigital"):
        return "".join(_CN_DIGITS[int(d)] for d in str(n))
    if fmt == "ideographTraditional":
        return "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10]
    if fmt == "ideographZodiac":
        return "子丑寅卯辰巳午未申酉戌亥"[(n - 1) % 12]
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalFullWidth":
        return str(n).translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperLetter":
        return _letters(n)
    if fmt == "lowerLetter":
        return _letters(n).lower()
    if fmt == "none":
        return ""
    return str(n)


def _val(el, path: str):
    found = el.find(path) if el is not None else None
    return found.get(W + "val") if found is not None else None


class _Numbering:
    """Renders the list label of numbered paragraphs, in document order."""

    def __init__(self, document):
        self.levels: dict[str, dict[int, tuple[int, str, str, str]]] = {}
        self.counters: dict[str, list[int | None]] = {}
        self.style_num: dict[str, tuple[str | None, int | None]] = {}
        try:
            root = document.part.numbering_part.element
        except Exception:  # no numbering part: nothing is numbered
            root = None
        if root is not None:
            abstract = {}
            for an in root.iterchildren(W + "abstractNum"):
                lv = {}
                for lvl in an.iterchildren(W + "lvl"):
                    lv[int(lvl.get(W + "ilvl", "0"))] = self._level(lvl)
                abstract[an.get(W + "abstractNumId")] = lv
            for num in root.iterchildren(W + "num"):
                lv = dict(abstract.get(_val(num, W + "abstractNumId"), {}))
                for ov in num.iterchildren(W + "lvlOverride"):
                    ilvl = int(ov.get(W + "ilvl", "0"))
                    lvl = ov.find(W + "lvl")
                    if lvl is not None:
                        lv[ilvl] = self._level(lvl)
                    start = _val(ov, W + "startOverride")
                    if start is not None and ilvl in lv:
                        lv[ilvl] = (int(start),) + lv[ilvl][1:]
                self.levels[num.get(W + "numId")] = lv
        try:
            styles = document.styles.element
        except Exception:
            styles = None
        if styles is not None and self.levels:
            based: dict[str, str | None] = {}
            own: dict[str, tuple[str | None, int | None]] = {}
            for st in styles.iterchildren(W + "style"):
                sid = st.get(W + "styleId")
                based[sid] = _val(st, W + "basedOn")
                numpr = st.find(f"{W}pPr/{W}numPr")
                if numpr is not None:
                    ilvl = _val(numpr, W + "ilvl")
                    own[sid] = (_val(numpr, W + "numId"), int(ilvl) if ilvl else None)
            for sid in based:
                seen, cur = set(), sid
                while cur and cur not in own and cur not in seen:
                    seen.add(cur)
                    cur = based.get(cur)
                if cur in own:
                    self.style_num[sid] = own[cur]

    @classmethod
    def empty(cls) -> "_Numbering":
        self = cls.__new__(cls)
        self.levels, self.counters, self.style_num = {}, {}, {}
        return self

    @staticmethod
    def _level(lvl) -> tuple[int, str, str, str]:
        start = _val(lvl, W + "start")
        return (int(start) if start and start.lstrip("-").isdigit() else 1,
                _val(lvl, W + "numFmt") or "decimal", _val(lvl, W + "lvlText") or "",
                _val(lvl, W + "suff") or "tab")

    def label(self, p) -> str:
        if not self.levels:
            return ""
        ppr = p.find(_PPR)
        numpr = ppr.find(W + "numPr") if ppr is not None else None
        num_id = _val(numpr, W + "numId")
        ilvl_s = _val(numpr, W + "ilvl")
        style = _val(ppr, W + "pStyle")
        if style in self.style_num:
            s_num, s_ilvl = self.style_num[style]
            num_id = num_id or s_num
            if ilvl_s is None and s_ilvl is not None:
                ilvl_s = str(s_ilvl)
        if not num_id or num_id == "0" or num_id not in self.levels:
            return ""
        ilvl = int(ilvl_s) if ilvl_s and ilvl_s.isdigit() else 0
        levels = self.levels[num_id]
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, [None] * 9)
        start = levels[ilvl][0]
        counters[ilvl] = start if counters[ilvl] is None else counters[ilvl] + 1
        for deeper in range(ilvl + 1, len(counters)):
            counters[deeper] = None
        _, fmt, text, suff = levels[ilvl]
        if fmt == "bullet":
            return ""

        def sub(m):
            k = int(m.group(1)) - 1
            value = counters[k] if 0 <= k < len(counters) and counters[k] is not None else (
                levels.get(k, (1,))[0])
            k_fmt = fmt if k == ilvl else levels.get(k, (1, "decimal"))[1]
            return _format_number(value, k_fmt)

        label = _LVL_PLACEHOLDER.sub(sub, text)
        if not label.strip():
            return ""
        if suff == "nothing" or _WIDE_END.search(label):
            return label
        return label + " "


_LVL_PLACEHOLDER = re.compile(r"%([1-9])")
_WIDE_END = re.compile("[\u2e80-\u9fff\uff00-\uffef]$")


def _check_sizes(path: Path) -> None:
    """Refuse a package whose members would expand beyond the limits (a zip bomb) before
    python-docx reads them all into memory.  zipfile never returns more than a member's
    declared size (it fails the CRC check instead), so the declared sizes are the bound."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise ReadError(path, f"corrupt or not a .docx file ({type(err).__name__}: "
                              f"{str(err)[:120]})") from None
    mb = 1 << 20
    for info in infos:
        if info.file_size > MAX_MEMBER_BYTES:
            raise ReadError(path, f"refused: member {info.filename} expands to "
                                  f"{info.file_size / mb:.0f} MB (limit {MAX_MEMBER_BYTES // mb} MB; "
                                  f"a zip bomb?)")
    total = sum(i.file_size for i in infos)
    if total > MAX_TOTAL_BYTES:
        raise ReadError(path, f"refused: the package expands to {total / mb:.0f} MB "
                              f"(limit {MAX_TOTAL_BYTES // mb} MB; a zip bomb?)")


def read_docx(path: Path) -> str:
    path = Path(path)
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(_OLE_MAGIC):
        raise ReadError(path, "not a .docx package: an OLE container, i.e. an old Word .doc "
                              "or a password-protected file (save it as .docx first)")
    if not zipfile.is_zipfile(path):
        raise ReadError(path, "corrupt or not a .docx file (not a zip package)")
    _check_sizes(path)
    try:
        import docx

        document = docx.Document(str(path))
        body = document.element.body
    except Exception as err:
        raise ReadError(path, f"corrupt or not a .docx file ({type(err).__name__}: "
                              f"{str(err)[:120]})") from None
    try:
        num = _Numbering(document)
    except Exception:  # a malformed numbering part costs the labels, not the document
        num = _Numbering.empty()
    lines: list[str] = []
    for el in body:
        lines.extend(_block_lines(el, num))
    return "\n".join(line.rstrip() for line in lines if line.strip())

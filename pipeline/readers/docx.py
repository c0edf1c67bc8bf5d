"""Word files (.docx): the body's paragraphs and tables in document order.

- One line per paragraph; a soft line break (``<w:br/>``, ``<w:cr/>``) inside a paragraph is a
  line break, ``<w:tab/>`` a tab.  Empty paragraphs are dropped.
- A table row is one line with its cells separated by a tab; a merged cell counts once; the
  paragraphs of one cell join with a space; a table nested in a cell contributes its rows to
  that cell's text.
- Content controls (``<w:sdt>``) are read through; tracked deletions and field codes are not
  text; text boxes (``<w:txbxContent>``) follow their anchoring paragraph as lines of their own,
  read once (the VML fallback copy of a text box is skipped).
- Headers, footers, footnotes and comments are not part of the body and are not read.
- A file that is not a Word 2007+ package (not a zip, an old .doc, a password-protected file,
  a broken package) raises ReadError saying so.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

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


def _paragraph(p, boxes: list) -> str:
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
                    boxes.extend(_block_lines(inner))
                continue
        first = False
        stack.extend(reversed(list(el)))
    return "".join(out)


def _cell_text(tc) -> str:
    parts = []
    for el in tc.iterchildren(_P, _TBL, _SDT):
        parts.extend(line for line in _block_lines(el, in_cell=True) if line.strip())
    return " ".join(" ".join(part.split("\n")) for part in parts).strip()


def _row_line(tr) -> str:
    cells = []
    for tc in _row_cells(tr):
        cells.append(_cell_text(tc))
    return "\t".join(c for c in cells if c)


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


def _block_lines(el, in_cell: bool = False) -> list[str]:
    tag = el.tag
    if tag == _P:
        boxes: list[str] = []
        text = _paragraph(el, boxes)
        return [text, *boxes]
    if tag == _TBL:
        rows = [_row_line(tr) for tr in _table_rows(el)]
        return [" ".join(rows)] if in_cell else rows
    if tag == _SDT:
        content = el.find(_SDT_CONTENT)
        lines: list[str] = []
        if content is not None:
            for child in content:
                lines.extend(_block_lines(child, in_cell))
        return lines
    return []


def read_docx(path: Path) -> str:
    path = Path(path)
    with open(path, "rb") as fh:
        head = fh.read(8)
    if head.startswith(_OLE_MAGIC):
        raise ReadError(path, "not a .docx package: an OLE container, i.e. an old Word .doc "
                              "or a password-protected file (save it as .docx first)")
    if not zipfile.is_zipfile(path):
        raise ReadError(path, "corrupt or not a .docx file (not a zip package)")
    try:
        import docx

        document = docx.Document(str(path))
        body = document.element.body
    except Exception as err:
        raise ReadError(path, f"corrupt or not a .docx file ({type(err).__name__}: "
                              f"{str(err)[:120]})") from None
    lines: list[str] = []
    for el in body:
        lines.extend(_block_lines(el))
    return "\n".join(line.rstrip() for line in lines if line.strip())

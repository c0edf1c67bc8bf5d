"""PDF files: the text layer read with pdfminer.six, one line per text line, page by page.

- Lines come in pdfminer's reading order (text boxes top to bottom, left to right); text in
  form XObjects is read too.  Pages follow each other with a plain newline, so the footer line
  of a page ("- 1 -") stays a line of its own.  No blank lines are produced.
- A line that starts to the right of the page's usual left edge (a paragraph's first-line
  indent, a centred title or footer) gets one ideographic space (U+3000) per character width of
  indent, the way the report was laid out; the normaliser reads indentation as a paragraph
  start when it joins hard-wrapped lines.
- Spaces that pdfminer *invents* from glyph gaps between two CJK characters (justified or
  letter-spaced lines) are dropped; spaces present in the PDF and invented ones next to Latin
  letters or digits are kept.
- A ruled table (its rules drawn as lines or thin rectangles) is read row by row, the way
  it is drawn, not in pdfminer's order (which reads it column by column): the rules give the
  rows and, per row, its cells; each character goes to the cell it sits in; a row is one line
  with its cells separated by tabs, an empty cell (or the further columns a merged cell spans)
  as an empty cell, so every cell keeps its column; the lines of one cell join.
- Kangxi radicals (U+2F00-U+2FD5), which Word-exported PDFs often map ideographs to (⼀ for 一,
  ⾼ for 高), are mapped to the ideographs they stand for (one character for one character).
- Encrypted (with a password), corrupt and non-PDF files raise ReadError; so does a PDF with no
  text layer (a scan) or one whose fonts have no Unicode map (only "(cid:N)" glyph codes).
"""
from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from pathlib import Path

from . import ReadError

MAX_INDENT = 4             # ideographic spaces at most for one line's indent
RULE_WIDTH = 2.0           # a drawn rule is at most this thick (points)
RULE_MIN = 5.0             # and at least this long
SNAP = 2.0                 # rules closer than this are one rule; a rule ends this near another
MAX_CELL_CHARS = 300       # a ruled box holding more is page layout (a framed page), no table
CID_SHARE_FAIL = 0.5       # more glyphs than this as "(cid:N)": no usable text layer

_KANGXI = str.maketrans({chr(cp): unicodedata.normalize("NFKC", chr(cp))
                         for cp in range(0x2F00, 0x2FD6)})
_CID = re.compile(r"\(cid:\d+\)")
_WIDE = re.compile("[\u2e80-\u303e\u3040-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                   "\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003ffff]")

logging.getLogger("pdfminer").setLevel(logging.ERROR)


def _line_text(line) -> tuple[str, float]:
    """Text of one LTTextLine without invented spaces between CJK characters, and the
    median glyph size (a character width for CJK text)."""
    from pdfminer.layout import LTChar

    items = list(line)
    out: list[str] = []
    sizes: list[float] = []
    n = len(items)
    for i, item in enumerate(items):
        text = item.get_text()
        if isinstance(item, LTChar):
            out.append(text)
            if text.strip():
                sizes.append(item.size)
            continue
        # LTAnno: a space or newline pdfminer inserted, not a glyph of the document
        if text == "\n":
            continue
        prev = out[-1][-1:] if out else ""
        nxt = items[i + 1].get_text()[:1] if i + 1 < n else ""
        if prev and nxt and _WIDE.match(prev) and _WIDE.match(nxt):
            continue
        out.append(text)
    sizes.sort()
    size = sizes[len(sizes) // 2] if sizes else max(line.height, 1.0)
    return "".join(out).rstrip(), size


def _walk_lines(container, out: list, rules: list | None = None) -> None:
    """Text lines as (x0, size, text, LTTextLine) in reading order; drawn rules (h or v
    segments) into ``rules``."""
    from pdfminer.layout import LTCurve, LTFigure, LTTextBox, LTTextLine

    for item in container:
        if isinstance(item, LTTextLine):
            text, size = _line_text(item)
            if text.strip():
                out.append((item.x0, size, text, item))
        elif isinstance(item, (LTTextBox, LTFigure)):
            _walk_lines(item, out, rules)
        elif rules is not None and isinstance(item, LTCurve):      # LTLine, LTRect too
            rules.extend(_segments(item))


def _segments(item) -> list[tuple]:
    """A drawn shape as rules: ("h", y, x0, x1) or ("v", x, y0, y1); a rectangle as its edges."""
    x0, y0, x1, y1 = item.bbox
    w, h = x1 - x0, y1 - y0
    if h <= RULE_WIDTH and w >= RULE_MIN:
        return [("h", (y0 + y1) / 2, x0, x1)]
    if w <= RULE_WIDTH and h >= RULE_MIN:
        return [("v", (x0 + x1) / 2, y0, y1)]
    if type(item).__name__ == "LTRect" and w >= RULE_MIN and h >= RULE_MIN:
        return [("h", y0, x0, x1), ("h", y1, x0, x1), ("v", x0, y0, y1), ("v", x1, y0, y1)]
    return []


def _snap(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= SNAP:
            continue
        out.append(v)
    return out


def _grids(rules: list[tuple]) -> list[dict]:
    """Ruled tables: groups of rules that touch, with >= 2 rows and >= 2 columns."""
    hs = [r for r in rules if r[0] == "h"]
    vs = [r for r in rules if r[0] == "v"]
    if len(hs) < 3 or len(vs) < 3:
        return []
    parent = list(range(len(hs) + len(vs)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (_, y, hx0, hx1) in enumerate(hs):
        for j, (_, x, vy0, vy1) in enumerate(vs):
            if hx0 - SNAP <= x <= hx1 + SNAP and vy0 - SNAP <= y <= vy1 + SNAP:
                parent[find(i)] = find(len(hs) + j)
    groups: dict[int, list] = {}
    for k, r in enumerate(hs + vs):
        groups.setdefault(find(k), []).append(r)
    out = []
    for g in groups.values():
        gh = [r for r in g if r[0] == "h"]
        gv = [r for r in g if r[0] == "v"]
        ys = _snap([r[1] for r in gh])[::-1]           # top to bottom
        xs = _snap([r[1] for r in gv])
        if len(ys) < 3 or len(xs) < 3:
            continue
        out.append({"ys": ys, "xs": xs, "v": gv,
                    "bbox": (xs[0], ys[-1], xs[-1], ys[0])})
    return out


def _cell_text(chars: list) -> str:
    """The characters of one cell: lines top to bottom, characters left to right; lines of a
    cell join (with a space between Latin letters or digits); a gap wider than a third of a
    character between Latin letters or digits is a space."""
    if not chars:
        return ""
    chars = sorted(chars, key=lambda c: -c[1])
    lines: list[list] = []
    for c in chars:
        if lines and abs(lines[-1][0][1] - c[1]) < 0.5 * c[3]:
            lines[-1].append(c)
        else:
            lines.append([c])
    out = ""
    for ln in lines:
        ln.sort(key=lambda c: c[0])
        text, prev = "", None
        for c in ln:
            if prev is not None and c[0] - prev[4] > 0.3 * c[3] and not (_WIDE.match(prev[2]) or _WIDE.match(c[2])):
                text += " "
            text += c[2]
            prev = c
        text = text.strip()
        if out and text and not (_WIDE.match(out[-1]) and _WIDE.match(text[0])):
            out += " "
        out += text
    return " ".join(out.split("\t")).strip()


def _table_rows(grid: dict, chars: list) -> list[str]:
    """The rows of a ruled table as lines, cells separated by tabs."""
    ys, xs = grid["ys"], grid["xs"]
    bands = [(ys[k], ys[k + 1]) for k in range(len(ys) - 1) if ys[k] - ys[k + 1] > 3]
    cells: dict[tuple[int, int], list] = {}
    row_edges = []
    for top, bot in bands:
        mid = (top + bot) / 2
        edges = _snap([r[1] for r in grid["v"] if r[2] - SNAP <= mid <= r[3] + SNAP])
        row_edges.append(edges if len(edges) >= 2 else xs)
    for c in chars:
        cx, cy = (c[0] + c[4]) / 2, c[1]
        b = next((k for k, (top, bot) in enumerate(bands) if bot <= cy <= top), None)
        if b is None:
            b = min(range(len(bands)), key=lambda k: min(abs(cy - bands[k][0]), abs(cy - bands[k][1])))
        edges = row_edges[b]
        k = sum(1 for x in edges[1:-1] if x <= cx)
        cells.setdefault((b, k), []).append(c)
    out = []
    for b, edges in enumerate(row_edges):
        row = []
        for k in range(len(edges) - 1):
            row.append(_cell_text(cells.get((b, k), [])))
            # the further columns a merged cell spans
            spanned = sum(1 for x in xs if edges[k] + SNAP < x < edges[k + 1] - SNAP)
            row.extend([""] * spanned)
        line = "\t".join(row).rstrip("\t")
        if line.strip():
            out.append(line)
    return out


def _page_lines(lines: list, rules: list) -> list[tuple]:
    """Lines of one page as (x0, size, text, is_table_row): the lines inside a ruled table
    are replaced by its rows, where its first line was in reading order."""
    from pdfminer.layout import LTChar

    grids = _grids(rules)
    if not grids:
        return [(x0, size, text, False) for x0, size, text, _ in lines]
    where: list[int | None] = []
    for x0, size, text, item in lines:
        cx, cy = (item.x0 + item.x1) / 2, (item.y0 + item.y1) / 2
        where.append(next((k for k, gr in enumerate(grids)
                           if gr["bbox"][0] <= cx <= gr["bbox"][2] and gr["bbox"][1] <= cy <= gr["bbox"][3]), None))
    rows: dict[int, list[str] | None] = {}
    for g in {k for k in where if k is not None}:
        chars = [(ch.x0, (ch.y0 + ch.y1) / 2, ch.get_text(), ch.size, ch.x1)
                 for ln, k in zip(lines, where) if k == g
                 for ch in ln[3] if isinstance(ch, LTChar) and ch.get_text().strip()]
        got = _table_rows(grids[g], chars)
        rows[g] = None if any(len(c) > MAX_CELL_CHARS for r in got for c in r.split("\t")) else got
    out: list[tuple] = []
    done: set[int] = set()
    for (x0, size, text, _), g in zip(lines, where):
        if g is None or rows[g] is None:
            out.append((x0, size, text, False))
        elif g not in done:
            done.add(g)
            out.extend((grids[g]["bbox"][0], 1.0, row, True) for row in rows[g])
    return out


def _indented(lines: list[tuple]) -> list[str]:
    """Lines of one page with their indent relative to the page's usual left edge (the rows
    of a table have none)."""
    if not lines:
        return []
    prose = [ln for ln in lines if not ln[3]]
    long_edges = Counter(round(x0) for x0, _, text, _ in prose if len(text.strip()) >= 10)
    margin = long_edges.most_common(1)[0][0] if long_edges else min((x0 for x0, _, _, _ in prose), default=0)
    out = []
    for x0, size, text, row in lines:
        indent = round((x0 - margin) / size) if size > 0 and not row else 0
        if indent > 0 and not text[:1].isspace():
            text = "\u3000" * min(indent, MAX_INDENT) + text
        out.append(text)
    return out


def read_pdf(path: Path) -> str:
    path = Path(path)
    with open(path, "rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        raise ReadError(path, "not a PDF file (no %PDF- header)")
    from pdfminer.layout import LAParams

    try:
        from pdfminer.high_level import extract_pages
        from pdfminer.pdfdocument import PDFPasswordIncorrect

        try:
            from pdfminer.pdfdocument import PDFEncryptionError
        except ImportError:  # pragma: no cover - older pdfminer
            PDFEncryptionError = PDFPasswordIncorrect
        out: list[str] = []
        pages = 0
        for page in extract_pages(str(path), laparams=LAParams(all_texts=True)):
            pages += 1
            lines: list = []
            rules: list = []
            _walk_lines(page, lines, rules)
            out.extend(_indented(_page_lines(lines, rules)))
    except (PDFPasswordIncorrect, PDFEncryptionError) as err:
        raise ReadError(path, f"encrypted PDF: needs a password to read "
                              f"({type(err).__name__})") from None
    except ReadError:
        raise
    except Exception as err:
        raise ReadError(path, f"corrupt PDF ({type(err).__name__}: {str(err)[:120]})") from None
    text = "\n".join(out).translate(_KANGXI)
    if not text.strip():
        what = f"{pages} page(s)" if pages else "no pages"
        raise ReadError(path, f"no text layer (scanned PDF?): {what}, no extractable text")
    cids = len(_CID.findall(text))
    if cids:
        rest = _CID.sub("", text)
        glyphs = len(rest) - sum(rest.count(ws) for ws in (" ", "\n", "\t", "\u3000"))
        if cids > CID_SHARE_FAIL * (cids + glyphs):
            raise ReadError(path, "no usable text layer: the fonts have no Unicode map "
                                  "(text comes out as (cid:N) codes; OCR needed)")
    return text

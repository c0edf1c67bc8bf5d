"""Web pages (.html/.htm) as text with the page's block structure kept as lines.

- Decoding: a BOM, else the charset the page declares (``<meta charset>``, ``http-equiv``
  Content-Type, XML declaration) when it decodes strictly and plausibly, else detection as
  for .txt (Chinese government sites often declare one charset and serve another).
- Text: everything in ``<body>`` except script/style/template/noscript/svg/iframe content.
  Every block element (p, div, li, h1-h6, tr, table, section, ...) starts and ends a line;
  ``<br>`` ends a line; a table row is one line, its cells separated by a tab; an empty cell
  stays a cell, a cell spanning columns (colspan) is followed by an empty cell for each further
  column, and a row below a cell spanning rows (rowspan) gets an empty cell in its place, so
  every cell keeps its column (an empty first cell goes with the line's leading space; paragraphs and
  ``<br>`` inside a short cell join with a space; a long cell, one with many paragraphs or one
  holding a table is page layout, and its blocks stay lines).  Whitespace inside a block
  collapses like a browser renders it: runs of spaces become one space, a line break in the
  source between two CJK characters disappears (CSS Text 3 segment-break rule), ``&nbsp;``
  counts as a space.  ``<pre>`` keeps its line breaks.  Lines are stripped; empty lines are
  dropped, so the result has one line per non-empty block.
- Site chrome (navigation, 打印本页, footers) is kept on purpose: a later stage marks it ignored.
- Tags nested deeper than ``MAX_DEPTH`` are dropped before parsing, their text kept (the
  parser's time is quadratic in the depth: 100k nested divs took 18 s).
"""
from __future__ import annotations

import re
from pathlib import Path

from ..settings import read_config
from . import ReadError
from .txt import decode_bytes

SKIP = frozenset({"script", "style", "template", "noscript", "svg", "math", "iframe", "object",
                  "head", "title", "meta", "link", "base", "canvas", "audio", "video", "map",
                  "-comment", "!doctype", "select", "button"})
BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "legend",
    "li", "listing", "main", "menu", "nav", "ol", "p", "plaintext", "pre", "section",
    "summary", "table", "tbody", "tfoot", "thead", "tr", "ul", "xmp", "option", "optgroup",
})
CELL = frozenset({"td", "th"})
# A cell with more text or more blocks than this is a layout cell (a page's article inside a
# <td>), whose paragraphs stay lines; smaller cells are data cells joined into the row's line.
DATA_CELL_MAX_CHARS = 300
DATA_CELL_MAX_BLOCKS = 4
_BLOCK_SELECTOR = "p, div, li, h1, h2, h3, h4, h5, h6, section, article, blockquote"
PRE = frozenset({"pre", "textarea", "listing", "plaintext", "xmp"})

# Sentinels used while assembling (never in decoded HTML text: they are C0 controls that an
# HTML parser turns into U+FFFD or drops).
_BLOCK, _CELL, _BR, _SEG, _EMPTY = "\x02", "\x03", "\x04", "\x01", "\x05"
# an empty cell (or the place of a spanned one) stands as a cell of its own, so the cells
# after it keep their columns
_EMPTY_CELL = _CELL + _EMPTY + _CELL
MAX_SPAN = 50              # a colspan/rowspan beyond this is taken as 1 (broken markup)

_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)"""
    rb"""|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_WS_RUN = re.compile(r"[ \t\n\r\f\v\xa0]+")
_WIDE = ("\u1100-\u11ff\u2e80-\u303e\u3040-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf"
         "\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003ffff")
_SEG_BETWEEN_WIDE = re.compile(f"(?<=[{_WIDE}])[ {_SEG}]*{_SEG}[ {_SEG}]*(?=[{_WIDE}])")
_SPACES = re.compile(f"[ {_SEG}]+")
_CELL_RUN = re.compile(f" *{_CELL}[ {_CELL}]*")
_BREAK_RUN = re.compile(f"[ \t{_CELL}]*[{_BLOCK}{_BR}][ \t{_CELL}{_BLOCK}{_BR}]*")


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first 4 KB, or None."""
    m = _CHARSET.search(data[:4096])
    if not m:
        return None
    return (m.group(1) or m.group(2)).decode("ascii", "ignore")


# The HTML parser's time grows with the square of the nesting depth (each block start tag
# looks through the open elements): 100k nested divs take 18 s.  Tags nested deeper than this
# are dropped before parsing (their text is kept); no real page comes near it.
MAX_DEPTH = int(read_config(None, "limits.yaml", "html")["max_depth"])   # configs/limits.yaml
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)\b[^>]*?(/?)>")
_NO_CLOSE = frozenset({  # void elements and elements whose end tag may be left out
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody",
    "tfoot", "option", "optgroup", "colgroup", "caption", "rb", "rt", "rtc", "rp",
    "html", "head", "body"})


def flatten_deep(markup: str, limit: int = MAX_DEPTH) -> str:
    """``markup`` without the tags nested deeper than ``limit`` (an estimate counting the
    elements that need an end tag); the same string when nothing is that deep."""
    if markup.count("<") <= limit:
        return markup
    depth, cut, out, pos = 0, False, [], 0
    for m in _TAG.finditer(markup):
        name = m.group(2).lower()
        if name in _NO_CLOSE or m.group(3):
            continue
        if m.group(1):                      # an end tag
            drop = depth > limit
            depth = max(0, depth - 1)
        else:
            drop = depth >= limit
            depth += 1
        if drop:
            cut = True
            out.append(markup[pos:m.start()])
            pos = m.end()
    if not cut:
        return markup
    out.append(markup[pos:])
    return "".join(out)


def html_to_text(markup: str) -> str:
    """The text of an HTML document, one line per non-empty block (see module docstring)."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(flatten_deep(markup))
    root = tree.body if tree.body is not None else tree.root
    if root is None:
        return ""
    pieces: list[str] = []
    add = pieces.append
    pre_depth = 0
    spans: dict = {}    # per table: column -> rows a rowspan still fills
    inline_depth = 0    # > 0 inside a data-table cell: its blocks join into the row's line
    # Explicit stack instead of recursion: pages nest deeply (layout tables in layout tables).
    # An entry is a node to visit, or a string marker to emit when an element closes.
    stack: list = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if node == "/pre":
                pre_depth -= 1
            elif node == "/inline":
                inline_depth -= 1
            else:
                add(node)
            continue
        tag = node.tag
        if tag == "-text":
            text = node.text_content or ""
            if pre_depth:
                add(text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", _BR))
            else:
                add(_WS_RUN.sub(_ws_replacement, text))
            continue
        if tag in SKIP or tag is None or tag.startswith("-"):
            continue
        if tag == "br":
            add(" " if inline_depth else _BR)
            continue
        if tag in CELL:
            if _blank_cell(node):
                add(_EMPTY_CELL)
                continue
            add(_CELL)
            stack.append(_CELL)
            if not inline_depth and _is_data_cell(node):
                inline_depth += 1
                stack.append("/inline")
        elif tag in BLOCK:
            brk = " " if inline_depth else _BLOCK
            add(brk)
            stack.append(brk)
        elif tag == "img":
            continue
        if tag in PRE:
            pre_depth += 1
            stack.append("/pre")
        children = []
        child = node.child
        while child is not None:
            children.append(child)
            child = child.next
        if tag == "tr":
            children = _spanned(node, children, spans)
        stack.extend(reversed(children))
    return _assemble("".join(pieces))


def _span(node, name: str) -> int:
    try:
        n = int((node.attributes.get(name) or "1").strip())
    except (ValueError, AttributeError):
        return 1
    return n if 1 <= n <= MAX_SPAN else 1


def _blank_cell(node) -> bool:
    return not (node.text(deep=True) or "").strip(" \t\n\r\f\v\xa0\u3000") and node.css_first("table") is None


def _spanned(tr, children: list, spans: dict) -> list:
    """The children of a row with an empty cell after each cell that spans columns
    (colspan) and in each place that a cell of a row above fills (rowspan): every cell keeps
    its column.  ``spans`` holds, per table, the rows each column is still filled for."""
    table = tr.parent
    while table is not None and table.tag != "table":
        table = table.parent
    if table is None:
        return children
    filled = spans.setdefault(table.mem_id, {})
    out, col = [], 0

    def pass_filled():
        nonlocal col
        while filled.get(col, 0) > 0:
            filled[col] -= 1
            out.append(_EMPTY_CELL)
            col += 1

    for ch in children:
        if ch.tag not in CELL:
            out.append(ch)
            continue
        pass_filled()
        out.append(ch)
        cs, rs = _span(ch, "colspan"), _span(ch, "rowspan")
        out.extend([_EMPTY_CELL] * (cs - 1))
        if rs > 1:
            for k in range(cs):
                filled[col + k] = rs - 1
        col += cs
    pass_filled()
    for c in [c for c in filled if c >= col and filled[c] > 0]:
        filled[c] -= 1                 # a filled place at the end of the row: nothing after it
    return out


def _is_data_cell(node) -> bool:
    """A table cell of a data table (short, no table inside) rather than a layout cell that
    holds a page's article: blocks inside a data cell stay on the row's line."""
    if node.css_first("table") is not None:
        return False
    if len(node.text(deep=True)) > DATA_CELL_MAX_CHARS:
        return False
    return len(node.css(_BLOCK_SELECTOR)) < DATA_CELL_MAX_BLOCKS


def _ws_replacement(m: re.Match) -> str:
    return _SEG if ("\n" in m.group(0) or "\r" in m.group(0)) else " "


def _assemble(raw: str) -> str:
    raw = _SEG_BETWEEN_WIDE.sub("", raw)
    raw = _SPACES.sub(" ", raw)
    raw = _BREAK_RUN.sub("\n", raw)
    raw = _CELL_RUN.sub("\t", raw)
    lines = (line.replace(_EMPTY, "").strip(" \t\u3000") for line in raw.split("\n"))
    return "\n".join(line for line in lines if line)


def read_html(path: Path, warnings: list[str] | None = None) -> str:
    data = Path(path).read_bytes()
    text = decode_bytes(data, path, declared=declared_charset(data), warnings=warnings)
    try:
        return html_to_text(text)
    except Exception as err:  # selectolax itself rarely fails; say so plainly if it does
        raise ReadError(path, f"cannot parse HTML: {type(err).__name__}: {err}") from None

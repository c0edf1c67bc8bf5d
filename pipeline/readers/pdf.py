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


def _walk_lines(container, out: list) -> None:
    from pdfminer.layout import LTFigure, LTTextBox, LTTextLine

    for item in container:
        if isinstance(item, LTTextLine):
            text, size = _line_text(item)
            if text.strip():
                out.append((item.x0, size, text))
        elif isinstance(item, (LTTextBox, LTFigure)):
            _walk_lines(item, out)


def _indented(lines: list[tuple[float, float, str]]) -> list[str]:
    """Lines of one page with their indent relative to the page's usual left edge."""
    if not lines:
        return []
    long_edges = Counter(round(x0) for x0, _, text in lines if len(text.strip()) >= 10)
    margin = long_edges.most_common(1)[0][0] if long_edges else min(x0 for x0, _, _ in lines)
    out = []
    for x0, size, text in lines:
        indent = round((x0 - margin) / size) if size > 0 else 0
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
            _walk_lines(page, lines)
            out.extend(_indented(lines))
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

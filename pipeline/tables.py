"""Flattened tables in plain text: where they are, their header, rows and cells.

A report's table reaches the pipeline as lines of text, however it was written:

- one row per line, cells separated by tabs (the HTML and DOCX readers write real tables so),
  by ``|``/``｜``, by runs of spaces or full-width spaces (text aligned in columns), or by
  single spaces when every row is numbered (``1 某校扩建工程 12000 1500``);
- one cell per line (PDF text of a ruled table): a ``序号`` line, the other header cells one
  per line, then every row as its serial number on a line of its own followed by its cells.

A table is a block of such lines: a header line (optional for tab/bar/space tables) and rows;
at least one row holds a digit.  Rows of a table are never lines of wrapped prose: the
normaliser does not join them (:func:`table_lines`), and the structure stage makes each row
that is not a total (合计) a task.  Vocabulary (serial headers, total labels, caption) is in
``configs/structure.yaml``, section ``tables``.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .patterns import PAGE_NUMBER
from .settings import read_config

_BAR = re.compile(r"[ \t\u3000\xa0]*[|｜][ \t\u3000\xa0]*")
_WIDE = re.compile(r"[ \xa0]{2,}|[ \xa0]*\u3000[ \u3000\xa0]*")
_WIDE_TEST = re.compile(r"\S(?:[ \xa0]{2,}|\u3000)[ \u3000\xa0]*\S")
_SINGLE = re.compile(r"[ \xa0]+")
_SERIAL = re.compile(r"[（(]?(\d{1,3})[)）.．、]?")      # 1, 1., 1、, (1) in a serial cell
_PROSE = re.compile(r"[。！？]$|[，；。].*[，；。]")    # a sentence end, or clauses: prose
_WEAK_BAD = re.compile(r"[，,。；;：:！？]")


@lru_cache(maxsize=4)
def _cfg(path: str | None = None) -> dict:
    c = read_config(path, "structure.yaml", "tables")
    return {"serial": set(c["serial_headers"]), "total": re.compile(c["total_label"]),
            "caption": re.compile(c["caption"]), "max_cell": int(c["max_cell"]),
            "max_cell_line": int(c["max_cell_line"]), "target": re.compile(c["target_column"]),
            "actual": re.compile(c["actual_column"]),
            "unit_header": re.compile(read_config(None, "units.yaml", "table")["unit_in_header"])}


def split_cells(line: str, weak: bool = False) -> tuple[str, list[tuple[int, int]]]:
    """(separator kind, cell spans within ``line``).  Kinds: ``tab``, ``bar``, ``space`` (runs
    of spaces or full-width spaces), ``single`` (single spaces, only with ``weak``), ``""``
    (one cell).  Empty cells between tabs or bars are kept as empty spans."""
    body_s = len(line) - len(line.lstrip(" \t\u3000\xa0"))
    body_e = len(line.rstrip(" \t\u3000\xa0"))
    body = line[body_s:body_e]
    if not body:
        return "", []
    if "\t" in body:
        kind, rx = "tab", re.compile(r"[ \u3000\xa0]*\t[ \u3000\xa0]*")
    elif "|" in body or "｜" in body:
        kind, rx = "bar", _BAR
    elif _WIDE_TEST.search(body):
        kind, rx = "space", _WIDE
    elif weak and " " in body:
        kind, rx = "single", _SINGLE
    else:
        return "", [(body_s, body_e)]
    cells, pos = [], 0
    for m in rx.finditer(body):
        cells.append((body_s + pos, body_s + m.start()))
        pos = m.end()
    cells.append((body_s + pos, body_s + len(body)))
    if kind == "bar":                       # "| a | b |": the outer bars frame the row
        if cells and cells[0][0] == cells[0][1]:
            cells = cells[1:]
        if cells and cells[-1][0] == cells[-1][1]:
            cells = cells[:-1]
    return kind, cells


def _row_cells(line: str, cfg: dict) -> tuple[str, list[tuple[int, int]]] | None:
    """The cells of a line that can be a table row (>= 3 cells, none long, not prose, not
    letter-spaced text), else None."""
    if len(line) > cfg["max_cell_line"]:
        return None
    kind, cells = split_cells(line)
    if kind == "":
        kind, cells = split_cells(line, weak=True)
        if kind != "single" or _WEAK_BAD.search(line):
            return None
    full = [(s, e) for s, e in cells if e > s]
    if len(full) < 3 or any(e - s > cfg["max_cell"] for s, e in full):
        return None
    if kind not in ("tab", "bar") and _PROSE.search(line.strip()):
        return None        # spaces may be a PDF's justification of prose; tabs and bars are not
    # letter-spaced text ("一 是 加 强"): most cells are one character
    if sum(1 for s, e in full if e - s == 1 and not line[s].isdigit()) * 2 > len(full):
        return None
    return kind, cells


def _lines(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for ln in text.split("\n"):
        out.append((pos, pos + len(ln)))
        pos += len(ln) + 1
    return out


def find_tables(text: str, ignored: list[dict] | None = None, config_path: str | None = None) -> list[dict]:
    """Tables in ``text``: ``{"start", "end", "caption", "format", "header": [cell], "rows":
    [{"start", "end", "serial", "label", "total", "cells": [cell]}]}`` where a cell is
    ``{"start", "end", "text", "column"}`` (offsets into ``text``)."""
    cfg = _cfg(config_path)
    lines = _lines(text)
    skip = _skipper(text, ignored or [])
    out = _one_per_line(text, lines, skip, cfg)
    taken = {i for t in out for i in t["_lines"]}
    i = 0
    while i < len(lines):
        if i in taken or skip(i):
            i += 1
            continue
        block = []                               # (line index, kind, cells)
        j = i
        while j < len(lines) and j not in taken:
            s, e = lines[j]
            if skip(j) or not text[s:e].strip():
                j += 1
                continue
            rc = _row_cells(text[s:e], cfg)
            if rc is None:
                break
            block.append((j, rc[0], [(s + a, s + b) for a, b in rc[1]]))
            j += 1
        t = _block_table(text, block, cfg) if block else None
        if t is not None:
            out.append(t)
            i = block[-1][0] + 1
        else:
            i = max(j, i + 1)
    out.sort(key=lambda t: t["start"])
    for t in out:
        t["start"] = _caption_start(text, lines, t, skip, cfg)
        del t["_lines"]
    return out


@lru_cache(maxsize=4)
def _header_cfg(path: str | None = None) -> dict:
    units = read_config(None, "units.yaml")
    c = _cfg(path)
    return {"scaled": {k: (v[0], v[1]) for k, v in units["scaled_units"].items()},
            "measure": set(units["measure_words"]), "header_units": dict(units["table"]["header_units"]),
            "header_unit": c["unit_header"], "target": c["target"], "actual": c["actual"]}


def table_record(text: str, t: dict, config_path: str | None = None) -> dict:
    """A table of :func:`find_tables` as ``doc._.tables`` holds it (see ``pipeline.extensions``):
    each header cell with the unit, scale and kind its text names (总投资(万元) -> 元, 10000)."""
    cfg = _header_cfg(config_path)
    header = []
    for c in t["header"]:
        unit = scale = None
        um = cfg["header_unit"].search(c["text"])
        if um:
            u = um.group(1).strip()
            u = u.split("单位", 1)[-1].lstrip(":：") if "单位" in u else u
            if u in cfg["scaled"]:
                unit, scale = cfg["scaled"][u]
            elif u in cfg["measure"]:
                unit, scale = u, 1
            elif u in cfg["header_units"]:
                unit, scale = cfg["header_units"][u], 1
        kind = "actual" if cfg["actual"].search(c["text"]) else \
            "target" if cfg["target"].search(c["text"]) else None
        header.append({"start": c["start"], "end": c["end"], "text": c["text"], "unit": unit,
                       "scale": scale, "kind": kind})
    rows = [{"start": r["start"], "end": r["end"], "label": r["label"], "total": r["total"],
             "serial": r["serial"],
             "cells": [{"start": c["start"], "end": c["end"], "column": c["column"]} for c in r["cells"]]}
            for r in t["rows"]]
    return {"start": t["start"], "end": t["end"], "format": t["format"], "caption": t.get("caption"),
            "header": header, "rows": rows}


def table_records(text: str, ignored: list[dict] | None = None, config_path: str | None = None) -> list[dict]:
    """The tables of ``text`` as ``doc._.tables`` holds them."""
    return [table_record(text, t, config_path) for t in find_tables(text, ignored, config_path)]


def table_lines(text: str) -> set[int]:
    """Indices (of ``text.split("\\n")``) of the lines that belong to a table, caption included."""
    lines = _lines(text)
    out: set[int] = set()
    for t in find_tables(text):
        out.update(k for k, (s, e) in enumerate(lines) if s <= t["end"] and e >= t["start"])
    return out


# ---------------------------------------------------------------------- helpers
def _skipper(text: str, ignored: list[dict]):
    lines = _lines(text)

    def skip(i: int) -> bool:
        s, e = lines[i]
        seg = text[s:e]
        if seg.strip() and PAGE_NUMBER.match(seg):
            return True
        if not seg.strip():
            return False
        a = s + len(seg) - len(seg.lstrip())
        b = s + len(seg.rstrip())
        return any(r["start"] <= a and b <= r["end"] for r in ignored)
    return skip


def _cell(text: str, s: int, e: int, col: int) -> dict:
    return {"start": s, "end": e, "text": text[s:e], "column": col}


def _block_table(text: str, block: list, cfg: dict) -> dict | None:
    def serial(cells):
        s, e = cells[0]
        m = _SERIAL.fullmatch(text[s:e])
        return int(m.group(1)) if m else None

    if len(block) < 2:
        return None
    first = block[0]
    has_header = serial(first[2]) is None and not cfg["total"].match(text[first[2][0][0]:first[2][0][1]])
    rows = block[1:] if has_header else block
    if not rows or not any(re.search(r"\d", text[c[0]:c[1]]) for r in rows for c in r[2]):
        return None
    if any(k == "single" for _, k, _ in block):
        # single spaces separate cells only in numbered rows under a 序号 header or in >= 2
        # consecutive numbered rows
        serials = [serial(r[2]) for r in rows]
        head_serial = has_header and text[first[2][0][0]:first[2][0][1]] in cfg["serial"]
        numbered = [n for n in serials if n is not None]
        # or a header naming its columns' units (学校数（所）) over rows as wide as it
        head_units = has_header and any(cfg["unit_header"].search(text[a:b]) for a, b in first[2])
        same_width = all(len(r[2]) == len(first[2]) for r in rows)
        if not (head_units and same_width) and (not numbered or not (head_serial or len(numbered) >= 2)):
            return None
    if not any(serial(r[2]) is not None for r in rows) and any(k in ("space", "single") for _, k, _ in block):
        # no numbered row and only spaces between the cells: a header and >= 2 rows of the
        # same width (a list of names in wide-spaced lines is no table)
        widths = {sum(1 for a, b in cells if b > a) for _, _, cells in block}
        if len(block) < 3 or max(widths) - min(widths) > 1:
            return None
    header = [_cell(text, s, e, c) for c, (s, e) in enumerate(first[2])] if has_header else []
    out_rows = []
    for _, _, cells in rows:
        n = serial(cells)
        cs = [_cell(text, s, e, c) for c, (s, e) in enumerate(cells)]
        label_cells = [c for c in cs[1 if n is not None else 0:] if c["text"]]
        label = label_cells[0]["text"] if label_cells else ""
        first_text = cs[0]["text"]
        out_rows.append({"start": cells[0][0], "end": cells[-1][1], "serial": n, "label": label,
                         "total": n is None and bool(cfg["total"].match(first_text)), "cells": cs})
    start = header[0]["start"] if header else out_rows[0]["start"]
    return {"start": start, "end": out_rows[-1]["end"], "format": block[-1][1], "header": header,
            "rows": out_rows, "_lines": [b[0] for b in block]}


def _one_per_line(text: str, lines, skip, cfg: dict) -> list[dict]:
    """Tables written one cell per line: a serial-header line, header cells, then rows that
    each start with their serial number on a line of its own."""
    out = []
    n = len(lines)

    def seg(i):
        s, e = lines[i]
        return text[s:e].strip()

    i = 0
    while i < n:
        if seg(i) not in cfg["serial"]:
            i += 1
            continue
        head = [i]
        j = i + 1
        while j < n and len(head) < 20:
            t = seg(j)
            if skip(j):
                j += 1
                continue
            if not t or t == "1" or len(t) > 20 or _WEAK_BAD.search(t):
                break
            head.append(j)
            j += 1
        k = len(head)
        if k < 3 or j >= n or seg(j) != "1":
            i += 1
            continue
        rows, used = [], list(head)
        num = 1
        while j < n and seg(j) == str(num):
            cells = [j]
            m = j + 1
            while m < n:
                if skip(m):
                    m += 1
                    continue
                t = seg(m)
                if len(cells) >= k and (t == str(num + 1) or cfg["total"].match(t)):
                    break
                if len(cells) >= k and not _next_serial_near(seg, m, n, num + 1, k):
                    break
                if (t and _PROSE.search(t)) or len(t) > cfg["max_cell"]:
                    break
                cells.append(m)
                m += 1
            if len(cells) < 2:
                break
            rows.append((num, cells))
            used.extend(range(j, cells[-1] + 1))
            num += 1
            j = m
        if not rows:
            i += 1
            continue
        # a total row (合计 and its cells, empty cells as empty lines)
        total = None
        if j < n and cfg["total"].match(seg(j)):
            cells, m = [j], j + 1
            while m < n and len(cells) < k:
                t = seg(m)
                if t and (_PROSE.search(t) or len(t) > cfg["max_cell"] or t in cfg["serial"]):
                    break
                if not skip(m):
                    cells.append(m)
                m += 1
            while len(cells) > 1 and not seg(cells[-1]):
                cells.pop()
            total = cells
            used.extend(range(j, cells[-1] + 1))
        header = [_cell(text, *_strip(text, lines[h]), c) for c, h in enumerate(head)]
        out_rows = []
        for num_, cells in rows + ([(None, total)] if total else []):
            cs, col = [], 0
            for c in cells:
                if skip(c):
                    continue
                cs.append(_cell(text, *_strip(text, lines[c]), col))
                col += 1
            label = cs[1]["text"] if num_ is not None and len(cs) > 1 else cs[0]["text"]
            end = max(c["end"] for c in cs if c["text"]) if any(c["text"] for c in cs) else cs[0]["end"]
            out_rows.append({"start": cs[0]["start"], "end": end, "serial": num_, "label": label,
                             "total": num_ is None, "cells": cs})
        out.append({"start": header[0]["start"], "end": out_rows[-1]["end"], "format": "line",
                    "header": header, "rows": out_rows, "_lines": used})
        i = j
    return out


def _next_serial_near(seg, m: int, n: int, num: int, k: int) -> bool:
    """A line ``num`` follows within a few lines: the row goes on to it (a running head or
    page line of the PDF sits between its cells)."""
    return any(seg(x) == str(num) for x in range(m, min(n, m + 4)))


def _strip(text: str, span: tuple[int, int]) -> tuple[int, int]:
    s, e = span
    seg = text[s:e]
    a = s + len(seg) - len(seg.lstrip())
    return a, max(a, s + len(seg.rstrip()))


def _caption_start(text: str, lines, t: dict, skip, cfg: dict) -> int:
    """The table starts at its caption (表1 …) when one stands on the line above it."""
    k = next(i for i, (s, e) in enumerate(lines) if s <= t["start"] <= e)
    p = k - 1
    while p >= 0 and (not text[lines[p][0]:lines[p][1]].strip()):
        p -= 1
    if p >= 0:
        s, e = lines[p]
        seg = text[s:e]
        if len(seg.strip()) <= 60 and cfg["caption"].match(seg):
            t["caption"] = _strip(text, (s, e))
            return t["caption"][0]
    t["caption"] = None
    return t["start"]

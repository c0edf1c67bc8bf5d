"""Report structure: meta (title, publisher, date), parts (summary/plan), tables and tasks.

Tasks come from the document's own marker hierarchy, not from per-document settings
(``shared/ANNOTATION.md`` section 4):

1. Every paragraph that starts with a list marker is an *item*; its *style* is the marker's
   shape (``一、``, ``（一）``, ``1.``/``1．``, ``1、``, ``（1）``, ``1)``, ``①``, ``一是``,
   ``一要``, ``第一，``).  Items also start inside a paragraph, after a sentence or clause end
   (``…。二是…。三是…``): when the run continues the paragraph's own marker, or, in a
   paragraph without one, continues the last item of its style or counts from 一 in the
   first paragraph under a title line (see ``_inline_items``).  Inline markers of another
   style than the paragraph's own (``1.加强安全管理。一是…；二是…``, ``（1）…（2）…``) are
   sub-points of that item and stay in it.
2. Every numbered row of a flattened table (``pipeline.tables``: tabs, ``|``, runs of
   spaces, one cell per line) is an item of its own style; a 合计 row and unnumbered rows
   (an indicator table) are none.  ``doc._.tables`` holds the tables for the targets stage.
3. Items nest by order of appearance: a style not yet open becomes a child of the open item,
   a style already open closes everything below it (the usual way headings nest, whatever
   order a bureau uses).  A part heading (``2021年工作要点``) closes all; a table ends the
   item above it, and the list goes on below it.
4. An item is a *pure heading* when it has sub-items and its own text is one short line
   (at most one sentence end, at its end), perhaps with an introduction shorter than its
   sub-items.  A style is a *heading style* when it has a pure heading and at
   least as many items nest under its items as it has items itself (``一、`` over ``1.``;
   ``一、`` over ``（一）`` over ``1．``; but not ``1.`` when only one of ten ``1.`` items
   carries ``（1）（2）``).  Sections such as ``一、总体思路`` at a heading
   style hold no tasks.  The decision is made within each summary/plan part, so a review
   may use ``（一）`` for headings and the plan after it ``（一）`` for tasks.  Within a
   level the decision is refined per item: a bare title line (no sentence end) over >= 2
   sub-items is a heading, and an item with no sub-items that carries its text on its marker
   line (``（三）推动高中振兴。落实…``) under a heading is a task, whatever its siblings are
   (unless the level's items are bare titles over unmarked paragraphs: then a title over
   ``（1）（2）`` paragraphs is one unit like its siblings).
5. A task is an item whose style is not a heading style while all its ancestors are: its span
   runs from the marker to the end of its last paragraph (next item at its level or above,
   a part heading, a table, a duplicate copy or trailing chrome).  The last item of a list
   (no sibling after it and no later item of its style that goes on with its numbering)
   keeps at most as many paragraphs as its siblings have, so a closing remark
   (``一年来，…``) is not part of it.

Cue words are in ``configs/structure.yaml`` (sections ``structure`` and ``tables``).
"""
from __future__ import annotations

import bisect
import re

from spacy.language import Language
from spacy.tokens import Doc

from ..extensions import init_doc
from ..patterns import (CLAUSE_BREAK, CN_DATE, CN_YEAR, DATE, FULL_STOP, INLINE_MARKER, INLINE_STYLES, LINE,
                        LIST_MARKER, MARKER_STYLES, YEAR, cn_number, cn_year)
from ..normalise import split_at_joins
from ..settings import read_config
from ..tables import find_tables, table_record
_TITLE_END = re.compile(r"[。！？\n]")
_NON_SPACE = re.compile(r"\S")
_INDENT = re.compile(r"[ \u3000\xa0]{2}")
_PARA_END = re.compile(r"[。！？；：:!?;…”」』）)]\s*$")


@Language.factory("zhpolicy_structure", default_config={"config_path": None})
def make_structure(nlp: Language, name: str, config_path: str | None):
    return StructureParser(config_path)


class StructureParser:
    def __init__(self, config_path: str | None = None):
        cfg = read_config(config_path, "structure.yaml", "structure")
        self.title_kind = re.compile(cfg["title_kind"])
        self.summary_cue = re.compile(cfg["summary_cues"])
        self.plan_cue = re.compile(cfg["plan_cues"])
        self.part_max = int(cfg["part_heading_max"])
        self.part_strong = re.compile(cfg["part_strong"])
        self.date_cue = re.compile(cfg["date_cue"])
        self.pub_cue = re.compile(cfg["publisher_cue"] + r"(?P<v>[^\s|｜【】]{2,40})")
        self.org_suffix = re.compile(cfg["org_suffix"])
        self.heading_max = int(cfg["heading_max"])
        self.boundary = re.compile(cfg["boundary_cue"])
        self.config_path = config_path

    # ------------------------------------------------------------------ entry point
    def __call__(self, doc: Doc) -> Doc:
        init_doc(doc)
        text = doc.text
        ignored = sorted(doc._.ignored or [], key=lambda r: r["start"])
        lines = [(m.start(), m.end()) for m in LINE.finditer(text)
                 if m.group().strip() and not _inside(ignored, m.start(), m.end())]
        # the title is looked for in the original's lines: joining a PDF's hard wraps may
        # have glued the title to the date line below it
        joins = doc._.view.joins if doc._.view is not None else None
        meta, title_line = self.meta(text, split_at_joins(lines, text, joins))
        doc._.meta = meta
        tables = find_tables(text, ignored, self.config_path)
        doc._.tables = [table_record(text, t, self.config_path) for t in tables]
        # a heading-like title right above a table (…重点建设项目完成情况) belongs to the table,
        # and so does a caption the table reader took as its first line (表1　2023年…完成情况,
        # its number set off by a full-width space): it opens no part, and it ends the item
        # above, as the table does, but closes no list (the list goes on below the table)
        titles = {_line_before(lines, t["start"]) for t in doc._.tables} \
            | {_line_of(lines, t["caption"][0]) for t in doc._.tables if t.get("caption")}
        headings, captions = [], []
        for h in self.part_headings(text, lines, title_line):
            (captions if not h[3] and _line_of(lines, h[0]) in titles else headings).append(h)
        doc._.parts = self.parts(text, headings, meta.get("title"))
        stops = [h[0] for h in captions]
        closes = [h[0] for h in headings if not h[3]]
        closes += [s for s, e in lines if self.boundary.match(text, s, e)]
        tasks = self.tasks(text, lines, ignored, closes, [p["start"] for p in doc._.parts], tables, stops)
        starts = [p["start"] for p in doc._.parts]
        for n, t in enumerate(tasks, 1):
            t["id"] = f"{doc._.doc_id}-t{n}"
            i = bisect.bisect_right(starts, t["start"]) - 1
            t["part"] = doc._.parts[i]["kind"] if i >= 0 else None
        doc._.tasks = tasks
        return doc

    # ------------------------------------------------------------------ meta
    def meta(self, text: str, lines: list[tuple[int, int]]) -> tuple[dict, tuple[int, int] | None]:
        title, title_line, outer = None, None, ""
        cands = []
        for s, e in lines[:60]:
            line = text[s:e].strip()
            if 6 <= len(line) <= 80 and not FULL_STOP.search(line) and YEAR.search(line) \
                    and self.title_kind.search(line) and not LIST_MARKER.match(line):
                cands.append((s, e, line))
        if cands:
            plain = [c for c in cands if not re.search(r"关于.{0,40}的?通知$", c[2])]
            s, e, title = (plain or cands)[0]
            # a cover letter's line (现将《X局2022年工作计划》印发给你们 / 关于印发《…》的通知):
            # the report's own title is the one in book-title marks
            inner = _BOOK_TITLE.search(title)
            if inner and YEAR.search(inner.group(1)) and self.title_kind.search(inner.group(1)):
                outer, title = title[:inner.start()], inner.group(1)
            elif "》" in title and "《" not in title:     # 2024年工作计划》的通知 (its 《 a line above)
                title = title[:title.index("》")]
            title = title.strip("《》")
            title_line = (s, e)
        elif lines:
            for s, e in lines[:10]:
                line = text[s:e].strip()
                if 4 <= len(line) <= 60 and not CLAUSE_BREAK.search(line):
                    title, title_line = line, (s, e)
                    break
        date = None
        for s, e in lines[:80]:
            m = self.date_cue.search(text, s, e)
            if m:
                d = DATE.search(text, m.end(), e)
                if d:
                    date = _iso(*d.groups())
                    break
        if date is None:
            for s, e in lines:
                line = text[s:e].strip()
                if len(line) > 40 or FULL_STOP.search(line):
                    continue
                d = DATE.search(line)
                if d and (d.start() > 0 or line.endswith("日") or len(line) <= 12):
                    date = _iso(*d.groups())
                    break
                c = CN_DATE.search(line)
                if c:
                    y = cn_year(c.group(1))
                    date = _iso(y, cn_number(c.group(2)), cn_number(c.group(3)))
                    break
        publisher = None
        for s, e in lines[:80]:
            m = self.pub_cue.search(text, s, e)
            if m:
                publisher = m.group("v")
                break
        if publisher is None:
            # a letterhead (内 蒙 古 自 治 区 教 育 厅 文 件) or a cover letter's first line (X局关于印发)
            for s, e in lines[:10]:
                m = _LETTERHEAD.match(re.sub(r"\s+", "", text[s:e]))
                if m and self.org_suffix.search(m.group(1)):
                    publisher = m.group(1)
                    break
        if title:
            y = YEAR.search(title)
            prefix = title[:y.start()] if y else ""
            if not self.org_suffix.search(prefix) and outer:
                # 2024年全区教育工作要点, sent out by 内蒙古自治区教育厅关于印发《…》
                prefix = outer
            prefix = re.sub(r"(关于(印发)?|现将)$", "", prefix)
            if prefix and self.org_suffix.search(prefix) and \
                    (publisher is None or prefix.endswith(publisher) or len(prefix) > len(publisher)):
                publisher = prefix
        return {"title": title, "publisher": publisher, "date": date}, title_line

    # ------------------------------------------------------------------ parts
    def part_headings(self, text: str, lines, title_line) -> list[tuple[int, str, int | None, bool]]:
        """(start, kind, year, is_marker_item) of lines that open a summary or plan part."""
        out = []
        for s, e in lines:
            if title_line and s == title_line[0]:
                continue
            raw = text[s:e]
            m = LIST_MARKER.match(raw)
            line = raw[m.end():] if m else raw.strip()
            line = line.strip()
            if not line or len(line) > self.part_max or CLAUSE_BREAK.search(line):
                continue
            su, pl = self.summary_cue.search(line), self.plan_cue.search(line)
            if bool(su) == bool(pl) or not (m or self.part_strong.search(line)):
                continue
            y = YEAR.search(line)
            cy = CN_YEAR.search(line) if y is None else None
            year = int(y.group(1)) if y else int(cn_year(cy.group(1))) if cy else None
            out.append((s + len(raw) - len(raw.lstrip()), "summary" if su else "plan", year, bool(m)))
        return out

    def parts(self, text: str, headings, title: str | None) -> list[dict]:
        tkind, tyear, first_kind = None, None, None
        if title:
            su, pl = self.summary_cue.search(title), self.plan_cue.search(title)
            if bool(su) != bool(pl):
                tkind = "summary" if su else "plan"
            elif su and pl:              # 2023年工作总结和2024年工作打算: the first named comes first
                first_kind = "summary" if su.start() < pl.start() else "plan"
            y = YEAR.search(title)
            tyear = int(y.group(1)) if y else None
        n = len(text)
        if not headings:
            return [{"start": 0, "end": n, "kind": tkind or "other", "year": tyear}]
        years = [h[2] for h in headings if h[2]]
        parts: list[dict] = []
        for start, kind, year, _ in headings:
            if year is None:
                year = tyear if tkind in (None, kind) else None
                if year is None and years:
                    ref = max(years) if kind == "plan" else min(years)
                    year = ref if any(h[1] == kind and h[2] == ref for h in headings) else None
                if year is None and tyear is not None and tkind and tkind != kind:
                    year = tyear + 1 if kind == "plan" else tyear - 1
            if parts and parts[-1]["kind"] == kind and parts[-1]["year"] in (year, None):
                parts[-1]["year"] = parts[-1]["year"] or year
                continue
            if parts:
                parts[-1]["end"] = start
            parts.append({"start": start, "end": n, "kind": kind, "year": year})
        first = parts[0]
        if tkind is None and first_kind and first_kind != first["kind"] and text[:first["start"]].strip():
            # a two-part title whose second part has a heading: the text before it is the first
            tkind = first_kind
            if first_kind == "summary" and first["year"] and tyear == first["year"]:
                tyear -= 1
        if tkind in (None, first["kind"]) or not text[:first["start"]].strip():
            first["start"] = 0
        else:
            parts.insert(0, {"start": 0, "end": first["start"], "kind": tkind or "other", "year": tyear})
        return parts

    # ------------------------------------------------------------------ tasks
    def items(self, text: str, lines, tables: list[dict] | None = None) -> tuple[list[dict], list[int]]:
        """Marker items (paragraph starts and inline items), numbered table rows, and the
        start of every table (it closes the items open before it)."""
        tables = tables or []
        spans = [(t["start"], t["end"]) for t in tables]

        def in_table(pos: int) -> bool:
            return any(a <= pos < b for a, b in spans)

        items = []
        openers = {}                      # line start -> its marker item
        line_starts = {s for s, _ in lines}
        for m in LIST_MARKER.finditer(text):
            if m.start() not in line_starts or in_table(m.start("m")):
                continue
            it = {"style": _style(m), "start": m.start("m"), "body": m.end(), "num": cn_number(m.group(_style(m)))}
            items.append(it)
            openers[m.start()] = it
        items.extend(self._inline_items(text, lines, openers, in_table))
        for t in tables:
            for r in t["rows"]:
                if r["serial"] is None or r["total"]:
                    continue          # a row without a number (an indicator) or a 合计 row
                cells = [c for c in r["cells"] if c["text"]]
                body = cells[1]["start"] if len(cells) > 1 else r["start"]
                items.append({"style": "table_row", "start": r["start"], "body": body, "num": r["serial"],
                              "row_end": r["end"], "label": r["label"]})
        items.sort(key=lambda it: it["start"])
        return items, [t["start"] for t in tables]

    @staticmethod
    def _inline_items(text: str, lines, openers: dict, in_table) -> list[dict]:
        """Items that start inside a paragraph (一是…。二是…。三是…).  A run of inline markers
        of one style opens items when it continues the numbering of the paragraph's own marker
        (二是… 。三是…), or, in a paragraph without a marker, when it continues the last item
        of its style, or counts from 一 (at least two of them, or one followed by the next
        number at a line start) in the first paragraph under a title line (一、加强党建 /
        围绕…，重点抓了以下工作：一是…).  In a paragraph opened by another style they are
        sub-points of that item (1.加强安全管理。一是…；二是…), and so they are in a later
        paragraph of an item whose text runs on below its title (1.开展主题教育 / 目标任务：… /
        工作措施：一是…；二是…)."""
        out = []
        last: dict[str, int] = {}
        order = sorted(lines)
        for k, (s, e) in enumerate(order):
            op = openers.get(s)
            if op is not None:
                last[op["style"]] = op["num"] or 0
            if in_table(s):
                continue
            cands: dict[str, list] = {}
            for m in INLINE_MARKER.finditer(text, s, e):
                st = _style(m)
                if st in INLINE_STYLES and m.start("m") > s:
                    cands.setdefault(st, []).append(m)
            for st, ms in cands.items():
                nums = [cn_number(m.group(st)) for m in ms]
                if op is not None:
                    if op["style"] != st:
                        continue
                    expect = (op["num"] or 0) + 1
                elif nums[0] == 1 and (k == 0 or _title_line(text, order[k - 1], openers)):
                    expect = 1
                elif last.get(st) and nums[0] == last[st] + 1:
                    expect = nums[0]
                else:
                    continue
                chain = []
                for m, n in zip(ms, nums):
                    if n == expect:
                        chain.append(m)
                        expect += 1
                if op is None and nums[0] == 1 and len(chain) < 2:
                    nxt = openers.get(order[k + 1][0]) if k + 1 < len(order) else None
                    if not (nxt and nxt["style"] == st and nxt["num"] == 2):
                        continue
                for m in chain:
                    out.append({"style": st, "start": m.start("m"), "body": m.end(), "num": cn_number(m.group(st)),
                                "inline": True})
                if chain:
                    last[st] = cn_number(chain[-1].group(st))
        return out

    def tasks(self, text: str, lines, ignored: list[dict], part_starts: list[int],
              groups: list[int] | None = None, tables: list[dict] | None = None,
              stops: list[int] | None = None) -> list[dict]:
        """Tasks from the marker items.  ``part_starts``: lines that close every open item
        (part headings, 附件); ``groups``: where the parts start (heading styles are decided
        per part, and a part's first item nests under nothing of the part before); ``stops``:
        lines that end the item above them but close no list (a table's title)."""
        items, table_heads = self.items(text, lines, tables)
        if not items:
            return []
        n = len(text)
        dup_starts = [r["start"] for r in ignored if r["reason"] == "duplicate"]
        last_item = items[-1]["start"]
        # chrome after the last item ends it, but not a page number inside a sentence
        tail_chrome = [r["start"] for r in ignored if r["start"] > last_item
                       and not self._mid_sentence_break(text, ignored, r)]
        # a part heading closes every open item, and so does the start of a part (二、2024年
        # 工作计划 nests under nothing of the summary); a table ends the item above it (its
        # span) but the list goes on below it (②…见下表 / table / ③…)
        resets = sorted(set(part_starts) | {g for g in groups or [] if g > 0})
        hard = sorted(set(resets) | set(table_heads) | set(stops or []) | set(dup_starts) | set(tail_chrome) | {n})
        items = [it for it in items if not _inside(ignored, it["start"], it["start"] + 1)]
        # nesting by order of appearance
        stack: list[dict] = []
        ri = 0
        for it in items:
            while ri < len(resets) and resets[ri] <= it["start"]:
                stack = []
                ri += 1
            if it["style"] == "table_row":     # a row stands alone: no parent, no sub-items
                it["parent"], it["children"] = None, []
                continue
            styles = [s["style"] for s in stack]
            if it["style"] in styles:
                stack = stack[:styles.index(it["style"])]
            it["parent"] = stack[-1] if stack else None
            it["children"] = []
            if stack:
                stack[-1]["children"].append(it)
            stack.append(it)
        # spans: up to the next item at the same level or above, or a hard boundary
        for k, it in enumerate(items):
            hb = hard[bisect.bisect_right(hard, it["start"])] if hard[-1] > it["start"] else n
            end = hb
            for kk in range(k + 1, len(items)):
                nxt = items[kk]
                if nxt["start"] >= hb:
                    break
                p = nxt["parent"]
                while p is not None and p is not it:
                    p = p["parent"]
                if p is None:          # not a descendant: a sibling or something higher
                    end = nxt["start"]
                    break
            if it["style"] == "table_row":
                end = min(end, it["row_end"])
            it["end"] = end
            it["own_end"] = items[k + 1]["start"] if k + 1 < len(items) and items[k + 1]["start"] < end else end
        # an item followed by a sibling (same parent, same style) is not the last of its list
        # ... nor is one whose numbering the next item of its style goes on with (10. under
        # 二、 and 11. under 三、)
        by_start = {it["start"]: it for it in items}
        following: dict[str, dict] = {}
        for it in reversed(items):
            nxt = by_start.get(it["end"])
            later = following.get(it["style"])
            it["has_next"] = (nxt is not None and nxt["parent"] is it["parent"] and nxt["style"] == it["style"]) \
                or (later is not None and it["num"] is not None and later["num"] == it["num"] + 1)
            following[it["style"]] = it
        # heading styles, decided within each part (a summary and a plan may use one style
        # for headings in the one and for tasks in the other)
        groups = sorted(set(groups or []) | {0})
        for it in items:
            it["group"] = bisect.bisect_right(groups, it["start"]) - 1
        count: dict[tuple[int, str], int] = {}
        below: dict[tuple[int, str], int] = {}       # items nested under items of each style
        pure: set[tuple[int, str]] = set()
        for it in items:
            key = (it["group"], it["style"])
            count[key] = count.get(key, 0) + 1
            if it["children"] and key not in pure and self._pure_heading(text, it):
                pure.add(key)
            seen, p = set(), it["parent"]
            while p is not None:
                pk = (p["group"], p["style"])
                if pk not in seen:
                    seen.add(pk)
                    below[pk] = below.get(pk, 0) + 1
                p = p["parent"]
        heading = {k for k in pure if below.get(k, 0) >= count[k]}
        heading_any = {st for _, st in heading}
        # a style whose items are a bare title line over unmarked paragraphs (1.加强党建 /
        # 目标任务：… / 工作措施：…): there a title over (1)(2) paragraphs is one unit as well
        titled = {(it["group"], it["style"]) for it in items
                  if not it["children"] and self._titled_body(text, it)}

        def is_heading(it: dict) -> bool:
            key = (it["group"], it["style"])
            if key in pure:
                # decided per item too: in a level that mixes items with their own text and
                # bare title lines over numbered sub-items, the latter are headings
                if key in heading:
                    # ... and an item without sub-items that carries its own text on its
                    # marker line (（三）推动高中振兴。落实…) under a heading is a task
                    return bool(it["children"]) or it["parent"] is None or \
                        not self._inline_item(text, it)
                return key not in titled and self._bare_heading(text, it)
            # a lone top-level section (三、下一步打算) of a style used for headings elsewhere
            return it["parent"] is None and it["style"] in heading_any

        tasks = []
        for it in items:
            it["heading"] = is_heading(it)
        for it in items:
            if it["heading"]:
                continue
            p, ok = it["parent"], True
            while p is not None:
                if not p["heading"]:
                    ok = False
                    break
                p = p["parent"]
            if ok:
                tasks.append(it)
        # the last item of a list (at the end of the text or before a higher-level item)
        # keeps no more paragraphs than its siblings: a closing remark is not part of it
        # where paragraphs open with an indent (PDF text), a line without one goes on with
        # the paragraph above it, even after a sentence end
        body = [m for m in LINE.finditer(text) if not _inside(ignored, m.start(), m.end()) and m.group().strip()]
        indented = sum(1 for m in body if _INDENT.match(m.group())) >= 0.3 * max(1, len(body))
        paras = {}
        for t in tasks:
            t["end"] = _trim(text, ignored, t["start"], t["end"])
            paras[id(t)] = _paragraphs(text, ignored, t["start"], t["end"], indented)
        # (its siblings: the items of its style under its parent; else those of its style)
        most: dict = {}
        for t in tasks:
            if t["has_next"]:
                for key in (t["style"], (t["style"], id(t["parent"]))):
                    most[key] = max(most.get(key, 0), paras[id(t)])
        for t in tasks:
            key = (t["style"], id(t["parent"]))
            k = most.get(key, most.get(t["style"]))
            if t["has_next"] or t["style"] == "table_row" or k is None:
                continue
            if paras[id(t)] > k:
                t["end"] = _trim(text, ignored, t["start"], _nth_paragraph_end(text, ignored, t["start"], t["end"], k,
                                                                                 indented))
        out = []
        for t in tasks:
            m = _TITLE_END.search(text, t["body"], t["end"])
            title = text[t["body"]:m.start() if m else t["end"]].strip().rstrip("：:，,；;")
            if t["style"] == "table_row":
                title = t["label"]
            out.append({"start": t["start"], "end": t["end"], "title": title, "style": t["style"]})
        return out

    def _bare_heading(self, text: str, it: dict) -> bool:
        """A title line with no sentence end at all and nothing else before its (>= 2)
        sub-items: （二）落实立德树人根本任务 over 1．… 2．…"""
        if len(it["children"]) < 2:
            return False
        own = text[it["body"]:it["own_end"]].strip()
        return 0 < len(own) <= self.heading_max and "\n" not in own and not FULL_STOP.search(own)

    @staticmethod
    def _mid_sentence_break(text: str, ignored: list[dict], r: dict) -> bool:
        """An ignored region (PDF page number) between a line that stops mid-sentence and
        more text of the body."""
        before = text[max(0, r["start"] - 200):r["start"]].rstrip()
        if not before or _PARA_END.search(before[-1]) or r["reason"] != "boilerplate":
            return False
        m = _NON_SPACE.search(text, r["end"])
        return m is not None and not _inside(ignored, m.start(), m.start() + 1)

    @staticmethod
    def _inline_item(text: str, it: dict) -> bool:
        """Title and text on the marker's line: a sentence end followed by more text."""
        first = text[it["body"]:it["own_end"]].strip().partition("\n")[0]
        m = FULL_STOP.search(first)
        return m is not None and bool(first[m.end():].strip())

    def _titled_body(self, text: str, it: dict) -> bool:
        """An item whose first line is a bare title and whose text goes on in paragraphs."""
        own = text[it["body"]:it["own_end"]].strip()
        first, _, rest = own.partition("\n")
        first = first.strip()
        return bool(rest.strip()) and 0 < len(first) <= self.heading_max and not FULL_STOP.search(first)

    def _pure_heading(self, text: str, it: dict) -> bool:
        """A heading line (short, at most one sentence end, at its end), possibly followed by
        an introductory paragraph shorter than the sub-items it introduces."""
        own = text[it["body"]:it["own_end"]].strip()
        first, _, rest = own.partition("\n")
        first = first.strip()
        if not (0 < len(first) <= self.heading_max) or FULL_STOP.search(first[:-1]):
            return False
        if not rest.strip():
            return True
        kids = sum(c["end"] - c["start"] for c in it["children"])
        return len(rest.strip()) < kids


# ---------------------------------------------------------------------- helpers
_BOOK_TITLE = re.compile(r"《([^《》]{4,80})(?:》|$)")
_LETTERHEAD = re.compile(r"^([^，。：《》]{4,30}?)(文件|关于印发.*)$")


def _title_line(text: str, line: tuple[int, int], openers: dict) -> bool:
    """A heading line: an item's marker line with no sentence end before its last character
    (一、加强党的建设, （二）推动均衡发展。), or a line without a marker and without any
    sentence end (2024年工作要点)."""
    s, e = line
    op = openers.get(s)
    own = text[op["body"] if op else s:e].strip()
    return bool(own) and not FULL_STOP.search(own[:-1] if op else own)


def _style(m: re.Match) -> str:
    """The style group a LIST_MARKER / INLINE_MARKER match took."""
    return m.lastgroup if m.lastgroup in MARKER_STYLES else next(g for g in MARKER_STYLES if m.group(g) is not None)


def _line_of(lines: list[tuple[int, int]], pos: int) -> int:
    """The index of the line holding ``pos`` (or the last line before it)."""
    return bisect.bisect_right(lines, (pos, float("inf"))) - 1


def _line_before(lines: list[tuple[int, int]], pos: int) -> int:
    """The index of the non-empty line before the one that starts at (or holds) ``pos``."""
    return _line_of(lines, pos) - 1


def _inside(ignored: list[dict], s: int, e: int) -> bool:
    """[s, e) lies within one region of ``ignored`` (sorted by start, non-overlapping)."""
    i = bisect.bisect_right(ignored, s, key=lambda r: r["start"]) - 1
    return i >= 0 and e <= ignored[i]["end"]


def _iso(y, m, d) -> str | None:
    try:
        y, m, d = int(y), int(m), int(d)
    except (TypeError, ValueError):
        return None
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{m:02d}-{d:02d}"


def _trim(text: str, ignored: list[dict], s: int, e: int) -> int:
    """Move ``e`` back over trailing whitespace and trailing ignored regions."""
    while e > s:
        while e > s and text[e - 1].isspace():
            e -= 1
        i = bisect.bisect_left(ignored, e, key=lambda r: r["start"]) - 1
        if i >= 0 and ignored[i]["start"] >= s and e <= ignored[i]["end"]:
            e = ignored[i]["start"]
        else:
            break
    return e


def _paragraph_lines(text: str, ignored: list[dict], s: int, e: int):
    for m in LINE.finditer(text, s, e):
        if m.group().strip() and not _inside(ignored, m.start(), m.end()) and \
                not _inside(ignored, m.start() + len(m.group()) - len(m.group().lstrip()),
                            m.start() + len(m.group().rstrip())):
            yield m


def _paragraph_spans(text: str, ignored: list[dict], s: int, e: int, indented: bool = False):
    """(start, end) of the paragraphs in [s, e): a line after an ignored line (a PDF page
    number) continues the paragraph before it when that one stopped mid-sentence; with
    ``indented``, a line with neither an indent nor a list marker continues it too."""
    cur = None
    for m in _paragraph_lines(text, ignored, s, e):
        if cur is not None and _PARA_END.search(text, cur[0], cur[1]) is None and \
                text[cur[1]:m.start()].strip() and _all_ignored(text, ignored, cur[1], m.start()):
            cur[1] = m.end()
            continue
        if cur is not None and indented and m.start() > s and not _INDENT.match(m.group()) \
                and not LIST_MARKER.match(m.group()) and "\n\n" not in text[cur[1]:m.start()]:
            cur[1] = m.end()
            continue
        if cur is not None:
            yield tuple(cur)
        cur = [m.start(), m.end()]
    if cur is not None:
        yield tuple(cur)


def _all_ignored(text: str, ignored: list[dict], s: int, e: int) -> bool:
    """Every non-blank line in [s, e) lies in an ignored region."""
    for m in LINE.finditer(text, s, e):
        if m.group().strip() and not _inside(ignored, m.start() + len(m.group()) - len(m.group().lstrip()),
                                             m.start() + len(m.group().rstrip())):
            return False
    return True


def _paragraphs(text: str, ignored: list[dict], s: int, e: int, indented: bool = False) -> int:
    return sum(1 for _ in _paragraph_spans(text, ignored, s, e, indented))


def _nth_paragraph_end(text: str, ignored: list[dict], s: int, e: int, k: int, indented: bool = False) -> int:
    for i, (_, end) in enumerate(_paragraph_spans(text, ignored, s, e, indented), 1):
        if i == k:
            return end
    return e

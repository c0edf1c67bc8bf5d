"""Site chrome and repeated copies: mark them in ``doc._.ignored`` (nothing is deleted).

Two kinds of region, both in view offsets:

- ``boilerplate``: lines a web page or a PDF adds around a report — navigation and
  breadcrumbs, "关怀版", 【字体:大 中 小】, 【打印本页】, hit counters, share lines, hot-search
  lines, copyright/ICP footers, site-name lines above the title, "- 1 -" page numbers.  A line
  that carries real metadata and then ends in chrome (``发布时间:… 【字号:大 中 小】 阅读次数:12``)
  only has its chrome tail marked.  A download link on a line of its own (``附件：….pdf
  【下载】``) is chrome.  In hard-wrapped text the normaliser joins the short head lines of a
  page into one; a joined line with no sentence end is judged line by line as the original
  had it.
- ``duplicate``: a second copy of the body inside one file — a run of lines that all occurred
  earlier in the file (changed lines such as a different date line are tolerated).

Cue words are in ``configs/structure.yaml`` (section ``chrome``); the rules look at how a line
is built, not at any one site.
"""
from __future__ import annotations

import bisect
import re
from spacy.language import Language
from spacy.tokens import Doc

from ..extensions import init_doc
from ..normalise import split_at_joins
from ..patterns import DATE, LINE, PAGE_NUMBER, STOP_OR_SEMICOLON
from ..settings import read_config

_SPACE = re.compile(r"\s+")
_CLAUSE_OR_YEAR = re.compile(r"[。！？；，,]|(?:19|20)\d\d|〔")
_BRACKETED_TAIL = re.compile(r"[（(][^（()）]{1,10}[）)]$")   # 某某网（繁体中文版）
_CRUMB = re.compile(r"\S\s*(?:>>|>|＞|›|»)\s*\S")
_LATIN_TAIL = re.compile(r"[\sA-Za-z.&'-]+$")
_NOT_NAV = re.compile(r"[\d，,（）()《》“”]")


def _alt(patterns: list[str]) -> str:
    return "(?:" + "|".join(f"(?:{p})" for p in patterns) + ")"


@Language.factory("zhpolicy_chrome", default_config={"config_path": None})
def make_chrome(nlp: Language, name: str, config_path: str | None):
    return ChromeMarker(config_path)


def _add_block(chrome: list[list], text: str, s: int, line: str, a: int, b: int) -> None:
    """Add chrome [a, b) of the line starting at ``s`` to the blocks ``chrome`` ([start, end,
    ends inside a kept line]): it extends the previous block over blank lines unless either
    side is part of a kept line; a block that ends inside a kept line is never extended."""
    partial = a > 0 and bool(line[:a].strip())
    if chrome and not chrome[-1][2] and not partial and not text[chrome[-1][1]:s + a].strip():
        chrome[-1][1] = s + b
    else:
        chrome.append([s + a, s + b, False])
    chrome[-1][2] = b < len(line.rstrip())


class ChromeMarker:
    def __init__(self, config_path: str | None = None):
        cfg = read_config(config_path, "structure.yaml", "chrome")
        lead = r"^[ \t\u3000\xa0]*"
        self.line_start = re.compile(lead + _alt(cfg["line_start"]))
        self.line_contains = re.compile(_alt(cfg["line_contains"]))
        tok = _alt(cfg["tokens"])
        sep = cfg["separators"]
        # the leftmost position from which the rest of the line is chrome tokens only
        self.tail = re.compile(f"{tok}(?:{sep}{tok})*{sep}$")
        # a run of chrome tokens that opens a line the rest of which is kept
        # (【字体：大 中 小】 before the 发布时间 of a meta line)
        self.head_run = re.compile(f"{lead}{tok}(?:{sep}{tok})*(?={sep}\\S)")
        self.site_end = re.compile(cfg["site_line_end"])
        self.site_max = int(cfg["site_line_max"])
        self.nav_sep = re.compile(cfg["nav_separator"])
        self.nav_sep_bar = re.compile(cfg["nav_separator_with_bar"])
        self.file_link = re.compile(r"^[ \t\u3000\xa0]*" + cfg["file_link"])
        self.nav_item_max = int(cfg["nav_item_max"])
        self.nav_min = int(cfg["nav_min_items"])
        self.page = PAGE_NUMBER
        d = cfg["duplicate"]
        self.dup_min_line = int(d["min_line_chars"])
        self.dup_min_chars = int(d["min_run_chars"])
        self.dup_min_lines = int(d["min_run_lines"])
        self.dup_gap_chars = int(d["max_gap_chars"])
        self.dup_gap_lines = int(d["max_gap_lines"])

    def __call__(self, doc: Doc) -> Doc:
        init_doc(doc)
        view = doc._.view
        doc._.ignored = self.spans(doc.text, view.joins if view is not None else None, view)
        return doc

    # ------------------------------------------------------------------ public helpers
    def spans(self, text: str, breaks: list[int] | None = None, view=None) -> list[dict]:
        """All ignored regions of ``text``, sorted, non-overlapping.  ``breaks`` are the view
        positions where a hard wrap of the original text was joined: a joined line with no
        sentence end in it (a page head or foot glued together: logo + navigation +
        breadcrumb, or footer lines) is judged line by line as the original had it.  With the
        ``view`` (``pipeline.normalise.View``) running heads are compared as the original
        wrote them (a letter-spaced title is no copy of the running head it reads like)."""
        lines = split_at_joins([(m.start(), m.end()) for m in LINE.finditer(text)], text, breaks)
        dups = self.duplicates(text, lines)
        out = [dict(r) for r in dups]
        di = 0
        chrome: list[list[int]] = []
        head = True          # still above the first body sentence
        last_sentence = -1   # below the last body sentence: the page foot
        for k in range(len(lines) - 1, -1, -1):
            if STOP_OR_SEMICOLON.search(text, *lines[k]):
                last_sentence = lines[k][0]
                break
        running = self._running_lines(text, lines, view)
        for k, (s, e) in enumerate(lines):
            while di < len(dups) and dups[di]["end"] <= s:
                di += 1
            if di < len(dups) and dups[di]["start"] < e:
                continue
            line = text[s:e]
            span = (0, len(line)) if k in running else self.line_chrome(line, head, foot=s > last_sentence >= 0)
            opening = self.head_run.match(line) if span is None or span[0] > 0 else None
            if opening and (span is None or opening.end() < span[0]):
                _add_block(chrome, text, s, line, len(line) - len(line.lstrip()), opening.end())
            if span is not None:
                _add_block(chrome, text, s, line, *span)
            elif head and STOP_OR_SEMICOLON.search(line):
                head = False
        if chrome:
            self._extend_over_logo(text, lines, chrome[0])
        out.extend({"start": a, "end": b, "reason": "boilerplate"} for a, b, *_ in chrome)
        out.sort(key=lambda r: r["start"])
        return out

    def _running_lines(self, text: str, lines, view=None) -> set[int]:
        """Indexes of a PDF's running heads and feet: a short line without a sentence end that
        stands next to a page number on at least two pages (琼中县教育局2024年工作计划 under "- 2 -")."""
        pages = {k for k, (s, e) in enumerate(lines) if self.page.match(text[s:e])}
        where: dict[str, list[int]] = {}
        for k in sorted(pages):
            for j in (k - 1, k + 1):
                if 0 <= j < len(lines) and j not in pages:
                    line = text[lines[j][0]:lines[j][1]].strip()
                    if line and len(line) <= self.site_max and not STOP_OR_SEMICOLON.search(line):
                        if view is not None:
                            a, b = view.to_text(*lines[j])
                            line = view.source[a:b].strip()
                        where.setdefault(line, []).append(j)
        out = set()
        for line, js in where.items():
            if len(js) < 2:
                continue
            first = js[0]
            # the cover letter's date is one of the last lines before its page number (a 联系人/电话
            # line may follow it)
            cover = first - 1 == min(pages) and any(
                len(text[slice(*lines[j])].strip()) <= 20 and DATE.search(text, *lines[j])
                for j in range(max(0, first - 4), first - 1))
            if cover and not any(text[s:e].strip() == line for s, e in lines[:first]):
                js = js[1:]      # the title on the page after a dated cover page ("…2024年2月6日 / - 1 -")
            out.update(js)
        return out

    def _extend_over_logo(self, text: str, lines, block: list) -> None:
        """Short name lines at the very top, right above the first chrome block, are the
        site's logo text ("某市教育局" over the navigation bar)."""
        above = [(s, e) for s, e in lines if e <= block[0]]
        if not above or len(above) > 3 or self.page.match(text[block[0]:block[1]]):
            return
        for s, e in above:
            if not self._site_name(text[s:e].strip()):     # 某市教育局  Some Education Bureau
                return
        block[0] = above[0][0] + len(text[above[0][0]:above[0][1]]) - len(text[above[0][0]:above[0][1]].lstrip())

    def line_chrome(self, line: str, head: bool = False, foot: bool = False) -> tuple[int, int] | None:
        """(start, end) of the chrome part of one line (relative to the line), or None."""
        stripped = line.strip()
        if not stripped:
            return None
        lead = len(line) - len(line.lstrip())
        end = len(line.rstrip())
        if self.page.match(line):
            return lead, end
        if self.line_start.match(line) or (len(stripped) <= 160 and not STOP_OR_SEMICOLON.search(stripped)
                                           and self.line_contains.search(line)):
            return lead, end
        f = self.file_link.match(line)
        if f and (not line[f.end():].strip() or self.tail.match(line, f.end())):
            return lead, end             # a download link: 附件：….pdf 【下载】
        if self._is_nav(stripped, head or foot):
            return lead, end
        m = self.tail.search(line)
        if m:
            before = line[:m.start()].strip()
            if not before or (head and self._site_name(before)):
                return lead, end         # 某区人民政府门户网站  无障碍  长者模式  English
            return m.start(), end
        if foot and stripped[0] in "·•▪◆●" and len(stripped) <= self.site_max * 2 and not STOP_OR_SEMICOLON.search(stripped):
            return lead, end             # a list of links below the report (相关文章: · …)
        if head and len(stripped) <= self.site_max and not STOP_OR_SEMICOLON.search(stripped) \
                and self.site_end.search(stripped):
            return lead, end
        if head and len(stripped) <= self.site_max * 2 and "|" in stripped:
            items = [x for x in re.split(r"\s*[|｜]\s*", stripped) if x]
            if any(self.site_end.search(x) for x in items):
                return lead, end
        return None

    def _site_name(self, line: str) -> bool:
        """A site's logo text: a short name, perhaps with its English form, no clause or year."""
        short = _LATIN_TAIL.sub("", line) or line
        return len(short) <= self.site_max and not _CLAUSE_OR_YEAR.search(line)

    def _is_nav(self, stripped: str, head: bool) -> bool:
        sep = self.nav_sep_bar if ("|" in stripped or "｜" in stripped) else self.nav_sep
        items = [x for x in sep.split(stripped) if x]
        if len(items) > 2 and self.site_end.search(_BRACKETED_TAIL.sub("", items[0])):
            items = items[1:]            # the site's name before its navigation bar
        if STOP_OR_SEMICOLON.search(stripped) or any(_NOT_NAV.search(x) for x in items):
            return False
        if len(items) < 2 or any(len(x) > self.nav_item_max for x in items):
            return False
        if len(items) >= self.nav_min and _CRUMB.search(stripped):
            return True                  # a breadcrumb: 某局 > 信息公开 > 规划计划
        if any(x.endswith(("首页", "主页")) for x in items):
            return True
        if len(items) < self.nav_min:
            return False
        return head and ("|" in stripped or "｜" in stripped)

    def duplicates(self, text: str, lines: list[tuple[int, int]] | None = None) -> list[dict]:
        """Runs of lines that repeat earlier lines of the same file in the same order.

        A run follows its original line by line: each next line must occur again after the
        original of the previous one (and before the run began).  Up to ``max_gap_lines``
        lines / ``max_gap_chars`` characters that do not follow (an edited date line, a
        changed sentence) are tolerated; beyond that the run ends and the pending lines are
        looked at again as the possible start of a new run."""
        if lines is None:
            lines = [(m.start(), m.end()) for m in LINE.finditer(text)]
        keyed, line_of = [], []          # content lines only (long enough to compare)
        for i, (s, e) in enumerate(lines):
            key = _SPACE.sub("", text[s:e])
            if len(key) >= self.dup_min_line:
                keyed.append((len(keyed), key))
                line_of.append(i)
        occ: dict[str, list[int]] = {}
        runs: list[list[int]] = []    # [first line, last line, repeated chars, repeated lines,
        cur: list[int] | None = None  #  last original line, changed chars]
        pending: list[tuple[int, str]] = []
        queue = list(reversed(keyed))
        done: set[int] = set()
        while queue:
            i, key = queue.pop()
            prev = occ.get(key, ())
            if cur is not None:
                j = bisect.bisect_right(prev, cur[4])
                # the original must follow the previous one closely (a changed line or two)
                if j < len(prev) and prev[j] < cur[0] and \
                        prev[j] - cur[4] <= 1 + self.dup_gap_lines:
                    cur[1], cur[4] = i, prev[j]
                    cur[2] += len(key)
                    cur[3] += 1
                    cur[5] += sum(len(k) for _, k in pending)
                    pending = []
                    self._seen(occ, done, i, key)
                    continue
                strong = cur[2] >= self.dup_min_chars and 2 * cur[5] <= cur[2]
                if not strong and any(p < i for p in prev):
                    cur = None                        # a weak run gives way to a new start
                    queue.append((i, key))
                    queue.extend(reversed(pending))
                    pending = []
                    continue
                pending.append((i, key))
                self._seen(occ, done, i, key)
                if len(pending) > self.dup_gap_lines or \
                        sum(len(k) for _, k in pending) > self.dup_gap_chars:
                    cur = None
                    queue.extend(reversed(pending))   # look at them again without a run
                    pending = []
                continue
            prev = [p for p in prev if p < i]
            if prev:
                cur = [i, i, len(key), 1, prev[0], 0]
                runs.append(cur)
            self._seen(occ, done, i, key)
        total = sum(len(k) for _, k in keyed)
        # a short file's copy may be shorter than min_run_chars: then a third of it will do
        need = min(self.dup_min_chars, max(60, total // 3))
        out: list[dict] = []
        for a, b, chars, n, _, changed in runs:
            if chars >= need and n >= self.dup_min_lines and changed <= chars:
                s, e = lines[line_of[a]][0], lines[line_of[b]][1]
                if out and not text[out[-1]["end"]:s].strip():
                    out[-1]["end"] = e                # copies back to back: one region
                else:
                    out.append({"start": s, "end": e, "reason": "duplicate"})
        return out

    @staticmethod
    def _seen(occ: dict[str, list[int]], done: set[int], i: int, key: str) -> None:
        if i not in done:
            done.add(i)
            occ.setdefault(key, []).append(i)


def body_text(text: str, marker: ChromeMarker | None = None) -> str:
    """``text`` without its chrome and duplicate regions (used by cross-file dedupe)."""
    marker = marker or ChromeMarker()
    parts, pos = [], 0
    for r in marker.spans(text):
        parts.append(text[pos:r["start"]])
        pos = max(pos, r["end"])
    parts.append(text[pos:])
    return "".join(parts)

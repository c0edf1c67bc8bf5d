"""The text patterns several stages share, one definition each: Chinese numerals, years and
dates, sentence and clause ends, lines, list markers and page-number lines.

Vocabulary (cue words, word lists) lives in ``configs/``; what is here is the grammar of
numbers, dates, punctuation and list markers that every report shares.
"""
from __future__ import annotations

import re

# ------------------------------------------------------------------ numerals
CN_DIGITS = "零〇一二两三四五六七八九"          # a digit, written in Chinese
CN_ORDINAL = "一二三四五六七八九十"             # what list markers and ordinals count with
_CN_VALUE = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "○": 0}


def cn_number(s: str) -> int | None:
    """一 -> 1, 十二 -> 12, 二十 -> 20, 二十三 -> 23, ③ -> 3; ASCII digits pass through; else None."""
    for first, last in (("①", "⑳"), ("⑴", "⒇"), ("⒈", "⒛")):
        if s and first <= s[0] <= last:
            return ord(s[0]) - ord(first) + 1
    if s.isascii() and s.isdigit():
        return int(s)
    if not s or any(c not in CN_ORDINAL for c in s):
        return None
    if "十" not in s:
        return _CN_VALUE.get(s) if len(s) == 1 else None
    tens, _, ones = s.partition("十")
    t = _CN_VALUE.get(tens, 0) if tens else 1
    o = _CN_VALUE.get(ones, 0) if ones else 0
    return t * 10 + o


def cn_year(s: str) -> str:
    """二〇二三 -> 2023 (digit by digit)."""
    return "".join(str(_CN_VALUE[ch]) for ch in s)


# ------------------------------------------------------------------ years and dates
YEAR_DIGITS = r"(?:19|20)\d\d"                   # a year's four digits, to build patterns with
YEAR = re.compile(rf"(?<!\d)({YEAR_DIGITS})年")
DATE = re.compile(rf"({YEAR_DIGITS})\s*[-/.年]\s*(\d{{1,2}})\s*[-/.月]\s*(\d{{1,2}})")
CN_YEAR = re.compile(r"([〇零○一二][〇零○一二三四五六七八九]{3})年")
CN_DATE = re.compile(r"([〇零○一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")

# ------------------------------------------------------------------ sentences, clauses, lines
LINE = re.compile(r"[^\n]+")
FULL_STOP = re.compile(r"[。！？]")                       # ends a sentence
STOP_OR_SEMICOLON = re.compile(r"[。！？；]")             # ends a sentence or a list clause
CLAUSE_BREAK = re.compile(r"[。！？，,；;]")              # any clause break within a line
SENTENCE_END = re.compile(r"[；;。！？!?\n]")            # a sentence for reading a target
CLAUSE_END = re.compile(r"[，,；;。！？!?：:\n]")         # a clause for reading a target
# a line that ends here ends its sentence (the normaliser does not join it to the next)
LINE_FINAL = frozenset("。！？；：…!?;:」』”）)】")

# ------------------------------------------------------------------ list markers
LEAD_SPACE = r"[ \t\u3000\xa0]*"
# A list marker, by style: 一、 （一） 一是 一要 第一， 1. 1、 （1） 1) ① ⑴ ⒈
_MARKER_BODY = (
    rf"(?P<cn_dun>[{CN_ORDINAL}]{{1,3}})(?:、|[．.](?!\d))(?![{CN_ORDINAL}]{{1,2}}(?:年级|等奖|级|类|批|期|、))"
    rf"|[（(](?P<cn_paren>[{CN_ORDINAL}]{{1,3}})[)）]"
    rf"|(?P<cn_shi>[{CN_ORDINAL}]{{1,3}})是(?=[ \u3000]?\S)"
    rf"|(?P<cn_yao>[{CN_ORDINAL}]{{1,3}})要(?=[ \u3000]?[^\s求点素务事闻])"
    rf"|第(?P<di>[{CN_ORDINAL}]{{1,3}})(?:[，,、：:]|是)"
    rf"|(?P<ar_dot>\d{{1,2}})[.．](?!\d)"
    rf"|(?P<ar_dun>\d{{1,2}})、"
    rf"|[（(](?P<ar_paren>\d{{1,2}})[)）]"
    rf"|(?P<ar_half>\d{{1,2}})[)）]"
    rf"|(?P<circ>[①-⑳])"
    rf"|(?P<paren_circ>[⑴-⒇])"
    rf"|(?P<dot_circ>[⒈-⒛])"
)
# ... at the start of a line
LIST_MARKER = re.compile(rf"^{LEAD_SPACE}(?P<m>{_MARKER_BODY})[ \t\u3000]*", re.M)
# ... inside a paragraph, after a sentence or clause end (。二是… ；第二，… ：（1）…)
INLINE_MARKER = re.compile(rf"(?<=[。；;：:！？!?])[ \t\u3000]*(?P<m>{_MARKER_BODY})[ \t\u3000]*")
MARKER_STYLES = ("cn_dun", "cn_paren", "cn_shi", "cn_yao", "di", "ar_dot", "ar_dun", "ar_paren", "ar_half", "circ",
                 "paren_circ", "dot_circ")
# styles that may open an item inside a paragraph (not 1. or 一、, which are numbers there)
INLINE_STYLES = ("cn_shi", "cn_yao", "di", "cn_paren", "ar_paren", "circ", "paren_circ")
# A task's text starts with its marker: "15.", "15．", "一是", "（三）", "第二，", "①".
TASK_MARKER = re.compile(r"^\s*(?:第?[一二三四五六七八九十百]+[、是要，,.．]|[（(][一二三四五六七八九十\d]+[)）]"
                         r"|\d+\s*[.．、)]|[①-⑳])\s*")
# A line that opens a new item or is a page number: never the continuation of a wrapped line.
LINE_OPENER = re.compile(
    r"[ \t\u3000]*(?:[一二三四五六七八九十]+(?:[、是]|要(?![求点素务事闻]))|第[一二三四五六七八九十]+[，,、是]|"
    r"[（(][一二三四五六七八九十\d]+[)）]|\d+(?:[.．](?!\d)|、)|[①-⑳]|[-—]\s*\d+\s*[-—])"
)
# A line that is only a PDF page number: "- 3 -", "— 12 —", "第3页 共8页", "3/8".
PAGE_NUMBER = re.compile(r"^[ \t\u3000\xa0]*(?:[-—–－]\s*\d{1,4}\s*[-—–－]|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
                         r"|\d{1,4}\s*/\s*\d{1,4})[ \t\u3000\xa0]*$")
# A page-number line of PDF text ("- 3 -", "— 12 —") between two line breaks.
PAGE_NUMBER_LINE = re.compile(r"\n[ \u3000]*[-—–][ \u3000]?\d{1,4}[ \u3000]?[-—–][ \u3000]*(?=\n)")

"""How far a span picker can go on a gold folder (dev tool, not run by tests).

    .venv/bin/python benchmarks/indicator_ceiling.py corpus/gold

For every gold target with an indicator: is the indicator a contiguous substring of its
sentence (1) as written, (2) in the normalised view of the sentence (NFKC, no whitespace, no
quote or book-title marks), (3) of that view with the comparator and time words the definition
removes (configs/units.yaml comparators + indicator.strip_leading/strip_trailing + years) taken
out, and (4) within similarity 0.8 (the scorer's threshold) of some contiguous substring of (2)?
Tables (a line with a tab, a | or a run of spaces) are counted apart: their indicator is a
header, not a span of the row.
"""
from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rapidfuzz.fuzz import ratio  # noqa: E402

from pipeline.evaluate import load_gold  # noqa: E402
from pipeline.patterns import SENTENCE_END  # noqa: E402
from pipeline.settings import read_config  # noqa: E402

_TABLE_LINE = re.compile(r"\t|\||[ \u3000]{2}")
_MARKS = re.compile(r"[\s“”\"‘’「」《》]")


def norm(s: str) -> str:
    return _MARKS.sub("", unicodedata.normalize("NFKC", s))


def removed_words() -> re.Pattern:
    cfg = read_config(None, "units.yaml")
    c, ind = cfg["comparators"], cfg["indicator"]
    words = {w for k in ("ge_before", "le_before", "ge_after", "le_after") for w in c[k]}
    words |= {w for w in ind["strip_leading"] + ind["strip_trailing"] if len(w) >= 2}
    words |= {"全年", "年内", "今年", "年底", "年底前", "截至", "目前", "当年", "上半年", "下半年", "本年度"}
    alt = "|".join(sorted(map(re.escape, words), key=len, reverse=True))
    return re.compile(rf"(?:(?:19|20)\d\d年(?:度|底|末)?|{alt})")


def sentence(text: str, start: int, end: int) -> str:
    a = max((m.end() for m in SENTENCE_END.finditer(text, 0, start)), default=0)
    m = SENTENCE_END.search(text, end)
    return text[a:m.start() if m else len(text)]


def best_ratio(g: str, s: str) -> float:
    best = 0.0
    n = len(g)
    for L in range(max(1, n - n // 3), n + n // 3 + 2):
        for i in range(0, max(1, len(s) - L + 1)):
            r = ratio(g, s[i:i + L])
            if r > best:
                best = r
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("gold_dir")
    a = ap.parse_args()
    rx = removed_words()
    n = tab = raw = nv = nrm = near = 0
    for _, g in load_gold(a.gold_dir):
        text = g["text"]
        for t in g.get("targets", []):
            ind = t.get("indicator")
            if not ind:
                continue
            ls = text.rfind("\n", 0, t["start"]) + 1
            le = text.find("\n", t["end"])
            if _TABLE_LINE.search(text[ls:le if le >= 0 else len(text)]):
                tab += 1
                continue
            n += 1
            s = sentence(text, t["start"], t["end"])
            raw += ind in s
            sn, gn = norm(s), norm(ind)
            nv += gn in sn
            nrm += gn in rx.sub("", sn) or gn in sn
            near += best_ratio(gn, sn) >= 80.0
    print(f"prose targets with a gold indicator: {n} (table cells apart: {tab})")
    for name, k in (("substring of the sentence as written", raw),
                    ("substring of the normalised sentence", nv),
                    ("… or after removing comparator/time words", nrm),
                    ("some substring within similarity .8", near)):
        print(f"{name:44} {k:5}  {k / max(n, 1):.3f}")


if __name__ == "__main__":
    main()

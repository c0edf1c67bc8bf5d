"""Indicator disagreements on a gold folder, grouped by cause (dev tool, not run by tests).

    .venv/bin/python benchmarks/indicator_errors.py corpus/gold            # counts per cause
    .venv/bin/python benchmarks/indicator_errors.py corpus/gold -v 20      # + 20 examples per cause
    .venv/bin/python benchmarks/indicator_errors.py corpus/gold --pred x.jsonl

Targets are matched as ``zhpolicy evaluate`` matches them (overlap, same value and unit); a
matched pair whose indicators differ (similarity < 0.8) is put in the first class it fits:

- ``none``: no indicator predicted;
- ``region``: the prediction holds a REGION name of the report that the gold one lacks;
- ``comparator/time``: it holds a comparator or time word (configs/units.yaml) gold lacks;
- ``glued``: it holds words of another line than the number's (a neighbour row or heading);
- ``too short``: it is a part of the gold indicator (or shares its end and is shorter);
- ``too long``: the gold indicator is a part of it (or shares its end and is longer);
- ``other``: the rest.

With ``--causes`` the same pairs are put in the classes of issue 12's brief instead: ``none``;
``table header`` (the number's line is a table row); ``period/region prefix`` (the two differ by a
leading region name, area word such as 全县 / 市本级, year or period only); ``earlier clause`` (the
prediction lacks a qualifier that stands in an earlier clause of the sentence); ``too short``;
``too long``; ``paraphrase`` (the gold indicator is no substring of the normalised sentence);
``other``.
"""
from __future__ import annotations

import argparse
import json
import re
import unicodedata
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.evaluate import indicator_ok, load_gold, match, same_value  # noqa: E402
from pipeline.settings import read_config  # noqa: E402

CLASSES = ["none", "region", "comparator/time", "glued", "too short", "too long", "other"]
CAUSES = ["none", "table header", "period/region prefix", "earlier clause", "too short", "too long",
          "paraphrase", "other"]
_TABLE_LINE = re.compile(r"\t|\||[ \u3000]{2}")
_MARKS = re.compile(r"[\s“”\"‘’「」《》]")
_AREA = re.compile(r"^(?:全[省市县区州旗盟镇乡]|[省市县区]本级|本[市县区]|(?:19|20)\d\d年(?:度|底|末)?|每(?:年|学期|学年|月|周|天)|全年|年内)+")


def _words() -> tuple[list[str], list[str]]:
    cfg = read_config(None, "units.yaml")
    c = cfg["comparators"]
    cmp_words = [w for k in ("ge_before", "le_before", "ge_after", "le_after") for w in c[k]
                 if len(w) >= 2]
    time_words = ["全年", "年内", "今年", "年底", "截至", "目前", "当年", "上半年", "下半年", "本年度"]
    time_words += [f"{y}年" for y in range(2000, 2036)]
    return cmp_words, time_words


def _common_end(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return n


def _other_line_words(text: str, start: int, ind: str) -> bool:
    """Whether ``ind`` holds 3+ characters that occur on the line before the number's and
    not on the number's line."""
    ls = text.rfind("\n", 0, start) + 1
    le = text.find("\n", start)
    line = text[ls:le if le >= 0 else len(text)]
    pls = text.rfind("\n", 0, max(0, ls - 1)) + 1
    prev_line = text[pls:max(pls, ls - 1)]
    for k in range(len(ind) - 2):
        piece = ind[k:k + 3]
        if piece in prev_line and piece not in line:
            return True
    return False


def classify(g: str, p: str | None, text: str, start: int, regions: set[str],
             cmp_words: list[str], time_words: list[str]) -> str:
    if not p:
        return "none"
    if any(r in p and r not in g for r in regions):
        return "region"
    if any(w in p and w not in g for w in cmp_words + time_words):
        return "comparator/time"
    if _other_line_words(text, start, p) and not _other_line_words(text, start, g):
        return "glued"
    if p in g or (_common_end(g, p) >= 2 and len(p) < len(g)):
        return "too short"
    if g in p or (_common_end(g, p) >= 2 and len(p) > len(g)):
        return "too long"
    return "other"


def _norm(s: str) -> str:
    return _MARKS.sub("", unicodedata.normalize("NFKC", s))


def cause(g: str, p: str | None, text: str, start: int, end: int, regions: set[str]) -> str:
    """The class of issue 12's brief a disagreement is in (see the module docstring)."""
    if not p:
        return "none"
    ls = text.rfind("\n", 0, start) + 1
    le = text.find("\n", end)
    if _TABLE_LINE.search(text[ls:le if le >= 0 else len(text)]):
        return "table header"
    rx = re.compile("^(?:" + "|".join(sorted(map(re.escape, regions), key=len, reverse=True) or ["\0"]) + ")+")

    def bare(x: str) -> str:
        return _AREA.sub("", rx.sub("", _AREA.sub("", x)))
    if bare(g) == bare(p) or indicator_ok(bare(g), bare(p)) and (bare(g) != g or bare(p) != p):
        return "period/region prefix"
    ss = max((m.end() for m in re.finditer(r"[；;。！？!?\n]", text[:start])), default=0)
    cs = max((m.end() for m in re.finditer(r"[，,；;。！？!?：:\n]", text[:start])), default=0)
    n = _common_end(g, p)
    if (p in g or n >= 2) and len(p) < len(g):
        missing = _norm(g[:g.find(p)] if p in g else g[:len(g) - n])
        earlier, clause = _norm(text[ss:cs]), _norm(text[cs:start])
        if len(missing) >= 2 and missing[-2:] in earlier and missing[-2:] not in clause:
            return "earlier clause"
        return "too short"
    if g in p or (n >= 2 and len(p) > len(g)):
        return "too long"
    se = re.search(r"[；;。！？!?\n]", text[end:])
    if _norm(g) not in _norm(text[ss:end + (se.start() if se else len(text))]):
        return "paraphrase"
    return "other"


def run(gold_dir: str, pred_file: str | None, causes: bool = False):
    gold = load_gold(gold_dir)
    preds = {}
    if pred_file:
        for line in open(pred_file, encoding="utf-8"):
            if line.strip():
                r = json.loads(line)
                preds[Path(r.get("source") or r.get("doc_id")).stem] = r
    else:
        from pipeline.api import load, make_doc, to_record
        from pipeline.readers import read_file
        nlp = load()
        for txt, g in gold:
            preds[txt.stem] = to_record(nlp(make_doc(nlp, read_file(txt), str(txt), g.get("doc_id"))))
    cmp_words, time_words = _words()
    out = defaultdict(list)
    n = ok = 0
    for txt, g in gold:
        p = preds[txt.stem]
        text = g["text"]
        regions = {e["text"] for e in g.get("entities", []) if e["label"] == "REGION" and len(e["text"]) >= 2}
        G, P = g["targets"], p["targets"]
        for i, j in match(G, P, lambda a, b: same_value(a["value"], b["value"]) and a.get("unit") == b.get("unit")):
            a, b = G[i], P[j]
            n += 1
            if indicator_ok(a.get("indicator"), b.get("indicator")):
                ok += 1
                continue
            if causes:
                c = cause(a.get("indicator") or "", b.get("indicator"), text, a["start"], a["end"], regions)
            else:
                c = classify(a.get("indicator") or "", b.get("indicator"), text, a["start"], regions,
                             cmp_words, time_words)
            ctx = (text[max(0, a["start"] - 40):a["start"]] + "[" + text[a["start"]:a["end"]] + "]"
                   + text[a["end"]:a["end"] + 15]).replace("\n", "⏎")
            out[c].append((txt.stem, a.get("indicator"), b.get("indicator"), ctx))
    return n, ok, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("gold_dir")
    ap.add_argument("--pred")
    ap.add_argument("-v", type=int, default=0, help="examples per class")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--causes", action="store_true", help="the classes of issue 12's brief")
    a = ap.parse_args()
    n, ok, out = run(a.gold_dir, a.pred, a.causes)
    if a.json:
        print(json.dumps({"matched": n, "agree": ok, "classes": out}, ensure_ascii=False))
        return
    print(f"matched {n}  indicator agrees {ok} ({ok / max(n, 1):.3f})")
    for c in CAUSES if a.causes else CLASSES:
        print(f"{c:16} {len(out[c])}")
        for doc, gi, pi, ctx in out[c][:a.v]:
            print(f"    {doc}: gold {gi!r} pred {pi!r}\n        {ctx}")


if __name__ == "__main__":
    main()

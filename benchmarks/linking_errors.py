"""SCHOOL/ORG canonical-name errors with nothing learnt from gold (dev tool, not run by tests).

    .venv/bin/python benchmarks/linking_errors.py corpus/gold            # accuracy + one line per error

The linker learns institutions from gold (``models/pipeline/linker``); scoring gold with that
state is in-sample.  Here its learnt entries are emptied, so every canonical name comes from the
registries and the rules (``configs/gazetteer/linking.yaml``): a stand-in for reports whose
institutions no gold report names.  Mentions are matched as ``zhpolicy evaluate`` matches them
(same label, span IoU >= 0.5); each error line is report, label, surface, gold, predicted.
"""
from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.api import load, record_of_file  # noqa: E402
from pipeline.evaluate import iou, match  # noqa: E402


def main(folder: str) -> None:
    nlp = load()
    for _, pipe in nlp.pipeline:
        if hasattr(pipe, "_set_learnt"):
            pipe._set_learnt([])
    ok, n, errs = Counter(), Counter(), []
    for gj in sorted(Path(folder).glob("*.gold.json")):
        gold = json.loads(gj.read_text(encoding="utf-8"))
        rec = record_of_file(nlp, gj.with_name(gj.name[: -len(".gold.json")] + ".txt"))
        for lab in ("SCHOOL", "ORG"):
            g = [e for e in gold["entities"] if e["label"] == lab]
            p = [e for e in rec["entities"] if e["label"] == lab]
            for i, j in match(g, p, lambda a, b: iou(a, b) >= 0.5):
                n[lab] += 1
                if (g[i].get("canonical") or "") == (p[j].get("canonical") or ""):
                    ok[lab] += 1
                else:
                    errs.append((gj.name.split(".")[0], lab, g[i]["text"].replace("\n", ""),
                                 g[i].get("canonical"), p[j].get("canonical")))
    print(json.dumps({lab: {"accuracy": round(ok[lab] / n[lab], 3), "mentions": n[lab]} for lab in n},
                     ensure_ascii=False))
    for e in errs:
        print(*e, sep="\t")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "corpus/gold")

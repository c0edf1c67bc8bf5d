"""Inter-annotator agreement: the second annotations in corpus/second/*.ann scored against the
first annotations (corpus/gold or corpus/sealed) with the project's own scorer, the first
annotator taken as gold.  Only annotations are compared; no pipeline runs, so reading sealed
gold here tunes nothing.

    .venv/bin/python corpus/agreement.py                    # corpus/second: table + JSON on stdout
    .venv/bin/python corpus/agreement.py corpus/sealed/second   # the sealed set's second annotations
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

sys.path.insert(0, str(HERE / "markup"))

from markup import convert  # noqa: E402
from pipeline.evaluate import Tally  # noqa: E402


def main(argv: list[str]) -> int:
    tally, per = Tally(), {}
    folder = Path(argv[0]) if argv else HERE / "second"
    if not folder.is_dir():
        print(f"{folder}: not a folder of second annotations (*.ann)", file=sys.stderr)
        return 2
    for ann in sorted(folder.glob("*.ann")):
        second = convert(ann.read_text(encoding="utf-8"), ann.stem)[1]
        first_path = next((p for d in ("gold", "sealed") if (p := HERE / d / f"{ann.stem}.gold.json").is_file()), None)
        if first_path is None:
            print(f"{ann.name}: no first annotation in gold/ or sealed/", file=sys.stderr)
            return 1
        first = json.loads(first_path.read_text(encoding="utf-8"))
        if first["text"] != second["text"]:
            print(f"{ann.name}: the second annotation changed the text", file=sys.stderr)
            return 1
        one = Tally()
        one.add(first, second)
        r = one.report()
        per[ann.stem] = {"entities": round(r["entities"]["micro"]["lenient"]["f1"], 3),
                         "targets": round(r["targets"]["f1"], 3), "indicator": round(r["targets"]["indicator_acc"], 3),
                         "tasks": round(r["tasks"]["f1"], 3)}
        tally.add(first, second)
    r = tally.report()
    out = {"reports": len(per), "per_report": per,
           "entities_micro_lenient_f1": r["entities"]["micro"]["lenient"]["f1"],
           "entities_micro_strict_f1": r["entities"]["micro"]["strict"]["f1"],
           "core_lenient_f1": r["entities"]["core_lenient"]["f1"],
           "per_label_lenient_f1": {k: v["lenient"]["f1"] for k, v in r["entities"]["per_label"].items()},
           "targets_f1": r["targets"]["f1"], "comparator_acc": r["targets"]["comparator_acc"],
           "kind_acc": r["targets"]["kind_acc"], "indicator_acc": r["targets"]["indicator_acc"],
           "tasks_f1": r["tasks"]["f1"], "themes_primary_acc": r["themes"]["accuracy"],
           "linking": {k: v for k, v in r["linking"].items() if k != "counts"}}
    for name, row in per.items():
        print(f"{name:48s} " + "  ".join(f"{k} {v:.3f}" for k, v in row.items()), file=sys.stderr)
    print(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

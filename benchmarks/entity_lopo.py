"""Leave-one-province-out for the entity stages only, and ways of combining rules and model
(dev tool, not run by tests).

    .venv/bin/python benchmarks/entity_lopo.py                                  # every fold, 'base'
    .venv/bin/python benchmarks/entity_lopo.py --variants base,confirm --only 天津,上海
    .venv/bin/python benchmarks/entity_lopo.py --json out.json                   # + errors per variant
    .venv/bin/python benchmarks/entity_lopo.py --by document                     # leave one document out

Entity scores depend on the rules and the recognizer only (the linker and the themes stage do
not move a span), so instead of ``evaluate(leave_one_out=True, leave_out="province")`` (which
refits every learned stage and reruns the stages before the recognizer per fold) this runs the
stages before the recognizer once per report, refits the CRF per fold with the features and
parameters of ``EntityCRF.initialize`` and scores several combinations from the same tags:

- ``base``: the model's spans, less those overlapping the rules' ``rule_labels`` spans, plus those;
- ``confirm``: as base, but a rule PROGRAMME span stays only where the model finds one overlapping it
  (``confirm_labels = ["PROGRAMME"]``);
- ``crfprog``: the model decides PROGRAMME too (``rule_labels = ["PERSON"]``);
- ``quoted``: as base, but a model PROGRAMME span that is a whole quotation stays only where the
  rules made a PROGRAMME candidate (``quoted_labels = ["PROGRAMME"]``).

Its ``base`` figures should equal the entity figures of the full run (same training data, features
and parameters); that was not checked against a full ``evaluate`` run on this machine.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline.api import load, make_doc, to_record  # noqa: E402
from pipeline.components import recognizer as R  # noqa: E402
from pipeline.evaluate import Tally, folds, load_gold  # noqa: E402
from pipeline.readers import read_file  # noqa: E402

VARIANTS = ("base", "confirm", "crfprog", "quoted")


def combine(doc, spans, labels, variant: str, rule_labels) -> list[dict]:
    found = [{"start": spans[a][0], "end": spans[b - 1][1], "label": lab} for a, b, lab in R.decode(labels)]
    if variant == "quoted":
        found = R.without_unruled_quotes(found, doc, ("PROGRAMME",))
    rules = list(doc._.entities)
    if variant == "crfprog":
        kept = [e for e in rules if e["label"] in rule_labels and e["label"] != "PROGRAMME"]
    else:
        kept = [e for e in rules if e["label"] in rule_labels]
        if variant == "confirm":
            crf = [f for f in found if f["label"] == "PROGRAMME"]
            kept = [e for e in kept if e["label"] != "PROGRAMME" or R._overlapping(e, crf)]
    found = R._without_overlaps(found, kept)
    return sorted(found + kept, key=lambda e: (e["start"], e["end"]))


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", default=str(ROOT / "corpus" / "gold"))
    ap.add_argument("--variants", default="base")
    ap.add_argument("--only", default="", help="provinces (folds) to score, comma-separated; default all")
    ap.add_argument("--json", default=None)
    ap.add_argument("--by", default="province", choices=["province", "document"],
                    help="folds: every report of a province (default) or each report alone (leave one out)")
    a = ap.parse_args(argv)
    variants = a.variants.split(",")
    for v in variants:
        if v not in VARIANTS:
            raise SystemExit(f"unknown variant {v!r}; one of {', '.join(VARIANTS)}")
    only = set(a.only.split(",")) if a.only else None
    import pycrfsuite

    t0 = time.time()
    nlp = load()
    rec = nlp.get_pipe("recognizer")
    before = [p for _, p in nlp.pipeline[:nlp.pipe_names.index("recognizer")]]

    def run_before(doc):
        for p in before:
            doc = p(doc)
        return doc

    gold = load_gold(a.gold)
    fold_of = folds(gold, a.by)
    train_xy = []
    for _, g in gold:                       # as EntityCRF.initialize builds its training data
        d = run_before(nlp.make_doc(g["text"]))
        sp = R.token_spans(d)
        gl = [(d._.view.to_view(e["start"]), d._.view.to_view(e["end"]), e["label"]) for e in g.get("entities", [])]
        train_xy.append((R.features(d, sp), R.bio(sp, gl)))
    tallies = {v: Tally() for v in variants}
    tagger, tagger_fold = None, None
    for k, (txt, g) in enumerate(gold):
        f = fold_of[k]
        if only and f not in only:
            continue
        if f != tagger_fold:
            tr = pycrfsuite.Trainer(verbose=False)
            for j, (x, y) in enumerate(train_xy):
                if fold_of[j] != f:
                    tr.append(x, y)
            tr.set_params({"c1": rec.c1, "c2": rec.c2, "max_iterations": rec.max_iterations,
                           "feature.possible_transitions": True})
            with tempfile.TemporaryDirectory() as tmp:
                tr.train(str(Path(tmp) / "m"))
                # the tagger reads the model from these bytes without copying them: keep them alive
                model = (Path(tmp) / "m").read_bytes()
                tagger = pycrfsuite.Tagger()
                tagger.open_inmemory(model)
            tagger_fold = f
        doc = run_before(make_doc(nlp, read_file(txt), str(txt), g.get("doc_id")))
        spans = R.token_spans(doc)
        labels = tagger.tag(R.features(doc, spans))
        rules = list(doc._.entities)
        for v in variants:
            doc._.entities = combine(doc, spans, labels, v, rec.rule_labels)
            tallies[v].add(g, to_record(doc), keep_errors=bool(a.json))
            doc._.entities = list(rules)
    out = {}
    for v in variants:
        r = tallies[v].report()["entities"]
        out[v] = {"core": r["core_lenient"], "micro": r["micro"]["lenient"],
                  "per_label": {lab: x["lenient"] for lab, x in r["per_label"].items()},
                  "errors": [e for e in tallies[v].errors if e["kind"].startswith(("miss", "false"))]}
        pl = " ".join(f"{lab} {x['precision']:.3f}/{x['recall']:.3f}" for lab, x in out[v]["per_label"].items())
        print(f"{v:8s} core {r['core_lenient']['f1']:.3f} micro {r['micro']['lenient']['f1']:.3f} | {pl}")
    print(f"{time.time() - t0:.0f} s")
    if a.json:
        Path(a.json).write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()

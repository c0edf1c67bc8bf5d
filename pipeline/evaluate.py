"""Scoring against gold records, as ANNOTATION.md section 6 defines it.

- entities: strict (same label and span) and lenient (same label, char IoU >= 0.5) P/R/F1,
  per label and micro;
- targets: a prediction matches a gold mention when the spans overlap and value and unit
  agree; comparator, kind and indicator (similarity >= 0.8) are scored on matched pairs;
- linking: REGION ``kb_id`` and SCHOOL/ORG ``canonical`` accuracy on (lenient) matched mentions;
- tasks: match at span IoU >= 0.5; primary-theme accuracy and macro-F1 on matched tasks.

Matching is one-to-one and greedy, best overlap first.  Counts are summed over documents
(micro over the corpus).
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from rapidfuzz.fuzz import ratio

LABELS = ("SCHOOL", "REGION", "PROGRAMME", "ORG", "DOCUMENT", "PERSON")
CORE = ("SCHOOL", "REGION", "PROGRAMME")


def iou(a: dict, b: dict) -> float:
    inter = min(a["end"], b["end"]) - max(a["start"], b["start"])
    if inter <= 0:
        return 0.0
    union = max(a["end"], b["end"]) - min(a["start"], b["start"])
    return inter / union


def overlaps(a: dict, b: dict) -> bool:
    return min(a["end"], b["end"]) > max(a["start"], b["start"])


def match(gold: list[dict], pred: list[dict], ok: Callable[[dict, dict], bool],
          score: Callable[[dict, dict], float] = iou) -> list[tuple[int, int]]:
    """Greedy one-to-one matching: pairs (gold index, pred index) with ok(g, p), best first."""
    cands = []
    for i, g in enumerate(gold):
        for j, p in enumerate(pred):
            if p["start"] < g["end"] and g["start"] < p["end"] and ok(g, p):
                cands.append((score(g, p), i, j))
    cands.sort(key=lambda c: -c[0])
    used_g, used_p, pairs = set(), set(), []
    for _, i, j in cands:
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
            pairs.append((i, j))
    return pairs


def prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": p, "recall": r, "f1": f, "tp": tp, "pred": n_pred, "gold": n_gold}


def same_value(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(float(a) - float(b)) <= 1e-6 * max(1.0, abs(float(a)), abs(float(b)))


def indicator_ok(g: str | None, p: str | None) -> bool:
    return ratio(g or "", p or "") >= 80.0


@dataclass
class Tally:
    """Counts summed over documents; ``report()`` turns them into scores."""

    ent: dict = field(default_factory=lambda: defaultdict(Counter))
    tgt: Counter = field(default_factory=Counter)
    link: Counter = field(default_factory=Counter)
    task: Counter = field(default_factory=Counter)
    themes: list = field(default_factory=list)          # (gold primary, pred primary)
    baseline_themes: list = field(default_factory=list)  # same, keyword baseline
    errors: list = field(default_factory=list)

    def add(self, gold: dict, pred: dict, baseline_tasks: list[dict] | None = None,
            keep_errors: bool = False) -> None:
        text = gold.get("text", "")
        self._entities(gold, pred, text, keep_errors)
        self._targets(gold, pred, text, keep_errors)
        self._tasks(gold, pred, baseline_tasks, keep_errors, text)

    def _entities(self, gold, pred, text, keep_errors):
        gents, pents = gold.get("entities", []), pred.get("entities", [])
        for label in LABELS:
            g = [e for e in gents if e["label"] == label]
            p = [e for e in pents if e["label"] == label]
            strict = sum(1 for a in g for b in p if a["start"] == b["start"] and a["end"] == b["end"])
            pairs = match(g, p, lambda a, b: iou(a, b) >= 0.5)
            c = self.ent[label]
            c["gold"] += len(g)
            c["pred"] += len(p)
            c["strict"] += strict
            c["lenient"] += len(pairs)
            for i, j in pairs:
                if label == "REGION":
                    self.link["region_n"] += 1
                    self.link["region_ok"] += (g[i].get("kb_id") or None) == (p[j].get("kb_id") or None)
                elif label in ("SCHOOL", "ORG"):
                    key = label.lower()
                    self.link[f"{key}_n"] += 1
                    self.link[f"{key}_ok"] += (g[i].get("canonical") or "") == (p[j].get("canonical") or "")
                    if keep_errors and (g[i].get("canonical") or "") != (p[j].get("canonical") or ""):
                        self._err(gold, "canonical", g[i], text, f"pred {p[j].get('canonical')!r}")
                if label == "REGION" and keep_errors and (g[i].get("kb_id") or None) != (p[j].get("kb_id") or None):
                    self._err(gold, "kb_id", g[i], text, f"gold {g[i].get('kb_id')} pred {p[j].get('kb_id')}")
            if keep_errors:
                self._unmatched(gold, g, p, pairs, label, text)

    def _targets(self, gold, pred, text, keep_errors):
        g, p = gold.get("targets", []), pred.get("targets", [])
        pairs = match(g, p, lambda a, b: same_value(a["value"], b["value"]) and a.get("unit") == b.get("unit"))
        self.tgt["gold"] += len(g)
        self.tgt["pred"] += len(p)
        self.tgt["tp"] += len(pairs)
        for i, j in pairs:
            self.tgt["comparator"] += g[i].get("comparator") == p[j].get("comparator")
            self.tgt["kind"] += g[i].get("kind") == p[j].get("kind")
            self.tgt["indicator"] += indicator_ok(g[i].get("indicator"), p[j].get("indicator"))
            if keep_errors:
                for f in ("comparator", "kind"):
                    if g[i].get(f) != p[j].get(f):
                        self._err(gold, f"target {f}", g[i], text, f"gold {g[i].get(f)} pred {p[j].get(f)}")
                if not indicator_ok(g[i].get("indicator"), p[j].get("indicator")):
                    self._err(gold, "target indicator", g[i], text,
                              f"gold {g[i].get('indicator')!r} pred {p[j].get('indicator')!r}")
        if keep_errors:
            self._unmatched(gold, g, p, pairs, "target", text,
                            lambda e: f"value {e['value']} {e.get('unit')}")

    def _tasks(self, gold, pred, baseline_tasks, keep_errors, text):
        g, p = gold.get("tasks", []), pred.get("tasks", [])
        pairs = match(g, p, lambda a, b: iou(a, b) >= 0.5)
        self.task["gold"] += len(g)
        self.task["pred"] += len(p)
        self.task["tp"] += len(pairs)
        base = {t["id"]: t for t in baseline_tasks or []}
        for i, j in pairs:
            gp = (g[i].get("themes") or [None])[0]
            pp = (p[j].get("themes") or [None])[0]
            self.themes.append((gp, pp))
            if baseline_tasks is not None:
                b = base.get(p[j]["id"], {})
                self.baseline_themes.append((gp, (b.get("themes") or [None])[0]))
            if keep_errors and gp != pp:
                self._err(gold, "theme", g[i], text, f"gold {gp} pred {pp}")
        if keep_errors:
            self._unmatched(gold, g, p, pairs, "task", text)

    def _unmatched(self, gold, g, p, pairs, what, text, note=lambda e: ""):
        """Record every gold item without a partner as a miss, every prediction as a false alarm."""
        mg = {i for i, _ in pairs}
        mp = {j for _, j in pairs}
        for i, e in enumerate(g):
            if i not in mg:
                self._err(gold, f"miss {what}", e, text, note(e))
        for j, e in enumerate(p):
            if j not in mp:
                self._err(gold, f"false {what}", e, text, note(e))

    def _err(self, gold, kind, item, text, note=""):
        s, e = item["start"], item["end"]
        surface = text[s:e]
        if kind.endswith("task") or kind == "theme":
            surface = surface[:40] + ("…" if e - s > 40 else "")
        ctx = text[max(0, s - 15):s] + "[" + surface + "]" + text[e:e + 15]
        self.errors.append({"doc": gold.get("doc_id"), "kind": kind, "start": s, "end": e,
                            "context": ctx.replace("\n", "⏎"), "note": note})

    def report(self) -> dict[str, Any]:
        per_label = {}
        tot = Counter()
        for label in LABELS:
            c = self.ent[label]
            per_label[label] = {"strict": prf(c["strict"], c["pred"], c["gold"]),
                                "lenient": prf(c["lenient"], c["pred"], c["gold"])}
            tot.update(c)
        core = Counter()
        for label in CORE:
            core.update(self.ent[label])
        t = self.tgt
        n = t["tp"]
        out = {
            "entities": {
                "per_label": per_label,
                "micro": {"strict": prf(tot["strict"], tot["pred"], tot["gold"]),
                          "lenient": prf(tot["lenient"], tot["pred"], tot["gold"])},
                "core_lenient": prf(core["lenient"], core["pred"], core["gold"]),
            },
            "targets": {**prf(n, t["pred"], t["gold"]),
                        "comparator_acc": t["comparator"] / n if n else 0.0,
                        "kind_acc": t["kind"] / n if n else 0.0,
                        "indicator_acc": t["indicator"] / n if n else 0.0},
            "linking": {k: (self.link[f"{k}_ok"] / self.link[f"{k}_n"] if self.link[f"{k}_n"] else None)
                        for k in ("region", "school", "org")},
            "tasks": prf(self.task["tp"], self.task["pred"], self.task["gold"]),
            "themes": theme_scores(self.themes),
        }
        out["linking"]["counts"] = {k: self.link[f"{k}_n"] for k in ("region", "school", "org")}
        if self.baseline_themes:
            out["themes_baseline"] = theme_scores(self.baseline_themes)
        return out


def theme_scores(pairs: list[tuple]) -> dict[str, float]:
    if not pairs:
        return {"accuracy": 0.0, "macro_f1": 0.0, "n": 0}
    acc = sum(g == p for g, p in pairs) / len(pairs)
    labels = sorted({g for g, _ in pairs if g})
    f1s = []
    for lab in labels:
        tp = sum(1 for g, p in pairs if g == lab and p == lab)
        fp = sum(1 for g, p in pairs if g != lab and p == lab)
        fn = sum(1 for g, p in pairs if g == lab and p != lab)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return {"accuracy": acc, "macro_f1": sum(f1s) / len(f1s), "n": len(pairs)}


def load_gold(gold_dir: Path | str) -> list[tuple[Path, dict]]:
    """(text file, gold record) pairs of a gold folder (``NAME.txt`` + ``NAME.gold.json``)."""
    gold_dir = Path(gold_dir)
    pairs = []
    for gj in sorted(gold_dir.glob("*.gold.json")):
        rec = json.loads(gj.read_text(encoding="utf-8"))
        txt = gj.with_name(gj.name[: -len(".gold.json")] + ".txt")
        pairs.append((txt, rec))
    if not pairs:
        raise FileNotFoundError(f"{gold_dir}: no *.gold.json files")
    return pairs


def load_manifest(gold_dir: Path | str) -> dict[str, dict]:
    """Report name -> its row of ``manifest.tsv`` (province, level, kind, format ...), read from
    the gold folder or the folder above it (``corpus/manifest.tsv``); empty when there is none."""
    for folder in (Path(gold_dir), Path(gold_dir).parent):
        path = folder / "manifest.tsv"
        if path.is_file():
            lines = path.read_text(encoding="utf-8").splitlines()
            head = lines[0].split("\t")
            return {row[0]: dict(zip(head, row)) for row in (ln.split("\t") for ln in lines[1:] if ln.strip())}
    return {}


def folds(gold: list[tuple[Path, dict]], by: str) -> list[str]:
    """The fold of each gold report: its own name (``by="document"``) or its province from the
    manifest (``by="province"``; a report the manifest does not name is a fold of its own)."""
    if by == "document":
        return [txt.stem for txt, _ in gold]
    if by != "province":
        raise ValueError(f"folds by 'document' or 'province', not {by!r}")
    manifest = load_manifest(gold[0][0].parent) if gold else {}
    return [manifest.get(txt.stem, {}).get("province") or txt.stem for txt, _ in gold]


def _pred_key(rec: dict) -> str:
    return Path(rec.get("source") or rec.get("doc_id") or "").stem


def evaluate(gold_dir: Path | str, pred_file: Path | str | None = None, *,
             leave_one_out: bool = False, leave_out: str = "document", keep_errors: bool = False,
             with_baseline: bool = True, progress: Callable[[str], None] | None = None,
             only: Iterable[str] | None = None) -> dict:
    """Score the pipeline (or the records in ``pred_file``) against ``gold_dir``.  With
    ``leave_one_out`` every learned part is refitted without the report's fold first: the
    report itself (``leave_out="document"``) or every report of its province
    (``leave_out="province"``, from ``manifest.tsv``).  ``only`` scores just the reports of
    those folds (report names or provinces), the learned parts still fitted on all the others."""
    gold = load_gold(gold_dir)
    tally = Tally()
    per_doc = {}
    if pred_file is not None:
        preds = {}
        with open(pred_file, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    rec = json.loads(line)
                    preds[_pred_key(rec)] = rec
        for txt, g in gold:
            p = preds.get(txt.stem) or preds.get(g.get("doc_id", ""))
            if p is None:
                raise KeyError(f"{pred_file}: no prediction for gold document {txt.name}")
            tally.add(g, p, keep_errors=keep_errors)
    else:
        from .api import load, make_doc, to_record
        from .nlp import train
        from .readers import read_file

        nlp = load()
        themes = nlp.get_pipe("themes") if "themes" in nlp.pipe_names else None
        fold_of = folds(gold, leave_out)
        trained_for = None
        wanted = set(only) if only is not None else None
        for k, (txt, g) in enumerate(gold):
            if wanted is not None and fold_of[k] not in wanted:
                continue
            if progress:
                progress(txt.name)
            if leave_one_out and trained_for != fold_of[k]:
                train(nlp, [r for (_, r), f in zip(gold, fold_of) if f != fold_of[k]])
                trained_for = fold_of[k]
            text = read_file(txt)
            doc = nlp(make_doc(nlp, text, str(txt), g.get("doc_id")))
            pred = to_record(doc)
            base_tasks = None
            if with_baseline and themes is not None and hasattr(themes, "baseline"):
                base_tasks = themes.baseline(doc)
            one = Tally()
            one.add(g, pred, base_tasks)
            per_doc[txt.stem] = _doc_summary(one.report())
            tally.add(g, pred, base_tasks, keep_errors=keep_errors)
    out = tally.report()
    out["documents"] = len(per_doc) if per_doc else len(gold)
    out["leave_one_out"] = leave_out if leave_one_out else False
    if per_doc:
        out["per_document"] = per_doc
    if keep_errors:
        out["errors"] = tally.errors
    return out


def _doc_summary(rep: dict) -> dict:
    return {"core_lenient_f1": rep["entities"]["core_lenient"]["f1"],
            "micro_lenient_f1": rep["entities"]["micro"]["lenient"]["f1"],
            "target_f1": rep["targets"]["f1"], "task_f1": rep["tasks"]["f1"],
            "theme_acc": rep["themes"]["accuracy"]}

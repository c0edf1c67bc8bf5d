"""``zhpolicy annotations export|import``: records to and from annotation tools.

Label Studio (``--format label-studio``): a JSON list of tasks.  ``data`` holds ``text``,
``doc_id`` and ``source`` (and ``meta`` / ``duplicate_of`` where the record has them).  Gold
goes to ``annotations``, pipeline output (PRED.jsonl) to ``predictions`` for pre-annotation.
Every entity, target, task and ignored region is one ``labels`` result (``from_name``
``label``, ``to_name`` ``text``; ``value.start/end/text/labels``) with its own region id; its
other fields are companion results of per-region controls with the same id, as Label Studio
writes them: ``textarea`` (``value.text``, a list of rows), ``choices`` (``value.choices``) and
``number`` (``value.number``):

=========  ==============================================================================
region     fields (control name: type)
=========  ==============================================================================
entity     kb_id, canonical: textarea
TARGET     value, value_high: number; unit, indicator, task_id: textarea;
           approx (true/false), comparator (= >= <=), kind (target/actual): choices
TASK       task_id (the task's id), title: textarea; themes: textarea, one code a row,
           primary first; part: choices; scores: textarea, rows ``CODE score``
IGNORED    reason: choices (boilerplate, duplicate)
=========  ==============================================================================

A field that is null has no companion result.  The labeling config that declares these
controls is written beside the tasks (``FILE`` with the suffix ``.xml``).  Offsets are code
points, as in the records; a region whose ``value.text`` is not the text at its offsets is an
error, so offsets counted otherwise (UTF-16 units, for text with characters beyond the BMP)
are caught, not imported.  Import takes a task's first annotation that was not cancelled,
else its first prediction.

doccano (``--format doccano``): sequence-labelling JSONL, one line per document,
``{"text", "label": [[start, end, LABEL], ...], "doc_id", "source"}``: entity spans with their
label and target spans as ``TARGET``.  Import also reads doccano's ``entities`` form
(``[{"start_offset", "end_offset", "label"}]``); it carries spans and labels only, so the
other fields come back null (Label Studio is the format for a whole gold record).

Import writes ``GOLD_DIR/NAME.txt`` + ``NAME.gold.json`` (NAME: the source's stem, else the
doc_id), the shape ``zhpolicy evaluate`` and ``zhpolicy train`` read.
"""
from __future__ import annotations

import json
import re
from html import escape
from pathlib import Path
from typing import Any, Iterable

from . import __version__
from .evaluate import LABELS

TARGET, TASK, IGNORED = "TARGET", "TASK", "IGNORED"
REGION_LABELS = (*LABELS, TARGET, TASK, IGNORED)
COMPARATORS = ("=", ">=", "<=")
KINDS = ("target", "actual")
PARTS = ("summary", "plan", "other")
REASONS = ("boilerplate", "duplicate")
THEMES = ("PARTY", "MORAL", "HEALTH", "ARTS_LABOR", "PRESCHOOL", "COMPULSORY", "HIGHSCHOOL",
          "VOCATIONAL", "HIGHER", "SPECIAL", "LIFELONG", "PRIVATE", "RESOURCES", "DIGITAL",
          "TEACHERS", "TEACHING", "GOVERNANCE", "OPENNESS", "SAFETY")

# per-region controls: name -> Label Studio type
CONTROLS = {"kb_id": "textarea", "canonical": "textarea",
            "value": "number", "value_high": "number", "unit": "textarea", "approx": "choices",
            "comparator": "choices", "kind": "choices", "indicator": "textarea", "task_id": "textarea",
            "title": "textarea", "themes": "textarea", "part": "choices", "scores": "textarea",
            "reason": "choices"}
FIELDS = {"entity": ("kb_id", "canonical"),
          TARGET: ("value", "value_high", "unit", "approx", "comparator", "kind", "indicator", "task_id"),
          TASK: ("task_id", "title", "themes", "part", "scores"),
          IGNORED: ("reason",)}
_DATA_KEYS = ("doc_id", "source", "meta", "duplicate_of")


class AnnotationError(ValueError):
    """A file that cannot be exported or imported; ``str()`` is one line naming the file."""


# --------------------------------------------------------------------------- reading inputs
def read_input(path: Path | str) -> tuple[list[dict], bool]:
    """(records, is_gold): a gold folder (``NAME.gold.json`` files) or a JSONL of records."""
    from .record import RecordFileError, read_records

    path = Path(path)
    if path.is_dir():
        files = sorted(path.glob("*.gold.json"))
        if not files:
            raise AnnotationError(f"{path}: no *.gold.json files")
        records = []
        for f in files:
            try:
                rec = json.loads(f.read_text(encoding="utf-8"))
            except (json.JSONDecodeError, UnicodeDecodeError) as err:
                raise AnnotationError(f"{f}: not a gold record: {err}") from None
            if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
                raise AnnotationError(f"{f}: not a gold record (needs text)")
            records.append(rec)
        return records, True
    try:
        return read_records(path), False
    except RecordFileError as err:
        raise AnnotationError(str(err)) from None


# --------------------------------------------------------------------------- Label Studio
def label_config() -> str:
    """The Label Studio labeling config for :func:`to_label_studio` tasks."""
    def choices(name, values):
        opts = "".join(f'<Choice value="{escape(v, quote=True)}"/>' for v in values)
        return f'    <Choices name="{name}" toName="text" perRegion="true" choice="single" showInline="true">{opts}</Choices>'

    def area(name, hint):
        return (f'    <TextArea name="{name}" toName="text" perRegion="true" editable="true" '
                f'placeholder="{escape(hint, quote=True)}"/>')

    def number(name):
        return f'    <Number name="{name}" toName="text" perRegion="true"/>'

    colours = {"SCHOOL": "#7aecec", "REGION": "#feca74", "PROGRAMME": "#c887fb", "ORG": "#aa9cfc",
               "DOCUMENT": "#ddd6fe", "PERSON": "#ff9561", TARGET: "#bfe1d9", TASK: "#e8e8e8", IGNORED: "#bbbbbb"}
    labels = "\n".join(f'    <Label value="{v}" background="{colours[v]}"/>' for v in REGION_LABELS)
    return "\n".join([
        "<View>",
        '  <Header value="$doc_id"/>',
        '  <Text name="source" value="$source"/>',
        '  <Labels name="label" toName="text">',
        labels,
        "  </Labels>",
        '  <Text name="text" value="$text" granularity="symbol"/>',
        '  <View visibleWhen="region-selected">',
        '    <Header value="SCHOOL / REGION / ORG: kb_id (GB/T 2260 code or gazetteer id), canonical (full name)"/>',
        area("kb_id", "kb_id"), area("canonical", "canonical name"),
        "  </View>",
        '  <View visibleWhen="region-selected" whenLabelValue="TARGET">',
        '    <Header value="TARGET"/>',
        number("value"), number("value_high"), area("unit", "unit"),
        choices("approx", ("true", "false")), choices("comparator", COMPARATORS), choices("kind", KINDS),
        area("indicator", "indicator"), area("task_id", "task id"),
        "  </View>",
        '  <View visibleWhen="region-selected" whenLabelValue="TASK">',
        '    <Header value="TASK: id, title, themes (one code a row, primary first)"/>',
        area("title", "title"), area("themes", "themes: " + " ".join(THEMES)), choices("part", PARTS),
        area("scores", "CODE score"),
        "  </View>",
        '  <View visibleWhen="region-selected" whenLabelValue="IGNORED">',
        choices("reason", REASONS),
        "  </View>",
        "</View>",
        ""])


def _region(rid: str, start: int, end: int, text: str, label: str) -> dict:
    return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "text": text[start:end], "labels": [label]}}


def _companion(rid: str, start: int, end: int, name: str, value: Any) -> dict | None:
    kind = CONTROLS[name]
    if value is None:
        return None
    if kind == "number":
        v = {"number": value}
    elif kind == "choices":
        v = {"choices": ["true" if value is True else "false" if value is False else str(value)]}
    elif name == "themes":
        v = {"text": list(value)}
    elif name == "scores":
        v = {"text": [f"{k} {float(s)!r}" for k, s in value.items()]}
    else:
        v = {"text": [str(value)]}
    return {"id": rid, "from_name": name, "to_name": "text", "type": kind,
            "value": {"start": start, "end": end, **v}}


def _results(rec: dict) -> list[dict]:
    text, out = rec["text"], []

    def add(rid, item, label, fields, get):
        out.append(_region(rid, item["start"], item["end"], text, label))
        for name in fields:
            c = _companion(rid, item["start"], item["end"], name, get(item, name))
            if c is not None:
                out.append(c)

    for k, r in enumerate(rec.get("ignored") or ()):
        add(f"i{k}", r, IGNORED, FIELDS[IGNORED], lambda x, n: x.get(n))
    for k, e in enumerate(rec.get("entities") or ()):
        add(f"e{k}", e, e["label"], FIELDS["entity"], lambda x, n: x.get(n))
    for k, t in enumerate(rec.get("targets") or ()):
        add(f"t{k}", t, TARGET, FIELDS[TARGET], lambda x, n: x.get(n))
    for k, t in enumerate(rec.get("tasks") or ()):
        add(f"k{k}", t, TASK, FIELDS[TASK],
            lambda x, n: x.get("id") if n == "task_id" else (x.get(n) or None) if n == "scores" else x.get(n))
    return out


def to_label_studio(records: Iterable[dict], gold: bool) -> list[dict]:
    """Label Studio tasks: gold as ``annotations``, pipeline records as ``predictions``."""
    tasks = []
    for rec in records:
        data = {"text": rec["text"], **{k: rec[k] for k in _DATA_KEYS if k in rec}}
        res = _results(rec)
        if gold:
            tasks.append({"data": data, "annotations": [{"result": res, "ground_truth": True}]})
        else:
            tasks.append({"data": data, "predictions": [{"model_version": f"zhpolicy {__version__}",
                                                         "result": res}]})
    return tasks


class _Where:
    """Error messages naming the file, the task and the region."""

    def __init__(self, path: Path):
        self.path, self.task = path, None

    def fail(self, problem: str, region: str | None = None):
        where = str(self.path)
        if self.task is not None:
            where += f" task {self.task}"
        if region is not None:
            where += f" region {region}"
        raise AnnotationError(f"{where}: {problem}")


def _rows(value: dict, where: _Where, rid: str) -> list[str]:
    rows = value.get("text")
    if isinstance(rows, str):
        rows = [rows]
    if not isinstance(rows, list) or not all(isinstance(r, str) for r in rows):
        where.fail("textarea value.text is not a list of strings", rid)
    return rows


def _field(name: str, value: dict, where: _Where, rid: str):
    kind = CONTROLS[name]
    if kind == "number":
        v = value.get("number")
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            where.fail(f"{name}: value.number is not a number", rid)
        return float(v)
    if kind == "choices":
        ch = value.get("choices")
        if not isinstance(ch, list) or len(ch) != 1 or not isinstance(ch[0], str):
            where.fail(f"{name}: value.choices must hold one choice", rid)
        if name == "approx":
            if ch[0] not in ("true", "false"):
                where.fail(f"approx: {ch[0]!r} is not true or false", rid)
            return ch[0] == "true"
        return ch[0]
    rows = _rows(value, where, rid)
    if name == "themes":
        return [r.strip() for r in rows if r.strip()]
    if name == "scores":
        scores = {}
        for row in rows:
            parts = row.split()
            if len(parts) != 2:
                where.fail(f"scores: row {row!r} is not 'CODE score'", rid)
            try:
                scores[parts[0]] = float(parts[1])
            except ValueError:
                where.fail(f"scores: {parts[1]!r} is not a number", rid)
        return scores
    return "\n".join(rows)


def _span(value: Any, text: str, where: _Where, rid: str) -> tuple[int, int]:
    if not isinstance(value, dict):
        where.fail("no value", rid)
    s, e = value.get("start"), value.get("end")
    if not (isinstance(s, int) and isinstance(e, int)) or isinstance(s, bool) or not 0 <= s < e <= len(text):
        where.fail(f"span [{s}, {e}) is not inside the text (length {len(text)})", rid)
    if "text" in value and isinstance(value["text"], str) and value["text"] != text[s:e]:
        where.fail(f"value.text {value['text'][:20]!r} is not the text at [{s}, {e}) "
                   f"({text[s:e][:20]!r}; offsets must count code points)", rid)
    return s, e


def _record_of_task(task: Any, where: _Where) -> dict:
    if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
        where.fail("not a Label Studio task (needs data)")
    data = task["data"]
    text = data.get("text")
    if not isinstance(text, str) or not text:
        where.fail("data.text is missing or empty")
    chosen = None
    for a in task.get("annotations") or ():
        if isinstance(a, dict) and not a.get("was_cancelled"):
            chosen = a
            break
    if chosen is None and task.get("predictions"):
        chosen = task["predictions"][0]
    results = (chosen or {}).get("result", [])
    if not isinstance(results, list):
        where.fail("result is not a list")
    regions: dict[str, dict] = {}
    order: list[str] = []
    for r in results:
        if not isinstance(r, dict) or r.get("to_name", "text") != "text":
            continue
        rid = str(r.get("id"))
        if r.get("from_name") == "label" and r.get("type") == "labels":
            s, e = _span(r.get("value"), text, where, rid)
            labels = r["value"].get("labels")
            if not isinstance(labels, list) or len(labels) != 1:
                where.fail("a region needs exactly one label", rid)
            if labels[0] not in REGION_LABELS:
                where.fail(f"unknown label {labels[0]!r}; known: {', '.join(REGION_LABELS)}", rid)
            if rid in regions:
                where.fail("two labels results share this region id", rid)
            regions[rid] = {"label": labels[0], "start": s, "end": e, "fields": {}}
            order.append(rid)
    for r in results:
        if not isinstance(r, dict) or r.get("from_name") == "label" or r.get("to_name", "text") != "text":
            continue
        rid, name = str(r.get("id")), r.get("from_name")
        if name not in CONTROLS:
            where.fail(f"unknown control {name!r}", rid)
        if r.get("type") != CONTROLS[name]:
            where.fail(f"{name}: type {r.get('type')!r}, expected {CONTROLS[name]!r}", rid)
        if rid not in regions:
            where.fail(f"{name}: no labelled region with this id", rid)
        if not isinstance(r.get("value"), dict):
            where.fail(f"{name}: no value", rid)
        regions[rid]["fields"][name] = _field(name, r["value"], where, rid)

    doc_id = data.get("doc_id") or f"task-{task.get('id', where.task)}"
    rec: dict[str, Any] = {"doc_id": doc_id, "source": data.get("source") or f"{doc_id}.txt", "text": text}
    for k in ("meta", "duplicate_of"):
        if k in data:
            rec[k] = data[k]
    rec.update({"ignored": [], "entities": [], "targets": [], "tasks": []})
    for rid in order:
        reg = regions[rid]
        s, e, f, label = reg["start"], reg["end"], reg["fields"], reg["label"]
        if label == IGNORED:
            if "reason" not in f:
                where.fail("an IGNORED region needs a reason", rid)
            rec["ignored"].append({"start": s, "end": e, "reason": f["reason"]})
        elif label == TARGET:
            rec["targets"].append({"start": s, "end": e, "text": text[s:e], "value": f.get("value"),
                                   "value_high": f.get("value_high"), "unit": f.get("unit"),
                                   "approx": f.get("approx", False), "comparator": f.get("comparator", "="),
                                   "kind": f.get("kind"), "indicator": f.get("indicator"),
                                   "task_id": f.get("task_id")})
        elif label == TASK:
            t = {"id": f.get("task_id") or f"{doc_id}-t{len(rec['tasks']) + 1}", "start": s, "end": e,
                 "title": f.get("title"), "themes": f.get("themes", [])}
            for k in ("part", "scores"):
                if k in f:
                    t[k] = f[k]
            rec["tasks"].append(t)
        else:
            rec["entities"].append({"start": s, "end": e, "label": label, "text": text[s:e],
                                    "kb_id": f.get("kb_id"), "canonical": f.get("canonical")})
    return rec


def from_label_studio(path: Path) -> list[dict]:
    where = _Where(path)
    try:
        tasks = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        where.fail(f"not JSON: {err.msg} (line {err.lineno})")
    if isinstance(tasks, dict):            # one task on its own
        tasks = [tasks]
    if not isinstance(tasks, list) or not tasks:
        where.fail("not a list of Label Studio tasks")
    out = []
    for k, task in enumerate(tasks, 1):
        where.task = task.get("id", k) if isinstance(task, dict) else k
        out.append(_record_of_task(task, where))
    return out


# --------------------------------------------------------------------------- doccano
def to_doccano(records: Iterable[dict]) -> list[dict]:
    lines = []
    for rec in records:
        spans = [[e["start"], e["end"], e["label"]] for e in rec.get("entities") or ()]
        spans += [[t["start"], t["end"], TARGET] for t in rec.get("targets") or ()]
        lines.append({"text": rec["text"], "label": spans,
                      **{k: rec[k] for k in ("doc_id", "source") if k in rec}})
    return lines


def from_doccano(path: Path) -> list[dict]:
    where = _Where(path)
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        where.task = None
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as err:
            raise AnnotationError(f"{path} line {n}: not JSON: {err.msg}") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str) or not obj["text"]:
            raise AnnotationError(f"{path} line {n}: not a doccano line (needs text)")
        where.task = f"on line {n}"
        text = obj["text"]
        spans = obj.get("label", obj.get("labels"))
        if spans is None and isinstance(obj.get("entities"), list):
            spans = [[e.get("start_offset"), e.get("end_offset"), e.get("label")] if isinstance(e, dict) else e
                     for e in obj["entities"]]
        if not isinstance(spans, list):
            where.fail("no label list")
        doc_id = obj.get("doc_id") or f"doccano-{obj.get('id', n)}"
        rec = {"doc_id": doc_id, "source": obj.get("source") or f"{doc_id}.txt", "text": text,
               "ignored": [], "entities": [], "targets": [], "tasks": []}
        for k, sp in enumerate(spans):
            if not (isinstance(sp, list) and len(sp) == 3):
                where.fail(f"label {k} is not [start, end, LABEL]")
            s, e = _span({"start": sp[0], "end": sp[1]}, text, where, str(k))
            label = sp[2]
            if label == TARGET:
                rec["targets"].append({"start": s, "end": e, "text": text[s:e], "value": None,
                                       "value_high": None, "unit": None, "approx": False, "comparator": "=",
                                       "kind": None, "indicator": None, "task_id": None})
            elif label in LABELS:
                rec["entities"].append({"start": s, "end": e, "label": label, "text": text[s:e],
                                        "kb_id": None, "canonical": None})
            else:
                where.fail(f"unknown label {label!r}; known: {', '.join((*LABELS, TARGET))}", str(k))
        out.append(rec)
    if not out:
        raise AnnotationError(f"{path}: no documents")
    return out


# --------------------------------------------------------------------------- files
def export(source: Path | str, fmt: str, out: Path | str) -> tuple[int, list[Path]]:
    """Write ``source`` (gold folder or PRED.jsonl) as ``fmt``; (documents, files written)."""
    records, gold = read_input(source)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "label-studio":
        if out.suffix.lower() == ".xml":
            raise AnnotationError(f"{out}: the tasks file cannot end in .xml (the labeling config goes there)")
        out.write_text(json.dumps(to_label_studio(records, gold), ensure_ascii=False, indent=1), encoding="utf-8")
        config = out.with_suffix(".xml")
        config.write_text(label_config(), encoding="utf-8")
        return len(records), [out, config]
    if fmt == "doccano":
        out.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in to_doccano(records)),
                       encoding="utf-8")
        return len(records), [out]
    raise AnnotationError(f"unknown format {fmt!r}")


def gold_name(rec: dict) -> str:
    name = Path(rec.get("source") or "").stem or rec["doc_id"]
    return re.sub(r"[^\w.-]", "_", name)


def import_(file: Path | str, fmt: str, gold_dir: Path | str) -> list[Path]:
    """Read ``file`` (``fmt``) and write one ``NAME.txt`` + ``NAME.gold.json`` per document."""
    file, gold_dir = Path(file), Path(gold_dir)
    if not file.is_file():
        raise AnnotationError(f"{file}: no such file")
    try:
        records = from_label_studio(file) if fmt == "label-studio" else from_doccano(file)
    except UnicodeDecodeError as err:
        raise AnnotationError(f"{file}: not UTF-8 text: {err.reason}") from None
    names = [gold_name(r) for r in records]
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup:
        raise AnnotationError(f"{file}: two documents would both be written as {dup}.gold.json")
    gold_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, rec in zip(names, records):
        with open(gold_dir / f"{name}.txt", "w", encoding="utf-8", newline="") as fh:
            fh.write(rec["text"])
        p = gold_dir / f"{name}.gold.json"
        p.write_text(json.dumps(rec, ensure_ascii=False, indent=1), encoding="utf-8")
        written.append(p)
    return written

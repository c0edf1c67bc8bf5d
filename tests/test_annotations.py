"""``zhpolicy annotations export|import``: every gold record survives Label Studio (every field)
and doccano (every entity and target span with its label), compared field by field; a field
the exporter drops is caught."""
import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import annotations as A
from pipeline.cli import app

GOLD = Path(__file__).resolve().parent.parent / "corpus" / "gold"
GOLD_FILES = sorted(GOLD.glob("*.gold.json"))
runner = CliRunner()


def differences(old: dict, new: dict) -> list[str]:
    """Every field that differs between two records (value and type), named by its path."""
    out = []

    def walk(a, b, path):
        if isinstance(a, dict) and isinstance(b, dict):
            for k in sorted(set(a) | set(b)):
                if k not in b:
                    out.append(f"{path}.{k}: missing after the round trip")
                elif k not in a:
                    out.append(f"{path}.{k}: added by the round trip ({b[k]!r})")
                else:
                    walk(a[k], b[k], f"{path}.{k}")
        elif isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                out.append(f"{path}: {len(a)} items, {len(b)} after the round trip")
            for i, (x, y) in enumerate(zip(a, b)):
                walk(x, y, f"{path}[{i}]")
        elif type(a) is not type(b) or a != b:
            out.append(f"{path}: {a!r} -> {b!r}")

    walk(old, new, "")
    return out


def round_trip(tmp: Path, source: Path, fmt: str, edit=None) -> dict[str, dict]:
    """Export ``source``, optionally edit the exported file, import it: {file name: record}."""
    out = tmp / ("tasks.json" if fmt == "label-studio" else "spans.jsonl")
    A.export(source, fmt, out)
    if edit is not None:
        edit(out)
    gold_dir = tmp / "back"
    written = A.import_(out, fmt, gold_dir)
    return {p.name: json.loads(p.read_text(encoding="utf-8")) for p in written}


def test_differences_sees_a_changed_value_a_type_and_a_missing_key():
    rec = {"targets": [{"value": 3.0, "unit": "所"}], "meta": {"title": "x"}}
    assert differences(rec, copy.deepcopy(rec)) == []
    assert differences(rec, {"targets": [{"value": 3, "unit": "所"}], "meta": {"title": "x"}})
    assert differences(rec, {"targets": [{"value": 3.0}], "meta": {"title": "x"}}) == \
        [".targets[0].unit: missing after the round trip"]
    assert differences(rec, {"targets": [], "meta": {"title": "x"}})


@pytest.mark.parametrize("gold_file", GOLD_FILES, ids=lambda p: p.name)
def test_label_studio_round_trips_every_gold_field(tmp_path, gold_file):
    src = tmp_path / "gold"
    src.mkdir()
    (src / gold_file.name).write_bytes(gold_file.read_bytes())
    back = round_trip(tmp_path, src, "label-studio")
    gold = json.loads(gold_file.read_text(encoding="utf-8"))
    assert list(back) == [gold_file.name]
    assert differences(gold, back[gold_file.name]) == []
    txt = gold_file.name.replace(".gold.json", ".txt")
    assert (tmp_path / "back" / txt).read_text(encoding="utf-8") == gold["text"]


def test_label_studio_tasks_and_config(tmp_path):
    """Gold goes to annotations; every region's companion controls are declared per region,
    with the type the results use, in the labeling config written beside the tasks."""
    out = tmp_path / "tasks.json"
    n, files = A.export(GOLD, "label-studio", out)
    assert n == len(GOLD_FILES) and files == [out, out.with_suffix(".xml")]
    tasks = json.loads(out.read_text(encoding="utf-8"))
    assert all("annotations" in t and "predictions" not in t for t in tasks)
    root = ET.fromstring(out.with_suffix(".xml").read_text(encoding="utf-8"))
    tags = {el.get("name"): el for el in root.iter() if el.get("name")}
    labels = {el.get("value") for el in tags["label"].iter("Label")}
    assert labels == set(A.REGION_LABELS)
    tag_of = {"textarea": "TextArea", "choices": "Choices", "number": "Number"}
    used = set()
    for task in tasks:
        for r in task["annotations"][0]["result"]:
            if r["from_name"] != "label":
                used.add(r["from_name"])
                el = tags[r["from_name"]]
                assert el.tag == tag_of[r["type"]] and el.get("perRegion") == "true"
                if r["type"] == "choices":
                    assert r["value"]["choices"][0] in {c.get("value") for c in el.iter("Choice")}
    assert used >= {"kb_id", "canonical", "value", "value_high", "unit", "approx", "comparator", "kind",
                    "indicator", "task_id", "title", "themes", "reason"}


def _distinct(rec: dict) -> dict:
    """A gold record whose every field differs from what import fills in when a field is
    missing (task ids and source not the defaults; meta, duplicate_of and the pipeline's task
    fields part and scores set)."""
    rec = copy.deepcopy(rec)
    rec["source"] = "reports/" + rec["source"]
    rec["meta"] = {"title": "某某县教育局工作要点", "publisher": "某某县教育局", "date": "2021-05-21"}
    rec["duplicate_of"] = "other-report"
    for k, t in enumerate(rec["tasks"]):
        t["id"] += "x"
        t["part"] = A.PARTS[k % len(A.PARTS)]
        t["scores"] = {code: round(0.9 - 0.1 * i, 3) for i, code in enumerate(t["themes"])}
    for t in rec["targets"]:
        if t["task_id"]:
            t["task_id"] += "x"
    return rec


def _drop(field: str, label: str | None):
    """An edit of the exported tasks that loses one field (a control's results for one kind
    of region, or one key of ``data``)."""
    def edit(path: Path):
        tasks = json.loads(path.read_text(encoding="utf-8"))
        for task in tasks:
            if label is None:
                task["data"].pop(field)
                continue
            res = task["annotations"][0]["result"]
            kinds = {r["id"]: r["value"]["labels"][0] for r in res if r["from_name"] == "label"}
            task["annotations"][0]["result"] = [
                r for r in res
                if not (r["from_name"] == field and
                        (kinds[r["id"]] == label or label == "entity" and kinds[r["id"]] in A.LABELS))]
        path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    return edit


DROPS = [(f, kind) for kind, fields in A.FIELDS.items() for f in fields] + \
        [(k, None) for k in ("doc_id", "source", "meta", "duplicate_of")]


@pytest.fixture(scope="module")
def distinct_gold(tmp_path_factory):
    d = tmp_path_factory.mktemp("distinct")
    rec = _distinct(json.loads((GOLD / "d01.gold.json").read_text(encoding="utf-8")))
    (d / "d01.gold.json").write_text(json.dumps(rec, ensure_ascii=False), encoding="utf-8")
    return d, rec


def test_distinct_record_round_trips(tmp_path, distinct_gold):
    d, rec = distinct_gold
    back = round_trip(tmp_path, d, "label-studio")
    assert differences(rec, back["d01.gold.json"]) == []


@pytest.mark.parametrize("field,kind", DROPS, ids=[f"{k}.{f}" for f, k in DROPS])
def test_a_dropped_field_is_caught(tmp_path, distinct_gold, field, kind):
    d, rec = distinct_gold
    try:
        back = round_trip(tmp_path, d, "label-studio", edit=_drop(field, kind))
    except A.AnnotationError as err:        # a field import cannot do without (IGNORED reason)
        assert field in str(err)
        return
    diffs = differences(rec, back["d01.gold.json"])
    name = {"task_id": "id"}.get(field, field) if kind == A.TASK else field
    assert diffs and any(f".{name}" in x for x in diffs), diffs


def _spans(rec):
    return ([(e["start"], e["end"], e["label"], e["text"]) for e in rec["entities"]],
            [(t["start"], t["end"], t["text"]) for t in rec["targets"]])


def test_doccano_round_trips_every_entity_and_target_span(tmp_path):
    back = round_trip(tmp_path, GOLD, "doccano")
    assert sorted(back) == [p.name for p in GOLD_FILES]
    for f in GOLD_FILES:
        gold = json.loads(f.read_text(encoding="utf-8"))
        rec = back[f.name]
        assert (rec["doc_id"], rec["source"], rec["text"]) == (gold["doc_id"], gold["source"], gold["text"])
        assert _spans(rec) == _spans(gold), f.name


def test_doccano_loses_a_dropped_span(tmp_path):
    def edit(path):
        lines = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]
        lines[0]["label"] = [s for s in lines[0]["label"] if s[2] != "TARGET"][1:]
        path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")

    back = round_trip(tmp_path, GOLD, "doccano", edit=edit)
    gold = json.loads(GOLD_FILES[0].read_text(encoding="utf-8"))
    ents, targets = _spans(back[GOLD_FILES[0].name])
    assert ents == _spans(gold)[0][1:] and targets == []


def test_doccano_reads_the_entities_form(tmp_path):
    text = "丽水市新建幼儿园3所。"
    f = tmp_path / "d.jsonl"
    f.write_text(json.dumps({"id": 7, "text": text, "entities": [
        {"start_offset": 0, "end_offset": 3, "label": "REGION"},
        {"start_offset": 8, "end_offset": 10, "label": "TARGET"}]}, ensure_ascii=False) + "\n", encoding="utf-8")
    rec = json.loads(A.import_(f, "doccano", tmp_path / "g")[0].read_text(encoding="utf-8"))
    assert rec["doc_id"] == "doccano-7"
    assert _spans(rec) == ([(0, 3, "REGION", "丽水市")], [(8, 10, "3所")])


def test_records_export_as_predictions_and_come_back(tmp_path, nlp):
    import pipeline

    text = "某某县教育局2023年工作要点\n\n一、推进学前教育\n\n1.新建丽水市实验幼儿园3所，新增学位900个。\n"
    rec = pipeline.to_record(nlp(pipeline.make_doc(nlp, text, "plan.txt")))
    assert rec["entities"] and rec["targets"] and rec["tasks"]
    pred = tmp_path / "pred.jsonl"
    pred.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "tasks.json"
    A.export(pred, "label-studio", out)
    task, = json.loads(out.read_text(encoding="utf-8"))
    assert "annotations" not in task and task["predictions"][0]["model_version"].startswith("zhpolicy ")
    back, = A.import_(out, "label-studio", tmp_path / "g")
    got = json.loads(back.read_text(encoding="utf-8"))
    for t in rec["tasks"]:       # no choice is made where the pipeline has none
        for k, empty in (("part", None), ("scores", {})):
            if t[k] == empty:
                del t[k]
    assert differences(rec, got) == []


@pytest.mark.parametrize("bad,message", [
    ({"data": {"text": "丽水市"}, "annotations": [{"result": [
        {"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 0, "end": 2, "text": "丽水市", "labels": ["REGION"]}}]}]}, "is not the text at"),
    ({"data": {"text": "丽水市"}, "annotations": [{"result": [
        {"id": "a", "from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": 0, "end": 3, "text": "丽水市", "labels": ["CITY"]}}]}]}, "unknown label 'CITY'"),
    ({"data": {"text": "丽水市"}, "annotations": [{"result": [
        {"id": "a", "from_name": "kb_id", "to_name": "text", "type": "textarea",
         "value": {"start": 0, "end": 3, "text": ["331100"]}}]}]}, "no labelled region"),
    ({"data": {}}, "data.text"),
])
def test_bad_label_studio_is_one_line_naming_file_task_and_region(tmp_path, bad, message):
    f = tmp_path / "tasks.json"
    f.write_text(json.dumps([bad], ensure_ascii=False), encoding="utf-8")
    with pytest.raises(A.AnnotationError) as err:
        A.import_(f, "label-studio", tmp_path / "g")
    assert message in str(err.value) and str(f) in str(err.value) and "\n" not in str(err.value)


def test_cli_export_then_import(tmp_path):
    out = tmp_path / "ls" / "tasks.json"
    r = runner.invoke(app, ["annotations", "export", str(GOLD), "--format", "label-studio", "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert out.is_file() and out.with_suffix(".xml").is_file()
    r = runner.invoke(app, ["annotations", "import", str(out), "--format", "label-studio", "-o", str(tmp_path / "g")])
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in (tmp_path / "g").glob("*.gold.json")) == [p.name for p in GOLD_FILES]


def test_cli_errors_are_usage_errors(tmp_path):
    r = runner.invoke(app, ["annotations", "export", str(tmp_path), "--format", "doccano", "-o", str(tmp_path / "x")])
    assert r.exit_code == 2 and "no *.gold.json" in r.output
    r = runner.invoke(app, ["annotations", "import", str(tmp_path / "none.json"), "--format", "doccano",
                            "-o", str(tmp_path / "g")])
    assert r.exit_code == 2 and "no such file" in r.output
    r = runner.invoke(app, ["annotations", "export", str(GOLD), "--format", "brat", "-o", str(tmp_path / "x")])
    assert r.exit_code == 2

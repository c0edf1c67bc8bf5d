"""End to end on corpus/: the main job of `make demo`, checked against the contract."""
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture(scope="module")
def records(tmp_path_factory):
    out = tmp_path_factory.mktemp("e2e") / "records.jsonl"
    # the main job of `make demo`: every folder but the sealed test set, which is scored once, by hand
    result = CliRunner().invoke(app, ["run", *(str(CORPUS / f) for f in ("seeds", "gold", "heldout")), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return {Path(r["source"]).relative_to(CORPUS).as_posix(): r
            for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}


def test_every_report_in_corpus_has_a_record(records):
    expected = {p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*.txt")
                if "markup" not in p.parts and "sealed" not in p.parts}
    assert set(records) == expected


def test_text_is_the_file_text_exactly(records):
    for rel, rec in records.items():
        assert rec["text"] == (CORPUS / rel).read_text(encoding="utf-8")


def test_spans_are_consistent_and_outside_ignored_regions(records):
    for rec in records.values():
        text, ignored = rec["text"], rec["ignored"]
        for item in rec["entities"] + rec["targets"]:
            assert text[item["start"]:item["end"]] == item["text"]
        for item in rec["entities"] + rec["targets"]:
            for r in ignored:
                assert not (r["start"] < item["end"] and item["start"] < r["end"]), (rec["source"], item, r)
        # a task may run across a page footer (as gold task d03-t3 does), but no task starts
        # or ends inside an ignored region, and none lies wholly inside one
        for t in rec["tasks"]:
            for r in ignored:
                assert not (r["start"] < t["start"] < r["end"] or r["start"] < t["end"] < r["end"]), (t, r)
                assert not (r["start"] <= t["start"] and t["end"] <= r["end"]), (t, r)


def test_seed_second_copy_is_marked_duplicate(records):
    rec = records["seeds/lishui-2020-summary-2021-plan.txt"]
    dup = [r for r in rec["ignored"] if r["reason"] == "duplicate"]
    assert dup, "the second copy of the page must be ignored as duplicate"
    gold = json.loads((CORPUS / "gold/lishui-2020-summary-2021-plan.gold.json").read_text(encoding="utf-8"))
    g = next(r for r in gold["ignored"] if r["reason"] == "duplicate")
    inter = sum(max(0, min(r["end"], g["end"]) - max(r["start"], g["start"])) for r in dup)
    assert inter / (g["end"] - g["start"]) > 0.95


def test_same_report_in_two_files_is_a_cross_file_duplicate(records):
    a = records["gold/lishui-2020-summary-2021-plan.txt"]
    b = records["seeds/lishui-2020-summary-2021-plan.txt"]
    assert a["doc_id"] != b["doc_id"]
    assert (a["duplicate_of"], b["duplicate_of"]) in ((b["doc_id"], None), (None, a["doc_id"]))
    others = [r for k, r in records.items() if "lishui" not in k]
    assert all(r["duplicate_of"] is None for r in others)


def test_records_carry_every_stage(records):
    for rec in records.values():
        assert rec["meta"]["title"]
        assert rec["tasks"] and rec["entities"] and rec["targets"]
        for t in rec["tasks"]:
            assert t["themes"] and t["themes"][0] in t["scores"]
        task_ids = {t["id"] for t in rec["tasks"]}
        assert {t["task_id"] for t in rec["targets"]} - {None} <= task_ids


def test_doc_id_is_stable_across_runs(records, tmp_path):
    out = tmp_path / "again.jsonl"
    src = CORPUS / "gold" / "d01.txt"
    assert CliRunner().invoke(app, ["run", str(src), "-o", str(out)]).exit_code == 0
    again = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert again["doc_id"] == records["gold/d01.txt"]["doc_id"]

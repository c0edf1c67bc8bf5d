"""Any text (issue 16): every Python str through the API gives a record with valid offsets and
never raises; bytes replaced by U+FFFD while decoding are reported, one line per file.

Reproduced on the code before: a lone surrogate raised UnicodeEncodeError (the doc id's hash,
then OpenCC); a damaged file's U+FFFD came without a word."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pipeline.api import record_of_text
from pipeline.cli import app
from pipeline.writers import read_jsonl, write_jsonl

runner = CliRunner()

# report-like pieces mixed with what breaks naive code: surrogates, controls, wide forms,
# traditional characters, tables aligned with spaces, long lines
_BITS = ["某某县教育局2024年工作要点", "一、", "（一）", "1.", "新建学校3所，", "达到90%以上。",
         "投入资金2.5亿元", "\n", "\n\n", "  ", "\t", "\u3000", "\r\n", "\ud800", "\udfff",
         "\udcff", "\x00", "\x0b", "\x1c", "\u2028", "１２", "萬", "學校", "｜", "---",
         "2023年12月", "。", "序号    任务        责任单位\n1       建设学校    市教育局\n",
         "长" * 300, "\U00020000", "\ufffd", "\u200b", "e\u0301"]
_REPORTY = st.lists(st.sampled_from(_BITS), max_size=50).map("".join)
_ANY = st.text(alphabet=st.characters(codec=None, categories=None), max_size=2000)
_SETTINGS = settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck),
                     derandomize=True)


def _check(rec: dict, text: str) -> None:
    assert rec["text"] == text
    n = len(text)
    for key in ("entities", "targets", "tasks", "ignored"):
        for x in rec[key]:
            assert 0 <= x["start"] <= x["end"] <= n, (key, x)
            if "text" in x:
                assert x["text"] == text[x["start"]:x["end"]], (key, x)
    ids = [t["id"] for t in rec["tasks"]]
    assert len(set(ids)) == len(ids)
    assert {t["task_id"] for t in rec["targets"]} - {None} <= set(ids)


@_SETTINGS
@given(text=st.one_of(_ANY, _REPORTY))
def test_any_text_gives_a_record_with_valid_offsets(nlp, text):
    _check(record_of_text(nlp, text, "any.txt"), text)


@_SETTINGS
@given(text=_REPORTY)
def test_any_text_in_small_pieces_gives_valid_offsets(nlp, text):
    """The piecewise path on the same texts: cuts anywhere (pieces of 40 characters)."""
    _check(record_of_text(nlp, text, "any.txt", piece_chars=40), text)


def test_a_lone_surrogate_keeps_the_text_and_survives_jsonl(nlp, tmp_path):
    text = "某某县教育局2024年工作要点\n一、新建学校3所\ud800，投入资金2.5亿元。\n"
    rec = record_of_text(nlp, text, "s.txt")
    _check(rec, text)
    assert any(t["text"] == "3所" for t in rec["targets"])   # the stages read on past it
    write_jsonl(tmp_path / "r.jsonl", [rec])
    assert next(read_jsonl(tmp_path / "r.jsonl"))["text"] == text


def test_replaced_bytes_are_a_warning_naming_the_file_and_the_count(tmp_path):
    line = ("湖南省长沙市教育局：新增公办学位3万个，推进集团化办学。\n").encode("gbk")
    body = line * 200
    bad = tmp_path / "in" / "damaged.txt"
    bad.parent.mkdir()
    bad.write_bytes(line * 10 + b"\xff" + line * 10 + b"\xff" + line * 180)   # 2 bad bytes
    (tmp_path / "in" / "clean.txt").write_bytes(body)
    out = tmp_path / "o.jsonl"
    res = runner.invoke(app, ["run", str(tmp_path / "in"), "-o", str(out)])
    assert res.exit_code == 0, res.output
    warns = [ln for ln in res.output.splitlines() if ln.startswith("warning:")]
    assert len(warns) == 1 and str(bad) in warns[0] and " 2 " in warns[0], res.output
    recs = {r["source"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert recs[str(bad)]["text"].count("\ufffd") == 2 and len(recs) == 2


def test_a_literal_replacement_character_is_not_counted(tmp_path):
    from pipeline.readers import read_file

    f = tmp_path / "ok.txt"
    f.write_text("教育局\ufffd工作要点", encoding="utf-8")
    warnings: list[str] = []
    assert read_file(f, warnings=warnings) == "教育局\ufffd工作要点" and warnings == []


@pytest.mark.parametrize("name", ["bad\udcffname.txt"])
def test_a_file_name_that_is_not_utf8_is_written_and_resumed(tmp_path, name):
    import os

    from pipeline.batch import run_batch

    folder = tmp_path / "in"
    folder.mkdir()
    with open(os.path.join(os.fsencode(folder), os.fsencode(name)), "wb") as fh:
        fh.write("某某县教育局2024年工作要点\n新建学校3所。\n".encode("utf-8"))
    out = tmp_path / "o.jsonl"
    assert run_batch([folder], out).records == 1
    assert run_batch([folder], out).skipped == 1
    run_batch([folder], tmp_path / "t", fmt="csv")
    assert (tmp_path / "t" / "documents.csv").read_text(encoding="utf-8").count("\\udcff") == 2   # doc_id, source

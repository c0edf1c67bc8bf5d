"""Writers: durable JSONL journal with crash recovery, atomic CSV/Parquet tables, stable schema."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.record import content_hash
from pipeline.writers import (SCHEMAS, BatchWriter, JsonlJournal, atomic_write_text, build_tables,
                              done_key, read_jsonl, record_rows)


def rec(i: int, text: str | None = None) -> dict:
    text = text or f"南宁市教育局第{i}号报告：新增学位{100 + i}个，完成率达到9{i}%。"
    return {"doc_id": f"nanning-{i}", "source": f"in/nanning-{i}.txt", "text": text,
            "meta": {"title": "南宁市教育局工作总结", "publisher": None, "date": "2022-01-0%d" % (i % 9 + 1)},
            "duplicate_of": None,
            "ignored": [{"start": 0, "end": 3, "reason": "boilerplate"}],
            "entities": [{"start": 0, "end": 3, "label": "REGION", "text": text[:3], "kb_id": "450100",
                          "canonical": "南宁市"}],
            "targets": [{"start": 14, "end": 18, "text": text[14:18], "value": 100 + i, "value_high": None,
                         "unit": "个", "approx": False, "comparator": "=", "kind": "actual",
                         "indicator": "新增学位", "task_id": None}],
            "tasks": [{"id": "t1", "start": 0, "end": len(text), "title": "新增学位", "part": "summary",
                       "themes": ["RESOURCES", "PRESCHOOL"], "scores": {"RESOURCES": 0.8, "PRESCHOOL": 0.3}}]}


def test_journal_appends_whole_lines_and_recovers_a_torn_tail(tmp_path):
    path = tmp_path / "out.jsonl"
    j = JsonlJournal(path)
    for i in range(3):
        j.write(rec(i))
    j.close()
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(rec(3))[:25])  # killed mid-line
    j = JsonlJournal(path)
    assert [r["doc_id"] for r in read_jsonl(path)] == ["nanning-0", "nanning-1", "nanning-2"]
    assert j.done == {done_key(content_hash(rec(i)["text"]), f"in/nanning-{i}.txt"): f"nanning-{i}"
                      for i in range(3)}
    j.close()


def test_journal_reads_back_records_missing_from_the_index(tmp_path):
    path = tmp_path / "out.jsonl"
    j = JsonlJournal(path)
    for i in range(3):
        j.write(rec(i))
    j.close()
    done = path.with_name(path.name + ".done")
    lines = done.read_text(encoding="utf-8").splitlines(keepends=True)
    done.write_text(lines[0] + lines[1][:7], encoding="utf-8")  # crash between record and index
    j = JsonlJournal(path)
    assert len(j.done) == 3
    assert len(done.read_text(encoding="utf-8").splitlines()) == 3
    j.close()


def test_no_resume_empties_the_output(tmp_path):
    path = tmp_path / "out.jsonl"
    j = JsonlJournal(path)
    j.write(rec(1))
    j.close()
    j = JsonlJournal(path, resume=False)
    assert not j.done and path.read_text(encoding="utf-8") == ""
    j.close()


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path):
    path = tmp_path / "t.txt"
    atomic_write_text(path, "old")

    with pytest.raises(TypeError):
        atomic_write_text(path, 12345)  # not a str: the write fails midway
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["t.txt"]


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_tables_are_replaced_atomically_when_a_build_fails(tmp_path, fmt):
    build_tables([rec(1), rec(2)], tmp_path, fmt)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}

    def bad():
        yield rec(3)
        raise RuntimeError("reader died")

    with pytest.raises(RuntimeError):
        build_tables(bad(), tmp_path, fmt)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before  # no temp dir left either


def test_parquet_schema_is_the_documented_one_and_values_survive(tmp_path):
    import pyarrow.parquet as pq

    build_tables([rec(1), rec(2)], tmp_path, "parquet")
    for name, schema in SCHEMAS.items():
        table = pq.read_table(tmp_path / f"{name}.parquet")
        assert table.schema.equals(schema, check_metadata=False)
        assert table.schema.metadata[b"zhpolicy.table"] == name.encode()
    tasks = pq.read_table(tmp_path / "tasks.parquet").to_pylist()
    assert tasks[0]["primary_theme"] == "RESOURCES" and tasks[0]["themes"] == ["RESOURCES", "PRESCHOOL"]
    assert dict(tasks[0]["scores"]) == {"RESOURCES": 0.8, "PRESCHOOL": 0.3}
    docs = pq.read_table(tmp_path / "documents.parquet").to_pylist()
    assert docs[1]["content_sha1"] == content_hash(rec(2)["text"])
    assert docs[0]["ignored"] == [{"start": 0, "end": 3, "reason": "boilerplate"}]


def test_record_rows_flatten_every_mention():
    r = rec(5)
    r["targets"].append(dict(r["targets"][0], value=3, value_high=5, approx=True))
    rows = record_rows(r)
    assert [len(rows[t]) for t in ("documents", "entities", "targets", "tasks")] == [1, 1, 2, 1]
    assert rows["targets"][1]["value_high"] == 5.0 and rows["targets"][1]["approx"] is True
    assert all(row["doc_id"] == "nanning-5" for rs in rows.values() for row in rs)


def test_batch_writer_refuses_a_file_for_a_folder_format(tmp_path):
    f = tmp_path / "x.parquet"
    f.write_text("", encoding="utf-8")
    with pytest.raises(ValueError):
        BatchWriter(f, "parquet")
    with pytest.raises(ValueError):
        BatchWriter(tmp_path, "jsonl")


def test_a_killed_process_loses_no_written_record(tmp_path):
    """Records are flushed to the OS on every write (fsync is only periodic): a process killed
    without closing the journal leaves every record written so far, and resume skips them."""
    import subprocess
    import sys
    import textwrap

    path = tmp_path / "out.jsonl"
    code = textwrap.dedent(f"""
        import os, sys
        sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})
        sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})
        from test_writers import rec
        from pipeline.writers import JsonlJournal
        j = JsonlJournal({str(path)!r})
        for i in range(5):
            j.write(rec(i))
        os._exit(9)   # no close, no atexit, no buffers flushed by Python
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 9, out.stderr
    assert [r["doc_id"] for r in read_jsonl(path)] == [f"nanning-{i}" for i in range(5)]
    j = JsonlJournal(path)
    assert len(j.done) == 5
    j.close()

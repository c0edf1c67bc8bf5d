"""Batch runs: the same records whatever the parallelism, resume after a crash, duplicates,
failures, Parquet/CSV tables.  Small made-up reports from several provinces keep it fast."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline import batch as batch_mod
from pipeline.batch import run_batch
from pipeline.writers import BatchWriter, read_jsonl

REPORTS = {
    "guiyang-2022-plan.txt": (
        "贵阳市教育局2022年工作要点\n\n"
        "一、推进学前教育普惠发展\n"
        "1.新增公办幼儿园学位3000个，普惠性幼儿园覆盖率达到90%以上。\n"
        "2.实施“强基”工程，完成贵阳市第一中学新校区建设，投入资金2.5亿元。\n"
        "二、加强教师队伍建设\n"
        "3.招聘中小学教师800名，培训校长200人次。\n"),
    "chengdu-2021-summary.txt": (
        "成都市武侯区教育局2021年工作总结\n\n"
        "一是完成四川省成都市第七中学初中学校扩建，新增学位1200个。"
        "二是义务教育巩固率达到99.5%，新建学校5所。\n"
        "三是开展“双减”专项治理，压减校外培训机构120家。\n"),
    "zhengzhou-2023-plan.txt": (
        "郑州市教育局2023年工作计划\n\n"
        "（一）深化职业教育改革\n"
        "建设河南省示范性职业院校3所，郑州职业技术学院招生规模达到1.2万人。\n"
        "（二）推进教育数字化\n"
        "全市中小学智慧教室覆盖率不低于80%，建成省级智慧校园50所。\n"),
    "kunming-2022-summary.txt": (
        "昆明市教育体育局2022年工作总结\n\n"
        "一、基础教育\n"
        "全年新增学位2.3万个，云南师范大学附属中学呈贡校区投入使用。\n"
        "二、安全稳定\n"
        "开展校园安全检查1500次，整改隐患320处。\n"),
}
# the Guiyang plan republished on another site: a header line differs
COPY = ("贵阳市人民政府网  打印本页\n" + REPORTS["guiyang-2022-plan.txt"], "zz-copy-of-guiyang.txt")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("reports")
    for name, text in REPORTS.items():
        (d / name).write_text(text, encoding="utf-8")
    (d / COPY[1]).write_text(COPY[0], encoding="utf-8")
    (d / "broken.docx").write_bytes(b"this is not a zip file")
    return d


@pytest.fixture(scope="module")
def baseline(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("base") / "records.jsonl"
    errors: list[str] = []
    res = run_batch([corpus], out, on_error=errors.append)
    return out, res, errors, list(read_jsonl(out))


def test_single_process_records_failures_and_duplicates(baseline):
    out, res, errors, recs = baseline
    assert res.records == len(recs) == 5
    # one line per bad file naming it; the batch went on
    assert len(errors) == 1 and "broken.docx" in errors[0] and "\n" not in errors[0]
    assert res.failures == errors
    # input order (sorted paths), and the copy points at the earlier file
    assert [Path(r["source"]).name for r in recs] == sorted(REPORTS) + [COPY[1]]
    by_name = {Path(r["source"]).name: r for r in recs}
    assert by_name[COPY[1]]["duplicate_of"] == by_name["guiyang-2022-plan.txt"]["doc_id"]
    assert all(r["duplicate_of"] is None for n, r in by_name.items() if n != COPY[1])
    assert res.entities == sum(len(r["entities"]) for r in recs) > 0
    assert res.targets == sum(len(r["targets"]) for r in recs) > 0


def test_two_processes_give_identical_records(corpus, baseline, tmp_path):
    out = tmp_path / "j2.jsonl"
    res = run_batch([corpus], out, jobs=2)
    assert list(read_jsonl(out)) == baseline[3]
    assert len(res.failures) == 1


def test_dask_local_cluster_gives_identical_records(corpus, baseline, tmp_path):
    pytest.importorskip("distributed")
    out = tmp_path / "dask.jsonl"
    run_batch([corpus], out, scheduler="local", jobs=1)
    assert list(read_jsonl(out)) == baseline[3]


def test_crash_then_resume_gives_the_uninterrupted_output(corpus, baseline, tmp_path, monkeypatch):
    out = tmp_path / "crash.jsonl"
    real_write = BatchWriter.write
    calls = {"n": 0}

    def dying_write(self, record, chash=None):
        if calls["n"] == 3:
            raise KeyboardInterrupt("simulated kill after 3 documents")
        calls["n"] += 1
        real_write(self, record, chash)

    monkeypatch.setattr(BatchWriter, "write", dying_write)
    with pytest.raises(KeyboardInterrupt):
        run_batch([corpus], out)
    monkeypatch.setattr(BatchWriter, "write", real_write)
    assert len(list(read_jsonl(out))) == 3
    # a torn last line, as left by a kill in the middle of a write
    with open(out, "a", encoding="utf-8") as fh:
        fh.write('{"doc_id": "half-writ')
    res = run_batch([corpus], out)
    assert res.skipped == 3 and res.records == 2
    assert out.read_text(encoding="utf-8") == baseline[0].read_text(encoding="utf-8")
    # a third run has nothing left to do and changes nothing
    res = run_batch([corpus], out)
    assert res.skipped == 5 and res.records == 0
    assert out.read_text(encoding="utf-8") == baseline[0].read_text(encoding="utf-8")


def test_no_resume_starts_over(corpus, baseline, tmp_path):
    out = tmp_path / "again.jsonl"
    run_batch([corpus], out)
    res = run_batch([corpus], out, resume=False)
    assert res.skipped == 0 and res.records == 5
    assert out.read_text(encoding="utf-8") == baseline[0].read_text(encoding="utf-8")


def test_parquet_tables_load_and_join(corpus, baseline, tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "tables"
    run_batch([corpus], out, fmt="parquet")
    tables = {t: pq.read_table(out / f"{t}.parquet") for t in ("documents", "entities", "targets", "tasks")}
    recs = baseline[3]
    assert tables["documents"].num_rows == len(recs)
    assert tables["entities"].num_rows == sum(len(r["entities"]) for r in recs)
    assert tables["targets"].num_rows == sum(len(r["targets"]) for r in recs)
    docs = tables["documents"].select(["doc_id", "text"]).rename_columns(["doc_id", "doc_text"])
    joined = tables["entities"].join(docs, "doc_id")
    assert joined.num_rows == tables["entities"].num_rows
    for row in joined.to_pylist():  # spans index the document's text
        assert row["doc_text"][row["start"]:row["end"]] == row["text"]
    dup = {r["doc_id"]: r["duplicate_of"] for r in tables["documents"].to_pylist()}
    assert sum(v is not None for v in dup.values()) == 1
    assert not list(out.glob(".tables-*"))  # no temporary left behind


def test_csv_tables(corpus, baseline, tmp_path):
    import csv

    out = tmp_path / "csv"
    run_batch([corpus], out, fmt="csv")
    with open(out / "targets.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == sum(len(r["targets"]) for r in baseline[3])
    assert all(float(r["value"]) >= 0 for r in rows)
    with open(out / "tasks.csv", encoding="utf-8", newline="") as fh:
        tasks = list(csv.DictReader(fh))
    assert all(json.loads(t["themes"])[0] == t["primary_theme"] for t in tasks if t["themes"] != "[]")


def test_same_name_and_text_in_two_folders_gets_two_ids(tmp_path):
    for sub in ("city", "mirror"):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / "guiyang-2022-plan.txt").write_text(REPORTS["guiyang-2022-plan.txt"], encoding="utf-8")
    out = tmp_path / "o.jsonl"
    run_batch([tmp_path / "city", tmp_path / "mirror"], out)
    a, b = read_jsonl(out)
    assert a["doc_id"] != b["doc_id"] and b["doc_id"].startswith(a["doc_id"])
    assert b["duplicate_of"] == a["doc_id"] and a["duplicate_of"] is None
    ids = {t["id"] for t in b["tasks"]}
    assert ids and all(i.startswith(b["doc_id"]) for i in ids)
    assert {t["task_id"] for t in b["targets"]} - {None} <= ids
    # a resumed run recognises both as done (by text and path), not only the first
    assert run_batch([tmp_path / "city", tmp_path / "mirror"], out).skipped == 2


def test_ordered_window_keeps_input_order_with_uneven_workers():
    import time
    from concurrent.futures import ThreadPoolExecutor

    def work(x):
        time.sleep(0.02 * (5 - x % 5))
        return x

    with ThreadPoolExecutor(4) as ex:
        got = list(batch_mod._ordered(lambda x: ex.submit(work, x), range(20), window=6))
    assert got == list(range(20))


def test_vocab_does_not_grow_with_the_corpus(tmp_path, monkeypatch):
    for i in range(4):  # new numbers and names in every file
        (tmp_path / f"r{i}.txt").write_text(
            f"拉萨市教育局工作总结\n一是新建{i}{i + 3}7所学校，投入资金{i + 1}.{i}3亿元，新增学位{i}9{i}8个。\n",
            encoding="utf-8")
    monkeypatch.setattr(batch_mod, "ZONE_DOCS", 1)
    nlp = batch_mod._worker_nlp()
    run_batch([tmp_path / "r0.txt"], tmp_path / "warm.jsonl")  # load-time strings settle
    before = len(nlp.vocab.strings)
    res = run_batch([tmp_path], tmp_path / "o.jsonl")
    assert res.records == 4 and res.targets > 0
    assert len(nlp.vocab.strings) == before


def test_stopping_survives_futures_that_cannot_be_cancelled_any_more():
    """A signal under --scheduler local: the Dask client is closed first, cancelling its
    futures afterwards raised RuntimeError (IOLoop is closed) over the signal's message."""
    class Gone:
        def cancel(self):
            raise RuntimeError("IOLoop is closed")

    closed = []
    ordered = batch_mod._Ordered(lambda x: Gone(), range(3), window=3, on_close=closed.append)
    ordered.close(abort=True)
    assert closed == [True] and not ordered.pending

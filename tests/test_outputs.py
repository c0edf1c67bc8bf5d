"""Outputs (issue 16): one line and exit 2 for an output that cannot be used, regular files
only, nothing that is not ours unlinked or replaced, ``-o -`` for standard output, a full
disk, one writer per output, a resume index that any file name survives.

Reproduced on the code before: a folder, a path below a file, /sys and a full disk gave a
traceback (exit 1); ``-o FULL --no-resume`` (a /dev/full node) unlinked the device and wrote a
file in its place, ``-o FULL`` read zeros forever, ``-o /dev/stdout`` and ``-o FIFO`` hung;
two runs at once wrote every record twice; a file name with a tab or newline was redone and
added again on every run."""
from __future__ import annotations

import errno
import json
import os
import signal
import stat
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.batch import run_batch
from pipeline.cli import app
from pipeline.writers import BatchWriter, JsonlJournal, read_jsonl

ROOT = Path(__file__).resolve().parents[1]
REPORT = ("某某县教育局2023年工作要点\n\n一、推进学前教育普惠发展\n\n"
          "1.新建幼儿园3所，新增学位900个，普惠性幼儿园在园幼儿占比达到92%以上。\n")
runner = CliRunner()


def _zhpolicy(*args, timeout=120, **kw) -> subprocess.CompletedProcess:
    """The command line in a child process (a hang fails the test instead of the suite)."""
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *map(str, args)], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout, **kw)


def _one_error_line(output: str, path) -> str:
    lines = [ln for ln in output.splitlines() if ln.strip()]
    assert "Traceback" not in output, output
    errs = [ln for ln in lines if ln.startswith("error:")]
    assert len(errs) == 1 and str(path) in errs[0], output
    return errs[0]


@pytest.fixture
def report(tmp_path) -> Path:
    f = tmp_path / "in" / "report.txt"
    f.parent.mkdir()
    f.write_text(REPORT, encoding="utf-8")
    return f


# ---------------------------------------------------------------- unusable outputs
def test_an_output_that_is_a_folder_or_below_a_file(report, tmp_path):
    res = runner.invoke(app, ["run", str(report), "-o", str(tmp_path)])
    assert res.exit_code == 2 and "folder" in _one_error_line(res.output, tmp_path)
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    out = tmp_path / "afile" / "sub" / "o.jsonl"
    res = runner.invoke(app, ["run", str(report), "-o", str(out)])
    assert res.exit_code == 2
    assert "afile is a file, not a folder" in _one_error_line(res.output, out)
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables" / "documents.csv").mkdir()        # a folder where a table goes
    res = runner.invoke(app, ["run", str(report), "-f", "csv", "-o", str(tmp_path / "tables")])
    assert res.exit_code == 2 and "documents.csv" in _one_error_line(res.output, "documents.csv")


def test_an_unwritable_output(report, tmp_path, monkeypatch):
    out = tmp_path / "o.jsonl"
    real_open = os.open

    def denied(path, *a, **k):
        if str(path).startswith(str(out)):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_open(path, *a, **k)

    real_builtin_open = open

    def denied_open(path, *a, **k):
        if isinstance(path, (str, Path)) and str(path).startswith(str(out)):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real_builtin_open(path, *a, **k)

    monkeypatch.setattr(os, "open", denied)
    monkeypatch.setattr("builtins.open", denied_open)
    res = runner.invoke(app, ["run", str(report), "-o", str(out)])
    assert res.exit_code == 2 and "permission denied" in _one_error_line(res.output, out)
    monkeypatch.undo()
    if os.path.isdir("/sys"):
        res = runner.invoke(app, ["run", str(report), "-o", "/sys/zhpolicy-test.jsonl"])
        if res.exit_code != 0:                  # /sys refuses new files, even to root
            assert res.exit_code == 2
            _one_error_line(res.output, "/sys/zhpolicy-test.jsonl")
        assert not os.path.exists("/sys/zhpolicy-test.jsonl")


def _full_device(tmp_path, which: str) -> Path:
    if which == "/dev/full":
        if not os.path.exists("/dev/full"):
            pytest.skip("no /dev/full")
        if os.access("/dev", os.W_OK):
            # a regression would unlink the machine's own /dev/full (the code before did, run
            # as root): only where /dev is not ours to change; the private node covers the rest
            pytest.skip("/dev is writable here: the private copy of /dev/full is used instead")
        return Path("/dev/full")
    if os.geteuid() != 0:
        pytest.skip("mknod needs root")
    dev = tmp_path / "full"
    try:
        os.mknod(dev, stat.S_IFCHR | 0o666, os.makedev(1, 7))   # a /dev/full of our own
    except OSError as err:
        pytest.skip(f"cannot make a device node here: {err}")
    return dev


@contextmanager
def _within(seconds: int):
    """Fail instead of hanging (the code before read /dev/full's zeros forever)."""
    def alarm(signum, frame):
        raise TimeoutError(f"still running after {seconds} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


@pytest.mark.parametrize("which", ["copy", "/dev/full"])
@pytest.mark.parametrize("resume", [True, False])
def test_a_device_is_refused_and_left_as_it_was(report, tmp_path, which, resume):
    dev = _full_device(tmp_path, which)
    before = os.stat(dev)
    with _within(30):
        res = runner.invoke(app, ["run", str(report), "-o", str(dev)] + ([] if resume else ["--no-resume"]))
    assert res.exit_code == 2, res.output
    assert "character device" in _one_error_line(res.output, dev)
    after = os.stat(dev)
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev
    assert not os.path.exists(f"{dev}.done") and not os.path.exists(f"{dev}.lock")


def test_show_refuses_a_device(report, tmp_path):
    dev = _full_device(tmp_path, "copy")
    res = runner.invoke(app, ["show", str(report), "--html", str(dev)])
    assert res.exit_code == 2 and "character device" in _one_error_line(res.output, dev)
    assert stat.S_ISCHR(os.stat(dev).st_mode)


def test_a_fifo_and_dev_stdout_are_refused_not_waited_on(report, tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    res = _zhpolicy("run", report, "-o", fifo, timeout=60)
    assert res.returncode == 2 and "FIFO" in _one_error_line(res.stderr, fifo)
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    if os.path.exists("/dev/stdout"):
        res = _zhpolicy("run", report, "-o", "/dev/stdout", timeout=60)   # stdout: a pipe
        assert res.returncode == 2 and "-o -" in _one_error_line(res.stderr, "/dev/stdout")


def test_dash_streams_jsonl_to_stdout_without_resume(report, tmp_path):
    res = _zhpolicy("run", report, "-o", "-")
    assert res.returncode == 0, res.stderr
    recs = [json.loads(line) for line in res.stdout.splitlines()]
    assert len(recs) == 1 and recs[0]["text"] == REPORT
    assert "documents" in res.stderr                      # the summary is not in the stream
    assert not list(Path(ROOT).glob("-*"))                # no file named "-"


def test_a_full_disk_is_one_line_and_loses_nothing(report, tmp_path, monkeypatch):
    """ENOSPC while appending the second record: exit 2 naming OUT, no torn line left; a
    re-run with space again writes the rest, every document once."""
    from pipeline import outfiles

    for i in range(2):
        (report.parent / f"more-{i}.txt").write_text(REPORT.replace("3所", f"{i + 4}所"), encoding="utf-8")
    out = tmp_path / "o.jsonl"
    real_write, calls = os.write, {"n": 0}

    def full(fd, data):
        if os.fstat(fd).st_ino == os.stat(out).st_ino:
            calls["n"] += 1
            if calls["n"] == 2:
                real_write(fd, bytes(data)[:10])        # part of the line got out
                raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(outfiles.os, "write", full)
    res = runner.invoke(app, ["run", str(report.parent), "-o", str(out)])
    assert res.exit_code == 2, res.output
    assert "no space left" in _one_error_line(res.output, out)
    assert out.read_bytes().endswith(b"\n") and len(list(read_jsonl(out))) == 1
    monkeypatch.undo()
    res = runner.invoke(app, ["run", str(report.parent), "-o", str(out)])
    assert res.exit_code == 0, res.output
    srcs = [r["source"] for r in read_jsonl(out)]
    assert sorted(srcs) == sorted(str(p) for p in report.parent.iterdir())


def test_no_resume_truncates_and_never_unlinks(report, tmp_path):
    out = tmp_path / "o.jsonl"
    run_batch([report], out)
    os.link(out, tmp_path / "alias")      # a second name: an unlinked file keeps it
    run_batch([report], out, resume=False)
    assert os.path.samefile(out, tmp_path / "alias") and len(list(read_jsonl(out))) == 1


# ---------------------------------------------------------------- one writer per output
def test_a_second_writer_is_refused_while_the_first_holds_the_output(report, tmp_path):
    out = tmp_path / "o.jsonl"
    w = BatchWriter(out)
    try:
        res = runner.invoke(app, ["run", str(report), "-o", str(out)])
        assert res.exit_code == 2
        assert "another zhpolicy run" in _one_error_line(res.output, out)
        res = _zhpolicy("run", report, "-o", out, "--no-resume")       # another process
        assert res.returncode == 2 and "another zhpolicy run" in _one_error_line(res.stderr, out)
    finally:
        w.close()
    assert runner.invoke(app, ["run", str(report), "-o", str(out)]).exit_code == 0


def test_two_runs_at_once_on_one_output(tmp_path):
    """Two processes started together: one writes every record once, the other exits 2 with
    the message; no record twice, none lost."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for p in sorted((ROOT / "corpus" / "gold").glob("*.txt"))[:6]:
        (corpus / p.name).write_bytes(p.read_bytes())
    out = tmp_path / "o.jsonl"
    cmd = [sys.executable, "-m", "pipeline.cli", "run", str(corpus), "-o", str(out)]
    procs = [subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    results = [(p.wait(timeout=300), p.stderr.read()) for p in procs]
    codes = sorted(rc for rc, _ in results)
    assert codes == [0, 2], results
    loser = next(err for rc, err in results if rc == 2)
    assert "another zhpolicy run" in _one_error_line(loser, out)
    ids = [r["doc_id"] for r in read_jsonl(out)]
    assert len(ids) == len(set(ids)) == 6


# ---------------------------------------------------------------- the resume index
def test_file_names_with_a_tab_or_a_newline_are_done_once(tmp_path):
    corpus = tmp_path / "names"
    corpus.mkdir()
    for name in ("tab\there.txt", "new\nline.txt", "plain.txt"):
        (corpus / name).write_text(REPORT + name, encoding="utf-8")
    out = tmp_path / "o.jsonl"
    assert run_batch([corpus], out).records == 3
    for _ in range(2):
        res = run_batch([corpus], out)
        assert res.skipped == 3 and res.records == 0
    assert sorted(Path(r["source"]).name for r in read_jsonl(out)) == \
        sorted(("tab\there.txt", "new\nline.txt", "plain.txt"))


def test_an_old_tab_separated_index_is_read_and_rewritten(tmp_path):
    from pipeline.record import content_hash

    corpus = tmp_path / "c"
    corpus.mkdir()
    for name in ("a.txt", "b\tc.txt"):
        (corpus / name).write_text(REPORT + name, encoding="utf-8")
    out = tmp_path / "o.jsonl"
    run_batch([corpus], out)
    recs = list(read_jsonl(out))
    done = out.with_name(out.name + ".done")
    # the index as the code before wrote it (content_sha1 TAB doc_id TAB source)
    done.write_text("".join(f"{content_hash(r['text'])}\t{r['doc_id']}\t{r['source']}\n" for r in recs),
                    encoding="utf-8")
    res = run_batch([corpus], out)
    assert res.skipped == 2 and res.records == 0
    lines = done.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["source"] for line in lines] == [r["source"] for r in recs]
    j = JsonlJournal(out)          # and read back from the new format
    assert len(j.done) == 2
    j.close()


def test_a_signal_in_the_middle_of_a_record_leaves_no_torn_line(tmp_path, monkeypatch):
    from pipeline import outfiles
    from pipeline.procs import Interrupted

    out = tmp_path / "o.jsonl"
    j = JsonlJournal(out)
    text = "某某县教育局" * 100
    rec = {"doc_id": "a", "source": "a.txt", "text": text}
    j.write(rec)
    real_write = os.write

    def interrupted(fd, data):
        real_write(fd, bytes(data)[:10])
        raise Interrupted(signal.SIGTERM)

    monkeypatch.setattr(outfiles.os, "write", interrupted)
    with pytest.raises(Interrupted):
        j.write({**rec, "doc_id": "b", "source": "b.txt"})
    monkeypatch.undo()
    j.close()
    assert out.read_bytes().endswith(b"\n") and [r["doc_id"] for r in read_jsonl(out)] == ["a"]


def test_json_lines_are_the_json_module_output_in_chunks():
    """``json_chunks`` (C encoder, lists a batch at a time, long text in slices) writes the bytes
    ``json.dumps(ensure_ascii=False)`` would, whatever the chunk limit."""
    import json
    import random

    from pipeline.outfiles import json_chunks

    rng = random.Random(2)
    ents = [{"start": i, "end": i + rng.randint(1, 9), "label": rng.choice(["ORG", "REGION"]),
             "kb_id": rng.choice([None, "org-1"]), "score": rng.random() * 1e6, "ok": i % 2 == 0,
             "themes": ["a", "b"][: i % 3], "map": {"x": 1.5, "y": [1, 2]}} for i in range(700)]
    recs = [
        {"doc_id": "d1", "text": "教育“局”\n\t\\ \"引号\" 😀 " * 300, "entities": ents, "tasks": [], "n": 3,
         "meta": {"title": "题", "date": None}, "score": 0.1 + 0.2},
        {"source": "bad\udc80name.txt", "entities": ents[:1], "nested": [[1, [2, []]], {}]},
        [1, "二", {"a": [None, True, 1e-7]}],
        "plain",
    ]
    for rec in recs:
        want = json.dumps(rec, ensure_ascii=False).encode("utf-8", "surrogatepass")
        for limit in (1 << 20, 100, 7):
            got = b"".join(json_chunks(rec, limit))
            assert got.endswith(b"\n")
            if "\udc80" in json.dumps(rec, ensure_ascii=False):
                assert json.loads(got) == rec and b"\\udc80" in got
            else:
                assert got[:-1] == want, limit

"""Bad inputs (issue 16): each gives a record or one error line naming the file, never a
traceback, and ``zhpolicy show`` follows ``run``'s exit codes.

Reproduced on the code before: UTF-16 without a BOM was refused as binary; a .docx member
expanding to 200 MB was expanded into memory; 100k nested divs took 18 s to parse;
``zhpolicy show`` printed a traceback and exited 1 for a bad report, a missing one and an
unusable HTML path alike.  (A FIFO named as input was already refused, as "not a file".)"""
from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest
from childproc import PEAK_MB
from typer.testing import CliRunner

from pipeline import batch
from pipeline.cli import app

ROOT = Path(__file__).resolve().parents[1]
REPORT = ("某某县教育局2023年工作要点\n\n一、推进学前教育普惠发展\n"
          "1.新建幼儿园3所，新增学位900个，普惠性幼儿园在园幼儿占比达到92%以上。\n")
runner = CliRunner()


def _pdf(path: Path, encrypt: bool = False, image_only: bool = False) -> Path:
    pytest.importorskip("reportlab")
    from reportlab.lib.pdfencrypt import StandardEncryption
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), encrypt=StandardEncryption("pw", canPrint=0) if encrypt else None)
    if image_only:
        c.rect(50, 50, 400, 600, fill=1)
    else:
        c.setFont("Helvetica", 12)
        c.drawString(72, 700, "secret")
    c.showPage()
    c.save()
    return path


def _docx_bomb(path: Path, member_bytes: int) -> Path:
    """A real .docx plus one member that expands to ``member_bytes`` (zeros: ~1000:1)."""
    docx = pytest.importorskip("docx")
    d = docx.Document()
    d.add_paragraph(REPORT)
    buf = io.BytesIO()
    d.save(buf)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out, \
            zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src:
        for item in src.infolist():
            out.writestr(item, src.read(item))
        with out.open("word/media/bomb.bin", "w", force_zip64=True) as fh:
            block = bytes(1 << 20)
            for _ in range(member_bytes >> 20):
                fh.write(block)
    return path


CASES = {
    # name: (make(tmp_path) -> path, "record" or a word the error line must hold)
    "utf16-bom": (lambda d: _write(d / "u16bom.txt", REPORT.encode("utf-16")), "record"),
    "utf16le-no-bom": (lambda d: _write(d / "u16le.txt", REPORT.encode("utf-16-le")), "record"),
    "utf16be-no-bom": (lambda d: _write(d / "u16be.txt", REPORT.encode("utf-16-be")), "record"),
    "encrypted-pdf": (lambda d: _pdf(d / "secret.pdf", encrypt=True), "encrypted"),
    "image-only-pdf": (lambda d: _pdf(d / "scan.pdf", image_only=True), "no text layer"),
    "nested-html": (lambda d: _write(d / "nested.html", (
        "<html><body>" + "<div>" * 100_000 + "<p>某某县教育局2024年工作要点</p><p>新建学校3所。</p>"
        + "</div>" * 100_000 + "</body></html>").encode("utf-8")), "record"),
    "docx-zip-bomb": (lambda d: _docx_bomb(d / "bomb.docx", 200 << 20), "zip bomb"),
    "fifo-named-as-input": (lambda d: _fifo(d / "pipe.txt"), "not a regular file"),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _fifo(path: Path) -> Path:
    import os

    os.mkfifo(path)
    return path


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_gives_a_record_or_one_line(tmp_path, case):
    make, expect = CASES[case]
    (tmp_path / "in").mkdir()
    path = make(tmp_path / "in")
    out = tmp_path / "o.jsonl"
    batch._worker_nlp()                  # loaded once, outside the time the input may take
    t = time.monotonic()
    res = runner.invoke(app, ["run", str(path), "-o", str(out)])
    took = time.monotonic() - t
    assert "Traceback" not in res.output, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    if expect == "record":
        assert res.exit_code == 0, res.output
        rec = json.loads(out.read_text(encoding="utf-8"))
        assert "教育局" in rec["text"]
    else:
        assert res.exit_code == 1, res.output
        failed = [ln for ln in res.output.splitlines() if ln.startswith("failed:")]
        assert len(failed) == 1 and str(path) in failed[0] and expect in failed[0], res.output
    assert took < 10, f"{case}: {took:.1f} s"   # the nested divs took 18 s


def test_show_bad_file_is_one_line_and_run_exit_codes(tmp_path):
    bad = _write(tmp_path / "bad.pdf", b"not a pdf at all")
    res = runner.invoke(app, ["show", str(bad), "--html", str(tmp_path / "v.html")])
    assert res.exit_code == 1, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("failed:") and str(bad) in lines[0]
    # the real command: nothing else on its stderr either (library warnings, a traceback)
    proc = subprocess.run([sys.executable, "-m", "pipeline.cli", "show", str(bad), "--html",
                           str(tmp_path / "v.html")], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    lines = [ln for ln in (proc.stdout + proc.stderr).splitlines() if ln.strip()]
    assert proc.returncode == 1 and len(lines) == 1 and lines[0].startswith("failed:"), lines
    res = runner.invoke(app, ["show", str(tmp_path / "nope.txt"), "--html", str(tmp_path / "v.html")])
    assert res.exit_code == 2 and "nope.txt" in res.output
    good = _write(tmp_path / "good.txt", REPORT.encode("utf-8"))
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    res = runner.invoke(app, ["show", str(good), "--html", str(tmp_path / "afile" / "v.html")])
    assert res.exit_code == 2 and "afile is a file" in res.output, res.output
    res = runner.invoke(app, ["show", str(good), "--html", str(tmp_path / "v.html")])
    assert res.exit_code == 0 and "教育局" in (tmp_path / "v.html").read_text(encoding="utf-8")


@pytest.mark.big
def test_a_60_mb_text_is_read_cut_and_written_with_bounded_memory(tmp_path):
    """60 MB of report text through ``run_batch`` in a child process (its own peak RSS): the
    reader, the content hash, the cuts into pieces, the merge and the JSONL record of the whole
    text.  The stages themselves are stubbed here (20M characters through them take minutes);
    test_pieces measures their memory on a text over 1M characters with the real pipeline."""
    unit = "".join(p.read_text(encoding="utf-8") + "\n\n" for p in
                   sorted((ROOT / "corpus" / "gold").glob("*.txt")))
    data = unit.encode("utf-8")
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        for _ in range(60_000_000 // len(data) + 1):
            fh.write(data)
    assert path.stat().st_size >= 60_000_000
    out = tmp_path / "o.jsonl"
    code = PEAK_MB + textwrap.dedent(f"""
        import json
        from pipeline import batch, pieces
        calls = []
        def stub(nlp, text, source, doc_id, on_doc):      # one piece through the stages
            calls.append(len(text))
            return {{"doc_id": doc_id, "source": source, "text": text, "duplicate_of": None,
                    "meta": {{"title": None, "publisher": None, "date": None}}, "ignored": [],
                    "entities": [{{"start": 0, "end": 1, "label": "ORG", "text": text[:1],
                                   "kb_id": None, "canonical": None}}], "targets": [], "tasks": []}}
        pieces._piece_record = stub
        batch._worker_nlp = lambda: type("NoStages", (), {{"pipe_names": []}})()
        res = batch.run_batch([{str(path)!r}], {str(out)!r})
        print(json.dumps({{"records": res.records, "pieces": len(calls), "largest": max(calls),
                          "limit": pieces.PIECE_CHARS, "failures": res.failures,
                          "rss_mb": peak_mb()}}))
    """)
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    got = json.loads(res.stdout.strip().splitlines()[-1])
    assert got["records"] == 1 and not got["failures"]
    assert got["pieces"] >= 100 and got["largest"] <= got["limit"]
    assert got["rss_mb"] < 500, got
    with open(out, encoding="utf-8") as fh:
        rec = json.loads(fh.readline())
    assert len(rec["text"]) == len(data.decode("utf-8")) * (60_000_000 // len(data) + 1)
    starts = [e["start"] for e in rec["entities"]]
    assert len(starts) == got["pieces"] and starts == sorted(starts) and starts[0] == 0

"""zhpolicy report: one offline HTML page about a corpus, looked at in headless Chromium."""
import gzip
import json
import re
import subprocess
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest
from typer.testing import CliRunner

from chromium import chromium_args, chromium_or_skip
from conftest import ROOT
from pipeline.cli import app
from pipeline.report import summarise, view_name

runner = CliRunner()
CHARTS = ("entities", "themes", "targets", "school", "region", "programme")


def _records():
    """The pipeline's records of the gold and held-out reports (the test reference, which
    keeps no text: it is the file's)."""
    with gzip.open(ROOT / "tests" / "data" / "records.jsonl.gz", "rt", encoding="utf-8") as fh:
        records = [json.loads(line) for line in fh if line.strip()]
    for r in records:
        r["text"] = (ROOT / r["source"]).read_text(encoding="utf-8")
    return records


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    records = _records()
    pred = tmp / "pred.jsonl"
    pred.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    out = tmp / "report.html"
    res = runner.invoke(app, ["report", str(pred), "-o", str(out)])
    assert res.exit_code == 0, res.output
    return tmp, out, records


class _Page(HTMLParser):
    """src/href values, and the svg/canvas elements inside each chart div."""

    def __init__(self):
        super().__init__()
        self.refs, self.drawn, self._open = [], {}, []        # _open: [(chart key, div depth)]
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.refs += [v for k, v in attrs.items() if k in ("src", "href") and v]
        if tag == "div":
            self.depth += 1
            cid = attrs.get("id") or ""
            if cid.startswith("chart-"):
                self._open.append((cid[len("chart-"):], self.depth))
                self.drawn.setdefault(cid[len("chart-"):], 0)
        if tag in ("svg", "canvas"):
            for key, _ in self._open:
                self.drawn[key] += 1

    def handle_endtag(self, tag):
        if tag == "div":
            while self._open and self._open[-1][1] >= self.depth:
                self._open.pop()
            self.depth -= 1


def _parse(text):
    p = _Page()
    p.feed(text)
    return p


def test_summary_counts():
    recs = [{"doc_id": "a", "text": "", "entities": [
                {"label": "SCHOOL", "text": "丽水职高", "canonical": "丽水职业高级中学"},
                {"label": "SCHOOL", "text": "丽水职业高级中学", "canonical": "丽水职业高级中学"},
                {"label": "PROGRAMME", "text": "“双减”", "canonical": None}],
             "targets": [{"unit": "所", "kind": "target"}, {"unit": "%", "kind": "actual"}, {"unit": "所", "kind": "actual"}],
             "tasks": [{"themes": ["COMPULSORY", "PRIVATE"]}, {"themes": []}]}]
    s = summarise(recs)
    assert s["labels"] == {"SCHOOL": 2, "PROGRAMME": 1}
    assert s["top"]["SCHOOL"] == [("丽水职业高级中学", 2)] and s["top"]["PROGRAMME"] == [("“双减”", 1)]
    assert s["themes"] == {"COMPULSORY": 1, None: 1}
    assert s["units"] == {"所": 2, "%": 1} and s["by_unit_kind"][("所", "actual")] == 1


def test_page_is_self_contained_and_names_every_report(built):
    tmp, out, records = built
    page = out.read_text(encoding="utf-8")
    parsed = _parse(page)
    assert not [u for u in parsed.refs if re.match(r"\s*(https?:)?//", u)], "a remote resource is referenced"
    assert "<script src" not in page.replace(" ", "") and "<link" not in page
    assert set(parsed.drawn) == set(CHARTS)
    assert not any(parsed.drawn.values())        # nothing drawn until plotly.js runs (Chromium test)
    for rec in records:
        assert rec["doc_id"] in page and rec["meta"]["title"] in page
    views = [unquote(u) for u in parsed.refs if u.startswith("report_files/")]
    assert sorted(views) == sorted(f"report_files/{view_name(r['doc_id'])}" for r in records)


def test_every_view_is_the_records_highlighted_text(built):
    tmp, out, records = built
    for rec in records:
        view = (tmp / "report_files" / view_name(rec["doc_id"])).read_text(encoding="utf-8")
        assert rec["doc_id"] in view and "../report.html" in view
        assert not [u for u in _parse(view).refs if re.match(r"\s*(https?:)?//", u)]
        marks = view.count("<mark")
        assert 0 < marks <= len(rec["entities"]) + len(rec["targets"])
        first = rec["entities"][0]
        assert first["text"] in view


def test_chromium_draws_every_chart_and_the_table(built, tmp_path):
    exe = chromium_or_skip()
    _, out, records = built
    dom = subprocess.run([exe, *chromium_args(tmp_path), "--virtual-time-budget=10000", "--dump-dom",
                          out.as_uri()], capture_output=True, text=True, timeout=120)
    parsed = _parse(dom.stdout)
    assert parsed.drawn and all(parsed.drawn.get(k, 0) > 0 for k in CHARTS), (parsed.drawn, dom.stderr[-1500:])
    assert dom.stdout.count("class=\"main-svg\"") >= len(CHARTS)
    for rec in records:
        assert rec["doc_id"] in dom.stdout and rec["meta"]["title"] in dom.stdout


def test_chromium_screenshot_is_not_blank(built, tmp_path):
    from PIL import Image

    exe = chromium_or_skip()
    _, out, _ = built
    png = tmp_path / "report.png"
    subprocess.run([exe, *chromium_args(tmp_path), "--virtual-time-budget=10000", f"--screenshot={png}",
                    "--window-size=1400,3000", "--hide-scrollbars", out.as_uri()],
                   capture_output=True, text=True, timeout=120)
    assert png.is_file() and png.stat().st_size > 10_000
    img = Image.open(png).convert("RGB")
    assert img.size == (1400, 3000)
    colours = img.getcolors(maxcolors=1 << 20)
    assert len(colours) > 50                                 # bars, text, axes: not one flat colour
    white = max(colours)[0] / (img.size[0] * img.size[1])
    assert white < 0.97


def test_bad_input_is_one_line_naming_the_file(tmp_path):
    bad = tmp_path / "pred.jsonl"
    bad.write_text('{"doc_id": "a", "text": "x"}\n{not json\n', encoding="utf-8")
    res = runner.invoke(app, ["report", str(bad), "-o", str(tmp_path / "r.html")])
    assert res.exit_code == 2 and f"{bad} line 2: not JSON" in res.output
    assert "Traceback" not in res.output
    res = runner.invoke(app, ["report", str(tmp_path / "none.jsonl"), "-o", str(tmp_path / "r.html")])
    assert res.exit_code == 2 and "none.jsonl: no such file" in res.output

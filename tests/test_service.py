"""zhpolicy serve: the HTTP service through FastAPI's TestClient (no socket), and one real
uvicorn server on 127.0.0.1 for the Swagger page in headless Chromium."""
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from spacy.language import Language

from conftest import ROOT, bare_nlp
from pipeline.api import record_of_file, record_of_text
from pipeline.service import create_app

REPORT = ("某某县教育局2023年工作要点\n\n一、推进学前教育普惠发展\n\n"
          "1.扩大普惠性资源。新建幼儿园3所，新增学位900个，普惠性幼儿园在园幼儿占比达到92%以上。\n")


@Language.component("test_service_sleepy")
def _sleepy(doc):
    """Sleeps on a text that says SLOW: a document that takes long, on demand."""
    if "SLOW" in doc._.view.source:
        time.sleep(1.5)
    return doc


def _sleepy_nlp():
    nlp = bare_nlp()
    nlp.add_pipe("test_service_sleepy")
    return nlp


@pytest.fixture(scope="module")
def client(nlp):
    with TestClient(create_app(nlp, max_bytes=64 * 1024)) as c:
        yield c


@pytest.fixture(scope="module")
def slow_client():
    with TestClient(create_app(_sleepy_nlp(), timeout=0.4)) as c:
        yield c


def test_health(client):
    r = client.get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and "targets" in body["pipeline"]


def test_text_gives_the_record_zhpolicy_run_gives(client, nlp):
    r = client.post("/v1/records", json={"text": REPORT, "source": "reports/a.txt"})
    assert r.status_code == 200
    rec = r.json()
    assert rec == record_of_text(nlp, REPORT, "reports/a.txt")
    assert rec["doc_id"].startswith("a-") and [t["text"] for t in rec["targets"]][:2] == ["3所", "900个"]


def test_source_defaults_like_the_api(client, nlp):
    assert client.post("/v1/records", json={"text": REPORT}).json() == record_of_text(nlp, REPORT)


def _docx(path):
    import docx

    d = docx.Document()
    for line in REPORT.split("\n"):
        d.add_paragraph(line)
    d.save(str(path))


def _pdf(path):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path))
    c.setFont("STSong-Light", 12)
    for k, line in enumerate(REPORT.split("\n")):
        c.drawString(72, 760 - 20 * k, line)
    c.save()


def _write(path, fmt):
    if fmt == "txt":
        path.write_text(REPORT, encoding="gb18030")
    elif fmt == "html":
        body = "".join(f"<p>{line}</p>" for line in REPORT.split("\n") if line)
        path.write_text(f"<html><head><meta charset='utf-8'></head><body>{body}</body></html>", encoding="utf-8")
    elif fmt == "docx":
        _docx(path)
    else:
        _pdf(path)


@pytest.mark.parametrize("fmt", ["txt", "html", "docx", "pdf"])
def test_upload_of_every_format_gives_the_file_record(client, nlp, tmp_path, fmt):
    path = tmp_path / f"plan.{fmt}"
    _write(path, fmt)
    r = client.post("/v1/records/file", files={"file": (path.name, path.read_bytes())})
    assert r.status_code == 200, r.text
    rec = r.json()
    assert rec == record_of_file(nlp, path, source=path.name)
    assert rec["source"] == "plan." + fmt and rec["targets"]


def test_upload_source_field_names_the_record(client, nlp, tmp_path):
    path = tmp_path / "x.txt"
    _write(path, "txt")
    r = client.post("/v1/records/file", files={"file": ("x.txt", path.read_bytes())},
                    data={"source": "bureau/plan-2023.txt"})
    assert r.json() == record_of_file(nlp, path, source="bureau/plan-2023.txt")


@pytest.mark.parametrize("name,data,message", [
    ("bad.pdf", b"this is no pdf", "bad.pdf: not a PDF file"),
    ("bad.docx", b"this is no docx", "bad.docx: corrupt or not a .docx file"),
    ("empty.txt", b"", "empty.txt: empty file"),
    ("table.xls", b"PK\x03\x04", "table.xls: unsupported file type '.xls'"),
])
def test_unreadable_upload_is_422_with_the_readers_message(client, name, data, message):
    r = client.post("/v1/records/file", files={"file": (name, data)})
    assert r.status_code == 422
    err = r.json()["error"]
    assert err.startswith(message) and "\n" not in err and "zhpolicy-upload" not in err


@pytest.mark.parametrize("body,message", [
    (b'{"text": "abc', "malformed JSON"),
    (b'{"source": "a.txt"}', "text: Field required"),
    (b'{"text": ""}', "text is empty"),
    (b'{"text": " \\n "}', "text is empty"),
    (b'{"text": 12}', "text: Input should be a valid string"),
    (b'{"text": "abc", "source": ["a"]}', "source: Input should be a valid string"),
    (b'["abc"]', "the body must be a JSON object"),
    (b'{"text": "abc", "txet": 1}', "txet: Extra inputs are not permitted"),
])
def test_bad_json_is_422_with_a_clear_message(client, body, message):
    r = client.post("/v1/records", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert message in r.json()["error"]


def test_a_form_body_is_422_asking_for_json(client):
    r = client.post("/v1/records", data={"text": "abc"})
    assert r.status_code == 422 and "the body must be a JSON object" in r.json()["error"]


def test_missing_upload_and_unknown_paths_are_4xx_json(client):
    r = client.post("/v1/records/file", data={"source": "a"})
    assert r.status_code == 422 and "file: Field required" in r.json()["error"]
    assert client.get("/v1/nothing").json() == {"error": "Not Found"}
    assert client.get("/v1/records").status_code == 405


def test_body_over_the_limit_is_413_by_header_and_by_stream(client):
    big = json.dumps({"text": "字" * 30000}).encode()           # 90 kB of UTF-8 > 64 KiB
    r = client.post("/v1/records", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413 and "65536 bytes" in r.json()["error"]

    def chunks():                                                # no Content-Length: counted
        for k in range(0, len(big), 8192):
            yield big[k:k + 8192]
    r = client.post("/v1/records", content=chunks(), headers={"content-type": "application/json"})
    assert r.request.headers.get("content-length") is None
    assert r.status_code == 413
    r = client.post("/v1/records/file", files={"file": ("big.txt", "字".encode() * 30000)})
    assert r.status_code == 413


def test_a_body_of_exactly_the_limit_is_served_one_byte_more_is_not(client):
    def body(size):
        head = json.dumps({"text": REPORT * 60, "source": ""}, ensure_ascii=False).encode()
        return head[:-2] + b" " * (size - len(head)) + b'"}'     # pad the source with spaces
    assert len(body(64 * 1024)) == 64 * 1024
    ok = client.post("/v1/records", content=body(64 * 1024), headers={"content-type": "application/json"})
    assert ok.status_code == 200 and ok.json()["targets"]
    over = client.post("/v1/records", content=body(64 * 1024 + 1), headers={"content-type": "application/json"})
    assert over.status_code == 413


def _texts(n):
    """n different reports: pieces of the gold and held-out texts."""
    texts = sorted(p.read_text(encoding="utf-8") for p in (ROOT / "corpus").glob("*/*.txt")
                   if p.parent.name in ("gold", "heldout"))
    return [texts[k % len(texts)][:1200 + 150 * k] for k in range(n)]


def test_16_concurrent_requests_give_the_records_of_one_at_a_time(client, nlp):
    texts = _texts(16)
    alone = [record_of_text(nlp, t, f"r{k}.txt") for k, t in enumerate(texts)]
    assert len({json.dumps(r, sort_keys=True) for r in alone}) == 16

    def post(k):
        return client.post("/v1/records", json={"text": texts[k], "source": f"r{k}.txt"}).json()

    with ThreadPoolExecutor(16) as ex:
        together = list(ex.map(post, range(16)))
    assert together == alone


def test_a_long_request_does_not_block_the_event_loop(slow_client):
    with TestClient(create_app(_sleepy_nlp(), timeout=10)) as c:
        done = {}
        slow = threading.Thread(target=lambda: done.setdefault("r", c.post("/v1/records", json={"text": "SLOW 报告"})))
        slow.start()
        time.sleep(0.3)
        t0 = time.monotonic()
        assert c.get("/health").status_code == 200
        assert time.monotonic() - t0 < 0.5 and slow.is_alive()
        slow.join()
        assert done["r"].status_code == 200


def test_time_limit_is_504_with_a_message(slow_client):
    t0 = time.monotonic()
    r = slow_client.post("/v1/records", json={"text": "SLOW 报告"})
    assert r.status_code == 504 and "0.4 s" in r.json()["error"]
    assert time.monotonic() - t0 < 1.2                      # answered at the limit, not at the end
    time.sleep(1.3)                                          # let the abandoned document finish
    assert slow_client.post("/v1/records", json={"text": "快的报告"}).status_code == 200


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs = []

    def handle_starttag(self, tag, attrs):
        self.refs += [v for k, v in attrs if k in ("src", "href") and v]


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_docs_pages_reference_no_cdn_and_their_assets_are_served(client, page):
    r = client.get(page)
    assert r.status_code == 200
    parser = _Refs()
    parser.feed(r.text)
    assert parser.refs and not [u for u in parser.refs if "//" in u]
    for ref in parser.refs:
        asset = client.get(ref)
        assert asset.status_code == 200 and len(asset.content) > 1000, ref


def test_openapi_describes_the_endpoints(client):
    spec = client.get("/openapi.json").json()
    assert {"/health", "/v1/records", "/v1/records/file"} <= set(spec["paths"])
    post = spec["paths"]["/v1/records"]["post"]
    assert {"200", "413", "422", "504"} <= set(post["responses"])
    assert "multipart/form-data" in spec["paths"]["/v1/records/file"]["post"]["requestBody"]["content"]


def test_serve_help_and_taken_port():
    import socket

    from typer.testing import CliRunner

    from pipeline.cli import app

    runner = CliRunner()
    res = runner.invoke(app, ["serve", "--help"])
    assert res.exit_code == 0 and "--max-bytes" in res.output and "--timeout" in res.output
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        taken.listen()
        res = runner.invoke(app, ["serve", "--port", str(port)])
    assert res.exit_code == 2 and f"127.0.0.1:{port}: cannot listen" in res.output


def test_swagger_page_renders_offline_in_chromium(tmp_path):
    """The real /docs page on a uvicorn socket, drawn by headless Chromium that can resolve
    no host name: the operations only appear once the bundled Swagger UI has run."""
    import socket
    import subprocess

    import uvicorn

    from chromium import chromium_or_skip, chromium_args

    exe = chromium_or_skip()
    sock = socket.create_server(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(bare_nlp()), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        for _ in range(100):
            if server.started:
                break
            time.sleep(0.05)
        out = subprocess.run([exe, *chromium_args(tmp_path), "--virtual-time-budget=8000", "--dump-dom",
                              f"http://127.0.0.1:{port}/docs"],
                             capture_output=True, text=True, timeout=60)
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
    dom = out.stdout
    assert 'class="swagger-ui' in dom, out.stderr[-2000:]
    assert "/v1/records/file" in dom and "/health" in dom

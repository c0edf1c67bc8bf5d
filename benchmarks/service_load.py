"""Load on ``zhpolicy serve``: requests/s and latency at several client concurrencies.

    python benchmarks/service_load.py                          # concurrency 1, 4, 16; 48 requests each
    python benchmarks/service_load.py --requests 96 --concurrency 1,2,4,8,16
    python benchmarks/service_load.py --requests 4 --concurrency 1,2 --max-chars 800   # a smoke run

1. Starts ``zhpolicy serve`` on 127.0.0.1 at a free port in a subprocess (its log goes to
   ``benchmarks/_work/service_load.log``) and waits for ``GET /health``.
2. The reports: every ``.txt`` in ``corpus/gold`` and ``corpus/heldout``, sorted (optionally cut
   to ``--max-chars``).  One request per report first, not counted (warm-up).
3. For each concurrency C: ``--requests`` POSTs to ``/v1/records`` (request i sends report
   i mod n) from C client threads, each with its own keep-alive connection.  Latency is per
   request, from send to the last byte of the answer; requests/s is the answered requests over
   the wall time of the level.
4. Prints a table and writes JSON (``--out``, default ``benchmarks/_work/service_load.json``).
The server is stopped at the end, whatever happens.  Traffic goes to 127.0.0.1 only.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / "_work"


def reports(max_chars: int | None = None) -> list[tuple[str, str]]:
    files = sorted(p for d in ("gold", "heldout") for p in (ROOT / "corpus" / d).glob("*.txt"))
    return [(p.name, p.read_text(encoding="utf-8")[:max_chars] if max_chars else p.read_text(encoding="utf-8"))
            for p in files]


def free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as s:
        return s.getsockname()[1]


class Server:
    """``zhpolicy serve`` in a subprocess on 127.0.0.1; a context manager that stops it."""

    def __init__(self, log: Path, extra: list[str] | None = None, start_timeout: float = 180.0):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        log.parent.mkdir(parents=True, exist_ok=True)
        self.log = log.open("w", encoding="utf-8")
        self.proc = subprocess.Popen([sys.executable, "-m", "pipeline.cli", "serve", "--host", "127.0.0.1",
                                      "--port", str(self.port), *(extra or [])],
                                     cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        self.started = time.perf_counter()
        deadline = time.monotonic() + start_timeout
        while True:
            if self.proc.poll() is not None:
                self.stop()
                raise RuntimeError(f"zhpolicy serve exited with {self.proc.returncode}; see {log}")
            try:
                if httpx.get(self.url + "/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"zhpolicy serve not up after {start_timeout:g} s; see {log}")
            time.sleep(0.2)
        self.startup_s = time.perf_counter() - self.started

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.log.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    xs = sorted(values)
    if not xs:
        return float("nan")
    pos = (len(xs) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def run_level(url: str, texts: list[tuple[str, str]], concurrency: int, requests: int,
              timeout: float = 300.0) -> dict:
    local = threading.local()
    clients: list[httpx.Client] = []
    lock = threading.Lock()

    def client() -> httpx.Client:
        c = getattr(local, "client", None)
        if c is None:
            c = local.client = httpx.Client(base_url=url, timeout=timeout)
            with lock:
                clients.append(c)
        return c

    def one(i: int) -> tuple[float, int, int]:
        name, text = texts[i % len(texts)]
        t0 = time.perf_counter()
        try:
            r = client().post("/v1/records", json={"text": text, "source": name})
            status = r.status_code
            _ = r.content
        except httpx.HTTPError:
            status = 0
        return time.perf_counter() - t0, status, len(text)

    t0 = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as ex:
        results = list(ex.map(one, range(requests)))
    wall = time.perf_counter() - t0
    for c in clients:
        c.close()
    ok = [(lat, n) for lat, status, n in results if status == 200]
    lats = [lat for lat, _ in ok]
    return {"concurrency": concurrency, "requests": requests, "answered": len(results), "ok": len(ok),
            "errors": len(results) - len(ok), "seconds": wall,
            "requests_per_s": len(ok) / wall if wall else 0.0,
            "chars_per_s": sum(n for _, n in ok) / wall if wall else 0.0,
            "p50_ms": 1000 * percentile(lats, 0.50), "p99_ms": 1000 * percentile(lats, 0.99),
            "mean_ms": 1000 * sum(lats) / len(lats) if lats else float("nan"),
            "max_ms": 1000 * max(lats) if lats else float("nan")}


def main(argv: list[str] | None = None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=48, help="requests per concurrency level")
    ap.add_argument("--concurrency", default="1,4,16", help="comma-separated client concurrencies")
    ap.add_argument("--max-chars", type=int, default=None, help="cut every report to this many characters")
    ap.add_argument("--out", type=Path, default=WORK / "service_load.json", help="where to write the JSON")
    args = ap.parse_args(argv)
    levels = [int(c) for c in args.concurrency.split(",") if c.strip()]
    texts = reports(args.max_chars)
    with Server(args.out.with_suffix(".log")) as server:
        for name, text in texts:                                   # warm-up, not counted
            httpx.post(server.url + "/v1/records", json={"text": text, "source": name}, timeout=300)
        rows = [run_level(server.url, texts, c, args.requests) for c in levels]
        startup = server.startup_s
    result = {"benchmark": "service_load", "cpus": os.cpu_count(), "server_startup_s": startup,
              "reports": [{"name": n, "chars": len(t)} for n, t in texts], "levels": rows}
    print(f"zhpolicy serve: {len(texts)} reports ({sum(len(t) for _, t in texts)} chars), "
          f"{os.cpu_count()} CPUs, server up in {startup:.1f} s")
    print(f"{'concurrency':>11} {'requests':>8} {'errors':>6} {'req/s':>7} {'chars/s':>9} "
          f"{'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for r in rows:
        print(f"{r['concurrency']:>11} {r['ok']:>8} {r['errors']:>6} {r['requests_per_s']:>7.2f} "
              f"{r['chars_per_s']:>9.0f} {r['p50_ms']:>8.0f} {r['p99_ms']:>8.0f} {r['max_ms']:>8.0f}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(f"wrote {args.out}")
    return result


if __name__ == "__main__":
    main()

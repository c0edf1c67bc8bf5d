"""Throughput of the full pipeline next to plain ``jieba.lcut``, on one core.

    python benchmarks/throughput.py              # corpora of 5 MB and 20 MB
    python benchmarks/throughput.py --mb 20      # one size
    python benchmarks/throughput.py --sizes 2,8 --profile 0.5

1. Builds a corpus of N MB (UTF-8) of report files from ``corpus/gold`` and ``corpus/seeds``:
   every copy gets other place names (the 2-character core before 市/县/区/镇, drawn from the
   gazetteer) and other numbers (each digit run replaced by random digits), so nothing is
   trivially cached.  Seeded: the same N gives the same corpus.
2. Runs each measurement in its own subprocess, pinned to one CPU (the least busy one) where
   the OS allows, so peak RSS (psutil, sampled every 20 ms, and ``ru_maxrss``) belongs to
   that measurement alone:
   - ``jieba``: read every file, ``jieba.lcut(text)`` (jieba's defaults);
   - ``tokenizer``: normalise + the pipeline's tokenizer (``nlp.make_doc``);
   - ``pipeline``: ``run_batch`` single process over the folder, writing JSONL (reading,
     every component, duplicates, records, flush + periodic fsync: everything a user runs).
   Load time (dictionaries, models) is excluded from chars/s and reported apart.
3. Prints chars/s for each, the ratio pipeline / jieba, and the peak RSS per size, so growth
   of time and memory with corpus size shows.
4. ``--profile MB``: cProfile of the pipeline on an MB-sized sample, reported as seconds per
   component (``nlp.pipeline`` stages, tokenizer, normalise, record, dedupe fingerprint + lookup) and the top functions by
   own time with their files.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

_DIGITS = re.compile(r"[0-9]+|[０-９]+")
_PLACE = re.compile(r"([\u4e00-\u9fff]{2})(?=[市县区镇])")


# --------------------------------------------------------------------------- corpus
def _templates() -> list[tuple[str, str]]:
    from pipeline.readers import iter_inputs, read_file

    out = []
    for p in iter_inputs([ROOT / "corpus" / "gold", ROOT / "corpus" / "seeds"]):
        out.append((p.stem, read_file(p)))
    return out


def _place_cores() -> list[str]:
    from pipeline.gazetteer import load_gazetteer

    cores = sorted({n[:2] for n, _ in load_gazetteer().segmentation_words()
                    if len(n) == 3 and n[2] in "市县区"})
    return cores or ["贵阳", "成都", "郑州", "昆明", "南宁", "兰州"]


def _vary(text: str, rng: random.Random, cores: list[str]) -> str:
    mapping: dict[str, str] = {}

    def place(m):
        core = m.group(1)
        if core not in mapping:
            mapping[core] = rng.choice(cores)
        return mapping[core]

    def digits(m):
        s = m.group(0)
        full = "０" <= s[0] <= "９"
        new = "".join(str(rng.randint(1 if i == 0 else 0, 9)) for i in range(len(s)))
        return new.translate(str.maketrans("0123456789", "０１２３４５６７８９")) if full else new

    return _DIGITS.sub(digits, _PLACE.sub(place, text))


def build_corpus(folder: Path, mb: float, seed: int = 7) -> tuple[int, int, int]:
    """Write report files into ``folder`` until they hold ``mb`` MB; (files, bytes, chars)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    temps, cores = _templates(), _place_cores()
    target, size, chars, i = int(mb * 1_000_000), 0, 0, 0
    while size < target:
        stem, text = temps[i % len(temps)]
        text = _vary(text, rng, cores)
        data = text.encode("utf-8")
        (folder / f"{i:06d}-{stem}.txt").write_bytes(data)
        size += len(data)
        chars += len(text)
        i += 1
    return i, size, chars


# --------------------------------------------------------------------------- measurements
class _PeakRSS:
    def __init__(self):
        import psutil

        self.proc, self.peak, self._stop = psutil.Process(), 0, threading.Event()
        self.t = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            self._stop.wait(0.02)

    def __enter__(self):
        self.t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self.t.join()
        self.peak = max(self.peak, self.proc.memory_info().rss)


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.txt"))


def measure(kind: str, folder: Path) -> dict:
    """One measurement, in this process (called in a fresh subprocess)."""
    import resource

    try:  # one CPU: the least busy of those allowed (others' work on a shared machine skews less)
        import psutil

        allowed = sorted(os.sched_getaffinity(0))
        busy = psutil.cpu_percent(interval=0.5, percpu=True)
        os.sched_setaffinity(0, {min(allowed, key=lambda c: busy[c] if c < len(busy) else 100.0)})
    except (AttributeError, OSError, ImportError):
        pass
    files = _files(folder)
    t0 = time.perf_counter()
    if kind == "jieba":
        import jieba

        jieba.setLogLevel(60)
        jieba.initialize()
    else:
        from pipeline import batch
        from pipeline.api import make_doc

        nlp = batch._worker_nlp()
    load = time.perf_counter() - t0
    chars = 0
    with _PeakRSS() as rss:
        t0 = time.perf_counter()
        if kind == "jieba":
            for f in files:
                text = f.read_text(encoding="utf-8")
                chars += len(text)
                jieba.lcut(text)
        elif kind == "tokenizer":
            for f in files:
                text = f.read_text(encoding="utf-8")
                chars += len(text)
                make_doc(nlp, text, str(f))
        else:
            chars = sum(len(f.read_text(encoding="utf-8")) for f in files)
            t0 = time.perf_counter()
            with tempfile.TemporaryDirectory() as tmp:
                res = batch.run_batch([folder], Path(tmp) / "out.jsonl", resume=False)
            if res.failures:
                raise SystemExit(f"{len(res.failures)} failures, e.g. {res.failures[0]}")
        seconds = time.perf_counter() - t0
    return {"kind": kind, "files": len(files), "chars": chars, "seconds": seconds,
            "chars_per_s": chars / seconds, "load_s": load, "peak_rss_mb": rss.peak / 2**20,
            "ru_maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _in_subprocess(kind: str, folder: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--measure", kind, "--folder", str(folder)],
                         capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(f"{kind} measurement failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- profile
def profile(mb: float) -> None:
    import cProfile
    import pstats

    from pipeline import api
    from pipeline.dedupe import NearDuplicateIndex, doc_body
    from pipeline.normalise import normalise
    from pipeline.record import doc_to_record

    with tempfile.TemporaryDirectory() as tmp:
        build_corpus(Path(tmp), mb, seed=11)
        texts = [f.read_text(encoding="utf-8") for f in _files(Path(tmp))]
    nlp = api.load()
    chars = sum(map(len, texts))
    dedupe, index = NearDuplicateIndex(), NearDuplicateIndex()
    stage = {"normalise": 0.0, "tokenizer": 0.0, "record": 0.0, "dedupe": 0.0}
    stage.update({name: 0.0 for name, _ in nlp.pipeline})
    prof = cProfile.Profile()
    for text in texts:
        t = time.perf_counter()
        view = normalise(text)
        stage["normalise"] += time.perf_counter() - t
        t = time.perf_counter()
        prof.enable()
        doc = api.make_doc(nlp, text, "x")  # normalises again inside: subtracted below
        prof.disable()
        stage["tokenizer"] += time.perf_counter() - t
        for name, proc in nlp.pipeline:
            t = time.perf_counter()
            prof.enable()
            doc = proc(doc)
            prof.disable()
            stage[name] += time.perf_counter() - t
        t = time.perf_counter()
        doc_to_record(doc)
        stage["record"] += time.perf_counter() - t
        t = time.perf_counter()
        prof.enable()
        index.add(str(id(text)), dedupe.fingerprint(doc_body(doc)))  # as run_batch does
        prof.disable()
        stage["dedupe"] += time.perf_counter() - t
        del view
    stage["tokenizer"] = max(0.0, stage["tokenizer"] - stage["normalise"])
    total = sum(stage.values())
    print(f"\nprofile on {chars:,} chars ({mb} MB), {total:.1f} s in all (wall, without cProfile overhead "
          f"for normalise/record):")
    for name, s in sorted(stage.items(), key=lambda x: -x[1]):
        print(f"  {name:12s} {s:8.2f} s  {100 * s / total:5.1f}%  {chars / s if s else float('inf'):>12,.0f} chars/s")
    stats = pstats.Stats(prof)
    rows = []
    for (file, line, func), (cc, nc, tt, ct, callers) in stats.stats.items():
        rows.append((tt, ct, nc, f"{os.path.relpath(file, ROOT) if file.startswith(str(ROOT)) else file}:{line}({func})"))
    print("\n  top functions by own time (profiled stages):")
    for tt, ct, nc, where in sorted(rows, reverse=True)[:25]:
        print(f"  {tt:8.2f} s own {ct:8.2f} s cum {nc:>10,} calls  {where}")


# --------------------------------------------------------------------------- main
def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, help="one corpus size in MB (default: --sizes)")
    ap.add_argument("--sizes", default="5,20", help="comma-separated corpus sizes in MB")
    ap.add_argument("--only", default="jieba,tokenizer,pipeline", help="measurements to run")
    ap.add_argument("--profile", type=float, default=0, help="also cProfile the pipeline on this many MB")
    ap.add_argument("--measure", help=argparse.SUPPRESS)
    ap.add_argument("--folder", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, Path(args.folder))))
        return
    sizes = [args.mb] if args.mb else [float(s) for s in args.sizes.split(",")]
    kinds = args.only.split(",")
    results = []
    for mb in sizes:
        with tempfile.TemporaryDirectory(prefix="zhpolicy-bench-") as tmp:
            n, size, chars = build_corpus(Path(tmp), mb)
            print(f"corpus {mb:g} MB: {n} files, {size:,} bytes, {chars:,} chars", flush=True)
            row = {"mb": mb, "files": n, "chars": chars}
            for kind in kinds:
                r = _in_subprocess(kind, Path(tmp))
                row[kind] = r
                print(f"  {kind:10s} {r['chars_per_s']:>12,.0f} chars/s  {r['seconds']:8.1f} s  "
                      f"load {r['load_s']:5.1f} s  peak RSS {r['peak_rss_mb']:7.1f} MB", flush=True)
            if "jieba" in row and "pipeline" in row:
                ratio = row["ratio"] = row['pipeline']['chars_per_s'] / row['jieba']['chars_per_s']
                print(f"  RATIO pipeline / jieba.lcut = {ratio:.3f}x  "
                      f"(goal >= 1.0x on one core: {'met' if ratio >= 1.0 else 'NOT met'})")
            if "jieba" in row and "tokenizer" in row:
                print(f"  tokenizer / jieba.lcut = {row['tokenizer']['chars_per_s'] / row['jieba']['chars_per_s']:.2f}x")
            results.append(row)
    rated = [r for r in results if "ratio" in r]
    if rated:
        print("\nsummary (one core, load time excluded):")
        for r in rated:
            print(f"  {r['mb']:g} MB: pipeline {r['pipeline']['chars_per_s']:,.0f} chars/s, "
                  f"jieba.lcut {r['jieba']['chars_per_s']:,.0f} chars/s, ratio {r['ratio']:.3f}x, "
                  f"peak RSS pipeline {r['pipeline']['peak_rss_mb']:.0f} MB / jieba {r['jieba']['peak_rss_mb']:.0f} MB")
    if len(results) > 1:
        a, b = results[0], results[-1]
        print(f"\ngrowth {a['mb']:g} MB -> {b['mb']:g} MB (x{b['chars'] / a['chars']:.1f} chars):")
        for kind in kinds:
            print(f"  {kind:10s} time x{b[kind]['seconds'] / a[kind]['seconds']:.2f}, "
                  f"peak RSS {a[kind]['peak_rss_mb']:.0f} -> {b[kind]['peak_rss_mb']:.0f} MB")
    if args.profile:
        profile(args.profile)


if __name__ == "__main__":
    main()

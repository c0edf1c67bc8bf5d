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
4. ``--e2e``: the measurements of issue 14, each ratio against jieba measured in the same run
   (see :func:`e2e`): one report as a whole process, 1M characters as a whole process, the
   steady state, ``-j 2`` against ``-j 1``, peak RSS on 1 MB and on ``--rss-mb`` MB of input.
   Prints a table and, last, one JSON line (``--json FILE`` also writes it).
5. ``--profile MB``: cProfile of the pipeline on an MB-sized sample, reported as seconds per
   component (``nlp.pipeline`` stages, tokenizer, normalise, record, dedupe fingerprint + lookup) and the top functions by
   own time with their files.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
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


# --------------------------------------------------------------------------- issue 14: end to end
_CLI = "import sys; sys.argv[0] = 'zhpolicy'; from pipeline.cli import main; main()"
_JIEBA = ("import sys, jieba\nfor f in sys.argv[1:]:\n"
          "    jieba.lcut(open(f, encoding='utf-8').read())")


def _env() -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), TERM="dumb")
    env.pop("COLUMNS", None)
    return env


def _timed(cmd: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS MB of the process tree's largest child) of one whole process."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    out = subprocess.run(cmd, cwd=ROOT, env=_env(), capture_output=True, text=True, check=False)
    secs = time.perf_counter() - t0
    if out.returncode:
        raise SystemExit(f"{cmd[:4]} failed:\n{out.stderr[-3000:]}")
    return secs, max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024


def _run_cmd(inputs: list[str], out: Path, jobs: int = 1, scheduler: str | None = None) -> list[str]:
    cmd = [sys.executable, "-c", _CLI, "run", *inputs, "-o", str(out), "--no-resume", "-j", str(jobs)]
    return cmd + (["--scheduler", scheduler] if scheduler else [])


def _best(cmd: list[str], repeat: int) -> float:
    return min(_timed(cmd)[0] for _ in range(repeat))


def e2e(repeat: int = 3, chars_m: float = 1.0, rss_mb: float = 50.0) -> dict:
    """The figures of issue 14.  Whole-process times are the best of ``repeat`` runs (the
    machine is shared); a ratio is jieba's time / the pipeline's (>= 1: the pipeline is faster)."""
    res: dict = {}
    with tempfile.TemporaryDirectory(prefix="zhpolicy-e2e-") as tmp:
        tmp = Path(tmp)
        # 1. one report, whole process: ``zhpolicy run FILE`` vs ``python -c 'import jieba; jieba.lcut(text)'``
        one = ROOT / "corpus" / "gold" / "d01.txt"
        p = _best(_run_cmd([str(one)], tmp / "one.jsonl"), repeat)
        j = _best([sys.executable, "-c", _JIEBA, str(one)], repeat)
        res["one_report"] = {"chars": len(one.read_text(encoding="utf-8")), "pipeline_s": p, "jieba_s": j,
                             "ratio": j / p}
        # 2. 1M characters, whole process (-j 1: one process)
        folder = tmp / "m1"
        mb = chars_m * 1e6 / 367_089          # ~0.367M chars per MB of these reports
        n, size, chars = build_corpus(folder, mb)
        files = [str(f) for f in _files(folder)]
        p1 = _best(_run_cmd([str(folder)], tmp / "m1.jsonl"), repeat)
        j1 = _best([sys.executable, "-c", _JIEBA, *files], repeat)
        res["whole_1m"] = {"files": n, "chars": chars, "pipeline_s": p1, "jieba_s": j1, "ratio": j1 / p1}
        # 3. steady state (load excluded, one core) on the same files
        sp, sj = _in_subprocess("pipeline", folder), _in_subprocess("jieba", folder)
        res["steady"] = {"pipeline_chars_per_s": sp["chars_per_s"], "jieba_chars_per_s": sj["chars_per_s"],
                         "pipeline_load_s": sp["load_s"], "jieba_load_s": sj["load_s"],
                         "ratio": sp["chars_per_s"] / sj["chars_per_s"]}
        # 4. -j 2 against -j 1, whole process on the same files
        t1 = _best(_run_cmd([str(folder)], tmp / "j1.jsonl", 1), max(1, repeat - 1))
        t2 = _best(_run_cmd([str(folder)], tmp / "j2.jsonl", 2), max(1, repeat - 1))
        same = (tmp / "j1.jsonl").read_bytes() == (tmp / "j2.jsonl").read_bytes()
        res["jobs"] = {"cpus": len(os.sched_getaffinity(0)), "j1_s": t1, "j2_s": t2, "speedup": t1 / t2,
                       "identical_output": same}
        # 5. peak RSS (one process, streaming) on 1 MB and rss_mb MB
        rss = {}
        for size_mb in (1.0, rss_mb):
            f = tmp / f"rss{size_mb:g}"
            build_corpus(f, size_mb)
            r = _in_subprocess("pipeline", f)
            rss[f"{size_mb:g}MB"] = {"chars": r["chars"], "peak_rss_mb": r["peak_rss_mb"],
                                     "chars_per_s": r["chars_per_s"]}
            shutil.rmtree(f)
        res["rss"] = rss
    return res


def print_e2e(res: dict) -> None:
    o, w, s, j = res["one_report"], res["whole_1m"], res["steady"], res["jobs"]
    rows = [
        ("one report, whole process", f"{o['pipeline_s']:.2f} s", f"{o['jieba_s']:.2f} s", o["ratio"], ">= 0.67 (goal 1.0)"),
        (f"{w['chars']/1e6:.2f}M chars, whole process", f"{w['pipeline_s']:.1f} s", f"{w['jieba_s']:.1f} s", w["ratio"], ">= 1.0"),
        ("steady state, chars/s", f"{s['pipeline_chars_per_s']:,.0f}", f"{s['jieba_chars_per_s']:,.0f}", s["ratio"], ">= 2.0"),
    ]
    print(f"\n| measurement | pipeline | jieba | ratio (jieba time / pipeline time) | goal |")
    print("|---|---|---|---|---|")
    for name, a, b, r, goal in rows:
        print(f"| {name} | {a} | {b} | {r:.2f}x | {goal} |")
    print(f"| `-j 2` vs `-j 1` ({j['cpus']} CPUs) | {j['j2_s']:.1f} s | {j['j1_s']:.1f} s (-j 1) | "
          f"{j['speedup']:.2f}x | >= 1.8 |")
    for k, v in res["rss"].items():
        print(f"| peak RSS, {k} input | {v['peak_rss_mb']:.0f} MB | | | <= 500 MB, flat |")
    print(f"\nstart-up: pipeline load {s['pipeline_load_s']:.2f} s, jieba initialise {s['jieba_load_s']:.2f} s; "
          f"-j 2 output identical to -j 1: {j['identical_output']}")


# --------------------------------------------------------------------------- main
def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mb", type=float, help="one corpus size in MB (default: --sizes)")
    ap.add_argument("--sizes", default="5,20", help="comma-separated corpus sizes in MB")
    ap.add_argument("--only", default="jieba,tokenizer,pipeline", help="measurements to run")
    ap.add_argument("--profile", type=float, default=0, help="also cProfile the pipeline on this many MB")
    ap.add_argument("--e2e", action="store_true", help="the end-to-end figures of issue 14 (table + JSON)")
    ap.add_argument("--repeat", type=int, default=3, help="--e2e: whole-process runs, best kept")
    ap.add_argument("--rss-mb", type=float, default=50.0, help="--e2e: the large input for peak RSS")
    ap.add_argument("--json", help="--e2e: also write the JSON here")
    ap.add_argument("--measure", help=argparse.SUPPRESS)
    ap.add_argument("--folder", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure, Path(args.folder))))
        return
    if args.e2e:
        res = e2e(args.repeat, rss_mb=args.rss_mb)
        print_e2e(res)
        line = json.dumps(res)
        if args.json:
            Path(args.json).write_text(line + "\n", encoding="utf-8")
        print(line)
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

"""Batch processing of many files, streaming, parallel and resumable.

``run_batch`` reads every input (files and folders, recursive), runs the pipeline and writes
one record per document as it goes (``pipeline.writers.BatchWriter``); no list of records is
ever held, so memory does not grow with the corpus.

- Where the work runs: in this process (``jobs=1``), in ``jobs`` worker processes on this
  machine, or on a Dask distributed cluster (``scheduler="tcp://host:8786"``, or ``"local"``
  for an in-process LocalCluster of ``jobs`` small single-threaded workers).  A worker reads
  the file and loads the pipeline once (per process, or per thread of a threaded worker),
  and frees the vocab's per-document strings every ``ZONE_DOCS`` documents (spaCy memory
  zones), so a worker's memory does not grow with the corpus either.
- Order: results are consumed in input order through a bounded window of tasks in flight, so
  the output is the same whatever the parallelism, and memory is bounded by the window.
- Resume: a document already in OUT (same content SHA-1, read from the same path) is skipped; a crashed run
  loses nothing already written (see ``pipeline.writers``).
- Cross-file near-duplicates (``pipeline.dedupe.NearDuplicateIndex``): each worker computes
  its document's fingerprint (body from the chrome stage's regions -> MinHash); the lookup is
  done here, in input order, in this process: a record's ``duplicate_of`` is the doc_id of the earliest
  earlier file holding the same report.  Documents skipped on resume are still indexed, so a
  resumed run gives the same ``duplicate_of`` as an uninterrupted one.
- doc_ids are unique within OUT: a file whose id (name stem + content hash) is taken by an
  earlier file (the same report under the same name in another folder) gets ``-2``, ``-3``...
  appended, in input order, with its task ids renamed along.
- Failures: one line per bad file through ``on_error`` (file and problem); the batch goes on.
  Warnings (a file read with damaged bytes replaced) go through ``on_warning``, one line per
  file; the record is still written.
- Long documents are processed in pieces of ``piece_chars`` characters (``pipeline.pieces``),
  so a worker's memory is bounded whatever a document's length.
- Outputs: see ``pipeline.writers`` (``out="-"``: JSONL on standard output) and
  ``pipeline.outfiles``: OUT is locked for one run at a time, and every problem writing it is an
  ``OutputError`` (one line); the batch stops there.
- Stopping: ``KeyboardInterrupt`` or ``pipeline.procs.Interrupted`` (a signal, under
  ``stop_on_signals``) terminates the worker processes, closes the outputs (every record
  written so far stays, the next run resumes after it) and propagates.  Workers die with the
  parent process however it ends (``pipeline.procs.die_with_parent``).  A worker that dies
  (killed, out of memory) stops the batch with a failure naming the file it was working on.
"""
from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .readers import ReadError, iter_inputs, read_file


@dataclass
class BatchResult:
    records: int = 0
    tasks: int = 0
    entities: int = 0
    targets: int = 0
    failures: list[str] = field(default_factory=list)
    skipped: int = 0
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- worker side
_LOCAL = threading.local()
_WORKER_DONE: frozenset = frozenset()
_WORKER_PIECES: int | None = None


def _worker_nlp():
    """The pipeline of this process/thread, loaded on first use."""
    nlp = getattr(_LOCAL, "nlp", None)
    if nlp is None:
        from .api import load

        nlp = _LOCAL.nlp = load()
    return nlp


ZONE_DOCS = 64  # documents per spaCy memory zone


def _process_zoned(nlp, text: str, source: str) -> tuple[dict, tuple | None]:
    """(record, dedupe fingerprint) of one text, inside a spaCy memory zone renewed every
    ``ZONE_DOCS`` documents, so the strings and lexemes of one batch's words (numbers, names)
    are freed instead of growing the vocab for the whole corpus.  Records are plain dicts,
    never Doc objects."""
    from contextlib import ExitStack

    from .pieces import spans

    if not hasattr(nlp, "memory_zone"):
        return _record_and_fingerprint(nlp, text, source)
    zone = getattr(_LOCAL, "zone", None)
    if len(spans(text, _piece_chars())) > 1:
        # a long document: each piece gets a memory zone of its own (pipeline.pieces)
        if zone is not None:
            zone[1].close()
            _LOCAL.zone = None
        return _record_and_fingerprint(nlp, text, source)
    if zone is None or zone[0] is not nlp:
        if zone is not None:
            zone[1].close()
        stack = ExitStack()
        stack.enter_context(nlp.memory_zone())
        zone = _LOCAL.zone = [nlp, stack, 0]
    try:
        return _record_and_fingerprint(nlp, text, source)
    finally:
        zone[2] += 1
        if zone[2] >= ZONE_DOCS:
            zone[1].close()
            _LOCAL.zone = None


def _dedupe_index():
    """This process's NearDuplicateIndex, used only for its (pure) ``fingerprint``: the
    costly part of duplicate detection runs in the worker, the main process only looks up."""
    index = getattr(_LOCAL, "dedupe", None)
    if index is None:
        from .dedupe import NearDuplicateIndex

        index = _LOCAL.dedupe = NearDuplicateIndex()
    return index


def _piece_chars() -> int | None:
    return getattr(_LOCAL, "piece_chars", None) or _WORKER_PIECES


def _record_and_fingerprint(nlp, text: str, source: str) -> tuple[dict, tuple | None]:
    from .dedupe import doc_body
    from .pieces import record_of_text

    index = _dedupe_index()
    fp = index.fingerprinter()

    def body(doc):
        # the chrome stage's regions are already in the doc: no second chrome pass for dedupe
        fp.add(doc_body(doc) if "chrome" in nlp.pipe_names else index.body(doc._.view.source))

    rec = record_of_text(nlp, text, source, piece_chars=_piece_chars(), on_doc=body)
    return rec, fp.result()


def _skipped_fingerprint(text: str):
    """The fingerprint of a document skipped on resume, piece by piece as it was processed."""
    from .pieces import iter_pieces

    index = _dedupe_index()
    fp = index.fingerprinter()
    for piece in iter_pieces(text, _piece_chars()):
        fp.add(index.body(piece))
    return fp.result()


def _init_pool_worker(done: frozenset, parent_pid: int | None = None,
                      piece_chars: int | None = None) -> None:
    from .outfiles import close_inherited_locks
    from .procs import die_with_parent

    global _WORKER_DONE, _WORKER_PIECES
    if parent_pid is not None:
        die_with_parent(parent_pid)
    close_inherited_locks()
    _WORKER_DONE, _WORKER_PIECES = done, piece_chars
    _worker_nlp()


def process_one(path: str, done: frozenset | None = None, nlp=None) -> dict:
    """Read and process one file.  Returns ``{"status": "ok", "record", "hash", "fp"}``,
    ``{"status": "skip", "key", "hash", "fp"}`` (already done) or
    ``{"status": "error", "message"}``; ``fp`` is the document's dedupe fingerprint
    (``NearDuplicateIndex.fingerprint``) for the main process to ``add``."""
    from .record import content_hash
    from .writers import done_key

    done = _WORKER_DONE if done is None else done
    warnings: list[str] = []
    try:
        text = read_file(path, warnings=warnings)
    except ReadError as err:
        return {"status": "error", "message": str(err)}
    except Exception as err:  # a reader bug on one file must not sink the batch
        return {"status": "error", "message": f"{path}: cannot read: {type(err).__name__}: {err}"}
    chash = content_hash(text)
    key = done_key(chash, str(path))
    if key in done:
        return {"status": "skip", "key": key, "hash": chash, "fp": _skipped_fingerprint(text)}
    try:
        rec, fp = _process_zoned(nlp or _worker_nlp(), text, str(path))
    except Exception as err:  # a bug on one document must not sink the batch
        return {"status": "error", "message": f"{path}: pipeline failed: {type(err).__name__}: {err}"}
    return {"status": "ok", "record": rec, "hash": chash, "fp": fp, "warnings": warnings}


def process_paths(paths: Iterable[Path | str], nlp=None,
                  on_error: Callable[[str], None] | None = None) -> Iterator[dict]:
    """Records for every readable input, in this process (no output file, no dedupe)."""
    from .api import load

    nlp = nlp or load()
    for path in iter_inputs(list(paths)):
        res = process_one(str(path), frozenset(), nlp)
        if res["status"] == "ok":
            yield res["record"]
        elif on_error:
            on_error(res["message"])


# --------------------------------------------------------------------------- executors
class _Ordered:
    """Results of ``submit(item)`` futures in input order, at most ``window`` in flight.
    The first window is submitted on construction (so workers start before any progress
    bar thread does)."""

    def __init__(self, submit, items: Iterable, window: int, on_close=None):
        self.submit, self.items, self.on_close = submit, iter(items), on_close
        self.pending: deque = deque()
        for item in self.items:
            self.pending.append(submit(item))
            if len(self.pending) >= window:
                break

    def __iter__(self):
        return self

    def __next__(self):
        if not self.pending:
            self.close()
            raise StopIteration
        fut = self.pending.popleft()
        for item in self.items:
            self.pending.append(self.submit(item))
            break
        return fut.result()

    def close(self, abort: bool = False) -> None:
        """Cancel what is pending and release the executor; ``abort``: stop the workers now
        (a signal, a fatal error) instead of letting running tasks finish."""
        if abort and self.on_close is not None:
            # the workers first: the pool fails its own futures when they die (cancelling
            # them before makes Python 3.11's executor thread raise InvalidStateError)
            on_close, self.on_close = self.on_close, None
            on_close(abort)
        for fut in self.pending:
            try:
                fut.cancel()
            except Exception:   # a Dask future whose client is already closed
                pass
        self.pending.clear()
        if self.on_close is not None:
            on_close, self.on_close = self.on_close, None
            on_close(abort)


def _ordered(submit, items: Iterable, window: int) -> _Ordered:
    return _Ordered(submit, items, window)


class _Local:
    """Results in this process, one file after the other."""

    def __init__(self, paths: list[str], done: frozenset, piece_chars: int | None):
        self.paths, self.done, self.piece_chars = iter(paths), done, piece_chars
        self.nlp = _worker_nlp()

    def __iter__(self):
        return self

    def __next__(self) -> dict:
        _LOCAL.piece_chars = self.piece_chars
        return process_one(next(self.paths), self.done, self.nlp)

    def close(self, abort: bool = False) -> None:
        _LOCAL.piece_chars = None


def _results_local(paths: list[str], done: frozenset, piece_chars: int | None = None) -> _Local:
    return _Local(paths, done, piece_chars)


def _results_pool(paths: list[str], done: frozenset, jobs: int,
                  piece_chars: int | None = None) -> _Ordered:
    import multiprocessing as mp
    import os
    from concurrent.futures import ProcessPoolExecutor

    # fork shares the imported modules (seconds per worker) and is taken where it exists;
    # every worker still loads its own pipeline once, in the initializer
    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    ex = ProcessPoolExecutor(max_workers=jobs, mp_context=mp.get_context(method),
                             initializer=_init_pool_worker,
                             initargs=(done, os.getpid(), piece_chars))

    def close(abort: bool) -> None:
        if abort:
            # the executor has no public way to stop running tasks: end its processes
            procs = list((getattr(ex, "_processes", None) or {}).values())
            for proc in procs:
                try:
                    proc.terminate()
                except Exception:
                    pass
            for proc in procs:
                proc.join(5)
                if proc.is_alive():
                    proc.kill()
                    proc.join(5)
            manager = getattr(ex, "_executor_manager_thread", None)
            if manager is not None:
                manager.join(10)        # it marks the pool broken and fails every future
            ex.shutdown(wait=True)
            return
        ex.shutdown(wait=True, cancel_futures=True)

    return _Ordered(lambda p: ex.submit(process_one, p), paths, window=4 * jobs, on_close=close)


def _results_dask(paths: list[str], done: frozenset, jobs: int, scheduler: str) -> _Ordered:
    from distributed import Client, LocalCluster

    cluster = None
    if scheduler == "local":
        cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=jobs > 1,
                               dashboard_address=None, memory_limit="2GiB")
        client = Client(cluster)
    else:
        client = Client(scheduler)

    def close(abort: bool = False):
        client.close()
        if cluster is not None:
            cluster.close()

    try:
        done_f = client.scatter([done], broadcast=True)[0] if done else frozenset()
        n_workers = max(1, len(client.scheduler_info().get("workers", {})) or jobs)
        # pure=False: every path is submitted once; results are taken in submission order
        return _Ordered(lambda p: client.submit(process_one, p, done_f, pure=False),
                        paths, window=4 * n_workers, on_close=close)
    except BaseException:
        close()
        raise


# --------------------------------------------------------------------------- the batch
def _unique_id(rec: dict, used: set[str]) -> dict:
    """Give ``rec`` a doc_id not in ``used`` (suffix -2, -3, ...; task ids follow); add it."""
    base = rec["doc_id"]
    new, k = base, 2
    while new in used:
        new, k = f"{base}-{k}", k + 1
    used.add(new)
    if new != base:
        rename = {}
        for t in rec["tasks"]:
            if str(t["id"]).startswith(base):
                rename[t["id"]] = new + t["id"][len(base):]
                t["id"] = rename[t["id"]]
        for t in rec["targets"]:
            t["task_id"] = rename.get(t["task_id"], t["task_id"])
        rec["doc_id"] = new
    return rec


def run_batch(paths, out, fmt="jsonl", jobs=1, scheduler=None, resume=True, on_error=None,
              progress=False, on_warning=None, piece_chars: int | None = None) -> BatchResult:
    """Process ``paths`` and write the records to ``out`` (see the module docstring)."""
    from concurrent.futures.process import BrokenProcessPool

    from .dedupe import NearDuplicateIndex
    from .writers import open_writer

    result = BatchResult()

    def err(msg):
        result.failures.append(msg)
        if on_error:
            on_error(msg)

    files = [str(p) for p in iter_inputs(list(paths))]
    writer = open_writer(out, fmt, resume=resume)
    ok = False
    results = bar = None
    try:
        done_ids = writer.done
        done = frozenset(done_ids)
        used_ids = set(done_ids.values())
        if scheduler:
            results = _results_dask(files, done, jobs, scheduler)
        elif jobs > 1:
            results = _results_pool(files, done, jobs, piece_chars)
        else:
            results = _results_local(files, done, piece_chars)
        dedupe = NearDuplicateIndex()

        if progress:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                       TimeElapsedColumn, TimeRemainingColumn)

            # on stderr (its tty is what turned it on): stdout may carry the records (-o -)
            bar = Progress(TextColumn("[bold]zhpolicy run"), BarColumn(), MofNCompleteColumn(),
                           TimeElapsedColumn(), TimeRemainingColumn(), TextColumn("{task.description}"),
                           transient=False, console=Console(stderr=True))
            bar.start()
            task = bar.add_task("", total=len(files))
        it = iter(results)
        for path in files:
            try:
                res = next(it)
            except BrokenProcessPool:
                err(f"{path}: a worker process died (killed, or out of memory) while this "
                    f"file or one beside it was processed; the run stopped, run it again to resume")
                break
            except StopIteration:
                break
            status = res["status"]
            for w in res.get("warnings") or ():
                result.warnings.append(w)
                if on_warning:
                    on_warning(w)
            if status == "error":
                err(res["message"])
            elif status == "skip":
                result.skipped += 1
                dedupe.add(done_ids[res["key"]], res["fp"])
            else:
                rec = _unique_id(res["record"], used_ids)
                rec["duplicate_of"] = dedupe.add(rec["doc_id"], res["fp"])
                writer.write(rec, res["hash"])
                result.records += 1
                result.tasks += len(rec["tasks"])
                result.entities += len(rec["entities"])
                result.targets += len(rec["targets"])
            if bar is not None:
                bar.update(task, advance=1, description=Path(path).name[:40])
        ok = True
    finally:
        try:
            if results is not None:
                results.close(abort=not ok)
        finally:
            if bar is not None:
                bar.stop()
            if ok:
                writer.close(finalise=True)
            else:
                try:                     # keep the first error, not one from closing
                    writer.close(finalise=False)
                except Exception:
                    pass
    return result

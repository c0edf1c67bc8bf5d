"""Output writers for batches: JSONL, CSV and Parquet, streaming and crash-safe.

JSONL (``zhpolicy run -f jsonl -o OUT.jsonl``)
    One ANNOTATION.md section 5 record per line, in input order.  Each line is appended whole
    and flushed to the OS before the next document, so a killed run loses nothing already
    written; the files are fsynced at most every ``SYNC_SECONDS`` (and on close), so a power
    cut or OS crash loses at most that much (an fsync per document cost ~10 ms each, a tenth
    of a run's time on short reports).  A side index ``OUT.jsonl.done`` (one JSON line
    ``{"sha1", "doc_id", "source"}`` per record, written after it, so any file name survives
    it) lets a re-run skip documents already done (same text at the same path; a copy of a
    text at another path is its own document) without parsing the output;
    on resume a torn last line (no final newline) is cut off, and records present in the
    output but missing from the index (a crash between the two writes) are read back.  An
    index of the tab-separated format before is read and rewritten as JSON lines (rebuilt from
    the records when a line of it is malformed, as a name with a tab or newline made it).
    ``OUT`` ``-`` is standard output (``StdoutWriter``: no index, no resume).

Every output is a regular file, locked for one writer (``OUT.lock``), and every problem with it
is a one-line ``OutputError``: see ``pipeline.outfiles``.

CSV (``-f csv -o OUT``) and Parquet (``-f parquet -o OUT``): a FOLDER of four tables
    ``documents``, ``entities``, ``targets``, ``tasks`` (``OUT/documents.csv`` or
    ``OUT/documents.parquet``, ...), joined on ``doc_id``.  While the batch runs, records go
    to a journal ``OUT/_journal.jsonl`` (+ ``OUT/_journal.jsonl.done``) exactly as JSONL
    does; when the batch ends the tables are streamed from the journal into temporary files
    and moved into place with ``os.replace`` (each table appears complete or not at all).
    The journal stays (pyarrow and pandas ignore names starting with ``_``), so a re-run with
    the same OUT skips what is done and rebuilds the tables.

Tables (stable schema, ``SCHEMAS``; CSV has the same columns, UTF-8 with a header row, lists and
maps as JSON text, missing values as empty cells):

``documents``  doc_id string, source string, content_sha1 string, title string,
               publisher string, date string (ISO), duplicate_of string, n_chars int64,
               text string, ignored list<struct<start int64, end int64, reason string>>
``entities``   doc_id string, start int64, end int64, label string, text string,
               kb_id string, canonical string
``targets``    doc_id string, start int64, end int64, text string, value double,
               value_high double, unit string, approx bool, comparator string, kind string,
               indicator string, task_id string
``tasks``      doc_id string, id string, start int64, end int64, title string, part string,
               primary_theme string, themes list<string>, scores map<string, double>

Offsets are code-point offsets into ``documents.text`` (the file's text as decoded).
"""
from __future__ import annotations

import csv
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Iterable, Iterator

from .outfiles import (OutputError, OutputLock, append_json_line, check_target, ensure_folder,
                       json_chunks, open_regular, os_error, replace_file, truncate)
from .record import content_hash

SCHEMA_VERSION = 1
SYNC_SECONDS = 1.0  # JSONL journal: fsync at most this often (records are flushed each)

# (column, type) of each table; the pyarrow schemas (``SCHEMAS``) are built from these on first
# use, so a JSONL run never imports pyarrow
_COLUMNS: dict[str, list[tuple[str, str]]] = {
    "documents": [
        ("doc_id", "s"), ("source", "s"), ("content_sha1", "s"), ("title", "s"), ("publisher", "s"),
        ("date", "s"), ("duplicate_of", "s"), ("n_chars", "i"), ("text", "s"), ("ignored", "ignored")],
    "entities": [
        ("doc_id", "s"), ("start", "i"), ("end", "i"), ("label", "s"), ("text", "s"), ("kb_id", "s"),
        ("canonical", "s")],
    "targets": [
        ("doc_id", "s"), ("start", "i"), ("end", "i"), ("text", "s"), ("value", "f"),
        ("value_high", "f"), ("unit", "s"), ("approx", "b"), ("comparator", "s"), ("kind", "s"),
        ("indicator", "s"), ("task_id", "s")],
    "tasks": [
        ("doc_id", "s"), ("id", "s"), ("start", "i"), ("end", "i"), ("title", "s"), ("part", "s"),
        ("primary_theme", "s"), ("themes", "list_s"), ("scores", "map_sf")],
}
TABLES = tuple(_COLUMNS)
COLUMNS: dict[str, list[str]] = {t: [c for c, _ in cols] for t, cols in _COLUMNS.items()}
_SCHEMAS: dict | None = None


def schemas() -> dict:
    """The pyarrow schema of each table (pyarrow imported on first call)."""
    global _SCHEMAS
    if _SCHEMAS is None:
        import pyarrow as pa

        S, I, F, B = pa.string(), pa.int64(), pa.float64(), pa.bool_()
        types = {"s": S, "i": I, "f": F, "b": B, "list_s": pa.list_(S), "map_sf": pa.map_(S, F),
                 "ignored": pa.list_(pa.struct([("start", I), ("end", I), ("reason", S)]))}
        _SCHEMAS = {t: pa.schema([(c, types[k]) for c, k in cols]).with_metadata(
            {"zhpolicy.table": t, "zhpolicy.schema_version": str(SCHEMA_VERSION)}) for t, cols in _COLUMNS.items()}
    return _SCHEMAS


def __getattr__(name: str):
    if name == "SCHEMAS":
        return schemas()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --------------------------------------------------------------------------- atomic files
def atomic_write_text(path: Path | str, content: str) -> None:
    """``content`` as the whole of ``path``, through a temporary file and ``os.replace``
    (``pipeline.outfiles.replace_file``)."""
    replace_file(path, lambda fh: fh.write(content))


def write_jsonl(path: Path | str, records: Iterable[dict]) -> int:
    """All ``records`` to ``path`` at once, atomically (a small helper; batches stream)."""
    n = 0

    def write(fh):
        nonlocal n
        for r in records:
            for data in json_chunks(r):
                fh.write(data)
            n += 1

    replace_file(path, write, binary=True)
    return n


def read_jsonl(path: Path | str) -> Iterator[dict]:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def _drop_torn_tail(path: Path) -> None:
    """Cut a last line that has no newline (a write torn by a crash)."""
    if not path.exists():
        return
    fd = open_regular(path, os.O_RDWR)
    with os.fdopen(fd, "rb+") as fh:
        size = os.fstat(fd).st_size
        if size == 0:
            return
        fh.seek(size - 1)
        if fh.read(1) == b"\n":
            return
        # find the last newline, reading backwards in blocks
        pos, block = size, 1 << 16
        keep = 0
        while pos > 0:
            start = max(0, pos - block)
            fh.seek(start)
            chunk = fh.read(pos - start)
            i = chunk.rfind(b"\n")
            if i >= 0:
                keep = start + i + 1
                break
            pos = start
        try:
            fh.truncate(keep)
            fh.flush()
            os.fsync(fh.fileno())
        except OSError as err:
            raise os_error(path, err) from None


def _count_lines(path: Path) -> int:
    n = 0
    with os.fdopen(open_regular(path, os.O_RDONLY), "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            n += block.count(b"\n")
    return n


# --------------------------------------------------------------------------- the journal
def done_key(chash: str, source: str) -> tuple[str, str]:
    """What identifies a document already done: its text's SHA-1 and where it was read."""
    return chash, os.path.abspath(source)


_SHA1 = re.compile(r"[0-9a-f]{40}")


def _read_index(path: Path) -> list[tuple[str, str, str]] | None:
    """The entries of a ``.done`` index: JSON lines ``{"sha1", "doc_id", "source"}``, or the
    tab-separated lines of indexes before schema 2 (read once, then rewritten as JSON).  None
    when a line is not a well-formed entry (an old index cannot be trusted once a file name
    held a tab or a newline): the index is then rebuilt from the records."""
    entries = []
    if not path.exists():
        return entries
    with os.fdopen(open_regular(path, os.O_RDONLY), "r", encoding="utf-8",
                   errors="surrogateescape") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if not line:
                continue
            if line.startswith("{"):
                try:
                    e = json.loads(line)
                    entries.append((e["sha1"], e["doc_id"], e["source"]))
                except (ValueError, KeyError, TypeError):
                    return None
                continue
            fields = line.split("\t")
            if len(fields) != 3 or not _SHA1.fullmatch(fields[0]):
                return None
            entries.append(tuple(fields))
    return entries


def _index_entry(chash: str, doc_id: str, source: str) -> dict:
    return {"sha1": chash, "doc_id": doc_id, "source": source}


class JsonlJournal:
    """Append-only JSONL with a ``.done`` side index of content hashes (see module doc)."""

    def __init__(self, path: Path | str, resume: bool = True):
        self.path = Path(path)
        self.done_path = self.path.with_name(self.path.name + ".done")
        for p in (self.path, self.done_path):
            check_target(p)
        ensure_folder(self.path.parent, self.path)
        if not resume:
            for p in (self.path, self.done_path):
                truncate(p)
        self.done: dict[tuple[str, str], str] = self._recover()
        self._fd = open_regular(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            self._dfd = open_regular(self.done_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        except BaseException:
            os.close(self._fd)
            raise
        self._synced = time.monotonic()

    def _recover(self) -> dict[tuple[str, str], str]:
        done: dict[tuple[str, str], str] = {}
        if not self.path.exists() or self.path.stat().st_size == 0:
            truncate(self.done_path)
            return done
        _drop_torn_tail(self.path)
        _drop_torn_tail(self.done_path)
        n_records = _count_lines(self.path)
        read = _read_index(self.done_path)
        entries = (read or [])[:n_records]    # the index is a prefix of the records
        if len(entries) < n_records:           # crash between record and index line
            with open(self.path, encoding="utf-8") as fh:
                for i, line in enumerate(fh):
                    if i >= len(entries) and line.strip():
                        rec = json.loads(line)
                        entries.append((content_hash(rec["text"]), rec["doc_id"], rec["source"]))
        if read != entries or _old_format(self.done_path):   # repaired, migrated: rewrite
            def write(fh):
                for h, d, s in entries:
                    for data in json_chunks(_index_entry(h, d, s)):
                        fh.write(data)

            replace_file(self.done_path, write, binary=True)
        for h, d, s in entries:
            done[done_key(h, s)] = d
        return done

    def write(self, record: dict, chash: str | None = None) -> None:
        chash = chash or content_hash(record["text"])
        append_json_line(self._fd, self.path, record)
        append_json_line(self._dfd, self.done_path,
                         _index_entry(chash, record["doc_id"], record["source"]))
        self.done[done_key(chash, record["source"])] = record["doc_id"]
        now = time.monotonic()
        if now - self._synced >= SYNC_SECONDS:
            self.sync()
            self._synced = now

    def sync(self) -> None:
        """fsync the records, then the index (the index stays a prefix of the records)."""
        for fd, path in ((self._fd, self.path), (self._dfd, self.done_path)):
            if fd is not None:
                try:
                    os.fsync(fd)
                except OSError as err:
                    raise os_error(path, err) from None

    def close(self) -> None:
        try:
            self.sync()
        finally:
            for name in ("_fd", "_dfd"):
                fd = getattr(self, name)
                if fd is not None:
                    setattr(self, name, None)
                    os.close(fd)


def _old_format(path: Path) -> bool:
    """True when the index at ``path`` starts with a tab-separated line (schema 1)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(1)
    except OSError:
        return False
    return head not in (b"", b"{")


# --------------------------------------------------------------------------- rows of tables
def record_rows(rec: dict) -> dict[str, list[dict]]:
    """One record as rows of the four tables."""
    meta = rec.get("meta") or {}
    doc_id = rec["doc_id"]
    docs = [{"doc_id": doc_id, "source": rec.get("source"), "content_sha1": content_hash(rec["text"]),
             "title": meta.get("title"), "publisher": meta.get("publisher"), "date": meta.get("date"),
             "duplicate_of": rec.get("duplicate_of"), "n_chars": len(rec["text"]), "text": rec["text"],
             "ignored": [{"start": r["start"], "end": r["end"], "reason": r.get("reason")}
                         for r in rec.get("ignored") or []]}]
    ents = [{"doc_id": doc_id, **{k: e.get(k) for k in COLUMNS["entities"][1:]}}
            for e in rec.get("entities") or []]
    tgts = []
    for t in rec.get("targets") or []:
        row = {"doc_id": doc_id, **{k: t.get(k) for k in COLUMNS["targets"][1:]}}
        row["value"] = None if row["value"] is None else float(row["value"])
        row["value_high"] = None if row["value_high"] is None else float(row["value_high"])
        row["approx"] = bool(row["approx"])
        tgts.append(row)
    tasks = []
    for t in rec.get("tasks") or []:
        themes = list(t.get("themes") or [])
        tasks.append({"doc_id": doc_id, "id": t.get("id"), "start": t.get("start"), "end": t.get("end"),
                      "title": t.get("title"), "part": t.get("part"),
                      "primary_theme": themes[0] if themes else None, "themes": themes,
                      "scores": {k: float(v) for k, v in (t.get("scores") or {}).items()}})
    return {"documents": docs, "entities": ents, "targets": tgts, "tasks": tasks}


def _csv_cell(v):
    if v is None:
        return ""
    if isinstance(v, (list, dict)):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, bool):
        return "true" if v else "false"
    return v


_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_surrogates(v):
    """A table cell UTF-8 can hold: an unpaired surrogate (a file name that is not valid
    UTF-8) written as its backslash escape, as Python prints it."""
    if isinstance(v, str):
        return v.encode("utf-8", "backslashreplace").decode("utf-8") if _SURROGATE.search(v) else v
    if isinstance(v, list):
        return [_no_surrogates(x) for x in v]
    if isinstance(v, dict):
        return {_no_surrogates(k): _no_surrogates(x) for k, x in v.items()}
    return v


class _TableSink:
    """Streams rows of the four tables into temporary files, then moves them into place."""

    def __init__(self, folder: Path, fmt: str, row_group: int = 2000):
        self.folder, self.fmt, self.row_group = folder, fmt, row_group
        for t in TABLES:      # what commit() will replace must be absent or a regular file
            check_target(folder / f"{t}.{fmt}")
        try:
            self.tmp = Path(tempfile.mkdtemp(dir=folder, prefix=".tables-"))
        except OSError as err:
            raise os_error(folder, err, "cannot create a temporary folder in it") from None
        self.buf: dict[str, list[dict]] = {t: [] for t in TABLES}
        self.files: dict[str, object] = {}
        self.writers: dict[str, object] = {}
        for t in TABLES:
            path = self.tmp / f"{t}.{fmt}"
            if fmt == "csv":
                fh = open(path, "w", encoding="utf-8", newline="")
                w = csv.writer(fh)
                w.writerow(COLUMNS[t])
                self.files[t], self.writers[t] = fh, w
            else:
                import pyarrow.parquet as pq

                self.writers[t] = pq.ParquetWriter(path, schemas()[t], compression="zstd")

    def add(self, rec: dict) -> None:
        for t, rows in record_rows(rec).items():
            rows = [{k: _no_surrogates(v) for k, v in r.items()} for r in rows]
            if self.fmt == "csv":
                names = COLUMNS[t]
                self.writers[t].writerows([[_csv_cell(r.get(k)) for k in names] for r in rows])
            else:
                self.buf[t].extend(rows)
                if len(self.buf[t]) >= self.row_group:
                    self._flush(t)

    def _flush(self, t: str) -> None:
        rows = self.buf[t]
        if self.fmt == "parquet":
            import pyarrow as pa

            cols = {k: [r.get(k) for r in rows] for k in COLUMNS[t]}
            self.writers[t].write_table(pa.table(cols, schema=schemas()[t]))
        self.buf[t] = []

    def commit(self) -> None:
        for t in TABLES:
            if self.fmt == "parquet":
                if self.buf[t]:
                    self._flush(t)
                self.writers[t].close()
            else:
                fh = self.files[t]
                fh.flush()
                os.fsync(fh.fileno())
                fh.close()
        for t in TABLES:
            target = self.folder / f"{t}.{self.fmt}"
            check_target(target)
            os.replace(self.tmp / f"{t}.{self.fmt}", target)
        shutil.rmtree(self.tmp, ignore_errors=True)

    def abort(self) -> None:
        for t in TABLES:
            try:
                (self.files.get(t) or self.writers[t]).close()
            except Exception:
                pass
        shutil.rmtree(self.tmp, ignore_errors=True)


def build_tables(records: Iterable[dict], folder: Path | str, fmt: str) -> None:
    """Stream ``records`` into the four tables of ``folder`` (csv or parquet), atomically."""
    folder = Path(folder)
    ensure_folder(folder)
    sink = _TableSink(folder, fmt)
    try:
        for rec in records:
            sink.add(rec)
        sink.commit()
    except BaseException as err:
        sink.abort()
        if isinstance(err, OSError):
            raise os_error(folder, err, "cannot write the tables") from None
        raise


# --------------------------------------------------------------------------- batch writer
class BatchWriter:
    """What a batch writes through: ``done`` ((content SHA-1, absolute source path) -> doc_id
    of the records already in OUT), ``write(record, hash)`` (in the OS when it returns:
    survives a killed process; fsynced within ``SYNC_SECONDS``), ``close()`` (finalise
    tables).  OUT is locked for this writer alone (``OUT.lock``) from before anything in it is
    read or emptied until ``close``; every problem with OUT is an ``OutputError``."""

    def __init__(self, out: Path | str, fmt: str = "jsonl", resume: bool = True):
        if fmt not in ("jsonl", "csv", "parquet"):
            raise ValueError(f"unknown format {fmt!r}")
        self.out, self.fmt = Path(out), fmt
        if fmt == "jsonl" and self.out.is_dir():
            raise OutputError(self.out, "is a folder; JSONL output is a file")
        if fmt != "jsonl" and self.out.exists() and not self.out.is_dir():
            raise OutputError(self.out, f"{fmt} output is a folder of tables, not a file")
        if fmt == "jsonl":
            check_target(self.out)
        self.lock = OutputLock(self.out)
        try:
            if fmt == "jsonl":
                self.journal = JsonlJournal(self.out, resume=resume)
            else:
                ensure_folder(self.out)
                self.journal = JsonlJournal(self.out / "_journal.jsonl", resume=resume)
        except BaseException:
            self.lock.release()
            raise

    @property
    def done(self) -> dict[tuple[str, str], str]:
        return self.journal.done

    def write(self, record: dict, chash: str | None = None) -> None:
        self.journal.write(record, chash)

    def close(self, finalise: bool = True) -> None:
        try:
            self.journal.close()
            if finalise and self.fmt != "jsonl":
                build_tables(read_jsonl(self.journal.path), self.out, self.fmt)
        finally:
            self.lock.release()


class StdoutWriter:
    """``-o -``: records as JSONL on standard output, flushed one by one; no resume, no index,
    no lock (the stream is the reader's)."""

    def __init__(self, stream=None):
        self.done: dict = {}
        self.stream = stream if stream is not None else getattr(sys.stdout, "buffer", sys.stdout)

    def write(self, record: dict, chash: str | None = None) -> None:
        try:
            for data in json_chunks(record):
                self.stream.write(data)
            self.stream.flush()
        except BrokenPipeError:
            raise OutputError("-", "standard output was closed by its reader (broken pipe)") from None
        except OSError as err:
            raise os_error("-", err, "cannot write to standard output") from None

    def close(self, finalise: bool = True) -> None:
        try:
            self.stream.flush()
        except (OSError, ValueError):
            pass


def open_writer(out: Path | str, fmt: str = "jsonl", resume: bool = True):
    """The writer of ``out``: ``"-"`` is standard output (JSONL only), else a BatchWriter."""
    if str(out) == "-":
        if fmt != "jsonl":
            raise OutputError("-", f"standard output takes JSONL only, not {fmt} (a folder of tables)")
        return StdoutWriter()
    return BatchWriter(out, fmt, resume=resume)

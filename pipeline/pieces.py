"""Long documents in pieces: a record for a text of any length, with bounded memory.

A text of at most ``PIECE_CHARS`` characters is one Doc, exactly as ``nlp(make_doc(...))``
gives it.  A longer text is cut into pieces of at most that many characters, each cut at
the last paragraph break (a blank line) in the second half of the piece, else the last line
break, else the last sentence end, else the last whitespace, else at the size itself.  Each
piece runs through the whole pipeline on its own (``make_doc`` + ``nlp(doc)``), and only its
record is kept (its Doc is dropped before the next piece starts; outside a memory zone each
piece gets one of its own, so the vocab does not grow with the text).  The piece records are
merged into the record of the whole text:

- offsets are shifted into the whole text (``record["text"]`` is the text given);
- tasks are renumbered ``{doc_id}-t1``, ``-t2``... over the whole text, targets' ``task_id``
  follow; the doc_id is the whole text's;
- ``ignored`` regions are concatenated; a region ending a piece and one of the same reason
  opening the next (only whitespace between) become one;
- ``meta`` is the first piece's (the title, publisher and date are read from a report's first
  lines), except a date the first piece lacks, taken from the first later piece that has one.

What a piece cannot see: a task or a repeated copy that straddles a cut, and the title's
summary/plan kind in later pieces.  Cutting at paragraph breaks keeps the first rare.
"""
from __future__ import annotations

import re
from contextlib import nullcontext
from typing import Callable, Iterator

from .settings import read_config

PIECE_CHARS = int(read_config(None, "limits.yaml", "pieces")["piece_chars"])   # configs/limits.yaml

_BREAKS = (re.compile(r"\n[ \t\r\u3000\xa0]*\n"),      # a blank line: a paragraph break
           re.compile(r"\n"),                            # a line break
           re.compile(r"[。！？；!?;]"),                 # a sentence end
           re.compile(r"\s"))                            # any whitespace


def spans(text: str, size: int | None = None) -> list[tuple[int, int]]:
    """The pieces of ``text`` as ``(start, end)``, covering it exactly, each at most ``size``
    characters (``PIECE_CHARS``); one span for a text that fits."""
    size = max(2, int(size or PIECE_CHARS))
    out, start, n = [], 0, len(text)
    while n - start > size:
        end = _cut(text, start, start + size)
        out.append((start, end))
        start = end
    out.append((start, n))
    return out


def _cut(text: str, start: int, limit: int) -> int:
    """The last break in the second half of ``text[start:limit]`` (just after it)."""
    lo = start + (limit - start) // 2
    for brk in _BREAKS:
        last = None
        for m in brk.finditer(text, lo, limit):
            last = m
        if last is not None and last.end() > start:
            return last.end()
    return limit


def _piece_record(nlp, text: str, source: str, doc_id: str | None,
                  on_doc: Callable | None) -> dict:
    from .api import make_doc, to_record

    doc = nlp(make_doc(nlp, text, source, doc_id))
    if on_doc is not None:
        on_doc(doc)
    return to_record(doc)


def record_of_text(nlp, text: str, source: str = "<text>", doc_id: str | None = None,
                   piece_chars: int | None = None, on_doc: Callable | None = None) -> dict:
    """The record of ``text`` (see the module docstring); ``on_doc(doc)`` sees each piece's
    processed Doc before it is dropped."""
    parts = spans(text, piece_chars)
    if len(parts) == 1:
        return _piece_record(nlp, text, source, doc_id, on_doc)
    from .record import make_doc_id

    doc_id = doc_id or make_doc_id(source, text)
    merged = _Merged(text, doc_id)
    for start, end in parts:
        zone = (nlp.memory_zone() if hasattr(nlp, "memory_zone") and not nlp.vocab.in_memory_zone
                else nullcontext())
        with zone:
            rec = _piece_record(nlp, text[start:end], source, doc_id, on_doc)
        merged.add(rec, start)
    return merged.record(source)


def iter_pieces(text: str, piece_chars: int | None = None) -> Iterator[str]:
    for start, end in spans(text, piece_chars):
        yield text[start:end]


class _Merged:
    """Piece records merged one after the other into the whole text's record."""

    def __init__(self, text: str, doc_id: str):
        self.text, self.doc_id = text, doc_id
        self.meta: dict | None = None
        self.ignored: list[dict] = []
        self.entities: list[dict] = []
        self.targets: list[dict] = []
        self.tasks: list[dict] = []

    def add(self, rec: dict, offset: int) -> None:
        if self.meta is None:
            self.meta = dict(rec["meta"])
        elif self.meta.get("date") is None and rec["meta"].get("date") is not None:
            self.meta["date"] = rec["meta"]["date"]
        for r in rec["ignored"]:
            s, e = r["start"] + offset, r["end"] + offset
            last = self.ignored[-1] if self.ignored else None
            if (last is not None and last["reason"] == r["reason"] and last["end"] <= s
                    and not self.text[last["end"]:s].strip()):
                last["end"] = max(last["end"], e)
            else:
                self.ignored.append({**r, "start": s, "end": e})
        for key in ("entities", "targets"):
            getattr(self, key).extend({**x, "start": x["start"] + offset, "end": x["end"] + offset}
                                      for x in rec[key])
        rename = {}
        for t in rec["tasks"]:
            new = f"{self.doc_id}-t{len(self.tasks) + 1}"
            rename[t["id"]] = new
            self.tasks.append({**t, "id": new, "start": t["start"] + offset,
                               "end": t["end"] + offset})
        n_new = len(rec["targets"])
        for t in self.targets[len(self.targets) - n_new:]:
            if t.get("task_id") is not None:
                t["task_id"] = rename.get(t["task_id"])

    def record(self, source: str) -> dict:
        return {"doc_id": self.doc_id, "source": source, "text": self.text,
                "meta": self.meta or {"title": None, "publisher": None, "date": None},
                "duplicate_of": None, "ignored": self.ignored, "entities": self.entities,
                "targets": self.targets, "tasks": self.tasks}

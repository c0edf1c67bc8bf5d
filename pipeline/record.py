"""The output record of ANNOTATION.md section 5, built from a processed Doc.

Spans are mapped from the normalised view back to the original text here, and only here.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

RECORD_KEYS = ("doc_id", "source", "text", "meta", "duplicate_of", "ignored", "entities",
               "targets", "tasks")


def _sha1(text: str, block: int = 1 << 20) -> str:
    """SHA-1 of the UTF-8 bytes of ``text``, fed a megabyte of characters at a time (a long
    document is never held a second time as bytes).  surrogatepass: any Python str hashes (a
    lone surrogate has no UTF-8 form); a valid str hashes exactly its UTF-8 bytes."""
    h = hashlib.sha1()
    for i in range(0, len(text), block):
        h.update(text[i:i + block].encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def make_doc_id(name: str, text: str) -> str:
    """Stable id from the file's name (stem) and a hash of its content."""
    return f"{Path(name).stem}-{_sha1(text)[:10]}"


def content_hash(text: str) -> str:
    return _sha1(text)


def doc_to_record(doc: Doc) -> dict[str, Any]:
    view = doc._.view
    src = view.source

    def span(item: dict) -> tuple[int, int]:
        return view.to_text(item["start"], item["end"])

    ignored = []
    for r in doc._.ignored:
        s, e = span(r)
        ignored.append({"start": s, "end": e, "reason": r["reason"]})
    entities = []
    for ent in sorted(doc._.entities, key=lambda x: (x["start"], x["end"])):
        s, e = span(ent)
        entities.append({"start": s, "end": e, "label": ent["label"], "text": src[s:e],
                         "kb_id": ent.get("kb_id"), "canonical": ent.get("canonical")})
    targets = []
    for t in sorted(doc._.targets, key=lambda x: (x["start"], x["end"])):
        s, e = span(t)
        targets.append({"start": s, "end": e, "text": src[s:e], "value": t["value"],
                        "value_high": t.get("value_high"), "unit": t.get("unit"),
                        "approx": bool(t.get("approx", False)),
                        "comparator": t.get("comparator", "="), "kind": t.get("kind"),
                        "indicator": t.get("indicator"), "task_id": t.get("task_id")})
    tasks = []
    for t in doc._.tasks:
        s, e = span(t)
        tasks.append({"id": t["id"], "start": s, "end": e, "title": t.get("title"),
                      "part": t.get("part"), "themes": list(t.get("themes") or []),
                      "scores": dict(t.get("scores") or {})})
    return {"doc_id": doc._.doc_id, "source": doc._.source, "text": src,
            "meta": dict(doc._.meta or {}), "duplicate_of": doc._.duplicate_of,
            "ignored": ignored, "entities": entities, "targets": targets, "tasks": tasks}


class RecordFileError(ValueError):
    """A file that holds no records; ``str()`` is one line naming the file (and line)."""


def read_records(path: Path | str) -> list[dict]:
    """The records of a JSONL file (``zhpolicy run``'s output; blank lines skipped).  A line
    that is no JSON object with ``doc_id`` and ``text`` is an error naming file and line."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise RecordFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise RecordFileError(f"{path}: a folder, not a JSONL file of records") from None
    except (OSError, UnicodeDecodeError) as err:
        raise RecordFileError(f"{path}: cannot read: {err}") from None
    records = []
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as err:
            raise RecordFileError(f"{path} line {n}: not JSON: {err.msg}") from None
        if not isinstance(rec, dict) or not isinstance(rec.get("text"), str) or not rec.get("doc_id"):
            raise RecordFileError(f"{path} line {n}: not a record (needs doc_id and text)")
        records.append(rec)
    if not records:
        raise RecordFileError(f"{path}: no records")
    return records

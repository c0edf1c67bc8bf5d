"""The records the pipeline gives on the corpus, kept as a reference (``tests/data/records.jsonl.gz``).

``test_records_unchanged`` fails when any record differs from the reference, so a refactoring
that should change nothing is checked on every gold and held-out report.  A change meant to alter
records regenerates the reference and commits it beside the code, so the diff shows what moved::

    .venv/bin/python tests/snapshot.py --update

The sealed set (``corpus/sealed``) is never run here: nothing is tuned on it.
"""
from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "tests" / "data" / "records.jsonl.gz"
FOLDERS = ("corpus/gold", "corpus/heldout")


def corpus_files() -> list[Path]:
    return sorted(p for f in FOLDERS for p in (ROOT / f).glob("*.txt"))


def _rounded(x):
    if isinstance(x, float):
        return round(x, 6)
    if isinstance(x, dict):
        return {k: _rounded(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_rounded(v) for v in x]
    return x


def comparable(record: dict) -> dict:
    """The record without its text (the file itself), floats rounded to 6 places."""
    return _rounded({k: v for k, v in record.items() if k != "text"})


def current_records(nlp=None) -> dict[str, dict]:
    from pipeline.api import load, record_of_file

    nlp = nlp or load()
    return {str(p.relative_to(ROOT)): comparable(record_of_file(nlp, p, source=str(p.relative_to(ROOT))))
            for p in corpus_files()}


def read_reference() -> dict[str, dict]:
    with gzip.open(REFERENCE, "rt", encoding="utf-8") as fh:
        return {r["source"]: r for r in map(json.loads, fh)}


def write_reference(records: dict[str, dict]) -> None:
    REFERENCE.parent.mkdir(parents=True, exist_ok=True)
    tmp = REFERENCE.with_suffix(".tmp")
    with gzip.GzipFile(tmp, "wb", mtime=0) as raw:
        raw.write("".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n"
                          for _, r in sorted(records.items())).encode("utf-8"))
    tmp.replace(REFERENCE)


if __name__ == "__main__":
    if sys.argv[1:] != ["--update"]:
        raise SystemExit(__doc__)
    sys.path.insert(0, str(ROOT))
    recs = current_records()
    write_reference(recs)
    print(f"{REFERENCE.relative_to(ROOT)}: {len(recs)} records")

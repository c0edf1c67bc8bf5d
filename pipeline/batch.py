"""Batch processing of many files: read, run the pipeline, collect records and failures."""
from __future__ import annotations

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


def process_paths(paths: Iterable[Path | str], nlp=None,
                  on_error: Callable[[str], None] | None = None) -> Iterator[dict]:
    """Records for every readable input; a bad file is reported through ``on_error``
    (one line naming the file and the problem) and the batch goes on."""
    from .nlp import load_pipeline, process_record

    nlp = nlp or load_pipeline()
    for path in iter_inputs(list(paths)):
        try:
            text = read_file(path)
            yield process_record(nlp, text, str(path))
        except ReadError as err:
            if on_error:
                on_error(str(err))
        except Exception as err:  # a bug on one document must not sink the batch
            if on_error:
                on_error(f"{path}: pipeline failed: {type(err).__name__}: {err}")


def run_batch(paths, out, fmt="jsonl", jobs=1, scheduler=None, resume=True, on_error=None,
              progress=False) -> BatchResult:
    """Process ``paths`` and write the records to ``out`` (simple single-process version)."""
    from .writers import write_jsonl

    result = BatchResult()

    def err(msg):
        result.failures.append(msg)
        if on_error:
            on_error(msg)

    records = []
    for rec in process_paths(paths, on_error=err):
        records.append(rec)
        result.records += 1
        result.tasks += len(rec["tasks"])
        result.entities += len(rec["entities"])
        result.targets += len(rec["targets"])
    write_jsonl(out, records)
    return result

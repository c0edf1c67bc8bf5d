"""Reader for .pdf files."""
from __future__ import annotations

from pathlib import Path

from . import ReadError


def read_pdf(path: Path) -> str:
    raise ReadError(path, "reader for .pdf not implemented yet")

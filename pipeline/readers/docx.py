"""Reader for .docx files."""
from __future__ import annotations

from pathlib import Path

from . import ReadError


def read_docx(path: Path) -> str:
    raise ReadError(path, "reader for .docx not implemented yet")

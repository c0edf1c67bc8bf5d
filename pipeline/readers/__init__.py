"""Readers: one module per format, chosen by suffix.  ``read_file`` returns the document's
text (for .txt exactly the decoded content) or raises :class:`ReadError` naming the problem.
Only regular files are read (a FIFO or a device named as input would block or never end)."""
from __future__ import annotations

import stat
from pathlib import Path
from typing import Callable


class ReadError(Exception):
    """A file that cannot be read as a report.  ``str()`` is one line naming file and problem."""

    def __init__(self, path: Path | str, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


def _txt(path: Path, warnings: list[str] | None) -> str:
    from .txt import read_txt

    return read_txt(path, warnings)


def _html(path: Path, warnings: list[str] | None) -> str:
    from .html import read_html

    return read_html(path, warnings)


def _docx(path: Path, warnings: list[str] | None) -> str:
    from .docx import read_docx

    return read_docx(path)


def _pdf(path: Path, warnings: list[str] | None) -> str:
    from .pdf import read_pdf

    return read_pdf(path)


READERS: dict[str, Callable[[Path, list[str] | None], str]] = {
    ".txt": _txt, ".html": _html, ".htm": _html, ".docx": _docx, ".pdf": _pdf,
}
SUFFIXES = tuple(READERS)


def read_file(path: Path | str, warnings: list[str] | None = None) -> str:
    """The text of ``path``; a problem worth a warning (damaged bytes replaced by U+FFFD) is
    appended to ``warnings`` as one line naming the file, the text is still returned."""
    path = Path(path)
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ReadError(path, f"unsupported file type {path.suffix or '(none)'!r}; "
                              f"supported: {', '.join(SUFFIXES)}")
    try:
        st = path.stat()
    except OSError as err:
        raise ReadError(path, f"cannot read: {err.strerror or err}") from None
    if not stat.S_ISREG(st.st_mode):
        raise ReadError(path, "not a regular file" + (" (a folder)" if stat.S_ISDIR(st.st_mode) else ""))
    if st.st_size == 0:
        raise ReadError(path, "empty file")
    try:
        text = reader(path, warnings)
    except OSError as err:          # unreadable, vanished, an I/O error of the disk
        raise ReadError(path, f"cannot read: {err.strerror or err}") from None
    if not text or text.isspace():     # (not text.strip(): no copy of a long text)
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

"""Output files, safely: only regular files, one writer at a time, one-line errors.

- :class:`OutputError`: every problem with an output is one line naming the path and the
  cause (``zhpolicy`` exits 2 on it).  OS errors (no permission, a read-only or full disk, a
  file where a folder should be) are turned into it here.
- Only regular files are opened, written, truncated or replaced: a device, FIFO, socket or
  folder given as an output is refused (checked on the open file, so ``/dev/stdout``,
  ``/dev/full`` or a FIFO is neither read back, nor waited on, nor replaced).  Nothing here
  ever unlinks a file.
- :func:`replace_file`: a whole file is written to a temporary file in the same folder and
  moved into place with ``os.replace`` (the old content stays until the new is complete; a
  symbolic link is followed, so the file it names is replaced, never the link).
- :func:`append_json_line`: one JSON line appended with ``os.write``; a write that fails or
  is interrupted half-way (a full disk, a signal) is cut back, so no torn line is left when it
  can be helped.
- :class:`OutputLock`: ``fcntl.flock`` on ``OUT.lock`` beside the output, taken without
  waiting; a second writer of the same output gets an OutputError.  The lock file stays
  (removing a lock file races with the next writer taking it); the lock goes with the
  process, however it ends.
"""
from __future__ import annotations

import errno
import json
import os
import re
import stat
import tempfile
from pathlib import Path
from typing import Callable, Iterator

_HELD_LOCKS: set[int] = set()   # lock fds of this process (closed in forked workers)


class OutputError(ValueError):
    """An output that cannot be used or written: ``str()`` is one line, path first."""

    def __init__(self, path, problem: str):
        self.path, self.problem = str(path), problem
        super().__init__(f"{self.path}: {problem}")


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a folder"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISFIFO, "a FIFO or pipe"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISLNK, "a symbolic link")):
        if test(mode):
            return name
    return "not a regular file"


def _not_regular(path, mode: int) -> OutputError:
    return OutputError(path, f"not a regular file ({_kind(mode)}); outputs are written only "
                             f"to regular files")


def _blocking_file(path: Path | str) -> Path | None:
    """The file standing where a folder of ``path`` should be, if any."""
    for p in Path(path).parents:
        if p.exists() and not p.is_dir():
            return p
    return None


def _cause(err: OSError) -> str:
    if err.errno == errno.ENOSPC:
        return "no space left on the device"
    if err.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if err.errno == errno.EROFS:
        return "read-only file system"
    return err.strerror or str(err)


def os_error(path, err: OSError, doing: str = "cannot write") -> OutputError:
    """The OutputError of an OSError met while writing ``path``."""
    return OutputError(path, f"{doing}: {_cause(err)}")


def check_target(path: Path | str) -> None:
    """Refuse an existing ``path`` that is not a regular file (following symbolic links)."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return
    except NotADirectoryError:
        raise OutputError(path, f"cannot create its folder: {_blocking_file(path)} is a file, "
                                f"not a folder") from None
    except OSError as err:
        raise os_error(path, err, "cannot use") from None
    if not stat.S_ISREG(st.st_mode):
        raise _not_regular(path, st.st_mode)


def ensure_folder(folder: Path | str, for_path: Path | str | None = None) -> None:
    """Create ``folder`` (and its parents); a file in the way or no permission is an
    OutputError naming ``for_path``."""
    folder = Path(folder)
    name = for_path if for_path is not None else folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        block = folder if folder.exists() and not folder.is_dir() else (_blocking_file(folder) or folder)
        raise OutputError(name, f"cannot create its folder: {block} is a file, not a folder") from None
    except OSError as err:
        raise os_error(name, err, f"cannot create its folder {folder}") from None
    if not folder.is_dir():
        raise OutputError(name, f"cannot create its folder: {folder} is not a folder")


def open_regular(path: Path | str, flags: int, mode: int = 0o644) -> int:
    """``os.open`` that only ever returns a regular file: O_NONBLOCK keeps a FIFO from
    blocking the open, and the open file is checked (no race with the path changing)."""
    try:
        fd = os.open(path, flags | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0), mode)
    except IsADirectoryError:
        raise OutputError(path, "not a regular file (a folder)") from None
    except OSError as err:
        if err.errno == errno.ENXIO:           # a FIFO nobody reads
            raise OutputError(path, "not a regular file (a FIFO with no reader)") from None
        raise os_error(path, err, "cannot open") from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise _not_regular(path, st.st_mode)
    os.set_blocking(fd, True)
    return fd


def truncate(path: Path | str) -> None:
    """Empty an existing regular file in place (``--no-resume``); never unlinks."""
    if not os.path.lexists(path):
        return
    fd = open_regular(path, os.O_WRONLY)
    try:
        os.ftruncate(fd, 0)
    except OSError as err:
        raise os_error(path, err) from None
    finally:
        os.close(fd)


def replace_file(path: Path | str, write: Callable[[object], None], binary: bool = False) -> None:
    """Write a whole file: ``write(fh)`` fills a temporary file beside ``path``, which then
    replaces it (``os.replace``).  ``path`` must be absent or a regular file."""
    path = Path(os.path.realpath(path))
    check_target(path)
    ensure_folder(path.parent, path)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as err:
        raise os_error(path, err, "cannot create a temporary file beside it") from None
    try:
        with (os.fdopen(fd, "wb") if binary else
              os.fdopen(fd, "w", encoding="utf-8", newline="")) as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as err:
        if os.path.exists(tmp):
            os.unlink(tmp)            # our own temporary file
        if isinstance(err, OSError):
            raise os_error(path, err) from None
        raise


_SURROGATE = re.compile("[\ud800-\udfff]")


def json_chunks(obj, limit: int = 1 << 20) -> Iterator[bytes]:
    """``obj`` as one line of UTF-8 JSON, in chunks of about ``limit`` bytes (a record of a
    long document is never held twice as one string and its bytes).  Unpaired surrogates
    (a file name that is not valid UTF-8, a str from the API) are written as JSON escapes,
    which read back as the same str."""
    buf, size = [], 0
    for chunk in _json_parts(obj, limit):
        if _SURROGATE.search(chunk):
            chunk = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", chunk)
        data = chunk.encode("utf-8")
        buf.append(data)
        size += len(data)
        if size >= limit:
            yield b"".join(buf)
            buf, size = [], 0
    buf.append(b"\n")
    yield b"".join(buf)


def _json_parts(obj, limit: int) -> Iterator[str]:
    """The JSON text of ``obj`` in parts; a long string value of a top-level object (a
    record's text) is escaped a slice at a time rather than as one copy of itself, a list
    (entities, targets, tasks) a batch of items at a time.  Every part comes from the C
    encoder (``encode``): ``iterencode`` is the pure-Python one, ~1.6M generator steps for
    200 records, most of the main process's time in a ``-j`` run."""
    enc = json.JSONEncoder(ensure_ascii=False)
    if not isinstance(obj, dict):
        yield from (_list_parts(enc, obj) if isinstance(obj, list) else (enc.encode(obj),))
        return
    yield "{"
    for i, (key, value) in enumerate(obj.items()):
        yield (", " if i else "") + enc.encode(str(key)) + ": "
        if isinstance(value, str) and len(value) > limit:
            yield '"'
            for j in range(0, len(value), limit):
                yield enc.encode(value[j:j + limit])[1:-1]     # escaping is per character
            yield '"'
        elif isinstance(value, list):
            yield from _list_parts(enc, value)
        else:
            yield enc.encode(value)
    yield "}"


_LIST_BATCH = 256


def _list_parts(enc: json.JSONEncoder, value: list) -> Iterator[str]:
    """``enc.encode(value)`` in parts of ``_LIST_BATCH`` items ("[a, b" then ", c, d" ... "]")."""
    if not value:
        yield "[]"
        return
    for j in range(0, len(value), _LIST_BATCH):
        yield ("[" if j == 0 else ", ") + enc.encode(value[j:j + _LIST_BATCH])[1:-1]
    yield "]"


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def append_json_line(fd: int, path, obj) -> None:
    """Append ``obj`` as one JSON line to the open file ``fd`` (O_APPEND, one writer); on
    failure the file is cut back to where it was and an OutputError is raised."""
    start = os.fstat(fd).st_size
    try:
        for data in json_chunks(obj):
            _write_all(fd, data)
    except BaseException as err:      # a full disk, or a signal in the middle of a line
        try:
            os.ftruncate(fd, start)
        except OSError:
            pass
        if isinstance(err, OSError):
            raise os_error(path, err) from None
        raise


class OutputLock:
    """The single-writer lock of an output (see the module docstring)."""

    def __init__(self, out: Path | str):
        import fcntl

        out = Path(out)
        self.path = out.with_name(out.name + ".lock")
        ensure_folder(self.path.parent, out)
        try:
            self.fd = open_regular(self.path, os.O_RDWR | os.O_CREAT)
        except OutputError as err:
            cause = err.problem.removeprefix("cannot open: ")
            raise OutputError(out, f"cannot open its lock file {self.path}: {cause}") from None
        try:
            fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as err:
            os.close(self.fd)
            self.fd = None
            if err.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise OutputError(out, f"in use: another zhpolicy run is writing it "
                                       f"(lock {self.path}); wait for it to end or choose "
                                       f"another output") from None
            raise os_error(self.path, err, "cannot lock") from None
        _HELD_LOCKS.add(self.fd)

    def release(self) -> None:
        if self.fd is not None:
            import fcntl

            _HELD_LOCKS.discard(self.fd)
            try:
                fcntl.flock(self.fd, fcntl.LOCK_UN)
            finally:
                os.close(self.fd)
                self.fd = None


def close_inherited_locks() -> None:
    """In a forked worker: close the lock fds copied from the parent (closing a copy keeps
    the parent's lock; holding it would keep the output locked after the parent is gone)."""
    for fd in list(_HELD_LOCKS):
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD_LOCKS.clear()

"""Process lifetime for batch runs: stop on a signal, never leave workers behind.

- :func:`stop_on_signals`: in the main thread, SIGTERM, SIGINT and SIGHUP raise
  :class:`Interrupted` (a BaseException, like KeyboardInterrupt, so no ``except Exception``
  swallows it); the batch then stops its workers and closes its outputs on the way out.
- :func:`die_with_parent`: called first in every worker process; on Linux the kernel kills the
  worker when the process that started it dies (``prctl(PR_SET_PDEATHSIG, SIGKILL)``, which
  also covers ``kill -9`` of the parent); elsewhere a daemon thread polls the parent's pid.
  A worker also ignores SIGINT: Ctrl-C reaches the whole process group, and it is the
  parent that decides how to stop.
"""
from __future__ import annotations

import os
import signal
import sys
import threading
from contextlib import contextmanager

_PR_SET_PDEATHSIG = 1
SIGNALS = tuple(s for s in (getattr(signal, n, None) for n in ("SIGTERM", "SIGINT", "SIGHUP")) if s)


class Interrupted(BaseException):
    """The run was stopped by a signal; ``signum`` says which (exit status 128 + signum)."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(f"interrupted by {signal.Signals(signum).name}")


@contextmanager
def stop_on_signals():
    """Within the block, SIGTERM/SIGINT/SIGHUP raise Interrupted in the main thread (no-op
    outside the main thread).  The previous handlers come back afterwards."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        # once: the clean-up that follows is not itself interrupted by a second signal
        for s in SIGNALS:
            signal.signal(s, _noted)
        raise Interrupted(signum)

    old = {s: signal.signal(s, handler) for s in SIGNALS}
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)


def _noted(signum, frame) -> None:
    """A further signal while stopping: already stopping."""


def worker_signals() -> None:
    """In a forked worker: the default SIGTERM/SIGHUP (a handler inherited from the parent's
    ``stop_on_signals`` would turn the parent's terminate() into a task error the worker
    survives), SIGINT ignored (see the module docstring)."""
    for s in SIGNALS:
        signal.signal(s, signal.SIG_IGN if s == signal.SIGINT else signal.SIG_DFL)


def die_with_parent(parent_pid: int) -> None:
    """Make this (worker) process end when ``parent_pid`` does (see the module docstring)."""
    worker_signals()
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0:
                if os.getppid() != parent_pid:      # the parent died before prctl took effect
                    os._exit(1)
                return
        except (OSError, AttributeError):
            pass
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True,
                     name="zhpolicy-parent-watch").start()


def _watch_parent(parent_pid: int, every: float = 1.0) -> None:
    import time

    while True:
        if os.getppid() != parent_pid:
            os._exit(1)
        time.sleep(every)

"""Headless Chromium for the tests that look at a page as a person would (Debian's
``chromium``; ``.ci/run`` installs it when apt-get can).  Without a Chromium that starts, those
tests skip and say why; ``CHROMIUM=/path/to/chrome`` picks another binary.  No host name
resolves, so a page that needs the network shows it by failing to draw."""
from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path

import pytest

NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")
INSTALL = "install it with: apt-get install -y chromium (.ci/run does when apt-get is available)"


@functools.lru_cache(maxsize=None)
def find_chromium() -> tuple[str | None, str]:
    """(executable, "") or (None, why there is none)."""
    wanted = os.environ.get("CHROMIUM")
    if wanted:
        exe = shutil.which(wanted)
        if not exe:
            return None, f"CHROMIUM={wanted} is no executable"
    else:
        exe = next((e for e in map(shutil.which, NAMES) if e), None)
        if not exe:
            return None, f"no Chromium found (looked for {', '.join(NAMES)} on PATH); {INSTALL}"
    try:
        out = subprocess.run([exe, "--headless", "--no-sandbox", "--version"], capture_output=True,
                             text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as err:
        return None, f"{exe} does not start ({err}); {INSTALL}"
    if out.returncode != 0:
        last = (out.stderr or out.stdout).strip().splitlines()[-1:] or [""]
        return None, f"{exe} --version exits {out.returncode} ({last[0][:200]}); {INSTALL}"
    return exe, ""


def chromium_or_skip() -> str:
    exe, why = find_chromium()
    if exe is None:
        pytest.skip(why)
    return exe


def chromium_args(tmp: Path) -> list[str]:
    return ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", f"--user-data-dir={Path(tmp) / 'chromium-profile'}",
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]

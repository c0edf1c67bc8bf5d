"""Headless Chromium for the tests that look at a page as a person would (Debian's
``chromium``; ``.ci/run`` installs it).  No host name resolves, so a page that needs the
network shows it by failing to draw."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

NAMES = ("chromium", "chromium-browser", "google-chrome", "chrome")


def chromium_or_skip() -> str:
    for name in NAMES:
        exe = shutil.which(name)
        if exe:
            return exe
    pytest.skip(f"no Chromium found (looked for {', '.join(NAMES)} on PATH); "
                "install it with: apt-get install -y chromium")


def chromium_args(tmp: Path) -> list[str]:
    return ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", f"--user-data-dir={Path(tmp) / 'chromium-profile'}",
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"]

"""The Chromium tests skip, and say why, when there is no Chromium that starts."""
import stat

import pytest

import chromium


@pytest.fixture(autouse=True)
def fresh_lookup():
    chromium.find_chromium.cache_clear()
    yield
    chromium.find_chromium.cache_clear()


def _skip_reason(monkeypatch, path, env=None):
    monkeypatch.setenv("PATH", str(path))
    if env is None:
        monkeypatch.delenv("CHROMIUM", raising=False)
    else:
        monkeypatch.setenv("CHROMIUM", env)
    with pytest.raises(pytest.skip.Exception) as info:
        chromium.chromium_or_skip()
    return str(info.value)


def test_no_chromium_on_path_skips_naming_what_was_looked_for(monkeypatch, tmp_path):
    reason = _skip_reason(monkeypatch, tmp_path)
    assert "no Chromium found" in reason and "chromium-browser" in reason and "apt-get install" in reason


def test_a_chromium_that_does_not_start_skips_with_its_error(monkeypatch, tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\necho 'snap not installed' >&2\nexit 3\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    reason = _skip_reason(monkeypatch, tmp_path)
    assert str(fake) in reason and "exits 3" in reason and "snap not installed" in reason


def test_chromium_variable_names_the_binary(monkeypatch, tmp_path):
    assert "CHROMIUM=/nowhere/chrome is no executable" in _skip_reason(monkeypatch, tmp_path, "/nowhere/chrome")
    fake = tmp_path / "my-chrome"
    fake.write_text("#!/bin/sh\necho Chromium 1.0\n")
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("CHROMIUM", str(fake))
    chromium.find_chromium.cache_clear()
    assert chromium.chromium_or_skip() == str(fake)

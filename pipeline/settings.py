"""Reading the YAML files of ``configs/``: one reader for every stage, cached while a file is
unchanged.  A missing or malformed file is an error naming the file."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

from . import CONFIGS


# libyaml's parser when PyYAML was built with it (~8x faster on configs/, the same data)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(stream):
    """``yaml.safe_load`` through libyaml when available."""
    return yaml.load(stream, Loader=_LOADER)  # noqa: S506 - a safe loader


class ConfigError(ValueError):
    """A configuration file that is missing or cannot be read; ``str()`` names the file."""


@lru_cache(maxsize=32)
def _read(path: str, mtime: float) -> dict:
    try:
        with open(path, encoding="utf-8") as fh:
            data = load_yaml(fh)
    except yaml.YAMLError as err:
        raise ConfigError(f"{path}: not valid YAML: {err}") from err
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping at the top level")
    return data


def read_config(path: Path | str | None, default: str, section: str | None = None) -> dict:
    """The YAML mapping at ``path`` (default ``configs/<default>``), or one top-level section."""
    p = Path(path) if path else CONFIGS / default
    try:
        mtime = p.stat().st_mtime
    except OSError as err:
        raise ConfigError(f"{p}: cannot read configuration: {err.strerror or err}") from err
    data = _read(str(p), mtime)
    if section is None:
        return data
    if section not in data:
        raise ConfigError(f"{p}: no '{section}' section")
    return data[section]

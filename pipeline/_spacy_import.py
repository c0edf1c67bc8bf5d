"""Importing spaCy without its command line.

``spacy/__init__.py`` runs ``from .cli.info import info`` only to export ``spacy.info``, and
that import loads all of ``spacy.cli`` (typer commands, weasel, requests, httpx, jinja2, the
download code): about a third of ``import spacy`` (~0.3 s of CPU), none of which the pipeline
uses.  :func:`install` (called when ``pipeline`` is imported, before anything imports spaCy)
puts a finder on ``sys.meta_path`` for the one module ``spacy``: while spaCy's own
``__init__`` runs, ``spacy.cli.info`` is a stand-in whose ``info`` imports the real one on
first call; as soon as ``spacy`` is imported the stand-in is removed again, so
``import spacy.cli`` (``python -m spacy``, ``spacy.cli.info``) loads the real modules as
usual.  Nothing else in spaCy imports ``spacy.cli`` (checked on spaCy 3.8).
If spaCy is already imported, or ``ZHPOLICY_FULL_SPACY=1``, nothing is changed.
"""
from __future__ import annotations

import importlib.abc
import importlib.machinery
import os
import sys
import types

_STUB = "spacy.cli.info"


def info(*args, **kwargs):
    """``spacy.info``: the real ``spacy.cli.info.info``, imported on first call."""
    from importlib import import_module

    return import_module(_STUB).info(*args, **kwargs)


class _Loader(importlib.abc.Loader):
    def __init__(self, real):
        self.real = real

    def create_module(self, spec):
        return self.real.create_module(spec)

    def exec_module(self, module):
        stub = types.ModuleType(_STUB)
        stub.info = info
        sys.modules.setdefault(_STUB, stub)
        try:
            self.real.exec_module(module)
        finally:
            if sys.modules.get(_STUB) is stub:
                del sys.modules[_STUB]


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name != "spacy":
            return None
        uninstall()
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return spec
        spec.loader = _Loader(spec.loader)
        return spec


_FINDER = _Finder()


def install() -> None:
    if "spacy" in sys.modules or os.environ.get("ZHPOLICY_FULL_SPACY") == "1":
        return
    if _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)


def uninstall() -> None:
    try:
        sys.meta_path.remove(_FINDER)
    except ValueError:
        pass

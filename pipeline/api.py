"""The Python API.  (first version: wraps the existing entry points)"""
from __future__ import annotations

from pathlib import Path

from .nlp import load_pipeline, process
from .readers import read_file
from .record import doc_to_record


def load():
    return load_pipeline()


def record_of_file(nlp, path, source=None):
    text = read_file(path)
    return doc_to_record(process(nlp, text, source or str(path)))

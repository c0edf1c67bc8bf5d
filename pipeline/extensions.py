"""Doc extensions through which the stages share their results.

All offsets stored here are character offsets into ``doc.text``, which is the normalised
view (``pipeline.normalise.View.text``); ``pipeline.record`` maps them back to the original.

- ``doc._.view``      the :class:`pipeline.normalise.View` (original text + offset map)
- ``doc._.source``    the path as given;  ``doc._.doc_id`` stable id
- ``doc._.ignored``   [{"start", "end", "reason"}]            (chrome stage)
- ``doc._.meta``      {"title", "publisher", "date"}            (structure stage)
- ``doc._.parts``     [{"start", "end", "kind": "summary"|"plan"|"other", "year"}] (structure)
- ``doc._.tables``    flattened or real tables (structure stage; read by targets; None until
                      the structure stage ran, then a list, perhaps empty)::

      [{"start", "end",
        "header": [{"start", "end", "text", "unit", "scale", "kind"}],   # one per column;
                  # unit/scale from the header (万元 -> "元", 10000; (%) -> "%", 1), kind
                  # "target" (目标/计划) | "actual" (完成/实际) | None
        "rows": [{"start", "end", "label", "total", "serial",
                  "cells": [{"start", "end", "column"}]}],   # empty cells too where a separator shows them
        "format": "tab"|"bar"|"space"|"single"|"line", "caption": (start, end) | None}]
                  # label: the row's name cell; total: a 合计/小计 row; serial: its number
- ``doc._.tasks``     [{"id", "start", "end", "title", "part", "themes", "scores"}] (structure, themes)
- ``doc._.entities``  [{"start", "end", "label", "kb_id", "canonical"}] (entities, linker)
- ``doc._.gold``      the gold record of a training example's reference doc (``zhpolicy train``)
- ``doc._.entity_candidates`` [(start, end, label)] every span the entity rules considered (entities)
- ``doc._.targets``   [{"start", "end", "value", "value_high", "unit", "approx",
                        "comparator", "kind", "indicator", "task_id"}]   (targets)
"""
from spacy.tokens import Doc

_LIST_FIELDS = ("ignored", "parts", "tasks", "entities", "targets", "entity_candidates")


def register() -> None:
    for name in (*_LIST_FIELDS, "tables"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
    for name in ("view", "source", "doc_id", "meta", "duplicate_of", "gold"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


def init_doc(doc: Doc) -> Doc:
    """Give a fresh Doc empty containers (extension defaults must not be shared lists)."""
    for name in _LIST_FIELDS:
        if getattr(doc._, name) is None:
            setattr(doc._, name, [])
    if doc._.meta is None:
        doc._.meta = {"title": None, "publisher": None, "date": None}
    return doc


def gold_records_of(get_examples) -> list[dict]:
    """The gold records behind a component's ``initialize(get_examples)``: each example's
    reference doc carries its record as ``doc._.gold`` (see ``pipeline.nlp.gold_examples``)."""
    return [eg.reference._.gold for eg in get_examples() if eg.reference._.gold is not None]


def in_ignored(doc: Doc, start: int, end: int) -> bool:
    """True when [start, end) overlaps an ignored region."""
    return any(r["start"] < end and start < r["end"] for r in doc._.ignored or ())


register()

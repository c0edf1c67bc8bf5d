"""The Python API::

    import pipeline
    nlp = pipeline.load()                       # a spaCy Language; nothing learned at load
    doc = nlp("某某县教育局2024年工作要点……")        # normalised, segmented, every stage run
    doc._.entities, doc._.targets, doc._.tasks  # view offsets (see pipeline.extensions)
    rec = pipeline.to_record(doc)               # ANNOTATION.md section 5, offsets into the text
    for doc in nlp.pipe(texts, n_process=2): ...

A file keeps its name in the record (``source``) and its id: :func:`make_doc` then ``nlp(doc)``,
or :func:`record_of_file`.
"""
from __future__ import annotations

from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from .nlp import load_pipeline
from .readers import read_file
from .record import doc_to_record


def load(**kwargs) -> Language:
    """The pipeline, from ``configs/pipeline.cfg`` and ``models/pipeline`` (see
    :func:`pipeline.nlp.load_pipeline` for ``config``, ``overrides`` and ``models``)."""
    return load_pipeline(**kwargs)


def make_doc(nlp: Language, text: str, source: str = "<text>", doc_id: str | None = None,
             join_wraps: bool | None = None) -> Doc:
    """The Doc of ``text`` read from ``source``, before any stage has run: ``nlp(make_doc(...))``."""
    return nlp.tokenizer.make(text, source=source, doc_id=doc_id, join_wraps=join_wraps)


def to_record(doc: Doc) -> dict:
    """The output record of a processed Doc, spans mapped back to the text as read."""
    return doc_to_record(doc)


def record_of_text(nlp: Language, text: str, source: str = "<text>", doc_id: str | None = None) -> dict:
    return to_record(nlp(make_doc(nlp, text, source, doc_id)))


def record_of_file(nlp: Language, path: Path | str, source: str | None = None) -> dict:
    """Read ``path`` (any supported format) and process it; ``source`` defaults to the path."""
    return record_of_text(nlp, read_file(path), source or str(path))

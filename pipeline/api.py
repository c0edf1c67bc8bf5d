"""The Python API::

    import pipeline
    nlp = pipeline.load()                       # a spaCy Language; nothing learned at load
    doc = nlp("某某县教育局2024年工作要点……")        # normalised, segmented, every stage run
    doc._.entities, doc._.targets, doc._.tasks  # view offsets (see pipeline.extensions)
    rec = pipeline.to_record(doc)               # ANNOTATION.md section 5, offsets into the text
    for doc in nlp.pipe(texts, n_process=2): ...

A file keeps its name in the record (``source``) and its id: :func:`make_doc` then ``nlp(doc)``,
or :func:`record_of_file`.

``nlp(text)`` is spaCy's and refuses a text over ``nlp.max_length`` characters (E088);
:func:`record_of_text` and :func:`record_of_file` take a text of any length, in pieces of
``piece_chars`` characters (``pipeline.pieces``), and any Python str: unpaired surrogates
are read as U+FFFD by the stages, the record keeps the text as given.
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


def record_of_text(nlp: Language, text: str, source: str = "<text>", doc_id: str | None = None,
                   piece_chars: int | None = None) -> dict:
    """The record of ``text``: ``to_record(nlp(make_doc(...)))`` for a text of at most
    ``piece_chars`` (``pipeline.pieces.PIECE_CHARS``) characters, merged piece records for a
    longer one (see ``pipeline.pieces``)."""
    from .pieces import record_of_text as _pieces_record

    return _pieces_record(nlp, text, source, doc_id, piece_chars)


def record_of_file(nlp: Language, path: Path | str, source: str | None = None,
                   piece_chars: int | None = None, warnings: list[str] | None = None) -> dict:
    """Read ``path`` (any supported format) and process it; ``source`` defaults to the path.
    Reader warnings (bytes that did not decode) are appended to ``warnings`` when given."""
    return record_of_text(nlp, read_file(path, warnings=warnings), source or str(path),
                          piece_chars=piece_chars)

"""zhpolicy: structured, checkable data from Chinese education-bureau reports.

Data flows one way: read -> normalise -> segment -> chrome -> structure -> entities ->
targets -> link -> themes -> write.  The Python API (``pipeline.api``)::

    import pipeline
    nlp = pipeline.load()
    doc = nlp(text)                 # or nlp.pipe(texts, n_process=2)
    record = pipeline.to_record(doc)
"""
from pathlib import Path

__version__ = "0.2.0"

ROOT = Path(__file__).resolve().parent.parent
CONFIGS = ROOT / "configs"
MODELS = ROOT / "models"

from . import _spacy_import  # noqa: E402

_spacy_import.install()  # spaCy, when something imports it, without spacy.cli (~0.3 s)

_API = ("load", "make_doc", "to_record", "record_of_text", "record_of_file")


def __getattr__(name):          # the API imports spaCy: only when it is asked for
    if name in _API:
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'pipeline' has no attribute {name!r}")


__all__ = ["__version__", *_API]

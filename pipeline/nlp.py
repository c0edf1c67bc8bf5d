"""Building the spaCy pipeline from ``configs/pipeline.cfg`` and running it on one text."""
from __future__ import annotations

import json
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import CONFIGS, MODELS, ROOT
from . import components  # noqa: F401  (registers the factories)
from .extensions import init_doc
from .normalise import normalise
from .record import doc_to_record, make_doc_id


def load_pipeline(config: Path | str | None = None, overrides: dict | None = None) -> Language:
    """Assemble the pipeline.  Paths in the config default to this repository's
    ``configs/`` and ``models/``; pass overrides such as ``{"paths.models": "/tmp/m"}``."""
    cfg_path = Path(config) if config else CONFIGS / "pipeline.cfg"
    cfg = spacy.util.load_config(cfg_path, overrides={
        "paths.configs": str(CONFIGS), "paths.models": str(MODELS), **(overrides or {})})
    nlp = spacy.util.load_model_from_config(cfg, auto_fill=True, validate=True)
    learning = cfg.get("learning", {})
    if learning.get("on_load"):
        gold = Path(learning.get("gold") or "corpus/gold")
        gold = gold if gold.is_absolute() else ROOT / gold
        records = load_gold_records(gold) if gold.is_dir() else []
        for name in learning["on_load"]:
            if records and name in nlp.pipe_names:
                nlp.get_pipe(name).learn(records)
    return nlp


def load_gold_records(gold_dir: Path) -> list[dict]:
    """The gold records of a folder of ``*.gold.json`` files, sorted by name."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(Path(gold_dir).glob("*.gold.json"))]


def make_doc(nlp: Language, text: str, source: str = "<text>", doc_id: str | None = None,
             join_wraps: bool | None = None) -> Doc:
    """Normalise ``text`` and tokenize the view; no component has run yet."""
    view = normalise(text, join_wraps=join_wraps)
    doc = nlp.make_doc(view.text)
    doc._.view = view
    doc._.source = source
    doc._.doc_id = doc_id or make_doc_id(source, text)
    return init_doc(doc)


def process(nlp: Language, text: str, source: str = "<text>", doc_id: str | None = None) -> Doc:
    doc = make_doc(nlp, text, source, doc_id)
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc


def process_record(nlp: Language, text: str, source: str = "<text>",
                   doc_id: str | None = None) -> dict:
    return doc_to_record(process(nlp, text, source, doc_id))


def learn(nlp: Language, gold_records: list[dict]) -> None:
    """Rebuild every corpus-derived part (gazetteer entries learnt from gold, trained models)
    from ``gold_records`` only.  Used by leave-one-out evaluation and by training commands.
    A component takes part by defining ``learn(records)``."""
    for _, proc in nlp.pipeline:
        if hasattr(proc, "learn"):
            proc.learn(gold_records)

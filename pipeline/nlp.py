"""Building the spaCy pipeline: ``configs/pipeline.cfg`` for its stages and settings, then the
learned state of each stage from ``models/pipeline/`` (written by ``zhpolicy train``).

Nothing is learned at load time.  :func:`train` fits every learned part from gold records
through spaCy's ``nlp.initialize(get_examples)`` and :func:`save` writes them with
``nlp.to_disk``; :func:`load_pipeline` reads them back with ``nlp.from_disk``.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Iterable

import spacy
from spacy.language import Language
from spacy.training import Example

from . import CONFIGS, MODELS
from . import components  # noqa: F401  (registers the factories)

PIPELINE_MODELS = MODELS / "pipeline"
# what nlp.to_disk writes besides the components' learned state: nothing (the config is
# configs/pipeline.cfg, the vocab is rebuilt from the text, the tokenizer from the gazetteer)
_NOT_SAVED = ["vocab", "config", "tokenizer"]


def load_config(config: Path | str | None = None, overrides: dict | None = None):
    cfg_path = Path(config) if config else CONFIGS / "pipeline.cfg"
    return spacy.util.load_config(cfg_path, overrides={
        "paths.configs": str(CONFIGS), "paths.models": str(MODELS), **(overrides or {})})


def load_pipeline(config: Path | str | None = None, overrides: dict | None = None,
                  models: Path | str | None = PIPELINE_MODELS) -> Language:
    """The pipeline of ``config`` (default ``configs/pipeline.cfg``) with its learned state
    from ``models`` (default ``models/pipeline``; ``None``: untrained, as ``train`` starts)."""
    nlp = spacy.util.load_model_from_config(load_config(config, overrides), auto_fill=True, validate=True)
    if models is not None:
        models = Path(models)
        if not (models / "meta.json").is_file():
            raise FileNotFoundError(f"{models}: no trained pipeline here; build it with: zhpolicy train")
        nlp.from_disk(models, exclude=_NOT_SAVED)
    return nlp


def load_gold_records(gold_dir: Path | str) -> list[dict]:
    """The gold records of a folder of ``*.gold.json`` files, sorted by name."""
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(Path(gold_dir).glob("*.gold.json"))]


def gold_examples(nlp: Language, records: Iterable[dict]) -> list[Example]:
    """spaCy Examples of gold records: the predicted side is the document as the tokenizer makes
    it; the reference side carries the gold record as ``doc._.gold``."""
    out = []
    for rec in records:
        pred = nlp.make_doc(rec["text"])
        ref = nlp.make_doc(rec["text"])
        ref._.gold = rec
        out.append(Example(pred, ref))
    return out


def learned_components(nlp: Language) -> list[str]:
    """The stages with learned state (an ``initialize`` of their own), in pipeline order."""
    return [name for name, proc in nlp.pipeline if hasattr(proc, "initialize")]


def train(nlp: Language, records: list[dict], components: Iterable[str] | None = None) -> Language:
    """Fit the learned parts of ``nlp`` on ``records`` only: all of them through
    ``nlp.initialize``, or just ``components`` (the others keep their state)."""
    examples = gold_examples(nlp, records)
    if components is None:
        nlp.initialize(lambda: examples)
        return nlp
    for name in components:
        if name not in learned_components(nlp):
            raise ValueError(f"{name!r} is not a trained stage; trained stages: {', '.join(learned_components(nlp))}")
        nlp.get_pipe(name).initialize(lambda: examples, nlp=nlp)
    return nlp


def save(nlp: Language, path: Path | str = PIPELINE_MODELS) -> Path:
    path = Path(path)
    nlp.to_disk(path, exclude=_NOT_SAVED)
    return path

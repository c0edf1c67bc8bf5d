"""Policy themes of each task (ANNOTATION.md s.4).

For every task in ``doc._.tasks`` (view offsets, from the structure stage) this sets
``themes`` (ordered, primary first) and ``scores`` (theme -> probability, at least for the
listed themes).  ``method = "model"`` (default) uses the trained classifier of
``pipeline/themes_model.py`` saved in ``models/pipeline/themes/``; ``method = "keywords"`` uses the
keyword baseline of ``configs/themes.yaml``.  Options in ``configs/pipeline.cfg``::

    [components.themes]
    factory = "zhpolicy_themes"
    method = "model"                              # or "keywords"
    themes_config = "${paths.configs}/themes.yaml"
    examples = "${paths.configs}/theme_examples.yaml"

The model is the component's learned state: ``initialize`` fits it on the gold tasks of the
examples plus ``theme_examples.yaml``; ``to_disk``/``from_disk`` write and read
``models/pipeline/themes/model.joblib`` (refusing one built with other library versions).
Beside it, ``runtime.npz`` + ``runtime.json`` hold the same model as plain arrays
(:mod:`pipeline.themes_runtime`); ``from_disk`` uses them when they were made from that
``model.joblib``, so the pipeline loads without importing scikit-learn (~2 s).  Without them
(an artefact from before they existed) it loads the joblib file as before.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc

from .. import themes_runtime as tm
from ..extensions import gold_records_of, init_doc

METHODS = ("model", "keywords")


@Language.factory("zhpolicy_themes", default_config={
    "method": "model", "themes_config": None, "examples": None})
def make_themes(nlp: Language, name: str, method: str, themes_config: Optional[str], examples: Optional[str]):
    return ThemeClassifier(method=method, themes_config=themes_config, examples=examples)


class ThemeClassifier:
    def __init__(self, method: str = "model", themes_config: str | None = None, examples: str | None = None):
        if method not in METHODS:
            raise ValueError(f"themes: method must be one of {METHODS}, not {method!r}")
        self.method = method
        self.config_path = themes_config or str(tm.DEFAULT_CONFIG)
        self.examples_path = examples or str(tm.DEFAULT_EXAMPLES)
        self.config = tm.load_config(self.config_path)
        self.scorer = tm.KeywordScorer(self.config)
        self.table_rules = [(re.compile(r["header"]), list(r["themes"])) for r in self.config.get("table_rules") or ()]
        self.model = None       # learned state: initialize() or from_disk()
        self._loaded_from: str | None = None

    # ------------------------------------------------------------------ running
    def _texts(self, doc: Doc) -> list[str]:
        # doc.text is rebuilt from the tokens on each access; the view holds the same string
        text = doc._.view.text if doc._.view is not None else doc.text
        return [text[t["start"]:t["end"]] for t in doc._.tasks or ()]

    def __call__(self, doc: Doc) -> Doc:
        init_doc(doc)
        if not doc._.tasks:
            return doc
        texts = self._texts(doc)
        if self.method == "model":
            if self.model is None:
                raise RuntimeError("themes: no trained model; build models/ with: zhpolicy train")
            results = self.model.predict_themes(texts)
        else:
            results = [tm.keyword_themes(t, self.config, self.scorer) for t in texts]
        for task, (themes, scores) in zip(doc._.tasks, results):
            head = self._table_head(doc, task)
            task["themes"] = head + [t for t in themes if t not in head]
            task["scores"] = dict(scores)
            for t in head:
                task["scores"].setdefault(t, 0.0)
        return doc

    def _table_head(self, doc: Doc, task: dict) -> list[str]:
        """The themes a table rule of themes.yaml puts first for a table row (a project list that
        counts money: RESOURCES), else none."""
        if task.get("style") != "table_row" or not self.table_rules:
            return []
        table = next((t for t in doc._.tables or () if t["start"] <= task["start"] < t["end"]), None)
        header = "".join(c["text"] for c in (table or {}).get("header") or ())
        return next((list(themes) for rx, themes in self.table_rules if header and rx.search(header)), [])

    def baseline(self, doc: Doc) -> list[dict]:
        """Keyword-only themes of ``doc._.tasks``; the doc is not modified."""
        out = []
        for task, text in zip(doc._.tasks or [], self._texts(doc)):
            themes, scores = tm.keyword_themes(text, self.config, self.scorer)
            out.append({"id": task["id"], "themes": themes, "scores": scores})
        return out

    # ------------------------------------------------------------------ learned state
    def initialize(self, get_examples, *, nlp=None) -> None:
        """Fit the model on the gold tasks of the examples' records plus the examples file."""
        if self.method == "model":
            from .. import themes_model

            self.model = themes_model.fit_model(gold_records_of(get_examples), self.examples_path,
                                      config_path=self.config_path)

    def to_disk(self, path, *, exclude=()) -> None:
        if self.model is not None:
            from .. import themes_model

            model = self.model
            if isinstance(model, tm.CompiledThemeModel):   # loaded without scikit-learn: the fitted model is on disk
                model = themes_model.load_model(Path(self._loaded_from) / "model.joblib")
            themes_model.save_model(model, Path(path) / "model.joblib")

    def from_disk(self, path, *, exclude=()) -> "ThemeClassifier":
        if self.method == "model":
            path = Path(path)
            self.model = tm.read_runtime(path, path / "model.joblib")
            if self.model is None:
                from .. import themes_model

                self.model = themes_model.load_model(path / "model.joblib")
            self._loaded_from = str(path)
        return self

"""Policy themes of each task (ANNOTATION.md s.4).

For every task in ``doc._.tasks`` (view offsets, from the structure stage) this sets
``themes`` (ordered, primary first) and ``scores`` (theme -> probability, at least for the
listed themes).  ``method = "model"`` (default) uses the trained classifier of
``pipeline/themes_model.py`` saved in ``models/themes.joblib``; ``method = "keywords"`` uses the
keyword baseline of ``configs/themes.yaml``.  Options in ``configs/pipeline.cfg``::

    [components.themes]
    factory = "zhpolicy_themes"
    method = "model"                              # or "keywords"
    model = "${paths.models}/themes.joblib"       # default: models/themes.joblib
    themes_config = "${paths.configs}/themes.yaml"
    examples = "${paths.configs}/theme_examples.yaml"
"""
from __future__ import annotations

from typing import Optional

from spacy.language import Language
from spacy.tokens import Doc

from .. import themes_model as tm
from ..extensions import init_doc

METHODS = ("model", "keywords")


@Language.factory("zhpolicy_themes", default_config={
    "method": "model", "model": None, "themes_config": None, "examples": None})
def make_themes(nlp: Language, name: str, method: str, model: Optional[str],
                themes_config: Optional[str], examples: Optional[str]):
    return ThemeClassifier(method=method, model=model, themes_config=themes_config,
                           examples=examples)


class ThemeClassifier:
    def __init__(self, method: str = "model", model: str | None = None,
                 themes_config: str | None = None, examples: str | None = None):
        if method not in METHODS:
            raise ValueError(f"themes: method must be one of {METHODS}, not {method!r}")
        self.method = method
        self.model_path = model or str(tm.DEFAULT_MODEL)
        self.config_path = themes_config or str(tm.DEFAULT_CONFIG)
        self.examples_path = examples or str(tm.DEFAULT_EXAMPLES)
        self.config = tm.load_config(self.config_path)
        self.scorer = tm.KeywordScorer(self.config)
        # The model is needed for method "model" and is loaded now, so that a missing or
        # incompatible artefact is reported when the pipeline is built, not mid-batch.
        self.model = tm.load_model(self.model_path).prepare() if method == "model" else None

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
            results = self.model.predict_themes(texts)
        else:
            results = [tm.keyword_themes(t, self.config, self.scorer) for t in texts]
        for task, (themes, scores) in zip(doc._.tasks, results):
            task["themes"] = list(themes)
            task["scores"] = dict(scores)
        return doc

    def baseline(self, doc: Doc) -> list[dict]:
        """Keyword-only themes of ``doc._.tasks``; the doc is not modified."""
        out = []
        for task, text in zip(doc._.tasks or [], self._texts(doc)):
            themes, scores = tm.keyword_themes(text, self.config, self.scorer)
            out.append({"id": task["id"], "themes": themes, "scores": scores})
        return out

    # ------------------------------------------------------------------ training
    def learn(self, records: list[dict]) -> None:
        """Retrain the model in memory on the gold tasks of ``records`` plus the examples
        file (leave-one-out evaluation; a few seconds).  The saved artefact is untouched."""
        if self.method != "model":
            return
        params = self.model.get_params() if self.model is not None else {}
        params["config_path"] = self.config_path
        self.model = tm.fit_model(records, self.examples_path, **params).prepare()

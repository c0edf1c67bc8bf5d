"""The policy-theme classifier of tasks (ANNOTATION.md section 4) and its keyword baseline.

:class:`ThemeModel` is a scikit-learn estimator with one feature path, a ``FeatureUnion``:

- TF-IDF of character 1-3-grams of the task's text (``TfidfVectorizer``),
- TF-IDF of character 1-2-grams of its title (the heading up to the first full stop),
- the per-theme keyword counts of ``configs/themes.yaml`` (:class:`KeywordCounts`),

weighted by ``transformer_weights``.  A multinomial ``LogisticRegression`` gives the primary
theme; a one-vs-rest ``LogisticRegression`` gives each theme's membership probability, from
which secondary themes are listed.  A title that names two themes puts the one named first
(``title_order``), and the fixed-order rules of ``themes.yaml`` (“双减” -> COMPULSORY, PRIVATE)
are applied last.  :func:`keyword_themes` is the keyword-only baseline.

:func:`save_model` / :func:`load_model` write and read the artefact (joblib, with a
``.meta.json`` beside it); one built with other library versions is refused with
:class:`IncompatibleModelError`.  The themes component keeps it in ``models/pipeline/themes/``
(``zhpolicy train``).  :func:`loo_scores` measures leave-one-document-out accuracy.

Texts are read in the normalised view (simplified script, half-width digits), as the
pipeline's ``doc.text`` is.
"""
from __future__ import annotations

import json
import platform
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.pipeline import FeatureUnion, make_pipeline
from sklearn.preprocessing import FunctionTransformer

from .settings import read_config
from .themes_runtime import (DEFAULT_CONFIG, DEFAULT_EXAMPLES, KeywordScorer, _bodies,  # noqa: F401 (re-exported)
                             ThemePredictions, _compiled_rules, _marker_len, _titles, apply_rules, choose_themes, file_sha1,
                             keyword_themes, load_config, task_title, theme_codes, title_first, write_runtime)

FORMAT_VERSION = 2
REBUILD = "zhpolicy train themes"


# ------------------------------------------------------------------ examples
def load_examples(path: Path | str | None = None) -> tuple[list[str], list[list[str]]]:
    """Texts and ordered theme lists of ``configs/theme_examples.yaml``."""
    data = read_config(path, "theme_examples.yaml")
    items = data.get("examples") or []
    return [str(x["text"]) for x in items], [list(x["themes"]) for x in items]


def gold_task_texts(records: Iterable[dict]) -> tuple[list[str], list[list[str]]]:
    """Task texts (in the normalised view) and gold theme lists of gold records."""
    from .normalise import normalise

    texts, labels = [], []
    for rec in records:
        tasks = [t for t in rec.get("tasks", []) if t.get("themes")]
        if not tasks:
            continue
        view = normalise(rec["text"])
        for t in tasks:
            s, e = view.to_view(t["start"]), view.to_view(t["end"])
            texts.append(view.text[s:e])
            labels.append(list(t["themes"]))
    return texts, labels


class KeywordCounts(TransformerMixin, BaseEstimator):
    """Texts -> the L2-normalised ``log1p`` of their keyword scores (one column per theme)."""

    def __init__(self, config_path: str | None = None):
        self.config_path = config_path

    def fit(self, X, y=None):
        self.scorer_ = KeywordScorer(load_config(self.config_path))
        return self

    def transform(self, X):
        if not len(X):
            return sparse.csr_matrix((0, len(self.scorer_.codes)))
        kw = np.log1p(np.vstack([self.scorer_.scores(x) for x in X]))
        norms = np.linalg.norm(kw, axis=1, keepdims=True)
        return sparse.csr_matrix(kw / np.where(norms > 0, norms, 1.0))


# ------------------------------------------------------------------ the model
def theme_features(min_df: int = 2, title_weight: float = 1.0, keyword_weight: float = 0.5,
                   config_path: str | None = None) -> FeatureUnion:
    """The feature path: character n-grams of the task and of its title, keyword counts."""
    return FeatureUnion([
        ("body", make_pipeline(FunctionTransformer(_bodies),
                               TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=min_df))),
        ("title", make_pipeline(FunctionTransformer(_titles),
                                TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True))),
        ("keywords", KeywordCounts(config_path)),
    ], transformer_weights={"body": 1.0, "title": title_weight, "keywords": keyword_weight})


class ThemeModel(ThemePredictions, ClassifierMixin, BaseEstimator):
    """Task text -> primary theme and secondary themes.  ``fit(X, y)``: ``X`` task texts,
    ``y`` theme codes (primary only) or ordered theme lists (primary first).  ``classes_`` is
    always the full list of ``themes.yaml``, whether or not training saw every code."""

    def __init__(self, C: float = 10.0, title_weight: float = 1.0, keyword_weight: float = 0.5,
                 secondary_threshold: float | None = None, max_secondary: int | None = None,
                 min_df: int = 2, title_order: float = 0.4, config_path: str | None = None):
        self.C = C
        self.title_weight = title_weight
        self.keyword_weight = keyword_weight
        self.secondary_threshold = secondary_threshold
        self.max_secondary = max_secondary
        self.min_df = min_df
        self.title_order = title_order
        self.config_path = config_path

    def fit(self, X: Sequence[str], y: Sequence):
        X = list(X)
        self.config_ = load_config(self.config_path)
        self.classes_ = np.array(theme_codes(self.config_))
        lists = [[v] if isinstance(v, str) else list(v) for v in y]
        unknown = {t for ts in lists for t in ts} - set(self.classes_)
        if unknown:
            raise ValueError(f"unknown theme codes {sorted(unknown)}; the codes are in {DEFAULT_CONFIG}")
        self.features_ = theme_features(self.min_df, self.title_weight, self.keyword_weight, self.config_path)
        F = self.features_.fit_transform(X)
        for _, step in self.features_.transformer_list[:2]:
            step[-1].stop_words_ = None       # only kept for introspection; large when pickled
        self.primary_ = LogisticRegression(C=self.C, max_iter=3000).fit(F, [ts[0] for ts in lists])
        index = {c: i for i, c in enumerate(self.classes_)}
        Y = np.zeros((len(X), len(self.classes_)), dtype=int)
        for r, ts in enumerate(lists):
            for t in ts:
                Y[r, index[t]] = 1
        self.seen_ = Y.sum(axis=0) > 0
        self.members_ = OneVsRestClassifier(LogisticRegression(C=self.C, solver="liblinear")).fit(F, Y[:, self.seen_])
        self.keywords_ = self.features_.named_transformers["keywords"].scorer_
        return self

    def _probabilities(self, X: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Primary-theme probabilities P and membership probabilities M, columns in
        ``classes_`` order."""
        F = self.features_.transform(list(X))
        P = np.zeros((F.shape[0], len(self.classes_)))
        cols = [int(np.where(self.classes_ == c)[0][0]) for c in self.primary_.classes_]
        P[:, cols] = self.primary_.predict_proba(F)
        M = np.zeros_like(P)
        M[:, self.seen_] = self.members_.predict_proba(F)
        return P, M

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        return self._probabilities(X)[0]

    def _title_first(self, text: str, m: np.ndarray, top: int) -> int:
        """See :func:`pipeline.themes_runtime.title_first`."""
        return title_first(text, m, top, self.classes_, self.keywords_, self.title_order)

    def runtime_arrays(self) -> tuple[dict, dict[str, np.ndarray]]:
        """(meta, arrays) of what prediction needs, for :class:`pipeline.themes_runtime.CompiledThemeModel`."""
        meta = {"classes": [str(c) for c in self.classes_], "config": self.config_,
                "title_order": self.title_order, "secondary_threshold": self.secondary_threshold,
                "max_secondary": self.max_secondary, "blocks": [], "n_features": 0}
        arrays: dict[str, np.ndarray] = {}
        weights = self.features_.transformer_weights or {}
        for name, step in self.features_.transformer_list:
            if name == "keywords":
                meta["keyword_weight"] = float(weights.get(name, 1.0))
                meta["n_features"] += len(step.scorer_.codes)
                continue
            fn, vec = step.steps[0][1], step[-1]
            expected = {"body": _bodies, "title": _titles}[name]
            p = vec.get_params()
            if (fn.func is not expected or p["analyzer"] != "char" or not p["lowercase"] or p["strip_accents"]
                    or not p["sublinear_tf"] or p["norm"] != "l2" or not p["use_idf"] or p["binary"]):
                raise ValueError(f"themes: feature block {name!r} is not the one the compiled model computes")
            vocab = sorted(vec.vocabulary_.items(), key=lambda kv: kv[1])
            assert [i for _, i in vocab] == list(range(len(vocab)))
            meta["blocks"].append({"name": name, "vocabulary": [g for g, _ in vocab],
                                   "ngram_range": list(p["ngram_range"]), "weight": float(weights.get(name, 1.0))})
            arrays[name + "_idf"] = np.asarray(vec.idf_, dtype=np.float64)
            meta["n_features"] += len(vocab)
        if [n for n, _ in self.features_.transformer_list] != ["body", "title", "keywords"]:
            raise ValueError("themes: the compiled model expects the blocks body, title, keywords")
        meta["primary_classes"] = [str(c) for c in self.primary_.classes_]
        arrays["primary_coef"] = np.asarray(self.primary_.coef_, dtype=np.float64)
        arrays["primary_intercept"] = np.asarray(self.primary_.intercept_, dtype=np.float64)
        members, coefs, inters = [], [], []
        for est in self.members_.estimators_:
            if hasattr(est, "coef_"):
                members.append({"kind": "lr"})
                coefs.append(np.asarray(est.coef_, dtype=np.float64).reshape(-1))
                inters.append(float(np.asarray(est.intercept_).reshape(-1)[0]))
            else:                                   # _ConstantPredictor: a column all 0 or all 1
                members.append({"kind": "constant", "y": float(np.asarray(est.y_).reshape(-1)[0])})
                coefs.append(np.zeros(meta["n_features"]))
                inters.append(0.0)
        if not self.members_.multilabel_:
            raise ValueError("themes: the compiled model expects multilabel membership")
        meta["members"] = members
        arrays["members_coef"] = np.vstack(coefs)
        arrays["members_intercept"] = np.asarray(inters, dtype=np.float64)
        arrays["seen"] = np.asarray(self.seen_, dtype=np.int8)
        return meta, arrays


def training_data(records: Iterable[dict], examples: Path | str | None = None):
    """Gold tasks of ``records`` plus the labelled examples."""
    texts, labels = gold_task_texts(records)
    ex_t, ex_l = load_examples(examples)
    return texts + ex_t, labels + ex_l


def fit_model(records: Iterable[dict], examples: Path | str | None = None, **params) -> ThemeModel:
    X, y = training_data(records, examples)
    return ThemeModel(**params).fit(X, y)


# ------------------------------------------------------------------ artefact
class IncompatibleModelError(RuntimeError):
    """The saved model was built with library versions this environment cannot trust."""


def runtime_versions() -> dict:
    import joblib
    import scipy
    import sklearn

    return {"format_version": FORMAT_VERSION, "python": platform.python_version(),
            "sklearn": sklearn.__version__, "numpy": np.__version__, "scipy": scipy.__version__,
            "joblib": joblib.__version__}


def _meta_path(path: Path) -> Path:
    return path.with_name(path.name.rsplit(".", 1)[0] + ".meta.json")


def check_compatible(meta: dict, path: Path | str) -> None:
    """Raise :class:`IncompatibleModelError` unless ``meta`` was written by this format
    version, the same scikit-learn, the same numpy major and the same Python major.minor."""
    now = runtime_versions()

    def mm(v, n):
        return ".".join(str(v).split(".")[:n])

    ok = (meta.get("format_version") == now["format_version"]
          and meta.get("sklearn") == now["sklearn"]
          and mm(meta.get("numpy"), 1) == mm(now["numpy"], 1)
          and mm(meta.get("python"), 2) == mm(now["python"], 2))
    if not ok:
        def show(m):
            return (f"format {m.get('format_version')}, scikit-learn {m.get('sklearn')}, "
                    f"numpy {m.get('numpy')}, Python {m.get('python')}")
        raise IncompatibleModelError(
            f"{path}: theme model built with {show(meta)}; this environment has {show(now)}. "
            f"Refusing to load it. Rebuild it with: {REBUILD}")


def save_model(model: ThemeModel, path: Path | str, info: dict | None = None) -> dict:
    import joblib

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {**runtime_versions(), "themes": list(model.classes_), "params": model.get_params(),
            **(info or {})}
    joblib.dump({"meta": meta, "model": model}, path, compress=3)
    _meta_path(path).write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    export_runtime(model, path)
    return meta


def export_runtime(model: ThemeModel, path: Path | str) -> None:
    """Write the arrays prediction needs (``runtime.npz`` + ``runtime.json``) beside the joblib
    artefact ``path``, naming its SHA-1, so the pipeline loads without scikit-learn."""
    path = Path(path)
    meta, arrays = model.runtime_arrays()
    write_runtime(path.parent, {**meta, "source": path.name, "source_sha1": file_sha1(path)}, arrays)


def load_model(path: Path | str) -> ThemeModel:
    """Load a saved model, refusing one built with incompatible versions."""
    import joblib

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no theme model; build it with: {REBUILD}")
    side = _meta_path(path)
    if side.exists():  # check before unpickling: an incompatible pickle may not even load
        check_compatible(json.loads(side.read_text(encoding="utf-8")), path)
    try:
        blob = joblib.load(path)
    except Exception as err:  # noqa: BLE001 - a broken/foreign pickle: say what to do
        raise IncompatibleModelError(f"{path}: cannot be loaded ({err}). Rebuild it with: {REBUILD}") from err
    if not isinstance(blob, dict) or "meta" not in blob or "model" not in blob:
        raise IncompatibleModelError(f"{path}: not a theme model artefact. Rebuild it with: {REBUILD}")
    check_compatible(blob["meta"], path)
    return blob["model"]


# ------------------------------------------------------------------ measurement
def loo_scores(records: Sequence[dict], **params) -> dict:
    """Leave-one-document-out primary-theme accuracy and macro-F1 on gold task spans,
    for the model and the keyword baseline."""
    from .evaluate import theme_scores

    config = load_config()
    scorer = KeywordScorer(config)
    pairs_m, pairs_b, sets_m, sets_b, per_doc = [], [], [], [], {}
    for k, rec in enumerate(records):
        model = fit_model([r for j, r in enumerate(records) if j != k], **params)
        texts, labels = gold_task_texts([rec])
        pred = [ts for ts, _ in model.predict_themes(texts)]
        base = [keyword_themes(t, config, scorer)[0] for t in texts]
        pm = [(g[0], (p or [None])[0]) for g, p in zip(labels, pred)]
        pb = [(g[0], (b or [None])[0]) for g, b in zip(labels, base)]
        pairs_m += pm
        pairs_b += pb
        sets_m += list(zip(labels, pred))
        sets_b += list(zip(labels, base))
        per_doc[rec.get("doc_id")] = {"model": theme_scores(pm), "baseline": theme_scores(pb)}
    return {"model": {**theme_scores(pairs_m), "all_themes_f1": theme_set_f1(sets_m)},
            "baseline": {**theme_scores(pairs_b), "all_themes_f1": theme_set_f1(sets_b)},
            "per_document": per_doc}


def theme_set_f1(pairs: list[tuple[list[str], list[str]]]) -> float:
    """Micro F1 over (task, theme) pairs, primary and secondary alike."""
    tp = sum(len(set(g) & set(p)) for g, p in pairs)
    n_pred = sum(len(set(p)) for _, p in pairs)
    n_gold = sum(len(set(g)) for g, _ in pairs)
    return 2 * tp / (n_pred + n_gold) if n_pred + n_gold else 0.0

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
import re
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

from . import CONFIGS
from .patterns import TASK_MARKER
from .settings import ConfigError, read_config
from .zh import Surfaces

FORMAT_VERSION = 2
REBUILD = "zhpolicy train themes"
DEFAULT_CONFIG = CONFIGS / "themes.yaml"
DEFAULT_EXAMPLES = CONFIGS / "theme_examples.yaml"
_TITLE_END = re.compile(r"[。；;！!？?\n]|[:：](?!\d)")


# ------------------------------------------------------------------ configuration
def load_config(path: Path | str | None = None) -> dict:
    """``configs/themes.yaml`` (cached while the file is unchanged)."""
    cfg = read_config(path, "themes.yaml")
    if not cfg.get("themes"):
        raise ConfigError(f"{path or DEFAULT_CONFIG}: no 'themes' section")
    return cfg


def theme_codes(config: dict | None = None) -> tuple[str, ...]:
    return tuple((config or load_config())["themes"])


def load_examples(path: Path | str | None = None) -> tuple[list[str], list[list[str]]]:
    """Texts and ordered theme lists of ``configs/theme_examples.yaml``."""
    data = read_config(path, "theme_examples.yaml")
    items = data.get("examples") or []
    return [str(x["text"]) for x in items], [list(x["themes"]) for x in items]


# ------------------------------------------------------------------ texts
def _marker_len(text: str) -> int:
    m = TASK_MARKER.match(text)
    return len(m.group(0)) if m else 0


def task_title(text: str) -> str:
    """The task's heading: the text after its marker up to the first full stop, colon or
    line break (``15.促进学前教育优质普惠发展`` / ``一是党史学习教育走深走实。``)."""
    body = text[_marker_len(text):]
    m = _TITLE_END.search(body)
    return body[: m.start()] if m else body[:60]


def _bodies(X: Sequence[str]) -> list[str]:
    return [x.replace("\n", "") for x in X]


def _titles(X: Sequence[str]) -> list[str]:
    return [task_title(x) for x in X]


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


# ------------------------------------------------------------------ keywords
class KeywordScorer:
    """Each theme's keywords counted in a text (every occurrence, overlapping ones included);
    a match inside the title counts ``title_weight`` times."""

    def __init__(self, config: dict):
        self.codes = theme_codes(config)
        self.title_weight = float(config.get("title_weight", 3.0))
        index = {c: i for i, c in enumerate(self.codes)}
        themes_of: dict[str, list[int]] = {}
        for code, spec in config["themes"].items():
            for kw in spec.get("keywords") or []:
                themes_of.setdefault(str(kw), []).append(index[code])
        self.surfaces = Surfaces(themes_of)
        self.themes_of = {kw: tuple(ids) for kw, ids in themes_of.items()}

    def analyse(self, text: str) -> tuple[np.ndarray, dict[int, int]]:
        """(scores per theme, theme index -> where its first keyword starts in the title)."""
        off = _marker_len(text)
        title_end = off + len(task_title(text))
        scores = np.zeros(len(self.codes))
        first: dict[int, int] = {}
        for s, e, kw in self.surfaces.find(text):
            in_title = e <= title_end
            for i in self.themes_of[kw]:
                scores[i] += self.title_weight if in_title else 1.0
                if in_title and s >= off and s < first.get(i, 1 << 30):
                    first[i] = s
        return scores, first

    def scores(self, text: str) -> np.ndarray:
        return self.analyse(text)[0]

    def title_positions(self, text: str) -> dict[int, int]:
        return self.analyse(text)[1]


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


def _compiled_rules(config: dict) -> list[tuple[re.Pattern, int, list[str]]]:
    return [(re.compile(r["pattern"]), int(r.get("min_count", 1)), list(r["themes"]))
            for r in config.get("rules") or []]


def apply_rules(text: str, themes: list[str], config: dict, title: str | None = None,
                rules: list | None = None) -> list[str]:
    """Fixed-order rules of themes.yaml: the rule's themes first, then the rest."""
    rules = _compiled_rules(config) if rules is None else rules
    title = task_title(text) if title is None else title
    for pat, min_count, head in rules:
        if pat.search(title) or len(pat.findall(text)) >= min_count:
            return head + [t for t in themes if t not in head]
    return themes


def keyword_themes(text: str, config: dict | None = None,
                   scorer: KeywordScorer | None = None) -> tuple[list[str], dict[str, float]]:
    """The keyword-only baseline: themes by keyword evidence (title hits weigh more),
    secondary ones when their evidence reaches ``secondary.baseline_ratio`` of the top."""
    config = config or load_config()
    scorer = scorer or KeywordScorer(config)
    raw = scorer.scores(text)
    total = raw.sum()
    if total <= 0:
        return [], {}
    sec = config.get("secondary") or {}
    ratio = float(sec.get("baseline_ratio", 0.5))
    order = np.argsort(-raw, kind="stable")
    top = raw[order[0]]
    themes = [scorer.codes[order[0]]]
    for i in order[1:1 + int(sec.get("max_secondary", 2))]:
        if raw[i] >= ratio * top and raw[i] > 0:
            themes.append(scorer.codes[i])
    themes = apply_rules(text, themes, config)
    scores = {scorer.codes[i]: round(float(raw[i] / total), 4) for i in order if raw[i] > 0}
    for t in themes:
        scores.setdefault(t, 0.0)
    return themes, scores


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


class ThemeModel(ClassifierMixin, BaseEstimator):
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

    def membership_proba(self, X: Sequence[str]) -> np.ndarray:
        """Per-theme probability that the task is (also) about that theme."""
        return self._probabilities(X)[1]

    def predict(self, X: Sequence[str]) -> np.ndarray:
        return np.array([ts[0] for ts, _ in self.predict_themes(X)])

    def _title_first(self, text: str, m: np.ndarray, top: int) -> int:
        """A title that names two themes (“特殊教育和终身教育”, “体育、美育和劳动教育”) puts
        the main one first: among the themes whose keywords occur in the title and whose
        membership probability is >= ``title_order``, take the one named first, provided the
        top theme is named in the title too."""
        col = {c: i for i, c in enumerate(self.classes_)}
        named = {col[self.keywords_.codes[i]]: p for i, p in self.keywords_.title_positions(text).items()
                 if self.keywords_.codes[i] in col}
        if top not in named:
            return top
        cands = [i for i in named if i == top or m[i] >= self.title_order]
        return min(cands, key=lambda i: (named[i], -m[i]))

    def predict_themes(self, X: Sequence[str]) -> list[tuple[list[str], dict[str, float]]]:
        """(ordered themes, scores) per text.  The primary is the primary classifier's argmax
        (see :meth:`_title_first`); secondary themes have membership probability >= the
        threshold (at most ``max_secondary``).  ``scores`` maps every listed theme, and any
        other with membership probability >= 0.05, to its membership probability, except the
        primary, which gets the larger of its two probabilities."""
        X = list(X)
        if not X:
            return []
        sec = self.config_.get("secondary") or {}
        thr = self.secondary_threshold if self.secondary_threshold is not None else float(sec.get("model_threshold", 0.3))
        k = self.max_secondary if self.max_secondary is not None else int(sec.get("max_secondary", 2))
        rules = _compiled_rules(self.config_)
        P, M = self._probabilities(X)
        codes = [str(c) for c in self.classes_]
        out = []
        for r, text in enumerate(X):
            m = M[r]
            first = int(np.argmax(P[r]))
            if self.title_order:
                first = self._title_first(text, m, first)
            themes = [codes[first]]
            for i in np.argsort(-m, kind="stable"):
                if len(themes) > k or m[i] < thr:
                    break
                if i != first:
                    themes.append(codes[i])
            themes = apply_rules(text, themes, self.config_, None, rules)
            scores = {c: round(float(m[i]), 4) for i, c in enumerate(codes) if m[i] >= 0.05 or c in themes}
            j = codes.index(themes[0])
            scores[themes[0]] = round(float(max(m[j], P[r][j])), 4)
            out.append((themes, dict(sorted(scores.items(), key=lambda kv: -kv[1]))))
        return out


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
    return meta


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

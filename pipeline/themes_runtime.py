"""The theme classifier at run time, without scikit-learn (whose import costs ~2 s of start-up).

``zhpolicy train`` fits :class:`pipeline.themes_model.ThemeModel` (scikit-learn) and, beside its
joblib artefact, writes what prediction needs as plain arrays (:func:`write_runtime`:
``runtime.npz`` + ``runtime.json``): the two TF-IDF vocabularies and idf weights, the
coefficients of the primary and membership logistic regressions, the themes configuration.
:class:`CompiledThemeModel` reads them back (:func:`read_runtime`) and computes the same
probabilities with the same floating-point operations in the same order as scikit-learn's
``transform`` / ``predict_proba`` (character n-gram counts -> ``log + 1`` -> ``* idf`` -> row
L2 norm; the feature blocks stacked, weighted; ``csr @ coef.T + intercept`` summed in scipy's
order; softmax; expit), without importing scipy either,
so the records are the same as with the joblib model.  The artefact names the SHA-1 of the
joblib file it was made from; a mismatch (the model was retrained, the arrays not) means the
arrays are not used.

The keyword scorer, titles and fixed-order rules (no scikit-learn either) live here too and are
re-exported by :mod:`pipeline.themes_model`.
"""
from __future__ import annotations

import hashlib
import json
import math
import re
from pathlib import Path
from typing import Sequence

import numpy as np

from . import CONFIGS
from .patterns import TASK_MARKER
from .settings import ConfigError, read_config
from .zh import Surfaces

DEFAULT_CONFIG = CONFIGS / "themes.yaml"
DEFAULT_EXAMPLES = CONFIGS / "theme_examples.yaml"
_TITLE_END = re.compile(r"[。；;！!？?\n]|[:：](?!\d)")
RUNTIME_FORMAT = 1
RUNTIME_JSON, RUNTIME_NPZ = "runtime.json", "runtime.npz"


# ------------------------------------------------------------------ configuration
def load_config(path: Path | str | None = None) -> dict:
    """``configs/themes.yaml`` (cached while the file is unchanged)."""
    cfg = read_config(path, "themes.yaml")
    if not cfg.get("themes"):
        raise ConfigError(f"{path or DEFAULT_CONFIG}: no 'themes' section")
    return cfg


def theme_codes(config: dict | None = None) -> tuple[str, ...]:
    return tuple((config or load_config())["themes"])


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


def _compiled_rules(config: dict) -> list[tuple[re.Pattern, int | None, list[str]]]:
    """(pattern, min_count, themes) per rule; ``min_count: null`` means the title only."""
    return [(re.compile(r["pattern"]), None if r.get("min_count", 1) is None else int(r.get("min_count", 1)),
             list(r["themes"])) for r in config.get("rules") or []]


def apply_rules(text: str, themes: list[str], config: dict, title: str | None = None,
                rules: list | None = None) -> list[str]:
    """Fixed-order rules of themes.yaml: the rule's themes first, then the rest."""
    rules = _compiled_rules(config) if rules is None else rules
    title = task_title(text) if title is None else title
    for pat, min_count, head in rules:
        if pat.search(title) or (min_count is not None and len(pat.findall(text)) >= min_count):
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


# ------------------------------------------------------------------ choosing themes
def title_first(text: str, m: np.ndarray, top: int, classes: Sequence[str], keywords: KeywordScorer,
                title_order: float) -> int:
    """A title that names two themes (“特殊教育和终身教育”, “体育、美育和劳动教育”) puts
    the main one first: among the themes whose keywords occur in the title and whose
    membership probability is >= ``title_order``, take the one named first, provided the
    top theme is named in the title too."""
    col = {c: i for i, c in enumerate(classes)}
    named = {col[keywords.codes[i]]: p for i, p in keywords.title_positions(text).items()
             if keywords.codes[i] in col}
    if top not in named:
        return top
    cands = [i for i in named if i == top or m[i] >= title_order]
    return min(cands, key=lambda i: (named[i], -m[i]))


def choose_themes(X: list[str], P: np.ndarray, M: np.ndarray, classes: Sequence[str], config: dict,
                  keywords: KeywordScorer, title_order: float, secondary_threshold: float | None,
                  max_secondary: int | None) -> list[tuple[list[str], dict[str, float]]]:
    """(ordered themes, scores) per text from the primary probabilities ``P`` and the membership
    probabilities ``M`` (see :meth:`pipeline.themes_model.ThemeModel.predict_themes`)."""
    sec = config.get("secondary") or {}
    thr = secondary_threshold if secondary_threshold is not None else float(sec.get("model_threshold", 0.3))
    k = max_secondary if max_secondary is not None else int(sec.get("max_secondary", 2))
    rules = _compiled_rules(config)
    codes = [str(c) for c in classes]
    out = []
    for r, text in enumerate(X):
        m = M[r]
        first = int(np.argmax(P[r]))
        if title_order:
            first = title_first(text, m, first, classes, keywords, title_order)
        themes = [codes[first]]
        for i in np.argsort(-m, kind="stable"):
            if len(themes) > k or m[i] < thr:
                break
            if i != first:
                themes.append(codes[i])
        themes = apply_rules(text, themes, config, None, rules)
        scores = {c: round(float(m[i]), 4) for i, c in enumerate(codes) if m[i] >= 0.05 or c in themes}
        j = codes.index(themes[0])
        scores[themes[0]] = round(float(max(m[j], P[r][j])), 4)
        out.append((themes, dict(sorted(scores.items(), key=lambda kv: -kv[1]))))
    return out


# ------------------------------------------------------------------ prediction without scikit-learn or scipy
_WHITE_SPACES = re.compile(r"\s\s+")   # TfidfVectorizer's, for analyzer="char"


_CODE_BITS = 21           # every code point is < 2**21: an n-gram of n <= 3 is one uint64 key
_MAX_KEYED_N = 64 // _CODE_BITS


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.uint64)


def _keys(cps: np.ndarray, n: int, m: int) -> np.ndarray:
    """The key of the n-gram starting at each of the first ``m`` positions of ``cps``."""
    key = cps[:m].copy()
    for i in range(1, n):
        key <<= np.uint64(_CODE_BITS)
        key |= cps[i:i + m]
    return key


class NgramCounter:
    """``CountVectorizer(analyzer="char", lowercase=True).transform`` with a fixed vocabulary,
    computed over arrays of code points: each n-gram of every text is one integer (its code
    points side by side), looked up in the vocabulary's sorted keys with ``searchsorted``, and
    the (text, feature) pairs counted by ``np.unique``: no Python step per n-gram.  n-grams longer
    than ``_MAX_KEYED_N`` (no model uses them) are counted as strings."""

    def __init__(self, vocab: dict[str, int], ngram_range: tuple[int, int]):
        self.lo, self.hi = int(ngram_range[0]), int(ngram_range[1])
        self.vocab = vocab
        self.size = max(vocab.values(), default=-1) + 1
        grams = list(vocab)
        lens = np.fromiter(map(len, grams), dtype=np.int64, count=len(grams))
        cols = np.fromiter(vocab.values(), dtype=np.int64, count=len(grams))
        cps = _code_points("".join(grams))
        starts = np.cumsum(lens) - lens
        self.tables: dict[int, tuple[np.ndarray, np.ndarray]] = {}    # n -> (sorted keys, their columns)
        for n in range(max(self.lo, 1), min(self.hi, _MAX_KEYED_N) + 1):
            at = starts[lens == n]
            if not len(at):
                continue
            keys = cps[at]
            for i in range(1, n):
                keys = (keys << np.uint64(_CODE_BITS)) | cps[at + i]
            order = np.argsort(keys, kind="stable")
            self.tables[n] = (keys[order], cols[lens == n][order])

    def counts(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """CSR parts (indptr, indices, counts as float64) of the texts, indices sorted in each row."""
        docs = [_WHITE_SPACES.sub(" ", t.lower()) for t in texts]
        lens = np.array([len(d) for d in docs], dtype=np.int64)
        cps = _code_points("".join(docs))
        ends = np.repeat(np.cumsum(lens), lens)        # where each position's text ends
        rows_of = np.repeat(np.arange(len(docs), dtype=np.int64), lens)
        rows, cols = [], []
        for n in range(self.lo, self.hi + 1):
            m = len(cps) - n + 1
            if n < 1 or m <= 0:
                continue
            if n > _MAX_KEYED_N:
                self._count_strings(docs, n, rows, cols)
                continue
            table = self.tables.get(n)
            if table is None:
                continue
            vkeys, vcols = table
            key = _keys(cps, n, m)
            pos = np.searchsorted(vkeys, key)
            pos[pos == len(vkeys)] = 0
            hit = (vkeys[pos] == key) & (np.arange(n, m + n, dtype=np.int64) <= ends[:m])
            rows.append(rows_of[:m][hit])
            cols.append(vcols[pos[hit]])
        if rows:
            pairs, counts = np.unique(np.concatenate(rows) * self.size + np.concatenate(cols), return_counts=True)
        else:
            pairs, counts = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        indptr = np.searchsorted(pairs // max(self.size, 1), np.arange(len(docs) + 1))
        return (indptr.astype(np.int64), (pairs % max(self.size, 1)).astype(np.int64), counts.astype(np.float64))

    def _count_strings(self, docs: list[str], n: int, rows: list, cols: list) -> None:
        get = self.vocab.get
        for r, doc in enumerate(docs):
            found = [j for j in (get(doc[i:i + n]) for i in range(len(doc) - n + 1)) if j is not None]
            rows.append(np.full(len(found), r, dtype=np.int64))
            cols.append(np.array(found, dtype=np.int64))


def _l2_rows(indptr: np.ndarray, data: np.ndarray) -> None:
    """In place, as scikit-learn's ``inplace_csr_row_normalize_l2``: each row's squares summed in
    order, skipped when 0, divided by the square root."""
    vals = data.tolist()
    bounds = indptr.tolist()
    for a, b in zip(bounds, bounds[1:]):
        s = 0.0
        for x in vals[a:b]:
            s += x * x
        if s == 0.0:
            continue
        data[a:b] /= math.sqrt(s)


def _tfidf(texts: list[str], counter: NgramCounter, idf: np.ndarray):
    """``TfidfVectorizer(analyzer="char", sublinear_tf=True, norm="l2").transform`` as CSR parts."""
    indptr, indices, data = counter.counts(texts)
    np.log(data, data)
    data += 1.0
    data *= idf[indices]
    _l2_rows(indptr, data)
    return indptr, indices, data


def _expit(x: np.ndarray) -> np.ndarray:
    """``scipy.special.expit`` (1 / (1 + exp(-x)), libm's exp), without importing scipy.special."""
    return np.array([1.0 / (1.0 + math.exp(-v)) for v in x.tolist()], dtype=np.float64)


class ThemePredictions:
    """What a theme model gives from its ``_probabilities(X) -> (P, M)`` and fitted attributes
    (``classes_``, ``config_``, ``keywords_``, ``title_order``, ``secondary_threshold``,
    ``max_secondary``): shared by the scikit-learn estimator and the compiled model, so both
    choose themes by the same code."""

    def membership_proba(self, X: Sequence[str]) -> np.ndarray:
        """Per-theme probability that the task is (also) about that theme."""
        return self._probabilities(list(X))[1]

    def predict(self, X: Sequence[str]) -> np.ndarray:
        return np.array([ts[0] for ts, _ in self.predict_themes(X)])

    def predict_themes(self, X: Sequence[str]) -> list[tuple[list[str], dict[str, float]]]:
        """(ordered themes, scores) per text.  The primary is the primary classifier's argmax
        (see :func:`title_first`); secondary themes have membership probability >= the
        threshold (at most ``max_secondary``).  ``scores`` maps every listed theme, and any
        other with membership probability >= 0.05, to its membership probability, except the
        primary, which gets the larger of its two probabilities."""
        X = list(X)
        if not X:
            return []
        P, M = self._probabilities(X)
        return choose_themes(X, P, M, self.classes_, self.config_, self.keywords_, self.title_order,
                             self.secondary_threshold, self.max_secondary)


class CompiledThemeModel(ThemePredictions):
    """The prediction of a fitted ``ThemeModel`` from plain arrays (see the module docstring)."""

    def __init__(self, meta: dict, arrays: dict[str, np.ndarray]):
        self.meta = meta
        self.classes_ = np.array(meta["classes"])
        self.config_ = meta["config"]
        self.keywords_ = KeywordScorer(self.config_)
        self.title_order = meta["title_order"]
        self.secondary_threshold = meta["secondary_threshold"]
        self.max_secondary = meta["max_secondary"]
        self.blocks = []       # (name, n-gram counter, idf, weight)
        for b in meta["blocks"]:
            counter = NgramCounter({g: i for i, g in enumerate(b["vocabulary"])}, tuple(b["ngram_range"]))
            self.blocks.append((b["name"], counter, arrays[b["name"] + "_idf"], float(b["weight"])))
        self.keyword_weight = float(meta["keyword_weight"])
        self.n_features = int(meta["n_features"])
        # coefficients transposed (features x outputs, C order): one row gathered per CSR entry
        self.primary_WT = np.ascontiguousarray(arrays["primary_coef"].T)
        self.primary_intercept = arrays["primary_intercept"]
        self.primary_cols = [int(np.where(self.classes_ == c)[0][0]) for c in meta["primary_classes"]]
        self.primary_binary = len(meta["primary_classes"]) <= 2
        self.members = meta["members"]       # per estimator: {"kind": "lr"} or {"kind": "constant", "y": v}
        self.members_WT = np.ascontiguousarray(arrays["members_coef"].T)
        self.members_intercept = arrays["members_intercept"]
        self.seen_ = arrays["seen"].astype(bool)

    def _features(self, X: list[str]) -> tuple[list[int], np.ndarray, np.ndarray]:
        """CSR parts (indptr, indices, data) of the stacked, weighted feature blocks, as
        scikit-learn's ``FeatureUnion.transform`` gives them (each row: its body entries, then
        its title entries, then its keyword entries, indices ascending)."""
        blocks, off = [], 0
        for name, counter, idf, weight in self.blocks:
            texts = _bodies(X) if name == "body" else _titles(X)
            indptr, indices, data = _tfidf(texts, counter, idf)
            blocks.append((indptr.tolist(), indices + off, data * weight))
            off += len(idf)
        # keyword counts, exactly as KeywordCounts.transform; its CSR keeps the nonzero entries
        kw = np.log1p(np.vstack([self.keywords_.scores(x) for x in X]))
        norms = np.linalg.norm(kw, axis=1, keepdims=True)
        kw = kw / np.where(norms > 0, norms, 1.0)
        rows, cols = np.nonzero(kw)
        kptr = np.searchsorted(rows, np.arange(len(X) + 1)).tolist()
        blocks.append((kptr, cols.astype(np.int64) + off, kw[rows, cols] * self.keyword_weight))
        indptr, indices, data, n = [0], [], [], 0
        for r in range(len(X)):
            for ptr, idx, dat in blocks:
                a, b = ptr[r], ptr[r + 1]
                indices.append(idx[a:b])
                data.append(dat[a:b])
                n += b - a
            indptr.append(n)
        return indptr, np.concatenate(indices), np.concatenate(data)

    @staticmethod
    def _dot(F, WT: np.ndarray, intercept: np.ndarray) -> np.ndarray:
        """``csr @ W.T + intercept`` with scipy's csr_matvecs order: per row, the products of its
        entries summed one after another, in index order (an accumulate, never pairwise)."""
        indptr, indices, data = F
        out = np.zeros((len(indptr) - 1, WT.shape[1]))
        prods = data[:, None] * WT[indices]
        for r, (a, b) in enumerate(zip(indptr, indptr[1:])):
            if b > a:
                out[r] = np.add.accumulate(prods[a:b], axis=0)[-1]
        return out + intercept

    def _probabilities(self, X: list[str]) -> tuple[np.ndarray, np.ndarray]:
        F = self._features(X)
        n = len(X)
        P = np.zeros((n, len(self.classes_)))
        dec = self._dot(F, self.primary_WT, self.primary_intercept)
        if self.primary_binary:
            p1 = _expit(dec.reshape(-1))
            P[:, self.primary_cols] = np.stack([1 - p1, p1], axis=1)
        else:
            dec -= np.max(dec, axis=1).reshape(-1, 1)
            np.exp(dec, out=dec)
            dec /= np.sum(dec, axis=1).reshape(-1, 1)
            P[:, self.primary_cols] = dec
        members = self._dot(F, self.members_WT, self.members_intercept)
        cols = []
        for i, est in enumerate(self.members):
            if est["kind"] == "constant":
                cols.append(np.repeat(float(est["y"]), n))
            else:
                cols.append(_expit(members[:, i]))
        Y = np.array(cols).T
        if len(self.members) == 1:
            Y = np.concatenate(((1 - Y), Y), axis=1)
        M = np.zeros_like(P)
        M[:, self.seen_] = Y
        return P, M

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        return self._probabilities(list(X))[0]



# ------------------------------------------------------------------ the artefact
def file_sha1(path: Path | str) -> str:
    return hashlib.sha1(Path(path).read_bytes()).hexdigest()


def write_runtime(folder: Path | str, meta: dict, arrays: dict[str, np.ndarray]) -> None:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    np.savez(folder / RUNTIME_NPZ, **arrays)
    (folder / RUNTIME_JSON).write_text(json.dumps({"format": RUNTIME_FORMAT, **meta}, ensure_ascii=False) + "\n",
                                       encoding="utf-8")


def read_runtime(folder: Path | str, source: Path | str) -> CompiledThemeModel | None:
    """The compiled model in ``folder``, or None when there is none, it is of another format, or
    it was not made from ``source`` (the joblib artefact, by SHA-1)."""
    folder = Path(folder)
    side, npz = folder / RUNTIME_JSON, folder / RUNTIME_NPZ
    if not side.is_file() or not npz.is_file() or not Path(source).is_file():
        return None
    meta = json.loads(side.read_text(encoding="utf-8"))
    if meta.get("format") != RUNTIME_FORMAT or meta.get("source_sha1") != file_sha1(source):
        return None
    with np.load(npz, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    return CompiledThemeModel(meta, arrays)

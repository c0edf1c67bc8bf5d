"""The policy-theme classifier of tasks (ANNOTATION.md section 4) and its keyword baseline.

- :class:`ThemeModel` is a scikit-learn estimator over task texts: TF-IDF of character
  1-3-grams of the whole task and of its title (first clause), optionally TF-IDF of jieba
  words (``word_weight``, 0 by default: no gain in leave-one-out, a third of the time), and
  the per-theme keyword counts of ``configs/themes.yaml``.  Prediction computes the same
  features for all of a document's tasks at once with numpy (``_blocks``), not with the
  vectorisers' per-n-gram Python ``transform``; tests check the two agree.  A multinomial logistic regression
  gives the primary theme (``predict``/``predict_proba`` over all 19 codes); a one-vs-rest
  logistic regression gives each theme's membership probability, from which secondary
  themes are listed.  The fixed-order rules of ``themes.yaml`` (“双减” -> COMPULSORY, PRIVATE)
  are applied last.
- :func:`keyword_themes` is the keyword-only baseline.
- :func:`train_and_save` / :func:`load_model` write and read ``models/themes.joblib`` (with
  ``themes.meta.json`` beside it).  An artefact built with other library versions is
  refused with :class:`IncompatibleModelError`; rebuild it with ``zhpolicy train themes``.
- :func:`loo_scores` measures leave-one-document-out accuracy and macro-F1 on gold task
  spans, for the model and the baseline side by side.

Texts are read in the normalised view (simplified script, half-width digits), as the
pipeline's ``doc.text`` is.
"""
from __future__ import annotations

import hashlib
import json
import platform
import re
from functools import lru_cache
from itertools import chain, repeat
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import yaml
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

from . import CONFIGS, MODELS

FORMAT_VERSION = 1
REBUILD = "zhpolicy train themes"
DEFAULT_MODEL = MODELS / "themes.joblib"
DEFAULT_CONFIG = CONFIGS / "themes.yaml"
DEFAULT_EXAMPLES = CONFIGS / "theme_examples.yaml"

# A task starts with its marker: "15.", "15．", "一是", "（三）", "第二，", "①".
_MARKER = re.compile(r"^\s*(?:第?[一二三四五六七八九十百]+[、是，,.．]|[（(][一二三四五六七八九十\d]+[)）]"
                     r"|\d+\s*[.．、)]|[①-⑳])\s*")
_TITLE_END = re.compile(r"[。；;！!？?\n]|[:：](?!\d)")


# ------------------------------------------------------------------ configuration
@lru_cache(maxsize=8)
def _load_yaml(path: str, mtime: float) -> dict:
    with open(path, encoding="utf-8") as fh:
        return yaml.safe_load(fh) or {}


def load_config(path: Path | str | None = None) -> dict:
    """``configs/themes.yaml`` (cached while the file is unchanged)."""
    p = Path(path or DEFAULT_CONFIG)
    cfg = _load_yaml(str(p), p.stat().st_mtime)
    if not cfg.get("themes"):
        raise ValueError(f"{p}: no 'themes' section")
    return cfg


def theme_codes(config: dict | None = None) -> tuple[str, ...]:
    return tuple((config or load_config())["themes"])


def load_examples(path: Path | str | None = None) -> tuple[list[str], list[list[str]]]:
    """Texts and ordered theme lists of ``configs/theme_examples.yaml``."""
    p = Path(path or DEFAULT_EXAMPLES)
    data = _load_yaml(str(p), p.stat().st_mtime)
    items = data.get("examples") or []
    return [str(x["text"]) for x in items], [list(x["themes"]) for x in items]


# ------------------------------------------------------------------ texts
def task_title(text: str) -> str:
    """The task's heading: the text after its marker up to the first full stop, colon or
    line break (``15.促进学前教育优质普惠发展`` / ``一是党史学习教育走深走实。``)."""
    body = _MARKER.sub("", text, count=1)
    m = _TITLE_END.search(body)
    return body[: m.start()] if m else body[:60]


def _body(text: str) -> str:
    return text.replace("\n", "")


@lru_cache(maxsize=1)
def _segmenter():
    """rjieba (jieba's dictionary and algorithm in Rust, ~30x faster) when installed,
    else jieba; both without HMM, as the pipeline's tokenizer."""
    try:
        import rjieba

        return lambda s: rjieba.cut(s, hmm=False)
    except ImportError:  # pragma: no cover
        import jieba

        return lambda s: jieba.lcut(s, HMM=False)


def jieba_words(text: str) -> list[str]:
    return [w for w in _segmenter()(text.replace("\n", "")) if w.strip()]


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
    """Counts each theme's keywords in a text (Aho-Corasick, overlapping matches);
    a match inside the title counts ``title_weight`` times."""

    def __init__(self, config: dict):
        import ahocorasick

        self.codes = theme_codes(config)
        self.title_weight = float(config.get("title_weight", 3.0))
        self.automaton = ahocorasick.Automaton()
        index = {c: i for i, c in enumerate(self.codes)}
        table: dict[str, list[int]] = {}
        for code, spec in config["themes"].items():
            for kw in spec.get("keywords") or []:
                table.setdefault(str(kw), []).append(index[code])
        for kw, ids in table.items():
            self.automaton.add_word(kw, (len(kw), tuple(ids)))
        self.automaton.make_automaton()

    def scores(self, text: str) -> np.ndarray:
        out = np.zeros(len(self.codes))
        m = _MARKER.match(text)
        title_end = (len(m.group(0)) if m else 0) + len(task_title(text))
        for end, (n, ids) in self.automaton.iter(text):
            w = self.title_weight if end < title_end else 1.0
            for i in ids:
                out[i] += w
        return out

    def title_positions(self, text: str) -> dict[int, int]:
        """Theme index -> where its first keyword starts in the task's title."""
        m = _MARKER.match(text)
        off = len(m.group(0)) if m else 0
        title = task_title(text)
        first: dict[int, int] = {}
        for end, (n, ids) in self.automaton.iter(title):
            for i in ids:
                pos = off + end - n + 1
                if pos < first.get(i, 1 << 30):
                    first[i] = pos
        return first

    def matrix(self, texts: Sequence[str]) -> np.ndarray:
        return np.vstack([self.scores(t) for t in texts]) if texts else np.zeros((0, len(self.codes)))

    # One automaton pass over all of a document's tasks at once (joined with a character no
    # keyword contains); the same numbers as ``scores``/``title_positions`` per text.
    def _tables(self):
        t = self.__dict__.get("_tables_cache")
        if t is None:
            kws = [kw for kw, _ in self.automaton.items()]
            inc = np.zeros((len(kws), len(self.codes)))
            lens = np.zeros(len(kws), dtype=np.int64)
            for k, kw in enumerate(kws):
                n, ids = self.automaton.get(kw)
                lens[k] = n
                inc[k, list(ids)] = 1.0
            fast = __import__("ahocorasick").Automaton()
            for k, kw in enumerate(kws):
                fast.add_word(kw, k)
            fast.make_automaton()
            t = self.__dict__["_tables_cache"] = (fast, lens, inc)
        return t

    def batch(self, texts: Sequence[str], title_ends: Sequence[int], title_starts: Sequence[int]):
        """(scores matrix, first-title-position matrix) of ``texts``: row r's scores as
        ``scores(texts[r])``; position [r, i] where theme i's first keyword starts in the
        title of ``texts[r]`` (-1 when none), as ``title_positions``."""
        fast, lens, inc = self._tables()
        n = len(texts)
        joined = "\x00".join(texts)
        arr = np.fromiter(chain.from_iterable(fast.iter(joined)), dtype=np.int64).reshape(-1, 2)
        if not len(arr):
            return np.zeros((n, len(self.codes))), np.full((n, len(self.codes)), -1, dtype=np.int64)
        ends, kid = arr[:, 0], arr[:, 1]
        starts = np.cumsum([0] + [len(x) + 1 for x in texts[:-1]])
        rows = np.searchsorted(starts, ends, side="right") - 1
        rel_end = ends - starts[rows]
        rel_start = rel_end - lens[kid] + 1
        te = np.asarray(title_ends, dtype=np.int64)[rows]
        ts = np.asarray(title_starts, dtype=np.int64)[rows]
        w = np.where(rel_end < te, self.title_weight, 1.0)
        S = np.bincount(rows * len(lens) + kid, weights=w, minlength=n * len(lens)).reshape(n, len(lens)) @ inc
        pos = np.full((n, len(self.codes)), 1 << 30, dtype=np.int64)
        sel = (rel_start >= ts) & (rel_end < te)
        if sel.any():
            r2, k2, p2 = rows[sel], kid[sel], rel_start[sel]
            ii, jj = np.nonzero(inc[k2])
            np.minimum.at(pos, (r2[ii], jj), p2[ii])
        pos[pos == 1 << 30] = -1
        return S, pos

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_tables_cache", None)
        return state


def _compiled_rules(config: dict) -> list[tuple[re.Pattern, int, list[str]]]:
    return [(re.compile(r["pattern"]), int(r.get("min_count", 1)), list(r["themes"]))
            for r in config.get("rules") or []]


def apply_rules(text: str, themes: list[str], config: dict, title: str | None = None,
                rules: list | None = None) -> list[str]:
    """Fixed-order rules of themes.yaml: the rule's themes first, then the rest."""
    if rules is None:
        rules = _compiled_rules(config)
    if not rules:
        return themes
    if title is None:
        title = task_title(text)
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



# ------------------------------------------------------------------ fast transform
# The fitted TF-IDF vectorisers' ``transform`` done over all of a document's tasks at once:
# character n-grams as integer keys (code points packed 21 bits each) looked up in sorted key
# arrays with numpy, jieba words in one segmenter call over the tasks joined by line breaks
# (a line break always ends a jieba block).  Same matrices as sklearn's ``transform``.
_WHITE = re.compile(r"\s\s+")


class _HashTable:
    """uint64 key -> column: open addressing with linear probing at load factor <= 1/8, looked
    up for a whole array of keys at once (one gather per probe step)."""
    _EMPTY = np.uint64(0xFFFFFFFFFFFFFFFF)  # no packed n-gram has all 64 bits set
    _MUL = np.uint64(0x9E3779B97F4A7C15)

    def __init__(self, keys: list[int], cols: list[int]):
        bits = max(4, (8 * max(len(keys), 1) - 1).bit_length())
        self.shift = np.uint64(64 - bits)
        self.mask = (1 << bits) - 1
        table: list[int | None] = [None] * (1 << bits)
        tcols = [-1] * (1 << bits)
        slots = self._hash(np.array(keys, dtype=np.uint64)).tolist()
        self.probes = 1
        for k, c, h in zip(keys, cols, slots):
            j = 0
            while table[(h + j) & self.mask] is not None:
                j += 1
            table[(h + j) & self.mask] = k
            tcols[(h + j) & self.mask] = c
            self.probes = max(self.probes, j + 1)
        empty = int(self._EMPTY)
        self.keys = np.array([empty if k is None else k for k in table], dtype=np.uint64)
        self.cols = np.array(tcols, dtype=np.int64)

    def _hash(self, keys: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return ((keys * self._MUL) >> self.shift).astype(np.int64)

    def lookup(self, keys: np.ndarray) -> np.ndarray:
        slot = self._hash(keys)
        out = self.cols[slot]
        found = self.keys[slot]
        out[found != keys] = -1
        # probe further only for keys whose slot holds another key
        todo = np.flatnonzero((found != keys) & (found != self._EMPTY))
        for j in range(1, self.probes):
            if not len(todo):
                break
            s = (slot[todo] + j) & self.mask
            found = self.keys[s]
            hit = found == keys[todo]
            out[todo[hit]] = self.cols[s[hit]]
            todo = todo[~hit & (found != self._EMPTY)]
        return out


class _CharTable:
    def __init__(self, vec: TfidfVectorizer):
        self.lower = bool(vec.lowercase)
        self.ngram_range = vec.ngram_range
        self.idf = np.asarray(vec.idf_, dtype=np.float64)
        self.n_features = len(self.idf)
        self.norm = vec.norm
        self.sublinear = vec.sublinear_tf
        by_n: dict[int, tuple[list[int], list[int]]] = {}
        for term, col in vec.vocabulary_.items():
            key = 0
            for ch in term:
                key = (key << 21) | ord(ch)
            ks, cs = by_n.setdefault(len(term), ([], []))
            ks.append(key)
            cs.append(col)
        self.tables = {n: _HashTable(ks, cs) for n, (ks, cs) in by_n.items()}

    def counts(self, texts: Sequence[str]):
        docs = [_WHITE.sub(" ", t.lower() if self.lower else t) for t in texts]
        lens = np.fromiter((len(d) for d in docs), dtype=np.int64, count=len(docs))
        cp = np.frombuffer("".join(docs).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        seg = np.repeat(np.arange(len(docs), dtype=np.int64), lens)
        total = len(cp)
        rows_all, cols_all = [], []
        lo, hi = self.ngram_range
        for n in range(lo, hi + 1):
            if n not in self.tables or total < n:
                continue
            m = total - n + 1
            key = cp[:m].copy()
            for j in range(1, n):
                key = (key << np.uint64(21)) | cp[j:j + m]
            ok = seg[:m] == seg[n - 1:n - 1 + m]
            col = self.tables[n].lookup(key)
            ok &= col >= 0
            rows_all.append(seg[:m][ok])
            cols_all.append(col[ok])
        return _tfidf(rows_all, cols_all, len(docs), self)


class _WordTable:
    def __init__(self, vec: TfidfVectorizer):
        self.vocab = dict(vec.vocabulary_)
        self.vocab["\n"] = -2
        self.idf = np.asarray(vec.idf_, dtype=np.float64)
        self.n_features = len(self.idf)
        self.norm = vec.norm
        self.sublinear = vec.sublinear_tf

    def counts(self, texts: Sequence[str]):
        get = self.vocab.get
        bodies = [t.replace("\n", "") for t in texts]
        words = _segmenter()("\n".join(bodies))
        cols = np.fromiter(map(get, words, repeat(-1, len(words))), dtype=np.int64, count=len(words))
        rows = np.cumsum(cols == -2)
        if len(texts) and rows[-1:].sum() != len(texts) - 1:  # a separator merged ("\r" + "\n")
            seg = _segmenter()
            per = [np.fromiter((get(w, -1) for w in seg(b)), dtype=np.int64) for b in bodies]
            cols = np.concatenate(per) if per else np.zeros(0, dtype=np.int64)
            rows = np.repeat(np.arange(len(per)), [len(c) for c in per])
        ok = cols >= 0
        return _tfidf([rows[ok]], [cols[ok]], len(texts), self)


def _tfidf(rows_all, cols_all, n_rows, table):
    rows = np.concatenate(rows_all) if rows_all else np.zeros(0, dtype=np.int64)
    cols = np.concatenate(cols_all) if cols_all else np.zeros(0, dtype=np.int64)
    u, tf = np.unique(rows * table.n_features + cols, return_counts=True)
    r = u // table.n_features
    X = sparse.csr_matrix((tf.astype(np.float64), u - r * table.n_features,
                           np.searchsorted(r, np.arange(n_rows + 1))), shape=(n_rows, table.n_features))
    if table.sublinear:
        np.log(X.data, X.data)
        X.data += 1.0
    X.data *= table.idf[X.indices]
    if table.norm == "l2":
        per_row = np.diff(X.indptr)
        norms = np.sqrt(np.bincount(np.repeat(np.arange(n_rows), per_row), weights=X.data ** 2,
                                    minlength=n_rows))
        norms[norms == 0] = 1.0
        X.data /= np.repeat(norms, per_row)
    elif table.norm is not None:  # pragma: no cover
        raise ValueError(f"unsupported norm {table.norm!r}")
    return X

# ------------------------------------------------------------------ the model
class ThemeModel(ClassifierMixin, BaseEstimator):
    """Task text -> primary theme (multinomial logistic regression) and secondary themes
    (one-vs-rest logistic regression).  ``fit(X, y)``: ``X`` task texts, ``y`` either
    theme codes (primary only) or ordered theme lists (primary first).  ``classes_`` is
    always the full list of ``themes.yaml``, whether or not training saw every code."""

    def __init__(self, C: float = 10.0, title_weight: float = 1.0, word_weight: float = 0.0,
                 keyword_weight: float = 0.5, secondary_threshold: float | None = None,
                 max_secondary: int | None = None, min_df: int = 2, title_order: float = 0.4,
                 config_path: str | None = None):
        self.C = C
        self.title_order = title_order
        self.min_df = min_df
        self.title_weight = title_weight
        self.word_weight = word_weight
        self.keyword_weight = keyword_weight
        self.secondary_threshold = secondary_threshold
        self.max_secondary = max_secondary
        self.config_path = config_path

    # features
    def _features(self, X: Sequence[str], fit: bool = False):
        bodies = [_body(x) for x in X]
        titles = [task_title(x) for x in X]
        if fit:
            self.char_ = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=self.min_df)
            self.title_char_ = TfidfVectorizer(analyzer="char", ngram_range=(1, 2), sublinear_tf=True)
            # jieba words only when weighted: leave-one-out showed no gain over the character
            # n-grams (0.984 accuracy either way), and segmenting cost a third of the stage's time
            self.words_ = TfidfVectorizer(tokenizer=jieba_words, token_pattern=None, lowercase=False, min_df=self.min_df,
                                          sublinear_tf=True) if self.word_weight else None
            self.char_.fit(bodies)
            self.title_char_.fit(titles)
            for v in (self.char_, self.title_char_, self.words_):
                if v is not None:
                    if v is self.words_:
                        v.fit(bodies)
                    v.stop_words_ = None  # only kept for introspection; large when pickled
        kw = np.log1p(self.keywords_.matrix(X))
        norms = np.linalg.norm(kw, axis=1, keepdims=True)
        kw = kw / np.where(norms > 0, norms, 1.0)
        return sparse.hstack([
            self.char_.transform(bodies),
            self.title_weight * self.title_char_.transform(titles),
            *([self.word_weight * self.words_.transform(bodies)] if self.words_ is not None else []),
            sparse.csr_matrix(self.keyword_weight * kw),
        ]).tocsr()

    def _fast(self):
        t = self.__dict__.get("_fast_cache")
        if t is None:
            t = self.__dict__["_fast_cache"] = (_CharTable(self.char_), _CharTable(self.title_char_),
                                                _WordTable(self.words_) if self.words_ is not None else None)
        return t

    def prepare(self) -> "ThemeModel":
        """Build the lookup tables prediction uses now (they are otherwise built on the
        first call), so that the cost falls in loading, not in the first document."""
        self._fast()
        self._linear()
        self._cls_of_code()
        self._code_of_cls()
        self.keywords_._tables()
        return self

    def _blocks(self, X: Sequence[str]):
        """The column blocks (matrix, weight) of ``_features(X)`` of a fitted model, with
        the title positions of the keywords (see :meth:`KeywordScorer.batch`) and the titles
        as by-products."""
        char, title_char, words = self._fast()
        heads = [_MARKER.match(x) for x in X]
        offs = [len(m.group(0)) if m else 0 for m in heads]
        titles = [task_title(x) for x in X]
        ends = [o + len(t) for o, t in zip(offs, titles)]
        raw, pos = self.keywords_.batch(X, ends, offs)
        kw = np.log1p(raw)
        norms = np.linalg.norm(kw, axis=1, keepdims=True)
        kw = kw / np.where(norms > 0, norms, 1.0)
        blocks = [(char.counts([_body(x) for x in X]), 1.0),
                  (title_char.counts(titles), self.title_weight)]
        if words is not None:
            blocks.append((words.counts(X), self.word_weight))
        blocks.append((kw, self.keyword_weight))
        return blocks, pos, titles

    def _features_fast(self, X: Sequence[str]):
        """``_features(X)`` of a fitted model, with the title positions of the keywords
        (see :meth:`KeywordScorer.batch`) and the titles as by-products."""
        blocks, pos, titles = self._blocks(X)
        F = sparse.hstack([w * (B if sparse.issparse(B) else sparse.csr_matrix(B)) for B, w in blocks]).tocsr()
        return F, pos, titles

    def _probabilities_blocks(self, blocks) -> tuple[np.ndarray, np.ndarray]:
        """``_probabilities`` of the feature matrix whose column blocks are ``blocks``
        (matrix, weight), without assembling it: one product per block."""
        wboth = self._linear()[5]
        if wboth is None:
            return self._probabilities(sparse.hstack(
                [w * (B if sparse.issparse(B) else sparse.csr_matrix(B)) for B, w in blocks]).tocsr())
        z, at = None, 0
        for B, w in blocks:
            part = w * np.asarray(B @ wboth[at:at + B.shape[1]])
            z = part if z is None else z + part
            at += B.shape[1]
        return self._proba_z(z)

    def fit(self, X: Sequence[str], y: Sequence):
        X = list(X)
        self.config_ = load_config(self.config_path)
        self.keywords_ = KeywordScorer(self.config_)
        self.classes_ = np.array(theme_codes(self.config_))
        lists = [[v] if isinstance(v, str) else list(v) for v in y]
        unknown = {t for ts in lists for t in ts} - set(self.classes_)
        if unknown:
            raise ValueError(f"unknown theme codes {sorted(unknown)}; the codes are in {DEFAULT_CONFIG}")
        F = self._features(X, fit=True)
        primary = np.array([ts[0] for ts in lists])
        self.primary_ = LogisticRegression(C=self.C, max_iter=3000)
        self.primary_.fit(F, primary)
        index = {c: i for i, c in enumerate(self.classes_)}
        Y = np.zeros((len(X), len(self.classes_)), dtype=int)
        for r, ts in enumerate(lists):
            for t in ts:
                Y[r, index[t]] = 1
        self.seen_ = Y.sum(axis=0) > 0
        self.members_ = OneVsRestClassifier(LogisticRegression(C=self.C, solver="liblinear"))
        self.members_.fit(F, Y[:, self.seen_])
        self.__dict__.pop("_linear_cache", None)
        self.__dict__.pop("_fast_cache", None)
        self.__dict__.pop("_cls_cache", None)
        self.__dict__.pop("_cls_cache2", None)
        self.__dict__.pop("_rules_cache", None)
        return self

    # The fitted classifiers are linear: prediction is one sparse product per classifier.
    # sklearn's own predict_proba validates its input on each of the 20 estimators, which
    # costs more than the arithmetic on a document's few dozen tasks.
    def _linear(self):
        cache = self.__dict__.get("_linear_cache")
        if cache is None:
            lr = self.primary_
            pcols = np.array([int(np.where(self.classes_ == c)[0][0]) for c in lr.classes_])
            ests = getattr(self.members_, "estimators_", [])
            if all(isinstance(e, LogisticRegression) for e in ests):
                wm = np.vstack([e.coef_[0] for e in ests]).T.copy()
                bm = np.array([e.intercept_[0] for e in ests])
            else:  # a constant column: let sklearn handle it
                wm = bm = None
            wp = lr.coef_.T.copy()
            wboth = np.ascontiguousarray(np.hstack([wp, wm])) if wm is not None else None
            cache = (wp, lr.intercept_.copy(), pcols, wm, bm, wboth)
            self.__dict__["_linear_cache"] = cache
        return cache

    def __getstate__(self):
        state = super().__getstate__()
        state.pop("_linear_cache", None)
        state.pop("_fast_cache", None)
        state.pop("_cls_cache", None)
        state.pop("_cls_cache2", None)
        state.pop("_rules_cache", None)
        return state

    def _probabilities(self, F) -> tuple[np.ndarray, np.ndarray]:
        """Primary-theme probabilities P and membership probabilities M, columns in
        ``classes_`` order (the same numbers as the estimators' ``predict_proba``)."""
        from scipy.special import expit, softmax

        wp, bp, pcols, wm, bm, wboth = self._linear()
        if wboth is not None:  # one sparse product for both classifiers
            return self._proba_z(np.asarray(F @ wboth))
        P = np.zeros((F.shape[0], len(self.classes_)))
        z, zm = np.asarray(F @ wp) + bp, None
        P[:, pcols] = softmax(z, axis=1) if z.shape[1] > 1 else np.hstack([1 - expit(z), expit(z)])
        M = np.zeros_like(P)
        M[:, self.seen_] = expit(zm) if zm is not None else self.members_.predict_proba(F)
        return P, M

    def _proba_z(self, zz: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """P and M from the products of the features with both classifiers' weights."""
        from scipy.special import expit, softmax

        wp, bp, pcols, wm, bm, wboth = self._linear()
        z, zm = zz[:, :wp.shape[1]] + bp, zz[:, wp.shape[1]:] + bm
        P = np.zeros((zz.shape[0], len(self.classes_)))
        P[:, pcols] = softmax(z, axis=1) if z.shape[1] > 1 else np.hstack([1 - expit(z), expit(z)])
        M = np.zeros_like(P)
        M[:, self.seen_] = expit(zm)
        return P, M

    def _title_first(self, text: str, m, top: int, pos_row: list[int] | None = None) -> int:
        """A title that names two themes (“特殊教育和终身教育”, “体育、美育和劳动教育”)
        puts the main one first: among the themes whose keywords occur in the title and
        whose membership probability ``m`` is >= ``title_order``, take the one named first,
        provided the top theme is named in the title too."""
        if pos_row is None:
            pos = self.keywords_.title_positions(text)
        else:  # a row of KeywordScorer.batch's positions (-1: not in the title)
            code = self._code_of_cls().get(top)
            if code is None or pos_row[code] < 0:
                return top
            pos = {i: p for i, p in enumerate(pos_row) if p >= 0}
        cls_of_code = self._cls_of_code()
        named = {cls_of_code[i]: pos[i] for i in sorted(pos) if cls_of_code[i] >= 0}
        if top not in named:
            return top
        cands = [i for i in named if i == top or m[i] >= self.title_order]
        return min(cands, key=lambda i: (named[i], -m[i]))

    def _cls_of_code(self) -> list[int]:
        """Keyword-theme index -> column in ``classes_`` (-1 when absent)."""
        t = self.__dict__.get("_cls_cache")
        if t is None:
            cls_index = {c: i for i, c in enumerate(self.classes_)}
            t = self.__dict__["_cls_cache"] = [cls_index.get(c, -1) for c in self.keywords_.codes]
        return t

    def _code_of_cls(self) -> dict[int, int]:
        t = self.__dict__.get("_cls_cache2")
        if t is None:
            t = self.__dict__["_cls_cache2"] = {c: i for i, c in enumerate(self._cls_of_code()) if c >= 0}
        return t

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        """Primary-theme probabilities, columns in ``classes_`` order."""
        return self._probabilities(self._features_fast(list(X))[0])[0]

    def predict(self, X: Sequence[str]) -> np.ndarray:
        return np.array([ts[0] for ts, _ in self.predict_themes(X)])

    def membership_proba(self, X: Sequence[str]) -> np.ndarray:
        """Per-theme probability that the task is (also) about that theme."""
        return self._probabilities(self._features_fast(list(X))[0])[1]

    def predict_themes(self, X: Sequence[str]) -> list[tuple[list[str], dict[str, float]]]:
        """(ordered themes, scores) per text.  The primary is the primary classifier's
        argmax; secondary themes have membership probability >= the threshold (at most
        ``max_secondary``).  ``scores`` maps every listed theme, and any other theme with
        membership probability >= 0.05, to its membership probability, except the
        primary, which gets the larger of its two probabilities."""
        X = list(X)
        if not X:
            return []
        sec = self.config_.get("secondary") or {}
        thr = self.secondary_threshold if self.secondary_threshold is not None else float(sec.get("model_threshold", 0.3))
        k = self.max_secondary if self.max_secondary is not None else int(sec.get("max_secondary", 2))
        blocks, pos, titles = self._blocks(X)
        rules = self.__dict__.get("_rules_cache")
        if rules is None:
            rules = self.__dict__["_rules_cache"] = _compiled_rules(self.config_)
        P, M = self._probabilities_blocks(blocks)
        out = []
        codes = [str(c) for c in self.classes_]
        col = {c: i for i, c in enumerate(codes)}
        firsts = np.argmax(P, axis=1).tolist()
        orders = np.argsort(-M, axis=1, kind="stable").tolist()
        Ml, Pl, posl = M.tolist(), P.tolist(), pos.tolist()
        for r, text in enumerate(X):
            first = firsts[r]
            m = Ml[r]
            if self.title_order:
                first = self._title_first(text, m, first, posl[r])
            themes = [codes[first]]
            for i in orders[r]:
                if len(themes) > k or m[i] < thr:
                    break
                if i != first:
                    themes.append(codes[i])
            themes = apply_rules(text, themes, self.config_, titles[r], rules)
            scores = {c: round(m[i], 4) for i, c in enumerate(codes) if m[i] >= 0.05 or c in themes}
            j = col[themes[0]]
            scores[themes[0]] = round(max(m[j], Pl[r][j]), 4)
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


def load_model(path: Path | str | None = None) -> ThemeModel:
    """Load a saved model, refusing one built with incompatible versions."""
    import joblib

    path = Path(path or DEFAULT_MODEL)
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


def train_and_save(gold_dir: Path | str, out: Path | str | None = None) -> tuple[Path, dict]:
    """Train on the gold tasks of ``gold_dir`` plus configs/theme_examples.yaml and save."""
    from .evaluate import load_gold

    records = [g for _, g in load_gold(gold_dir)]
    X, y = training_data(records)
    model = ThemeModel().fit(X, y)
    n_gold = sum(len([t for t in r.get("tasks", []) if t.get("themes")]) for r in records)
    digest = hashlib.sha1("\x00".join(x + "|" + ",".join(l) for x, l in zip(X, y)).encode()).hexdigest()[:12]
    info = {"documents": [r.get("doc_id") for r in records], "gold_tasks": n_gold,
            "examples": len(X) - n_gold, "training_sha1": digest}
    path = Path(out or DEFAULT_MODEL)
    save_model(model, path, info)
    return path, info


# ------------------------------------------------------------------ measurement
def loo_scores(gold_dir: Path | str, **params) -> dict:
    """Leave-one-document-out primary-theme accuracy and macro-F1 on gold task spans,
    for the model and the keyword baseline."""
    from .evaluate import load_gold, theme_scores

    records = [g for _, g in load_gold(gold_dir)]
    config = load_config()
    scorer = KeywordScorer(config)
    pairs_m, pairs_b, per_doc = [], [], {}
    sets_m, sets_b = [], []
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

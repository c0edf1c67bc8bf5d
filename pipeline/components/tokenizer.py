"""Segmenter: jieba words aligned to the view, as a spaCy tokenizer (cf. spacy/lang/zh).

The words are jieba's (dictionary + DAG, no HMM), computed by ``rjieba`` (jieba's dictionary
and algorithm in Rust, ~8x faster than ``jieba.lcut``) by default, or by ``jieba`` itself
(``segmenter = "jieba"``).  Either way the tokens cover ``doc.text`` (the normalised view)
exactly, with no gaps and no overlaps: every character, whitespace included, is in one token.

Domain words: the gazetteer's ``segmentation_words()`` (region names and short forms,
hand-kept institution names and aliases) are added to the segmenter's dictionary so names are not
split (``景宁畲族自治县``, ``丽水职高``).  A word's frequency is never *lowered*: it is
``max(gazetteer frequency, the frequency the word needs to beat its own split)``, because a
user word's frequency replaces the dictionary's own.  jieba only ever joins runs of
``[CJK a-z A-Z 0-9 + # & . _ % -]``, so a name holding other characters (``城西学校(初中部)``,
a ``“…”`` inside a name) would still be cut at them; those few words are joined afterwards by
one compiled regex (half- and full-width brackets alike), where the match starts and ends on
token boundaries.

Config (``[nlp.tokenizer]`` in ``configs/pipeline.cfg``)::

    @tokenizers = "zhpolicy.JiebaTokenizer.v1"
    segmenter = "rjieba"          # or "jieba"
    gazetteer_words = true        # add the gazetteer's words to the dictionary

Docs are :class:`ViewDoc`: ``doc.text`` returns the view string itself instead of joining
every token again on each access.

Only the gazetteer's hand-kept words are used (regions, countries, ``institutions.yaml``), not
the institution names learnt from the gold files (``learnt.yaml``): segmentation must not
depend on the annotated corpus (under leave-one-out, a held-out report's own school names
would be in the dictionary).  Leave-one-out scores are the same with or without them (the
entity stage learns names itself, leave-one-out safe).

Serialisation (``to_bytes``/``from_bytes``/``to_disk``/``from_disk``) stores the settings and
the user-word list, so a saved pipeline segments the same way without the gazetteer.
"""
from __future__ import annotations

import copyreg
import functools
import hashlib
import re
from pathlib import Path
from typing import Iterable

import spacy
import srsly
from spacy.tokens import Doc
from spacy.tokens import doc as _doc_module
from spacy.vocab import Vocab

SEGMENTERS = ("rjieba", "jieba")
# the characters jieba (and jieba-rs) keep together in one block; others always cut
_JIEBA_BLOCK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9+#&._%\-]+")
_CACHE: dict[tuple, "_Segmenter"] = {}


def _width_class(ch: str) -> str:
    """A regex for ``ch`` that also matches its half-/full-width twin."""
    o = ord(ch)
    if 0x21 <= o <= 0x7E and not ch.isalnum():
        return "[" + re.escape(ch) + re.escape(chr(o + 0xFEE0)) + "]"
    if 0xFF01 <= o <= 0xFF5E and not chr(o - 0xFEE0).isalnum():
        return "[" + re.escape(ch) + re.escape(chr(o - 0xFEE0)) + "]"
    return re.escape(ch)


def _twin(ch: str) -> str:
    o = ord(ch)
    if 0x21 <= o <= 0x7E:
        return chr(o + 0xFEE0)
    if 0xFF01 <= o <= 0xFF5E:
        return chr(o - 0xFEE0)
    return ch


class _Segmenter:
    """One dictionary (base + user words) and the ``cut`` that uses it."""

    def __init__(self, kind: str, words: list[tuple[str, int]]):
        if kind not in SEGMENTERS:
            raise ValueError(f"unknown segmenter {kind!r}; choose one of {SEGMENTERS}")
        self.kind = kind
        if kind == "rjieba":
            import rjieba

            seg = rjieba.Jieba()
            for w, f in words:
                seg.add_word(w, max(int(f), seg.suggest_freq(w)), None)
            self.cut = lambda text: seg.cut(text, hmm=False)
        else:
            import jieba

            seg = jieba.Tokenizer()
            seg.initialize()
            for w, f in words:
                seg.add_word(w, max(int(f), seg.suggest_freq(w, tune=False)))
            self.cut = lambda text: seg.lcut(text, HMM=False)
        # names jieba cannot keep whole by itself (they hold a character outside its blocks)
        odd = sorted({w for w, _ in words if not _JIEBA_BLOCK.fullmatch(w) and not any(c.isspace() for c in w)},
                     key=lambda w: (-len(w), w))
        # a lookahead on the possible first characters lets the regex skip most positions fast
        first = "".join(sorted({re.escape(c) for w in odd for c in {w[0], _twin(w[0])}}))
        self.join_re = (re.compile(f"(?=[{first}])(?:" + "|".join("".join(map(_width_class, w)) for w in odd) + ")")
                        if odd else None)

    def words(self, text: str) -> list[str]:
        words = self.cut(text)
        if self.join_re is not None:
            words = self._join(text, words)
        return words

    def _join(self, text: str, words: list[str]) -> list[str]:
        matches = [(m.start(), m.end()) for m in self.join_re.finditer(text)]
        if not matches:
            return words
        starts, pos = {}, 0
        for i, w in enumerate(words):
            starts[pos] = i
            pos += len(w)
        starts[pos] = len(words)
        out, last = [], 0
        for s, e in matches:
            if s in starts and e in starts and starts[s] >= last:
                out.extend(words[last:starts[s]])
                out.append(text[s:e])
                last = starts[e]
        out.extend(words[last:])
        return out


def get_segmenter(kind: str, words: Iterable[tuple[str, int]]) -> _Segmenter:
    """The segmenter for (kind, words), built once per process."""
    words = sorted((str(w), int(f)) for w, f in words if w)
    key = (kind, hashlib.sha1(repr(words).encode("utf-8")).hexdigest())
    if key not in _CACHE:
        _CACHE[key] = _Segmenter(kind, words)
    return _CACHE[key]


def gazetteer_words(learnt: bool = True) -> list[tuple[str, int]]:
    """The gazetteer's segmentation words; ``learnt=False`` leaves out the institution names
    that only the corpus-learnt entries (``learnt.yaml``, or the gazetteer's last ``learn``)
    give, keeping regions, countries and the hand-kept ``institutions.yaml``."""
    from ..gazetteer import load_gazetteer

    gaz = load_gazetteer()
    words = gaz.segmentation_words()
    if learnt:
        return words
    regions, inst = gaz.region_surfaces(), gaz.institution_surfaces()
    return [(w, f) for w, f in words
            if w in regions or w not in inst or inst[w].source == "institutions.yaml"]


@functools.lru_cache(maxsize=1)
def jieba_tables() -> tuple[dict[str, str], dict[str, int]]:
    """(word -> POS tag, word -> frequency) of jieba's main dictionary, the same entries as
    ``jieba.posseg.dt.word_tag_tab`` and the non-zero ones of ``jieba.dt.FREQ``, read from its
    ``dict.txt`` without importing or initialising ``jieba`` (which costs ~1 s of dictionary
    and model loading, twice with posseg).  Empty tables if jieba's files are not installed."""
    import importlib.util

    spec = importlib.util.find_spec("jieba")
    locs = list(spec.submodule_search_locations or ()) if spec else []
    path = Path(locs[0]) / "dict.txt" if locs else None
    tags: dict[str, str] = {}
    freq: dict[str, int] = {}
    if path is None or not path.exists():
        return tags, freq
    data = path.read_text(encoding="utf-8")
    fields = data.split()
    if len(fields) == 3 * data.count("\n") and len(fields) % 3 == 0:   # "word freq tag" lines
        words = fields[0::3]
        return dict(zip(words, fields[2::3])), dict(zip(words, map(int, fields[1::3])))
    for line in data.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            freq[parts[0]] = int(parts[1])
            if len(parts) >= 3:
                tags[parts[0]] = parts[2]
    return tags, freq


class ViewDoc(Doc):
    """A Doc that knows its text: ``doc.text`` is the string it was made from, in O(1).

    spaCy's ``Doc.text`` joins every token's text on each access (about 16 ms for a 40k-char
    report, and every stage reads it); the tokens cover the text exactly (see the module
    doc), so the string is the same.  Everything else is a plain Doc."""

    @property
    def text(self) -> str:
        t = self.__dict__.get("_view_text")
        return t if t is not None else Doc.text.__get__(self)

    @property
    def text_with_ws(self) -> str:
        return self.text


copyreg.pickle(ViewDoc, _doc_module.pickle_doc)  # pickles (to workers) as a plain Doc


class JiebaTokenizer:
    def __init__(self, vocab: Vocab, segmenter: str = "rjieba", use_gazetteer: bool = True,
                 user_words: Iterable[tuple[str, int]] | None = None):
        self.vocab = vocab
        self.segmenter = segmenter
        self.use_gazetteer = use_gazetteer
        if user_words is None:
            user_words = gazetteer_words(learnt=False) if use_gazetteer else []
        self.user_words = [(w, int(f)) for w, f in user_words]
        self._seg = get_segmenter(segmenter, self.user_words)

    def __call__(self, text: str) -> Doc:
        words = self._seg.words(text)
        doc = ViewDoc(self.vocab, words=words, spaces=[False] * len(words))
        doc._view_text = text
        return doc

    def pipe(self, texts, batch_size: int = 1000):
        for text in texts:
            yield self(text)

    # serialisation, as spacy.lang.zh.ChineseTokenizer
    def _cfg(self) -> dict:
        return {"segmenter": self.segmenter, "use_gazetteer": self.use_gazetteer,
                "user_words": [list(x) for x in self.user_words]}

    def _set(self, cfg: dict) -> "JiebaTokenizer":
        self.segmenter = cfg.get("segmenter", self.segmenter)
        self.use_gazetteer = cfg.get("use_gazetteer", self.use_gazetteer)
        self.user_words = [(w, int(f)) for w, f in cfg.get("user_words", [])]
        self._seg = get_segmenter(self.segmenter, self.user_words)
        return self

    def to_bytes(self, **kwargs) -> bytes:
        return srsly.msgpack_dumps(self._cfg())

    def from_bytes(self, data: bytes, **kwargs) -> "JiebaTokenizer":
        return self._set(srsly.msgpack_loads(data))

    def to_disk(self, path, **kwargs) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "segmenter.json", self._cfg())

    def from_disk(self, path, **kwargs) -> "JiebaTokenizer":
        return self._set(srsly.read_json(Path(path) / "segmenter.json"))


@spacy.registry.tokenizers("zhpolicy.JiebaTokenizer.v1")
def create_tokenizer(segmenter: str = "rjieba", gazetteer_words: bool = True):
    def make(nlp):
        return JiebaTokenizer(nlp.vocab, segmenter=segmenter, use_gazetteer=gazetteer_words)

    return make

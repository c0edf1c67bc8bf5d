"""Normalise and segment: the pipeline's tokenizer, so that ``nlp(text)`` is the one way in.

``JiebaTokenizer(text)`` builds the normalised view of ``text`` (``pipeline.normalise``:
simplified script, half-width digits, joined hard wraps, with its offset map), segments the
view with jieba's dictionary plus the gazetteer's names (``pipeline.zh.Segmenter``), and
returns a Doc over the view with ``doc._.view``, ``doc._.source`` and ``doc._.doc_id`` set.
The tokens cover the view exactly, whitespace included (as ``spacy.lang.zh`` does with
``util.get_words_and_spaces``).  :meth:`JiebaTokenizer.make` takes the source name, a doc id
and the wrap-joining choice for one document.

Domain words: the gazetteer's ``segmentation_words()`` (region names and short forms,
hand-kept institution names and aliases) are user words, so names are not split
(``景宁畲族自治县``, ``丽水职高``).  jieba only ever joins runs of ``[CJK a-z A-Z 0-9 + # & . _ %
-]``, so a name holding other characters (``城西学校(初中部)``, a ``“…”`` inside a name) is joined
afterwards by one compiled regex (half- and full-width brackets alike), where the match starts
and ends on token boundaries.  Only the hand-kept gazetteer is used, never names learnt from
gold: segmentation must not depend on the annotated corpus.

Config (``[nlp.tokenizer]`` in ``configs/pipeline.cfg``)::

    @tokenizers = "zhpolicy.JiebaTokenizer.v1"
    gazetteer_words = true        # add the gazetteer's words to the dictionary
    join_wraps = null             # null: detect hard-wrapped (PDF) text; true/false: force

Docs are :class:`ViewDoc`: ``doc.text`` returns the view string itself instead of joining
every token again on each access.  Serialisation (``to_disk``/``from_disk``, ``to_bytes``/
``from_bytes``) stores the settings and the user words, so a saved pipeline segments the same way
without reading the gazetteer; the segmenter is built on first use.
"""
from __future__ import annotations

import copyreg
import re
from pathlib import Path
from typing import Iterable

import spacy
import srsly
from spacy.tokens import Doc
from spacy.tokens import doc as _doc_module
from spacy.vocab import Vocab

from ..extensions import init_doc
from ..normalise import normalise
from ..record import make_doc_id
from ..zh import JIEBA_BLOCK, Segmenter

_SEGMENTERS: dict[tuple, "_Words"] = {}


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


class _Words:
    """The words of a text: the segmenter with the user words, then the odd names joined."""

    def __init__(self, words: list[tuple[str, int]]):
        self.segmenter = Segmenter(words)
        # names jieba cannot keep whole by itself (they hold a character outside its blocks)
        odd = sorted({w for w, _ in words if not JIEBA_BLOCK.fullmatch(w) and not any(c.isspace() for c in w)},
                     key=lambda w: (-len(w), w))
        # a lookahead on the possible first characters lets the regex skip most positions fast
        first = "".join(sorted({re.escape(c) for w in odd for c in {w[0], _twin(w[0])}}))
        self.join_re = (re.compile(f"(?=[{first}])(?:" + "|".join("".join(map(_width_class, w)) for w in odd) + ")")
                        if odd else None)

    def __call__(self, text: str) -> list[str]:
        words = self.segmenter.cut(text)
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


def _words_for(user_words: list[tuple[str, int]]) -> _Words:
    """One segmenter per distinct user-word list and process (building one takes ~0.3 s)."""
    key = tuple(user_words)
    if key not in _SEGMENTERS:
        _SEGMENTERS[key] = _Words(list(user_words))
    return _SEGMENTERS[key]


def gazetteer_words() -> list[tuple[str, int]]:
    """The gazetteer's segmentation words: regions, countries and the registries' institutions
    (never names learnt from gold, which the linker keeps in models/)."""
    from ..gazetteer import load_gazetteer

    return sorted(load_gazetteer().segmentation_words())


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
    def __init__(self, vocab: Vocab, use_gazetteer: bool = True,
                 user_words: Iterable[tuple[str, int]] | None = None, join_wraps: bool | None = None):
        self.vocab = vocab
        self.use_gazetteer = use_gazetteer
        self.join_wraps = join_wraps
        self._user_words = None if user_words is None else [(str(w), int(f)) for w, f in user_words]

    @property
    def user_words(self) -> list[tuple[str, int]]:
        if self._user_words is None:
            self._user_words = gazetteer_words() if self.use_gazetteer else []
        return self._user_words

    def words(self, text: str) -> list[str]:
        """The segmenter's words of ``text`` (already normalised)."""
        return _words_for(self.user_words)(text)

    def __call__(self, text: str) -> Doc:
        return self.make(text)

    def make(self, text: str, source: str = "<text>", doc_id: str | None = None,
             join_wraps: bool | None = None) -> Doc:
        """The Doc of one document's ``text`` (as read from ``source``): normalised, segmented,
        no component run yet.  ``join_wraps`` overrides the tokenizer's setting."""
        view = normalise(text, join_wraps=self.join_wraps if join_wraps is None else join_wraps)
        words = self.words(view.text)
        doc = ViewDoc(self.vocab, words=words, spaces=[False] * len(words))
        doc._view_text = view.text
        doc._.view = view
        doc._.source = source
        doc._.doc_id = doc_id or make_doc_id(source, text)
        return init_doc(doc)

    def pipe(self, texts, batch_size: int = 1000):
        for text in texts:
            yield self(text)

    # serialisation, as spacy.lang.zh.ChineseTokenizer
    def _cfg(self) -> dict:
        return {"use_gazetteer": self.use_gazetteer, "join_wraps": self.join_wraps,
                "user_words": [list(x) for x in self.user_words]}

    def _set(self, cfg: dict) -> "JiebaTokenizer":
        self.use_gazetteer = cfg.get("use_gazetteer", self.use_gazetteer)
        self.join_wraps = cfg.get("join_wraps", self.join_wraps)
        self._user_words = [(w, int(f)) for w, f in cfg.get("user_words", [])]
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
def create_tokenizer(gazetteer_words: bool = True, join_wraps: bool | None = None):
    def make(nlp):
        return JiebaTokenizer(nlp.vocab, use_gazetteer=gazetteer_words, join_wraps=join_wraps)

    return make

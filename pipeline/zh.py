"""Chinese text primitives every stage shares, each decided once here:

- the segmenter: jieba's dictionary and algorithm without HMM, computed by ``rjieba``
  (jieba-rs).  :func:`cut` and :func:`posseg` use jieba's own dictionary; :class:`Segmenter` adds
  user words (the tokenizer's gazetteer words).  No other module imports a segmenter.
- :func:`jieba_tables`: jieba's POS tags and word frequencies, read from its ``dict.txt``.
- :class:`Surfaces`: the one multi-string matcher (Aho-Corasick, ``ahocorasick_rs``), for every
  occurrence or for leftmost-longest matches.
- :func:`alt`: a regex alternation of a word list, longest first.
"""
from __future__ import annotations

import functools
import importlib.util
import re
from pathlib import Path
from typing import Iterable

import rjieba
from ahocorasick_rs import AhoCorasick, MatchKind

CN_DIGITS = "零〇一二两三四五六七八九"
# the characters jieba keeps together in one block; any other character always cuts
JIEBA_BLOCK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z0-9+#&._%\-]+")


def alt(words: Iterable[str]) -> str:
    """A regex alternation of ``words``, longest first (leftmost-longest matching)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


# ------------------------------------------------------------------ segmentation
@functools.lru_cache(maxsize=65536)
def cut(s: str) -> tuple[str, ...]:
    """jieba's words of ``s`` (its own dictionary, no HMM)."""
    return tuple(rjieba.cut(s, hmm=False)) if s else ()


@functools.lru_cache(maxsize=4096)
def posseg(s: str) -> tuple[tuple[str, str], ...]:
    """jieba's words of ``s`` with their POS flags (its own dictionary, no HMM)."""
    return tuple(rjieba.tag(s, hmm=False))


class Segmenter:
    """jieba's dictionary plus user words.  A user word's frequency is never *lowered*: it is
    ``max(given frequency, the frequency it needs to beat its own split)``, because a user
    word's frequency replaces the dictionary's own."""

    def __init__(self, words: Iterable[tuple[str, int]] = ()):
        self._seg = rjieba.Jieba()
        for w, f in words:
            self._seg.add_word(w, max(int(f), self._seg.suggest_freq(w)), None)

    def cut(self, text: str) -> list[str]:
        return self._seg.cut(text, hmm=False)


@functools.lru_cache(maxsize=1)
def jieba_tables() -> tuple[dict[str, str], dict[str, int]]:
    """(word -> POS tag, word -> frequency) of jieba's main dictionary, read from its
    ``dict.txt`` without importing ``jieba`` (which costs ~1 s of dictionary loading).  Empty
    tables if jieba's files are not installed."""
    spec = importlib.util.find_spec("jieba")
    locs = list(spec.submodule_search_locations or ()) if spec else []
    path = Path(locs[0]) / "dict.txt" if locs else None
    if path is None or not path.exists():
        return {}, {}
    fields = path.read_text(encoding="utf-8").split()
    if len(fields) % 3:
        raise ValueError(f"{path}: expected 'word freq tag' lines")
    words = fields[0::3]
    return dict(zip(words, fields[2::3])), dict(zip(words, map(int, fields[1::3])))


# ------------------------------------------------------------------ matching
class Surfaces:
    """A fixed set of strings found in texts: :meth:`find` gives every occurrence (overlapping
    ones included), :meth:`longest` the leftmost-longest ones, each as ``(start, end, surface)``."""

    def __init__(self, words: Iterable[str]):
        self.words = sorted(set(w for w in words if w))
        self._all = AhoCorasick(self.words) if self.words else None
        self._longest = None

    def __getstate__(self):      # the automata are rebuilt from the words, not pickled
        return {"words": self.words}

    def __setstate__(self, state):
        self.__init__(state["words"])

    def __len__(self) -> int:
        return len(self.words)

    def __contains__(self, word: str) -> bool:
        i = _bisect(self.words, word)
        return i < len(self.words) and self.words[i] == word

    def find(self, text: str) -> list[tuple[int, int, str]]:
        if self._all is None:
            return []
        words = self.words
        return [(s, e, words[i]) for i, s, e in self._all.find_matches_as_indexes(text, overlapping=True)]

    def longest(self, text: str) -> list[tuple[int, int, str]]:
        if not self.words:
            return []
        if self._longest is None:
            self._longest = AhoCorasick(self.words, matchkind=MatchKind.LeftmostLongest)
        words = self.words
        return [(s, e, words[i]) for i, s, e in self._longest.find_matches_as_indexes(text)]


def _bisect(words: list[str], w: str) -> int:
    import bisect

    return bisect.bisect_left(words, w)

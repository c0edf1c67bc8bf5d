"""Chinese text primitives shared by the stages: numeral characters, regex alternation of
word lists, jieba words with POS tags, and a multi-string matcher (Aho-Corasick)."""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable

try:
    from ahocorasick_rs import AhoCorasick as _AhoRs
except ImportError:  # pragma: no cover
    _AhoRs = None

CN_DIGITS = "零〇一二两三四五六七八九"


def alt(words) -> str:
    """A regex alternation of ``words``, longest first (leftmost-longest matching)."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


@lru_cache(maxsize=4096)
def posseg(s: str) -> tuple[tuple[str, str], ...]:
    """jieba's words and POS flags (dictionary + DAG, no HMM), from rjieba: the same dictionary
    and algorithm in Rust, without Python jieba's ~1 s dictionary load."""
    try:
        import rjieba
    except ImportError:  # pragma: no cover  (the tokenizer's default segmenter needs it too)
        import jieba.posseg

        return tuple((w.word, w.flag) for w in jieba.posseg.lcut(s, HMM=False))
    return tuple(rjieba.tag(s, hmm=False))


class Surfaces:
    """Every occurrence, overlapping ones included, of a fixed set of strings: ``find(text)``
    yields ``(start, end, surface)``.  ``ahocorasick_rs`` (Rust) when installed: pyahocorasick
    scans a node's children linearly, so with thousands of possible first characters (a
    gazetteer) it spends ~1 µs on every character of the text; otherwise pyahocorasick."""

    def __init__(self, words: Iterable[str]):
        self.words = sorted(set(words))
        if not self.words:
            self._rs = self._py = None
        elif _AhoRs is not None:
            self._rs, self._py = _AhoRs(self.words), None
        else:  # pragma: no cover
            import ahocorasick

            self._rs, self._py = None, ahocorasick.Automaton()
            for w in self.words:
                self._py.add_word(w, w)
            self._py.make_automaton()

    def __len__(self) -> int:
        return len(self.words)

    def find(self, text: str):
        if self._rs is not None:
            words = self.words
            return [(s, e, words[i]) for i, s, e in self._rs.find_matches_as_indexes(text, overlapping=True)]
        if self._py is not None:  # pragma: no cover
            return [(end + 1 - len(w), end + 1, w) for end, w in self._py.iter(text)]
        return []

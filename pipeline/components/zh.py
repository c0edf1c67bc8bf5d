"""Chinese text primitives shared by the targets stage and its indicator reader."""
from __future__ import annotations

import re
from functools import lru_cache

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

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
import hashlib
import importlib.util
import os
import re
import sqlite3
import threading
from collections.abc import Mapping
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


def _jieba_dict_path() -> Path | None:
    spec = importlib.util.find_spec("jieba")
    locs = list(spec.submodule_search_locations or ()) if spec else []
    path = Path(locs[0]) / "dict.txt" if locs else None
    return path if path is not None and path.exists() else None


def _parse_jieba_dict(path: Path) -> tuple[list[str], list[str], list[int]]:
    fields = path.read_text(encoding="utf-8").split()
    if len(fields) % 3:
        raise ValueError(f"{path}: expected 'word freq tag' lines")
    return fields[0::3], fields[2::3], list(map(int, fields[1::3]))


def cache_dir() -> Path:
    """Where derived, rebuildable artefacts live (``ZHPOLICY_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/zhpolicy``, else ``~/.cache/zhpolicy``)."""
    env = os.environ.get("ZHPOLICY_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "zhpolicy"


class _JiebaDB:
    """jieba's ``dict.txt`` as an SQLite file in :func:`cache_dir`, keyed by the file's path, size
    and mtime (built on first use, ~1 s, then reused by every process): a process looks up
    the few thousand words it meets instead of parsing 349k lines into two dicts (~0.5 s of
    every start-up).  Same contents: a word listed twice keeps its last line, as ``dict()``."""

    def __init__(self, path: Path):
        self.path = path
        self.lock = threading.Lock()
        self.tags: dict[str, str | None] = {}
        self.freqs: dict[str, int | None] = {}
        self._conn, self._pid = None, None
        self._full = None

    def _db_file(self) -> Path:
        st = self.path.stat()
        key = hashlib.sha1(f"1|{self.path.resolve()}|{st.st_size}|{st.st_mtime_ns}".encode()).hexdigest()[:16]
        return cache_dir() / f"jieba-dict-{key}.sqlite"

    def _build(self, db: Path) -> None:
        words, tags, freqs = _parse_jieba_dict(self.path)
        db.parent.mkdir(parents=True, exist_ok=True)
        tmp = db.with_name(f"{db.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        conn = sqlite3.connect(tmp)
        try:
            conn.execute("CREATE TABLE w (word TEXT PRIMARY KEY, tag TEXT, freq INTEGER) WITHOUT ROWID")
            conn.executemany("INSERT OR REPLACE INTO w VALUES (?, ?, ?)", zip(words, tags, freqs))
            conn.commit()
        finally:
            conn.close()
        os.replace(tmp, db)

    def _connect(self):
        if self._conn is not None and self._pid == os.getpid():
            return self._conn
        db = self._db_file()
        if not db.exists():
            self._build(db)
        self._conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, check_same_thread=False)
        self._pid = os.getpid()
        return self._conn

    def lookup(self, word: str) -> None:
        with self.lock:
            if word in self.tags:
                return
            row = None
            if self._full is None:
                try:
                    row = self._connect().execute("SELECT tag, freq FROM w WHERE word = ?", (word,)).fetchone()
                except (OSError, sqlite3.Error):   # no writable cache: parse the file once instead
                    self.full()
            if self._full is not None:
                tags, freqs = self._full
                row = (tags.get(word), freqs.get(word))
            self.tags[word], self.freqs[word] = row if row is not None else (None, None)

    def prefetch(self, words) -> None:
        """Look up every word of ``words`` not looked up yet, a few hundred per query."""
        with self.lock:
            todo = sorted({w for w in words if isinstance(w, str) and w not in self.tags})
            if not todo:
                return
            if self._full is None:
                try:
                    conn = self._connect()
                    for i in range(0, len(todo), 500):
                        chunk = todo[i:i + 500]
                        rows = conn.execute("SELECT word, tag, freq FROM w WHERE word IN (%s)"
                                            % ",".join("?" * len(chunk)), chunk).fetchall()
                        for w in chunk:
                            self.tags[w] = self.freqs[w] = None
                        for w, tag, freq in rows:
                            self.tags[w], self.freqs[w] = tag, freq
                    return
                except (OSError, sqlite3.Error):
                    self.full()
        for w in todo:
            self.lookup(w)

    def words_with(self, tag: str, length: int) -> list[str]:
        """The words of ``length`` characters tagged ``tag``, by one query (no full parse)."""
        with self.lock:
            if self._full is None:
                try:
                    return [w for (w,) in self._connect().execute(
                        "SELECT word FROM w WHERE tag = ? AND length(word) = ?", (tag, length))]
                except (OSError, sqlite3.Error):   # no writable cache: parse the file once instead
                    self.full()
        return [w for w, t in self._full[0].items() if t == tag and len(w) == length]

    def full(self) -> tuple[dict[str, str], dict[str, int]]:
        if self._full is None:
            words, tags, freqs = _parse_jieba_dict(self.path)
            self._full = dict(zip(words, tags)), dict(zip(words, freqs))
        return self._full


class JiebaTable(Mapping):
    """One column of jieba's dictionary (word -> tag, or word -> frequency), read on demand
    from :class:`_JiebaDB`; every looked-up word is remembered."""

    def __init__(self, db: _JiebaDB, column: int):
        self._db, self._column = db, column
        self._memo = db.tags if column == 0 else db.freqs

    def get(self, word, default=None):
        memo = self._memo
        if word not in memo:
            if not isinstance(word, str):
                return default
            self._db.lookup(word)
        v = memo[word]
        return default if v is None else v

    def prefetch(self, words) -> None:
        self._db.prefetch(words)

    def words_with(self, tag: str, length: int) -> list[str]:
        return self._db.words_with(tag, length)

    def __getitem__(self, word):
        v = self.get(word)
        if v is None:
            raise KeyError(word)
        return v

    def __contains__(self, word) -> bool:
        return self.get(word) is not None

    def __iter__(self):
        return iter(self._db.full()[self._column])

    def __len__(self) -> int:
        return len(self._db.full()[self._column])


@functools.lru_cache(maxsize=1)
def jieba_tables() -> tuple[Mapping[str, str], Mapping[str, int]]:
    """(word -> POS tag, word -> frequency) of jieba's main dictionary, read from its
    ``dict.txt`` without importing ``jieba`` (which costs ~1 s of dictionary loading), looked up
    word by word from a cached SQLite copy (:class:`JiebaTable`).  Empty tables if jieba's
    files are not installed."""
    path = _jieba_dict_path()
    if path is None:
        return {}, {}
    db = _JiebaDB(path)
    return JiebaTable(db, 0), JiebaTable(db, 1)


def jieba_words(tag: str, length: int) -> list[str]:
    """The words of jieba's main dictionary of ``length`` characters with POS tag ``tag``
    (nr, 3: three-character personal names), without reading the whole dictionary."""
    tags = jieba_tables()[0]
    if isinstance(tags, JiebaTable):
        return tags.words_with(tag, length)
    return [w for w, t in tags.items() if t == tag and len(w) == length]


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

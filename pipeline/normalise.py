"""The normalised view of a document's text and its exact offset map back to the text.

Every later stage reads ``View.text``: simplified script (OpenCC t2s), half-width digits,
letters and punctuation that carry meaning for numbers, letter-spaced lines (PDF text with a
space between every character) without those spaces, and hard line wraps (PDF-style text)
joined, but never the lines of a table (``pipeline.tables``).  ``View.offsets[i]`` is the index in the original text of view character ``i``, so any
view span ``[s, e)`` maps back with :meth:`View.to_text`.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .patterns import CLAUSE_BREAK, LINE_FINAL, LINE_OPENER, PAGE_NUMBER, STOP_OR_SEMICOLON
from .tables import table_lines

# Full-width forms FF01-FF5E map to ASCII 21-7E; U+3000 (ideographic space) to a space.
_FULLWIDTH = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)}          # digits
_FULLWIDTH.update({cp: cp - 0xFEE0 for cp in range(0xFF21, 0xFF3B)})    # A-Z
_FULLWIDTH.update({cp: cp - 0xFEE0 for cp in range(0xFF41, 0xFF5B)})    # a-z
_FULLWIDTH.update({0xFF0E: ord("."), 0xFF05: ord("%"), 0xFF0B: ord("+"), 0xFF0D: ord("-"),
                   0xFF5E: ord("~"), 0xFF0F: ord("/"), 0xFF1D: ord("="), 0xFF1C: ord("<"),
                   0xFF1E: ord(">")})
_FULLWIDTH_TABLE = str.maketrans({chr(k): chr(v) for k, v in _FULLWIDTH.items()})

@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional -> simplified, guaranteed to keep the length (character by character
    where OpenCC's phrase conversion would change it)."""
    conv = _t2s().convert(text)
    if len(conv) == len(text):
        return conv
    out = []
    for line in text.splitlines(keepends=True):
        c = _t2s().convert(line)
        if len(c) != len(line):
            c = "".join(ch2 if len(ch2 := _t2s().convert(ch)) == 1 else ch for ch in line)
        out.append(c)
    return "".join(out)


def normalise_chars(text: str) -> str:
    """Simplified script and half-width digits, letters and number signs; the same length."""
    return to_simplified(text).translate(_FULLWIDTH_TABLE)


def split_at_joins(lines: list[tuple[int, int]], text: str, joins: list[int] | None) -> list[tuple[int, int]]:
    """Lines of the view ``text`` as the original had them where no sentence runs across the
    join: a line that holds joined wraps (``View.joins``) is cut back at the joins before its
    first sentence end and after its last one (a page head glued to the report's first
    sentence, a foot glued to its last), never inside a sentence."""
    if not joins:
        return lines
    out = []
    for s, e in lines:
        i, j = bisect.bisect_right(joins, s), bisect.bisect_left(joins, e)
        if i == j:
            out.append((s, e))
            continue
        stops = [m.end() for m in STOP_OR_SEMICOLON.finditer(text, s, e)]
        first, last = (stops[0], stops[-1]) if stops else (e, s)
        cuts = [s, *(c for c in joins[i:j] if c < first or c >= last), e]
        out.extend((a, b) for a, b in zip(cuts, cuts[1:]) if b > a)
    return out


def is_hard_wrapped(text: str, tables: set[int] | None = None) -> bool:
    """True when most non-empty lines are long and end mid-sentence (PDF-extracted text).
    Rows of a table (``tables``: their line indices, found when not given) are not counted:
    a page of prose lines and a long table is no PDF."""
    if tables is None:
        tables = table_lines(text)
    lines = [ln.rstrip() for i, ln in enumerate(text.split("\n")) if ln.strip() and i not in tables]
    if len(lines) < 8:
        return False
    long = [ln for ln in lines if len(ln) >= 20]
    if len(long) < 0.4 * len(lines):
        return False
    mid = sum(1 for ln in long if ln[-1] not in LINE_FINAL)
    return mid >= 0.4 * len(long)


@dataclass
class View:
    """Normalised text plus the map from view indices to original-text indices."""

    source: str
    text: str
    offsets: list[int]
    # view positions where a hard wrap of the source was joined (the first character after it)
    joins: list[int] = field(default_factory=list)

    def to_text(self, start: int, end: int) -> tuple[int, int]:
        """Map a view span [start, end) to the original text."""
        if end <= start:
            s = self.offsets[start] if start < len(self.offsets) else len(self.source)
            return s, s
        return self.offsets[start], self.offsets[end - 1] + 1

    def to_view(self, pos: int) -> int:
        """The first view index whose source index is >= pos (for mapping gold offsets)."""
        return bisect.bisect_left(self.offsets, pos)


_SURROGATE = re.compile("[\ud800-\udfff]")


def without_surrogates(text: str) -> str:
    """``text`` with each unpaired surrogate (a str from outside any decoder can hold them;
    OpenCC and UTF-8 cannot) as U+FFFD: the same length, so offsets are unchanged."""
    return _SURROGATE.sub("\ufffd", text) if _SURROGATE.search(text) else text


_SPACED_PAIR = re.compile(r"(?<=\S) (?=\S)")
_ADJACENT_PAIR = re.compile(r"\S(?=\S)")
_ASCII_LETTER = re.compile(r"[A-Za-z]")


def _letter_spaced(line: str) -> bool:
    """A line whose characters stand one space apart (PDF text: 一 是 加 强 党 建)."""
    spaced = len(_SPACED_PAIR.findall(line))
    return spaced >= 4 and spaced >= 2 * len(_ADJACENT_PAIR.findall(line))


def _despace(view: str) -> tuple[str, list[int]]:
    """The view without the single spaces between the characters of letter-spaced lines (two
    Latin letters keep theirs), and the map of its characters to ``view``'s."""
    if " " not in view:
        return view, list(range(len(view)))
    chars: list[str] = []
    offsets: list[int] = []
    pos = 0
    for line in view.split("\n"):
        if _letter_spaced(line):
            for m in re.finditer(r"[^ ]+| +", line):
                g = m.group()
                if g == " " and 0 < m.start() < len(line) - 1 and not (
                        _ASCII_LETTER.match(line[m.start() - 1]) and _ASCII_LETTER.match(line[m.end()])):
                    continue
                chars.append(g)
                offsets.extend(range(pos + m.start(), pos + m.end()))
        else:
            chars.append(line)
            offsets.extend(range(pos, pos + len(line)))
        chars.append("\n")
        offsets.append(pos + len(line))
        pos += len(line) + 1
    chars.pop()
    offsets.pop()
    return "".join(chars), offsets


def normalise(text: str, *, join_wraps: bool | None = None) -> View:
    """Build the view of ``text``.  ``join_wraps=None`` detects hard-wrapped text.  Lines of
    letter-spaced text lose the spaces between their characters.  The view reads an unpaired
    surrogate as U+FFFD; ``View.source`` stays ``text``."""
    view, base = _despace(normalise_chars(without_surrogates(text)))
    tables = table_lines(view) if join_wraps is not False else set()
    if join_wraps is None:
        join_wraps = is_hard_wrapped(view, tables)
    if not join_wraps:
        return View(text, view, base)
    keep_chars: list[str] = []
    offsets: list[int] = []
    joins: list[int] = []
    lines = view.split("\n")
    pos = 0
    for i, line in enumerate(lines):
        keep_chars.append(line)
        offsets.extend(base[pos:pos + len(line)])
        pos += len(line)
        if i == len(lines) - 1:
            break
        nxt = lines[i + 1]
        stripped = line.rstrip()
        join = (
            # a page's running head (a title line after the page number) stays a line
            not (i and PAGE_NUMBER.match(lines[i - 1]) and not CLAUSE_BREAK.search(line))
            and i not in tables and i + 1 not in tables      # table rows are never wrapped prose
            and not PAGE_NUMBER.match(line) and not PAGE_NUMBER.match(nxt)   # nor is a page number
            and len(stripped) >= 15
            and stripped[-1] not in LINE_FINAL
            and nxt.strip() != ""
            and not LINE_OPENER.match(nxt)
            and not nxt.startswith(("\u3000", "  "))
        )
        if join:
            joins.append(len(offsets))
        else:
            keep_chars.append("\n")
            offsets.append(base[pos])
        pos += 1  # the newline itself
    return View(text, "".join(keep_chars), offsets, joins)


# A View travels with its Doc (Doc.to_bytes, DocBin, nlp.pipe(n_process=...)): spaCy
# serialises extension values with srsly's msgpack, which takes registered encoders.
_VIEW_KEY = "__zhpolicy_view__"


def _encode_view(obj, chain=None):
    if isinstance(obj, View):
        return {_VIEW_KEY: True, "source": obj.source, "text": obj.text, "offsets": obj.offsets,
                "joins": obj.joins}
    return chain(obj) if chain is not None else obj


def _decode_view(obj, chain=None):
    if isinstance(obj, dict) and obj.get(_VIEW_KEY):
        return View(obj["source"], obj["text"], list(obj["offsets"]), list(obj["joins"]))
    return chain(obj) if chain is not None else obj


def _register_msgpack() -> None:
    import srsly

    srsly.msgpack_encoders.register("zhpolicy_view", func=_encode_view)
    srsly.msgpack_decoders.register("zhpolicy_view", func=_decode_view)


_register_msgpack()

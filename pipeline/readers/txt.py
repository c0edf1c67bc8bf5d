"""Plain text in UTF-8 (with or without BOM), UTF-16 (with BOM), GB18030/GBK/GB2312 or Big5,
detected from the bytes, never assumed.

How the encoding is chosen:

1. A BOM decides (UTF-8, UTF-16 LE/BE).
2. Bytes that are strict UTF-8 are UTF-8 (a GB or Big5 text of any length is practically
   never valid UTF-8).
3. Otherwise every legacy Chinese encoding that decodes the bytes strictly is a candidate, and
   the most *plausible* decoding wins.  Plausibility is the share of common characters among the
   ideographs and "garble-typical" characters (private-use, kana, Cyrillic, box drawing, rare
   ideographs).  Common characters are the 3755 level-1 hanzi of GB2312 (the most frequent
   simplified characters) and the 5401 常用字 of Big5 (the most frequent traditional ones); both
   sets are generated from the code tables themselves, so nothing here depends on a corpus.
   A Big5 text read as GB18030 (or the reverse) decodes to a salad of rare characters and
   symbols and scores far below the right decoding.  charset-normalizer is only asked when no
   Chinese encoding fits (e.g. a Latin-1 or Shift-JIS text).

The returned text is exactly the decoded content: line ends (\\r\\n) and spacing are kept.
UTF-16 without a BOM (NUL bytes at alternate positions) is read when one byte order decodes it
plausibly.  A file with other NUL bytes, many control characters or nothing plausible raises
ReadError.  A damaged file whose few bad bytes are replaced by U+FFFD is read, and the count
is reported as a warning (``decode_bytes(..., warnings=)``).
"""
from __future__ import annotations

import codecs
import re
from functools import lru_cache
from pathlib import Path

from . import ReadError

# Legacy encodings tried after UTF-8, in order of preference on a tie.  gb18030 is a superset
# of GBK and GB2312; cp950 (Big5 as Windows writes it) and big5hkscs cover Taiwan/Hong Kong.
LEGACY_ENCODINGS = ("gb18030", "cp950", "big5hkscs")
# Declared charsets worth trying before detection (multi-byte East Asian encodings).
TRUSTED_DECLARED = frozenset({"gb18030", "cp950", "big5hkscs", "euc_jp", "shift_jis",
                              "cp932", "euc_kr", "cp949", "iso2022_jp"})
SAMPLE_CHARS = 200_000          # plausibility is judged on this many decoded characters
MIN_PLAUSIBLE = 0.75            # share of common characters a decoding must reach ...
MIN_JUDGED = 8                  # ... once it has at least this many characters to judge
MAX_CONTROL_SHARE = 0.01        # more control characters than this: binary, not text

_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")
# Characters that a wrong decoding of Chinese bytes produces: ideographs of every block
# (the common ones are subtracted again), private use, kana, Greek, Cyrillic, box drawing,
# Hangul, compatibility ideographs, the replacement character.
_JUDGED = re.compile(
    "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
    "\ue000-\uf8ff\U000f0000-\U0010ffff\u3040-\u30ff\u0370-\u03ff\u0400-\u04ff"
    "\u2500-\u257f\u1100-\u11ff\u3130-\u318f\uac00-\ud7af\ufffd]"
)

_MAGIC = (
    (b"%PDF-", "a PDF file"),
    (b"PK\x03\x04", "a ZIP archive (a .docx/.xlsx?)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old MS Office (OLE) file (a .doc?)"),
    (b"{\\rtf", "an RTF file"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
)


@lru_cache(maxsize=1)
def _common_re() -> re.Pattern:
    chars: set[str] = set()
    # GB2312 level-1 hanzi: rows 0xB0-0xD7, cells 0xA1-0xFE (row 0xD7 ends at 0xF9).
    for lead in range(0xB0, 0xD8):
        for trail in range(0xA1, 0xFF):
            try:
                chars.add(bytes((lead, trail)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    # Big5 frequently used characters (常用字): 0xA440-0xC67E.
    for lead in range(0xA4, 0xC7):
        for trail in list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF)):
            if lead == 0xC6 and trail > 0x7E:
                break
            try:
                chars.add(bytes((lead, trail)).decode("big5"))
            except UnicodeDecodeError:
                pass
    chars = {c for c in chars if len(c) == 1}
    return re.compile("[" + re.escape("".join(sorted(chars))) + "]")


def plausibility(text: str) -> tuple[float, int]:
    """(share of common characters among the judged ones, number judged) for ``text``."""
    sample = text[:SAMPLE_CHARS]
    judged = len(_JUDGED.findall(sample))
    if not judged:
        return 1.0, 0
    good = len(_common_re().findall(sample))
    return good / judged, judged


def _control_share(text: str) -> float:
    sample = text[:SAMPLE_CHARS]
    return len(_CONTROL.findall(sample)) / max(1, len(sample))


def _binary_problem(data: bytes) -> str | None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return f"binary file: looks like {what}, not text"
    if b"\x00" in data[:65536] or b"\x00" in data[-65536:]:
        return "binary file (contains NUL bytes), not text"
    return None


def _normalise_encoding(name: str | None) -> str | None:
    """A declared charset as the codec to try: GB2312/GBK declarations are read as GB18030
    (pages declaring gb2312 routinely contain GBK characters), Big5 as cp950."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("'\"")).name
    except LookupError:
        return None
    return {"gb2312": "gb18030", "gbk": "gb18030", "big5": "cp950",
            "euc_cn": "gb18030"}.get(codec, codec)


def decode_bytes(data: bytes, path: Path | str, declared: str | None = None,
                 warnings: list[str] | None = None) -> str:
    """Decode ``data`` (the content of ``path``) as described in the module docstring.
    ``declared`` is a charset the file itself names (an HTML meta tag); it is used when the
    bytes are not UTF-8 and it decodes them strictly and plausibly, otherwise detection
    decides.  When damaged bytes had to be replaced by U+FFFD, one line naming the file and
    the count is appended to ``warnings``."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return _checked(data[3:].decode("utf-8"), path, "UTF-8")
        except UnicodeDecodeError:
            return _warn_replaced(_fail_utf8_bom(data, path), data[3:], "utf-8", path, warnings)
    for bom, enc in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                     (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return _checked(data.decode(enc), path, enc.upper())
            except UnicodeDecodeError:
                raise ReadError(path, f"starts with a {enc.upper()} byte-order mark but does "
                                      f"not decode as {enc.upper()}") from None
    problem = _binary_problem(data)
    if problem:
        text = _utf16_without_bom(data) if "NUL" in problem else None
        if text is None:
            raise ReadError(path, problem)
        return _checked(text, path, "UTF-16")

    # Valid UTF-8 with non-ASCII bytes is UTF-8 whatever a page declares: legacy bytes are
    # practically never valid UTF-8, while pages still declaring gb2312 after a move to
    # UTF-8 are common.
    try:
        return _checked(data.decode("utf-8"), path, "UTF-8")
    except UnicodeDecodeError:
        pass

    declared = _normalise_encoding(declared)
    if declared in ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"):
        declared = None     # an ASCII-compatible file cannot be UTF-16/32 (browsers agree)
    # A declared East Asian charset is tried first; a declared single-byte one (latin-1,
    # windows-1252: a common server default) only after the Chinese encodings failed,
    # because it decodes anything.
    if declared in TRUSTED_DECLARED:
        try:
            text = data.decode(declared)
        except UnicodeDecodeError:
            text = None
        if text is not None:
            share, judged = plausibility(text)
            if judged < MIN_JUDGED or share >= MIN_PLAUSIBLE:
                return _checked(text, path, declared)


    best: tuple[float, int, str, str] | None = None
    for rank, enc in enumerate(LEGACY_ENCODINGS):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        share, judged = plausibility(text)
        key = (share, -rank, enc, text)
        if best is None or key[:2] > best[:2]:
            best = key
        if share == 1.0:
            break
    if best is not None:
        share, _, enc, text = best
        if share >= MIN_PLAUSIBLE or plausibility(text)[1] < MIN_JUDGED:
            return _checked(text, path, enc)

    if declared and declared not in TRUSTED_DECLARED:
        try:
            return _checked(data.decode(declared), path, declared)
        except UnicodeDecodeError:
            pass

    found = _lenient(data)
    if found is not None:
        text, enc = found
        return _warn_replaced(_checked(text, path, "detected"), data, enc, path, warnings)
    raise ReadError(path, "cannot decode: not UTF-8, GB18030/GBK or Big5 text "
                          "(binary, or an unknown encoding)")


def _fail_utf8_bom(data: bytes, path) -> str:
    # A UTF-8 BOM but broken UTF-8 after it: tolerate a handful of bad bytes, else fail.
    text = data[3:].decode("utf-8", errors="replace")
    if text.count("\ufffd") <= max(2, len(text) // 1000):
        return _checked(text, path, "UTF-8")
    raise ReadError(path, "starts with a UTF-8 byte-order mark but is not valid UTF-8")


def _warn_replaced(text: str, data: bytes, enc: str, path, warnings: list[str] | None) -> str:
    """``text`` as is; a warning when decoding ``data`` as ``enc`` put U+FFFD in it (those
    the bytes themselves encode are not counted)."""
    if warnings is not None:
        try:
            own = data.count("\ufffd".encode(enc))
        except (UnicodeEncodeError, LookupError):
            own = 0
        n = text.count("\ufffd") - own
        if n > 0:
            warnings.append(f"{path}: {n} undecodable byte sequence{'s' if n > 1 else ''} "
                            f"replaced by U+FFFD (read as {enc})")
    return text


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a byte-order mark (NUL bytes at every other position for
    ASCII): the byte order that decodes strictly and plausibly, with few control characters."""
    if len(data) % 2 or len(data) < 4:
        return None
    even, odd = data[0::2][:65536], data[1::2][:65536]
    order = "utf-16-le" if odd.count(0) > even.count(0) else "utf-16-be"
    try:
        text = data.decode(order)
    except UnicodeDecodeError:
        return None
    share, judged = plausibility(text)
    if (judged >= MIN_JUDGED and share < MIN_PLAUSIBLE) or _control_share(text) > MAX_CONTROL_SHARE:
        return None
    return text


def _lenient(data: bytes) -> tuple[str, str] | None:
    """Last resort for damaged files: the Chinese encoding with the fewest undecodable bytes,
    accepted only when they are a tiny share (at most 1 in 1000 characters, or 2) and the
    rest is plausible; then charset-normalizer for non-Chinese encodings."""
    best = None
    for enc in ("utf-8",) + LEGACY_ENCODINGS:
        text = data.decode(enc, errors="replace")
        bad = text.count("\ufffd")
        if bad <= max(2, len(text) // 1000):
            share, judged = plausibility(text.replace("\ufffd", ""))
            if (judged < MIN_JUDGED or share >= MIN_PLAUSIBLE) and (best is None or bad < best[0]):
                best = (bad, text, enc)
    if best is not None:
        return best[1], best[2]
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover
        return None
    match = from_bytes(data).best()
    if match is None or match.encoding is None:
        return None
    try:
        text = data.decode(match.encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    share, judged = plausibility(text)
    return (text, match.encoding) if judged < MIN_JUDGED or share >= MIN_PLAUSIBLE else None


def _checked(text: str, path, enc: str) -> str:
    if _control_share(text) > MAX_CONTROL_SHARE:
        raise ReadError(path, f"binary file (decodes as {enc} but is full of control "
                              f"characters), not text")
    return text


def read_txt(path: Path, warnings: list[str] | None = None) -> str:
    return decode_bytes(Path(path).read_bytes(), path, warnings=warnings)

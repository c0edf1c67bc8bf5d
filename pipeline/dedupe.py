"""Cross-file near-duplicate detection for batches.

The same report is often published several times (a city site and a county site, an HTML page
and its PDF, a re-crawl with a new hit counter).  :class:`NearDuplicateIndex` keeps one
fixed-size MinHash signature per document and answers, for each new document, "is this a
near copy of one already seen?"::

    index = NearDuplicateIndex()
    for doc_id, text in batch:
        dup = index.check_and_add(doc_id, text)   # None, or the doc_id of the earlier copy

The signature is computed on the *body*: the normalised view (simplified script, half-width
digits) with chrome and in-file repeated copies removed (the chrome stage's rules), and then
every space and punctuation mark dropped, so differing header lines, hit counters, hard wraps
and a few changed characters barely move it.  Candidates come from LSH banding; a candidate is
a duplicate when the estimated Jaccard similarity of the character 5-gram sets reaches
``threshold``.  Memory per document: ``num_perm`` 64-bit values plus ``bands`` bucket keys.
"""
from __future__ import annotations

import hashlib
import re
from collections import defaultdict

import numpy as np

from .components.chrome import ChromeMarker, body_text
from .normalise import normalise_chars

_NOT_WORD = re.compile(r"[\W_]+")
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64 finaliser: spreads shingle hashes over all 64 bits."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x = x * np.uint64(0xBF58476D1CE4E5B9)
        x = x ^ (x >> np.uint64(27))
        x = x * np.uint64(0x94D049BB133111EB)
        x = x ^ (x >> np.uint64(31))
    return x


class NearDuplicateIndex:
    def __init__(self, num_perm: int = 128, bands: int = 32, shingle: int = 5,
                 threshold: float = 0.8, seed: int = 20240601, chunk: int = 4096,
                 min_body: int = 30):
        if num_perm % bands:
            raise ValueError("num_perm must be a multiple of bands")
        self.num_perm, self.bands, self.k = num_perm, bands, shingle
        self.rows = num_perm // bands
        self.threshold = threshold
        self.chunk = chunk
        self.min_body = min_body
        rng = np.random.default_rng(seed)
        self._a = rng.integers(1, 2**63, size=(num_perm, 1), dtype=np.uint64) | np.uint64(1)
        self._b = rng.integers(0, 2**63, size=(num_perm, 1), dtype=np.uint64)
        self._marker: ChromeMarker | None = None   # built on first ``body(text)``
        self._sigs: dict[str, np.ndarray] = {}
        self._exact: dict[str, str] = {}
        self._buckets: dict[tuple[int, bytes], list[str]] = defaultdict(list)

    # ------------------------------------------------------------------ body and signature
    def body(self, text: str) -> str:
        """The comparable body: normalised, chrome and repeated copies removed, no spaces or
        punctuation."""
        if self._marker is None:
            self._marker = ChromeMarker()
        view = normalise_chars(text)
        return _NOT_WORD.sub("", body_text(view, self._marker))

    def fingerprint(self, body: str) -> tuple[str, np.ndarray] | None:
        """(SHA-1 of the body, MinHash signature), or None for a body shorter than
        ``min_body`` (an empty or failed extraction, never a duplicate nor indexed).  Pure:
        any index with the same parameters gives the same fingerprint, so workers can compute
        it and the main process only ``add``s it."""
        if len(body) < self.min_body:
            return None
        return hashlib.sha1(body.encode("utf-8")).hexdigest(), self.signature(body)

    def fingerprinter(self) -> "Fingerprinter":
        """A fingerprint built from a body given in consecutive parts (a long document's
        pieces): the same as ``fingerprint`` of the parts joined, without joining them."""
        return Fingerprinter(self)

    def signature(self, body: str) -> np.ndarray:
        """MinHash signature (``num_perm`` uint64) of the body's character k-gram set."""
        codes = np.frombuffer(body.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        n = len(codes) - self.k + 1
        if n <= 0:
            codes = np.concatenate([codes, np.zeros(self.k, dtype=np.uint64)])
            n = 1
        h = np.zeros(n, dtype=np.uint64)
        with np.errstate(over="ignore"):
            for j in range(self.k):
                h = h * np.uint64(0x100000001B3) + codes[j:j + n]
        h = np.unique(_mix(h))
        sig = np.full(self.num_perm, _MASK64, dtype=np.uint64)
        buf = np.empty((self.num_perm, min(self.chunk, len(h))), dtype=np.uint64)
        with np.errstate(over="ignore"):
            for s in range(0, len(h), self.chunk):
                part = h[s:s + self.chunk]
                block = buf[:, :len(part)]                            # (num_perm, chunk)
                np.multiply(self._a, part, out=block)
                np.add(block, self._b, out=block)
                np.minimum(sig, block.min(axis=1), out=sig)
        return sig

    def _bands(self, sig: np.ndarray):
        for i in range(self.bands):
            yield i, sig[i * self.rows:(i + 1) * self.rows].tobytes()

    # ------------------------------------------------------------------ queries
    def similarity(self, a: str, b: str) -> float:
        """Estimated Jaccard similarity of two indexed documents."""
        return float(np.mean(self._sigs[a] == self._sigs[b]))

    def check(self, text_or_body: str) -> tuple[str | None, float]:
        """(doc_id of the best near copy already indexed, its similarity) or (None, best)."""
        body = self.body(text_or_body)
        digest = hashlib.sha1(body.encode("utf-8")).hexdigest()
        return self._lookup(digest, self.signature(body))

    def _lookup(self, digest: str, sig: np.ndarray) -> tuple[str | None, float]:
        if digest in self._exact:
            return self._exact[digest], 1.0
        cands: dict[str, None] = {}
        for key in self._bands(sig):
            for other in self._buckets.get(key, ()):
                cands[other] = None
        best, best_score = None, 0.0
        for other in cands:
            score = float(np.mean(self._sigs[other] == sig))
            if score > best_score:
                best, best_score = other, score
        if best_score >= self.threshold:
            return best, best_score
        return None, best_score

    def add(self, doc_id: str, fingerprint: tuple[str, np.ndarray] | None) -> str | None:
        """The doc_id of an earlier near copy, or None (then ``doc_id`` is indexed), for a
        ``fingerprint`` computed by an index with the same parameters.  A duplicate is not
        indexed itself, so later copies point at the first one; a None fingerprint (too short
        a body) is neither a duplicate nor indexed."""
        if fingerprint is None:
            return None        # an empty or failed extraction is no copy of anything
        digest, sig = fingerprint
        if len(sig) != self.num_perm:
            raise ValueError("fingerprint from an index with other parameters")
        dup, _ = self._lookup(digest, sig)
        if dup is not None:
            return dup
        self._exact[digest] = doc_id
        self._sigs[doc_id] = sig
        for key in self._bands(sig):
            self._buckets[key].append(doc_id)
        return None

    def check_and_add(self, doc_id: str, text_or_body: str) -> str | None:
        """``add(doc_id, fingerprint(body(text)))``: the doc_id of an earlier near copy, or
        None (then ``doc_id`` is indexed).  Bodies shorter than ``min_body`` characters (empty
        or failed extractions) are neither duplicates nor indexed."""
        return self.add(doc_id, self.fingerprint(self.body(text_or_body)))

    def __len__(self) -> int:
        return len(self._sigs)

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self._sigs


class Fingerprinter:
    """``add(part)`` the parts of a body in order, then ``result()``: equals
    ``index.fingerprint("".join(parts))``.  MinHash is a minimum over the body's k-grams, so
    each part is signed with the k-1 characters before it and the minima are kept; the SHA-1
    is fed part by part."""

    def __init__(self, index: NearDuplicateIndex):
        self.index = index
        self.first: str | None = None
        self.sha = None
        self.sig: np.ndarray | None = None
        self.carry, self.n = "", 0

    def add(self, part: str) -> None:
        if self.first is None and self.sha is None:
            self.first = part              # one part only: fingerprint() itself, exactly
            return
        if self.first is not None:
            first, self.first = self.first, None
            self.sha = hashlib.sha1()
            self._feed(first)
        self._feed(part)

    def _feed(self, part: str) -> None:
        self.sha.update(part.encode("utf-8"))
        self.n += len(part)
        window = self.carry + part
        k = self.index.k
        if len(window) >= k:
            sig = self.index.signature(window)
            self.sig = sig if self.sig is None else np.minimum(self.sig, sig)
        self.carry = window[-(k - 1):] if k > 1 else ""

    def result(self) -> tuple[str, np.ndarray] | None:
        if self.sha is None:
            return self.index.fingerprint(self.first or "")
        if self.n < self.index.min_body or self.sig is None:
            return None
        return self.sha.hexdigest(), self.sig


def doc_body(doc) -> str:
    """The comparable body of a processed Doc, from the chrome stage's regions
    (``doc._.ignored``) instead of running the chrome rules again: the view without its
    ignored regions, spaces and punctuation (the same string as ``NearDuplicateIndex.body``
    of the original text whenever the view has no joined hard wraps)."""
    text, parts, pos = doc.text, [], 0
    for r in sorted(doc._.ignored, key=lambda r: r["start"]):
        if r["start"] > pos:
            parts.append(text[pos:r["start"]])
        pos = max(pos, r["end"])
    parts.append(text[pos:])
    return _NOT_WORD.sub("", "".join(parts))

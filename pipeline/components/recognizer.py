"""The trained entity recognizer: a linear-chain CRF over the segmenter's tokens, beside the rules.

It runs after the rule stage (``entities``) and decides the document's entities.  Each token is
described by what the rules and the segmenter know about it, never by a list of the corpus's
names:

- the token itself, its first and last characters, its shape and jieba's POS tag, and the same
  for its neighbours (two on each side);
- the rules' resolved label (BIO) of the token and its neighbours, and every rule candidate the
  token starts, ends or lies inside (``doc._.entity_candidates``: gazetteer names, suffix names,
  abbreviations, quoted names), so the rules are features the model learns to trust or not;
- whether the token lies in an ignored region (chrome, duplicate copy).

Entities are whole tokens, so a span always starts and ends where the segmenter (with the
gazetteer's names as words) puts a word boundary: no fragment such as 化滨海大 can come out.
The rules' PROGRAMME and PERSON spans (quoted names with their head nouns, names next to a
title) are kept over the model's where they overlap (``rule_labels``): leave-one-province-out
showed the model cutting quoted names short.

Learned state: ``initialize(get_examples)`` fits the CRF (python-crfsuite, L-BFGS with L1 + L2)
on the gold entities of the examples, with the stages before it run on each example's text;
``to_disk``/``from_disk`` write and read ``model.crfsuite`` and ``settings.json``.  The model is
read from bytes into one tagger per thread (crfsuite taggers are not thread-safe).  Without a
trained model the stage leaves the rules' entities as they are.
"""
from __future__ import annotations

import bisect
import re
import tempfile
import threading
from pathlib import Path

import numpy as np
import srsly
from spacy.language import Language
from spacy.attrs import IDX, SPACY
from spacy.tokens import Doc

from ..extensions import gold_records_of, init_doc
from ..zh import jieba_tables

LABELS = ("SCHOOL", "REGION", "PROGRAMME", "ORG", "DOCUMENT", "PERSON")
_PAD = "#"


@Language.factory("zhpolicy_recognizer", default_config={
    "c1": 0.05, "c2": 0.01, "max_iterations": 150, "rule_labels": ["PROGRAMME", "PERSON"], "confirm_labels": [],
    "quoted_labels": []})
def make_recognizer(nlp: Language, name: str, c1: float, c2: float, max_iterations: int, rule_labels: list[str],
                    confirm_labels: list[str], quoted_labels: list[str]):
    return EntityCRF(c1=c1, c2=c2, max_iterations=max_iterations, rule_labels=rule_labels,
                     confirm_labels=confirm_labels, quoted_labels=quoted_labels)


_HAN = re.compile("[\u4e00-\u9fff]+")


def _shape(w: str) -> str:
    if w.isspace():
        return "S"
    if not w or _HAN.fullmatch(w):
        return "C%d" % min(len(w), 4)
    if w.isdigit():
        return "D"
    return "P"


def token_spans(doc: Doc) -> list[tuple[int, int]]:
    """The units the model labels: the segmenter's tokens (offsets from one array call, no
    Token objects; a token ends where the next starts, less its trailing space), cut again where
    a rule candidate starts or ends inside one (会同县|公安局 -> 会同 + 县公安局 when 县公安局 is
    a candidate, 五十八中等 -> 五十八中 + 等), so a name's edge is always where the segmenter or
    a name rule puts a boundary."""
    n = len(doc)
    if not n:
        return []
    starts = doc.to_array(IDX).tolist()      # 1-D arrays: tolist of a 2-D uint64 array is ~20x slower
    space = doc.to_array(SPACY).tolist()
    ends = [b - sp for b, sp in zip(starts[1:], space)]
    ends.append(len(doc.text) - space[-1])
    cuts = sorted({x for s, e, _ in doc._.entity_candidates or () for x in (s, e)})
    if not cuts:
        return list(zip(starts, ends))
    # the tokens a cut falls strictly inside, found for all tokens at once (few are)
    cut_at = np.asarray(cuts)
    lo = np.searchsorted(cut_at, starts, "right")
    hi = np.searchsorted(cut_at, ends, "left")
    out, done = [], 0
    for k in np.flatnonzero(hi > lo).tolist():
        out.extend(zip(starts[done:k], ends[done:k]))
        a = starts[k]
        for c in cuts[lo[k]:hi[k]]:
            out.append((a, c))
            a = c
        out.append((a, ends[k]))
        done = k + 1
    out.extend(zip(starts[done:], ends[done:]))
    return out


# Per-word feature strings, built once per distinct word (and tag table and model): the token's
# own features and the ones it gives its neighbours (w-2=, w-1=, w1=, w2=, t-1=, t1=, l-1=, l1=).
# When tagging, a string the model has no weight for is None (see model_attributes).
_CACHE: dict[str, tuple[str | None, ...]] = {}
_CACHE_KEY: list = [None, None]      # the tag table and the attribute set the cache was built with
_CACHE_MAX = 20_000      # distinct words (~14 strings each); cleared when full, so memory stays flat
_PAD_ENTRY = (None,) * 6 + tuple(p + _PAD for p in ("w-2=", "w-1=", "w1=", "w2=", "t-1=", "t1=", "l-1=", "l1="))
CHUNK = 2000   # tokens a tagging call covers at least, up to the next line break (see EntityCRF._tag)
MARGIN = 200   # tokens of context tagged on either side of a chunk, their labels dropped


def _entry(w: str, tags: dict) -> tuple[str, ...]:
    t = tags.get(w) or "?"
    last = w[-1:]
    return ("w=" + w, "sh=" + _shape(w), "t=" + t, "l=" + w[-1], "f=" + w[0], "l2=" + w[-2:],
            "w-2=" + w, "w-1=" + w, "w1=" + w, "w2=" + w, "t-1=" + t, "t1=" + t, "l-1=" + last, "l1=" + last)


def _kept(strings: tuple, known: frozenset | None) -> tuple:
    return strings if known is None else tuple(x if x in known else None for x in strings)


def model_attributes(model: bytes) -> frozenset | None:
    """The attribute strings a crfsuite model has in its dictionary (from its dump), or None
    when the dump cannot be read back whole.  crfsuite skips an item's attributes that are not
    in the dictionary (they add nothing to any score), so leaving them out of what the tagger is
    given changes no label, and saves converting and hashing about a quarter of the strings."""
    import pycrfsuite

    with tempfile.TemporaryDirectory() as tmp:
        dump_path = Path(tmp) / "dump.txt"
        tagger = pycrfsuite.Tagger()
        try:
            tagger.open_inmemory(model)
            tagger.dump(str(dump_path))
        except (ValueError, OSError):        # not a model crfsuite reads (a test's stand-in)
            return None
        finally:
            tagger.close()
        lines = dump_path.read_bytes().decode("utf-8", "surrogateescape").split("\n")
    expected = next((int(ln.split(":")[1]) for ln in lines if ln.startswith("  num_attrs: ")), None)
    try:
        i = lines.index("ATTRIBUTES = {") + 1
    except ValueError:
        return None
    attrs: list[str] = []
    line = re.compile(r" +\d+: (.*)")
    while i < len(lines) and lines[i] != "}":
        m = line.fullmatch(lines[i])
        if m:
            attrs.append(m.group(1))
        elif attrs:           # an attribute holding a line break (w2=\n) goes on on the next line
            attrs[-1] += "\n" + lines[i]
        else:
            return None
        i += 1
    if len(attrs) != expected or len(set(attrs)) != expected:
        return None
    return frozenset(attrs)


def features(doc: Doc, spans: list[tuple[int, int]], known: frozenset | None = None) -> list[list[str]]:
    """One list of feature strings per token (see the module docstring); with ``known`` (a
    model's attribute strings), only those the model knows, in the same order."""
    text = doc.text
    tags = jieba_tables()[0]
    if _CACHE_KEY[0] is not tags or _CACHE_KEY[1] is not known or len(_CACHE) > _CACHE_MAX:
        _CACHE.clear()
        _CACHE_KEY[:] = [tags, known]
    m = len(spans)
    words = [text[s:e] for s, e in spans]
    first = {s: k for k, (s, _) in enumerate(spans)}
    last = {e: k for k, (_, e) in enumerate(spans)}
    rule = ["O"] * m
    for e in doc._.entities:
        ks, ke = first.get(e["start"]), last.get(e["end"])
        if ks is not None and ke is not None:
            rule[ks] = "B-" + e["label"]
            for k in range(ks + 1, ke + 1):
                rule[k] = "I-" + e["label"]
    cand: list[list[str]] = [[] for _ in range(m)]
    for s, e, lab in doc._.entity_candidates or ():
        ks, ke = first.get(s), last.get(e)
        if ks is None or ke is None:
            continue
        cs, ce, cv = _kept(("cs=" + lab, "ce=" + lab, "cv=" + lab), known)
        if cs is not None:
            cand[ks].append(cs)
        if ce is not None:
            cand[ke].append(ce)
        if cv is not None:
            for k in range(ks, ke + 1):
                cand[k].append(cv)
    ignored = [False] * m
    starts = [s for s, _ in spans]
    for r in doc._.ignored or ():
        for k in range(bisect.bisect_left(starts, r["start"]), bisect.bisect_left(starts, r["end"])):
            ignored[k] = True
    ign = _kept(("ign",), known)[0]
    cache = _CACHE
    prefetch = getattr(tags, "prefetch", None)
    if prefetch is not None:            # one query for the words not seen yet, not one per word
        prefetch([w for w in set(words) if w not in cache])
    ent = []
    for w in words:
        x = cache.get(w)
        if x is None:
            x = cache[w] = _kept(_entry(w, tags), known)
        ent.append(x)
    pad = _kept(_PAD_ENTRY, known)
    ext = [pad, pad] + ent + [pad, pad]
    rstr = {lab: _kept(("r=" + lab, "r-1=" + lab, "r1=" + lab), known) for lab in set(rule) | {_PAD}}
    rs = [rstr[lab] for lab in rule]
    rs_ext = [rstr[_PAD]] + rs + [rstr[_PAD]]
    out = []
    for a, l2, l1, r1, r2, r, rp, rn, c, ig in zip(ent, ext, ext[1:], ext[3:], ext[4:], rs, rs_ext, rs_ext[2:],
                                                    cand, ignored):
        f = [a[0], a[1], a[2], r[0], a[3], a[4], a[5],
             l2[6], l1[7], r1[8], r2[9],
             rp[1], rn[2], l1[10], r1[11],
             l1[12], r1[13]]
        if known is not None:
            f = [x for x in f if x is not None]
        if c:
            f.extend(c)
        if ig and ign is not None:
            f.append(ign)
        out.append(f)
    return out


def bio(spans: list[tuple[int, int]], entities: list[tuple[int, int, str]]) -> list[str]:
    """Token labels of entities given in view offsets; an entity covers the tokens it touches."""
    y = ["O"] * len(spans)
    starts = [s for s, _ in spans]
    for s, e, lab in entities:
        ks = bisect.bisect_right(starts, s) - 1
        ke = bisect.bisect_left(starts, e) - 1
        if ks < 0 or ke < ks:
            continue
        y[ks] = "B-" + lab
        for k in range(ks + 1, ke + 1):
            y[k] = "I-" + lab
    return y


def decode(labels: list[str]) -> list[tuple[int, int, str]]:
    """(first token, last token + 1, label) of each entity in a BIO sequence."""
    out, i, n = [], 0, len(labels)
    while i < n:
        lab = labels[i]
        if lab == "O":
            i += 1
            continue
        name, j = lab[2:], i + 1
        while j < n and labels[j] == "I-" + name:
            j += 1
        out.append((i, j, name))
        i = j
    return out


def _without_overlaps(found: list[dict], kept: list[dict]) -> list[dict]:
    """``found`` less the spans that overlap any of ``kept``: a kept span starting before e's
    end overlaps e iff it ends after e's start, i.e. iff the largest such end does."""
    ks = sorted((k["start"], k["end"]) for k in kept)
    starts = [s for s, _ in ks]
    max_end, m = [], -1
    for _, e in ks:
        m = max(m, e)
        max_end.append(m)
    out = []
    for e in found:
        i = bisect.bisect_left(starts, e["end"])
        if not (i and max_end[i - 1] > e["start"]):
            out.append(e)
    return out


_OPENING, _CLOSING = "“「『\"", "”」』\""


def without_unruled_quotes(found: list[dict], doc: Doc, labels) -> list[dict]:
    """``found`` less its spans of ``labels`` that are a whole quotation (“…”) where the rules
    made no candidate of that label: the rules read every quotation and leave out slogans,
    principles, goals and events by how they are built (“四个意识”, “教育强州”), so the model
    does not bring back what they rejected."""
    if not labels:
        return found
    text = doc.text
    cands = [{"start": s, "end": e} for s, e, lab in doc._.entity_candidates or () if lab in labels]
    return [f for f in found if f["label"] not in labels or not (
        text[f["start"]:f["start"] + 1] in _OPENING and text[f["end"] - 1:f["end"]] in _CLOSING)
        or _overlapping(f, cands)]


def _overlapping(e: dict, spans: list[dict]) -> bool:
    return any(f["start"] < e["end"] and e["start"] < f["end"] for f in spans)


class EntityCRF:
    def __init__(self, c1: float = 0.05, c2: float = 0.01, max_iterations: int = 150,
                 rule_labels: list[str] | tuple[str, ...] = ("PROGRAMME", "PERSON"),
                 confirm_labels: list[str] | tuple[str, ...] = (), quoted_labels: list[str] | tuple[str, ...] = ()):
        self.c1, self.c2, self.max_iterations = float(c1), float(c2), int(max_iterations)
        self.rule_labels = tuple(rule_labels)
        # of the rule labels, those whose rule spans are kept only where the model also finds
        # an entity of that label overlapping them: the rules give the boundary, the model the
        # decision (a quoted slogan the rules take for a programme is dropped)
        self.confirm_labels = tuple(confirm_labels)
        # labels whose model spans that are a whole quotation need a rule candidate there
        # (``without_unruled_quotes``)
        self.quoted_labels = tuple(quoted_labels)
        self.model: bytes | None = None
        self._local = threading.local()
        self._attributes: tuple = (None, None)    # (model, its attribute strings or None)

    # ------------------------------------------------------------------ running
    def _tagger(self):
        tagger = getattr(self._local, "tagger", None)
        if tagger is None or self._local.model is not self.model:
            import pycrfsuite

            tagger = pycrfsuite.Tagger()
            tagger.open_inmemory(self.model)
            self._local.tagger, self._local.model = tagger, self.model
        return tagger

    def _known(self) -> frozenset | None:
        """The current model's attribute strings (read once per model), or None."""
        model, known = self._attributes
        if model is not self.model:
            known = model_attributes(self.model)
            self._attributes = (self.model, known)
        return known

    def __call__(self, doc: Doc) -> Doc:
        init_doc(doc)
        if self.model is None or not len(doc):
            return doc
        spans = token_spans(doc)
        labels = self._tag(features(doc, spans, self._known()), spans, doc.text)
        found = [{"start": spans[a][0], "end": spans[b - 1][1], "label": lab} for a, b, lab in decode(labels)]
        found = without_unruled_quotes(found, doc, self.quoted_labels)
        kept = [e for e in doc._.entities if e["label"] in self.rule_labels]
        if self.confirm_labels:
            kept = [e for e in kept if e["label"] not in self.confirm_labels
                    or _overlapping(e, [f for f in found if f["label"] == e["label"]])]
        found = _without_overlaps(found, kept)
        doc._.entities = sorted(found + kept, key=lambda e: (e["start"], e["end"]))
        return doc

    def _tag(self, xseq: list[list[str]], spans: list[tuple[int, int]], text: str) -> list[str]:
        """Labels of the whole sequence, tagged in chunks (crfsuite's Viterbi holds several
        tokens x labels arrays and the item sequence, ~2 KB a token: 115 MB on a 100k-character
        piece).  A chunk ends with a line break once it has ``CHUNK`` tokens, and is tagged with
        ``MARGIN`` tokens of context on either side, whose labels are dropped, so that its
        edges are labelled as in the whole sequence."""
        tagger = self._tagger()
        n = len(xseq)
        if n < 2 * CHUNK:
            return tagger.tag(xseq)
        cuts, a = [0], 0
        for k, (s, e) in enumerate(spans):
            # a chunk ends with a line break, and the rest is no shorter than CHUNK
            if k + 1 - a >= CHUNK and n - k - 1 >= CHUNK and "\n" in text[s:e]:
                a = k + 1
                cuts.append(a)
        cuts.append(n)
        out: list[str] = []
        for a, b in zip(cuts, cuts[1:]):
            lo, hi = max(0, a - MARGIN), min(n, b + MARGIN)
            out.extend(tagger.tag(xseq[lo:hi])[a - lo:b - lo])
        return out

    # ------------------------------------------------------------------ learned state
    def initialize(self, get_examples, *, nlp: Language | None = None) -> None:
        """Fit the CRF on the gold entities of the examples; the stages before this one run on
        each example's text first (their output is the model's input)."""
        import pycrfsuite

        before = self._stages_before(nlp)
        trainer = pycrfsuite.Trainer(verbose=False)
        n = 0
        for rec in gold_records_of(get_examples):
            doc = nlp.make_doc(rec["text"])
            for proc in before:
                doc = proc(doc)
            view = doc._.view
            spans = token_spans(doc)
            gold = [(view.to_view(e["start"]), view.to_view(e["end"]), e["label"]) for e in rec.get("entities", [])]
            trainer.append(features(doc, spans), bio(spans, gold))
            n += 1
        if not n:
            self.model = None
            return
        trainer.set_params({"c1": self.c1, "c2": self.c2, "max_iterations": self.max_iterations,
                            "feature.possible_transitions": True})
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "model.crfsuite"
            trainer.train(str(path))
            self.model = path.read_bytes()

    def _stages_before(self, nlp: Language | None) -> list:
        if nlp is None:
            raise ValueError("recognizer: initialize needs the pipeline (nlp=) to run the stages before it")
        out = []
        for _, proc in nlp.pipeline:
            if proc is self:
                return out
            out.append(proc)
        raise ValueError("recognizer: this component is not in the pipeline it was given")

    def to_disk(self, path, *, exclude=()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        srsly.write_json(path / "settings.json", {"c1": self.c1, "c2": self.c2, "max_iterations": self.max_iterations,
                                                  "rule_labels": list(self.rule_labels),
                                                  "confirm_labels": list(self.confirm_labels), "trained": self.model is not None})
        if self.model is not None:
            (path / "model.crfsuite").write_bytes(self.model)

    def from_disk(self, path, *, exclude=()) -> "EntityCRF":
        path = Path(path)
        settings = srsly.read_json(path / "settings.json")
        self.model = (path / "model.crfsuite").read_bytes() if settings.get("trained") else None
        return self

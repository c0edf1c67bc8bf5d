"""Shared fixtures: one pipeline per test session (loading it costs a second or two)."""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "corpus" / "gold"


@pytest.fixture(scope="session")
def nlp():
    from pipeline.api import load

    return load()


def bare_nlp(**tokenizer_settings):
    """A Language with only the pipeline's tokenizer (normalise + segment), to run one stage
    on its own."""
    import spacy

    from pipeline.components.tokenizer import JiebaTokenizer

    nlp = spacy.blank("xx")
    nlp.tokenizer = JiebaTokenizer(nlp.vocab, **tokenizer_settings)
    return nlp


@pytest.fixture(scope="session")
def gold_dir() -> Path:
    return GOLD


@pytest.fixture(scope="session")
def run_targets():
    """The targets stage alone on a made-up text: ``run_targets(text, parts=, tasks=,
    ignored=)`` returns its targets, each with ``text`` as written in ``text``."""
    from pipeline.api import make_doc
    from pipeline.components.targets import TargetExtractor

    nlp = bare_nlp()
    comp = TargetExtractor()

    def _run(text: str, parts=None, tasks=None, ignored=None):
        doc = make_doc(nlp, text)
        if parts is not None:
            doc._.parts = parts
        if tasks is not None:
            doc._.tasks = tasks
        if ignored is not None:
            doc._.ignored = ignored
        comp(doc)
        view = doc._.view
        out = []
        for t in doc._.targets:
            s, e = view.to_text(t["start"], t["end"])
            out.append({**t, "text": text[s:e]})
        return out

    return _run


@pytest.fixture(scope="session")
def check_indicator():
    """``check_indicator(targets, surface, expected, exact)``: the target written ``surface``
    exists and its indicator is ``expected`` (exact=True), scores >= 80 against it as the
    scorer does (exact=False), or does not contain it (exact=None)."""
    from rapidfuzz.fuzz import ratio

    def _check(targets, surface, expected, exact):
        hits = [t for t in targets if t["text"] == surface]
        assert hits, f"no target {surface!r}"
        ind = hits[0]["indicator"] or ""
        if exact is None:
            assert expected not in ind, ind
        elif exact:
            assert ind == expected
        else:
            assert ratio(expected, ind) >= 80, ind

    return _check

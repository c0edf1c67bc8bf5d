"""The trained recognizer (components/recognizer.py): the units it labels, its BIO coding, what
it learns from gold records, its serialisation, and what it leaves to the rules."""
import pytest

from pipeline.api import make_doc
from pipeline.components.recognizer import bio, decode, token_spans
from pipeline.nlp import load_pipeline, train


def _doc(nlp, text):
    doc = make_doc(nlp, text)
    for name in ("chrome", "structure", "entities"):
        doc = nlp.get_pipe(name)(doc)
    return doc


@pytest.fixture(scope="module")
def untrained():
    return load_pipeline(models=None)


def test_tokens_are_cut_where_a_rule_candidate_starts_or_ends(untrained):
    doc = _doc(untrained, "会同县公安局开展安全教育。")
    text = doc._.view.text
    doc._.entity_candidates = [(text.index("县公安局"), text.index("县公安局") + 4, "ORG")]
    units = [text[a:b] for a, b in token_spans(doc)]
    assert "".join(units) == "".join(t.text for t in doc)          # nothing lost, nothing added
    assert any(u.startswith("县") for u in units) and not any("同县" in u for u in units)
    # every unit lies inside one token of the segmenter
    tokens = [(t.idx, t.idx + len(t.text)) for t in doc]
    assert all(any(s <= a and b <= e for s, e in tokens) for a, b in token_spans(doc))


def test_bio_and_decode_are_inverse_on_whole_units():
    spans = [(0, 2), (2, 4), (4, 6), (6, 7), (7, 9)]
    ents = [(2, 6, "SCHOOL"), (7, 9, "REGION")]
    labels = bio(spans, ents)
    assert labels == ["O", "B-SCHOOL", "I-SCHOOL", "O", "B-REGION"]
    assert [(spans[a][0], spans[b - 1][1], lab) for a, b, lab in decode(labels)] == ents


def _record(text, names):
    ents = []
    for name, label in names:
        s = text.index(name)
        ents.append({"start": s, "end": s + len(name), "label": label, "text": name})
    return {"text": text, "entities": ents, "targets": [], "tasks": [], "ignored": []}


def test_untrained_recognizer_leaves_the_rules_entities_alone(untrained):
    doc = _doc(untrained, "推进浙江省丽水中学建设。")
    before = list(doc._.entities)
    assert untrained.get_pipe("recognizer")(doc)._.entities == before


def test_it_learns_from_gold_and_the_model_round_trips(tmp_path):
    """Trained on a handful of records, it labels names it never saw that are built the same
    way; saved and loaded, it gives the same labels."""
    nlp = load_pipeline(models=None)
    # companies named without a suffix: no rule tags them, the context does
    texts = [("联合华信科技，开发课程资源。", [("华信科技", "ORG")]),
             ("联合恒达科技，开发课程资源。", [("恒达科技", "ORG")]),
             ("联合金盛科技，开发课程资源。", [("金盛科技", "ORG")]),
             ("联合正泰科技，开发课程资源。", [("正泰科技", "ORG")])] * 3
    probe = "联合远航科技，开发课程资源。"
    assert not _doc(nlp, probe)._.entities            # the rules alone find nothing
    train(nlp, [_record(t, n) for t, n in texts], components=["recognizer"])
    rec = nlp.get_pipe("recognizer")
    assert rec.model
    doc = rec(_doc(nlp, probe))
    assert {(doc.text[e["start"]:e["end"]], e["label"]) for e in doc._.entities} == {("远航科技", "ORG")}

    rec.to_disk(tmp_path / "recognizer")
    again = load_pipeline(models=None).get_pipe("recognizer").from_disk(tmp_path / "recognizer")
    assert again.model == rec.model
    d1, d2 = _doc(nlp, probe), _doc(nlp, probe)
    assert rec(d1)._.entities == again(d2)._.entities


def test_rules_keep_programmes_where_they_overlap(untrained):
    rec = untrained.get_pipe("recognizer")
    assert "PROGRAMME" in rec.rule_labels and "PERSON" in rec.rule_labels


class _FixedTagger:
    """A stand-in for the CRF's tagger: B-label on the units whose word is in ``words``."""

    def __init__(self, words, label):
        self.words, self.label = {"w=" + w for w in words}, label

    def tag(self, xseq):
        return ["B-" + self.label if self.words & set(x) else "O" for x in xseq]


def test_confirmed_rule_labels_need_the_model_to_agree(untrained):
    """With PROGRAMME confirmed, a rule programme stays only where the model also finds one
    overlapping it, and then with the rules' boundary (quotes included)."""
    from pipeline.components.recognizer import EntityCRF

    text = "深化“县管校聘”改革，实施“强师”工程。"
    rules = [text[e["start"]:e["end"]] for e in _doc(untrained, text)._.entities if e["label"] == "PROGRAMME"]
    assert rules == ["“县管校聘”", "“强师”工程"]
    for confirm, expect in (((), rules), (("PROGRAMME",), ["“县管校聘”"])):
        rec = EntityCRF(confirm_labels=confirm)
        rec.model = b"stand-in"
        rec._tagger = lambda: _FixedTagger(["管"], "PROGRAMME")       # one unit inside the quotes
        d = rec(_doc(untrained, text))
        assert [d.text[e["start"]:e["end"]] for e in d._.entities if e["label"] == "PROGRAMME"] == expect


def test_a_long_document_is_tagged_in_chunks_at_line_breaks_with_the_same_names(monkeypatch):
    """A long document is tagged in chunks (crfsuite's Viterbi holds ~2 KB a token), each
    with MARGIN tokens of context either side: the chunks end with line breaks, none is
    shorter than CHUNK, and the names found are those of tagging it whole."""
    from pathlib import Path

    from pipeline.components import recognizer as r

    nlp = load_pipeline()
    rec = nlp.get_pipe("recognizer")
    assert rec.model, "the shipped models have a recognizer"
    text = (Path(__file__).resolve().parent.parent / "corpus" / "gold" / "d01.txt").read_text(encoding="utf-8")
    whole = rec(_doc(nlp, text))._.entities
    calls = []
    tagger = rec._tagger()

    class Spy:
        def tag(self, xseq):
            calls.append(xseq)
            return tagger.tag(xseq)

    monkeypatch.setattr(r, "CHUNK", 300)
    monkeypatch.setattr(r, "MARGIN", 60)
    monkeypatch.setattr(rec, "_tagger", lambda: Spy())
    doc = _doc(nlp, text)
    chunked = rec(doc)._.entities
    spans = token_spans(doc)
    assert len(calls) >= 3
    own = [len(c) - (60 if i else 0) - (60 if i < len(calls) - 1 else 0) for i, c in enumerate(calls)]
    assert sum(own) == len(spans) and all(x >= 300 for x in own)
    k = 0
    for x in own[:-1]:
        k += x
        assert "\n" in doc.text[spans[k - 1][0]:spans[k - 1][1]]
    assert chunked == whole


def test_model_attributes_read_back_whole_and_filtering_moves_no_label(tmp_path):
    """The attribute strings of a crfsuite model are read back exactly, line breaks in them
    included; giving the tagger only those (as the stage does) gives the same labels as all
    the features, on a gold report."""
    from pathlib import Path

    import pycrfsuite

    from pipeline.components import recognizer as r

    trainer = pycrfsuite.Trainer(verbose=False)
    xs = [["w=\n", "a=x"], ["w=\n\n", "b= y "], ["c=甲\n乙", "a=x"]]
    trainer.append(xs, ["O", "B-ORG", "I-ORG"])
    trainer.set_params({"c1": 0.0, "c2": 0.01, "max_iterations": 5, "feature.possible_transitions": True})
    trainer.train(str(tmp_path / "m.crfsuite"))
    assert r.model_attributes((tmp_path / "m.crfsuite").read_bytes()) == {a for x in xs for a in x}
    assert r.model_attributes(b"not a model") is None

    nlp = load_pipeline()
    rec = nlp.get_pipe("recognizer")
    known = rec._known()
    assert known
    text = (Path(__file__).resolve().parent.parent / "corpus" / "gold" / "d01.txt").read_text(encoding="utf-8")
    doc = _doc(nlp, text)
    spans = r.token_spans(doc)
    full, kept = r.features(doc, spans), r.features(doc, spans, known)
    assert sum(map(len, kept)) < sum(map(len, full))
    assert all([x for x in f if x in known] == k for f, k in zip(full, kept))
    assert rec._tagger().tag(kept) == rec._tagger().tag(full)


def test_a_model_quotation_needs_a_rule_candidate_when_quoted_labels_say_so(untrained):
    """The rules leave out the quoted slogan (“四个意识”) and keep the quoted programme with its
    head (“强基计划”); a model PROGRAMME over the slogan's quotation is dropped, one over the
    programme's stays, and a model span that is no whole quotation is not touched."""
    from pipeline.components.recognizer import without_unruled_quotes

    doc = _doc(untrained, "增强“四个意识”，实施“强基计划”，推进县管校聘改革。")
    text = doc.text

    def span(s, label="PROGRAMME"):
        a = text.index(s)
        return {"start": a, "end": a + len(s), "label": label}

    found = [span("“四个意识”"), span("“强基计划”"), span("县管校聘"), span("“四个意识”", "ORG")]
    kept = without_unruled_quotes(found, doc, ("PROGRAMME",))
    assert [text[f["start"]:f["end"]] + f["label"] for f in kept] == ["“强基计划”PROGRAMME", "县管校聘PROGRAMME",
                                                                      "“四个意识”ORG"]
    assert without_unruled_quotes(found, doc, ()) == found

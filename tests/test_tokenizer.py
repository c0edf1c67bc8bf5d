"""The tokenizer: it normalises (the view) and segments; tokens cover the view exactly;
gazetteer names stay whole; user words never lower the dictionary's frequencies;
serialisation round trips."""
from __future__ import annotations

import pytest
import spacy

from pipeline.components.tokenizer import JiebaTokenizer
from pipeline.normalise import normalise

TEXTS = [
    "黔东南苗族侗族自治州教育局2022年工作要点\n\n一、推进学前教育普惠发展\n",
    "新增学位3,000个，覆盖率达到95.5%以上；投入资金2.5亿元。",
    "  成都市  武侯区\t\u3000\u3000开展“双减”工作（试点）\r\n完成5G+智慧校园建设 100 所。",
    "Ａｂｃ１２３，全角字符与 half-width text 混排~~",
    "",
    "\n\n\n",
]


@pytest.fixture(scope="module")
def vocab():
    return spacy.blank("xx").vocab


@pytest.fixture(scope="module")
def tok(vocab):
    return JiebaTokenizer(vocab)


def _words(tokenizer, text):
    return [t.text for t in tokenizer(text)]


@pytest.mark.parametrize("text", TEXTS)
def test_tokens_cover_the_view_exactly(tok, text):
    view = normalise(text).text
    doc = tok(text)
    assert doc.text == view and doc._.view.source == text
    pos = 0
    for t in doc:  # contiguous, non-empty, in order
        assert t.idx == pos and len(t.text) > 0
        pos += len(t.text)
    assert pos == len(view)


# names jieba's own dictionary cuts (七星关/区), from four provinces, plus names it keeps
SPLIT_BY_JIEBA = ["七星关区", "呈贡区", "大洼区", "横州市"]


@pytest.mark.parametrize("name", SPLIT_BY_JIEBA + ["黔东南苗族侗族自治州", "景宁畲族自治县"])
def test_gazetteer_region_names_are_not_split(tok, name):
    words = _words(tok, f"今年{name}新建学校12所，{name}教育局召开会议。")
    assert words.count(name) == 2


def test_plain_jieba_does_split_them_so_the_dictionary_matters(vocab):
    bare = JiebaTokenizer(vocab, use_gazetteer=False)
    for name in SPLIT_BY_JIEBA:
        assert name not in _words(bare, f"{name}新建学校")


def test_user_word_with_brackets_digits_and_plus_stays_whole(vocab):
    words = [("城西学校(初中部)", 1000), ("贵阳市第2中学", 1000), ("5G+智慧教育", 1000)]
    t = JiebaTokenizer(vocab, user_words=words)
    text = "城西学校（初中部）和城西学校(初中部)、贵阳市第2中学推进5G+智慧教育"
    got = t.words(text)          # the segmenter on the text as it is (the view would make brackets half-width)
    assert got.count("城西学校（初中部）") == 1 and got.count("城西学校(初中部)") == 1, got
    assert "贵阳市第2中学" in got and "5G+智慧教育" in got, got


def test_bracket_word_is_not_joined_across_a_token_boundary(vocab):
    t = JiebaTokenizer(vocab, user_words=[("(试点)", 1000)])
    view = "开展工作(试点)"
    assert "".join(_words(t, view)) == view


def test_a_user_word_never_lowers_the_dictionary_frequency(vocab):
    sentence = "学校发展规划和教育发展水平明显提高"
    base = _words(JiebaTokenizer(vocab, use_gazetteer=False), sentence)
    low = _words(JiebaTokenizer(vocab, user_words=[("发展", 1), ("学校", 1), ("教育", 1)]), sentence)
    assert low == base


def test_serialisation_round_trip(vocab, tmp_path):
    src = JiebaTokenizer(vocab, user_words=[("长岗背小学", 5000)])
    text = "长岗背小学新增学位50个"
    assert "长岗背小学" in _words(src, text)
    other = JiebaTokenizer(vocab, use_gazetteer=False)
    assert "长岗背小学" not in _words(other, text)
    other.from_bytes(src.to_bytes())
    assert _words(other, text) == _words(src, text)
    src.to_disk(tmp_path / "tok")
    third = JiebaTokenizer(vocab, use_gazetteer=False).from_disk(tmp_path / "tok")
    assert _words(third, text) == _words(src, text)


def test_pipeline_tokenizer_normalises_and_keeps_names(nlp):
    assert isinstance(nlp.tokenizer, JiebaTokenizer)
    doc = nlp.make_doc("景寧畲族自治縣教育局新增學位１２００個")
    assert "景宁畲族自治县" in [t.text for t in doc]
    assert doc.text == "景宁畲族自治县教育局新增学位1200个" and doc._.view.source.endswith("１２００個")


def test_doc_text_is_the_view_and_survives_copies(vocab):
    import pickle

    t = JiebaTokenizer(vocab, use_gazetteer=False)
    doc = t("南宁市教育局\n新增学位１２００个。\n")
    view = doc._.view.text
    assert doc.text is view  # no re-join of the tokens
    assert "".join(tok.text_with_ws for tok in doc) == view
    assert pickle.loads(pickle.dumps(doc)).text == view
    assert doc[1:3].as_doc().text == doc[1:3].text


def test_names_learnt_from_gold_are_not_user_words(vocab, nlp):
    """Segmentation must not depend on the annotated corpus: the linker's learnt institutions
    (models/, from gold) are no user words, while regions and hand-kept institutions are."""
    from pipeline.gazetteer import load_gazetteer

    gaz = load_gazetteer()
    learnt = {e["canonical"] for e in nlp.get_pipe("linker").learnt_entries}
    hand = set(gaz.institution_surfaces())
    learnt_only = learnt - hand - set(gaz.region_surfaces())
    assert learnt_only and hand
    words = dict(JiebaTokenizer(vocab).user_words)
    assert not learnt_only & set(words)
    assert hand <= set(words) and {"七星关区", "黔东南苗族侗族自治州"} <= set(words)

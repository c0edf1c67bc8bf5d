"""Cross-file near-duplicate detection (pipeline.dedupe)."""
from __future__ import annotations

import random

import pytest

from pipeline.dedupe import NearDuplicateIndex

ROOT_SEED = "corpus/seeds/lishui-2020-summary-2021-plan.txt"


def _report(city: str, seed: int, n: int = 30) -> str:
    """A made-up plan whose items differ from report to report."""
    rnd = random.Random(seed)
    verbs = ["推进", "深化", "加强", "完善", "提升", "扩大", "健全", "落实"]
    objs = ["学前教育普惠发展", "义务教育优质均衡", "普通高中多样化", "职业教育产教融合",
            "教师队伍建设", "教育数字化转型", "校园安全管理", "家校社协同育人", "课后服务",
            "学生体质健康", "特殊教育融合", "老年教育供给"]
    lines = [f"{city}教育局2023年工作要点", ""]
    for i in range(1, n + 1):
        lines.append(f"{i}.{rnd.choice(verbs)}{rnd.choice(objs)}。新增{rnd.randint(2, 900)}个，"
                     f"覆盖率达到{rnd.randint(50, 99)}%，{rnd.choice(verbs)}{rnd.choice(objs)}。")
        lines.append("")
    return "\n".join(lines)


@pytest.fixture()
def index():
    return NearDuplicateIndex()


def test_seed_and_gold_copy_are_duplicates(index, gold_dir):
    from pathlib import Path

    root = Path(gold_dir).parent.parent
    gold = (gold_dir / "lishui-2020-summary-2021-plan.txt").read_text(encoding="utf-8")
    seed = (root / ROOT_SEED).read_text(encoding="utf-8")
    assert index.check_and_add("gold", gold) is None
    assert index.check_and_add("seed", seed) == "gold"


def test_different_gold_reports_are_not_duplicates(index, gold_dir):
    for p in sorted(gold_dir.glob("*.txt")):
        assert index.check_and_add(p.stem, p.read_text(encoding="utf-8")) is None
    assert len(index) == len(list(gold_dir.glob("*.txt")))


def test_tolerates_chrome_header_wraps_and_a_few_edits(index):
    body = _report("拉萨市", 1)
    assert index.check_and_add("a", "西藏教育网\n当前位置：首页 > 规划计划\n" + body + "\n版权所有 藏ICP备000001号\n") is None
    # another site, another header line, a hard-wrapped copy and a dozen changed characters
    wrapped = "\n".join(body[i:i + 37] for i in range(0, len(body), 37))
    chars = list(wrapped)
    rnd = random.Random(7)
    for _ in range(12):
        chars[rnd.randrange(len(chars))] = "改"
    copy = "拉萨市人民政府门户网站\n发布时间：2023-04-02 浏览次数：57\n" + "".join(chars)
    assert index.check_and_add("b", copy) == "a"
    assert "b" not in index        # duplicates point at the first copy and are not indexed


def test_same_template_other_content_is_not_duplicate(index):
    """Two bureaus' reports share chrome and wording patterns but not their items."""
    chrome = "某省教育厅网站\n当前位置：首页 > 计划总结\n【字体：大 中 小】 【打印本页】\n"
    assert index.check_and_add("x", chrome + _report("兰州市", 2)) is None
    assert index.check_and_add("y", chrome + _report("西宁市", 3)) is None


def test_similarity_tracks_amount_of_change(index):
    base = _report("南宁市", 4, n=40)
    index.check_and_add("base", base)
    lines = base.split("\n")
    half = "\n".join(lines[: len(lines) // 2] + _report("柳州市", 5, n=20).split("\n")[2:])
    assert index.check_and_add("half", half) is None
    assert 0.15 < index.similarity("base", "half") < 0.7


def test_signature_size_is_fixed(index):
    short = index.signature(index.body(_report("海口市", 6, n=2)))
    long = index.signature(index.body(_report("三亚市", 8, n=400)))
    assert short.shape == long.shape == (index.num_perm,)


def test_empty_and_tiny_texts_are_never_duplicates(index):
    """Two failed extractions (empty text, a lone page title) are no copies of each other."""
    assert index.check_and_add("e", "") is None
    assert index.check_and_add("e2", "") is None
    assert index.check_and_add("t", "通知") is None
    assert index.check_and_add("t2", "通知") is None
    assert len(index) == 0


def test_fingerprint_in_another_index_then_add_gives_the_same_answers():
    """A worker's index computes fingerprints, the main index only adds them: same results as
    check_and_add, and a fingerprint from other parameters is refused."""
    worker, main, whole = NearDuplicateIndex(), NearDuplicateIndex(), NearDuplicateIndex()
    docs = [("a", _report("贵阳市", 11)), ("b", "贵州教育网\n当前位置：首页\n" + _report("贵阳市", 11)),
            ("c", _report("遵义市", 12)), ("d", ""), ("e", _report("遵义市", 12) + "\n（完）")]
    got = [main.add(d, worker.fingerprint(worker.body(t))) for d, t in docs]
    assert got == [whole.check_and_add(d, t) for d, t in docs]
    assert got[1] == "a" and got[4] == "c" and got[0] is None and got[3] is None
    assert worker.fingerprint("太短") is None
    other = NearDuplicateIndex(num_perm=64, bands=16)
    with pytest.raises(ValueError):
        main.add("z", other.fingerprint(other.body(_report("安顺市", 13))))


def test_doc_body_reuses_chrome_regions_of_processed_doc():
    """The body from a processed Doc's ignored regions equals the body computed from the raw
    text by running the chrome rules again (site header, breadcrumbs, footer)."""
    from pipeline.dedupe import doc_body
    from pipeline.api import load, make_doc

    text = ("四川省教育厅\n首页 | 政务公开 | 办事服务 | 互动交流\n当前位置：首页 > 规划计划\n"
            + _report("绵阳市", 14) + "\n版权所有：四川省教育厅 蜀ICP备05000000号\n")
    nlp = load()
    doc = nlp(make_doc(nlp, text, "x.txt"))
    assert doc._.ignored                      # the chrome stage did mark something
    index = NearDuplicateIndex()
    assert doc_body(doc) == index.body(text)
    assert "版权所有" not in doc_body(doc) and "绵阳市教育局" in doc_body(doc)


def test_fingerprint_of_a_body_in_parts_is_the_fingerprint_of_the_body():
    """A long document's body arrives piece by piece (pipeline.pieces): the streamed
    fingerprint equals the one of the whole body, cut anywhere."""
    index = NearDuplicateIndex()
    rng = random.Random(1)
    for _ in range(200):
        body = "".join(rng.choice("教育局学校新建幼儿园达到") for _ in range(rng.randint(0, 300)))
        cuts = sorted(rng.sample(range(len(body) + 1), min(len(body) + 1, rng.randint(0, 6))))
        fp = index.fingerprinter()
        for a, b in zip([0] + cuts, cuts + [len(body)]):
            fp.add(body[a:b])
        got, want = fp.result(), index.fingerprint(body)
        assert (got is None and want is None) or (got[0] == want[0] and (got[1] == want[1]).all())

"""The gazetteer: region table and short forms, countries, institutions, learning, find CLI."""
import json
import re

import pytest
from typer.testing import CliRunner

from pipeline.gazetteer import Gazetteer, load_gazetteer, learn_entries


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


@pytest.fixture()
def fresh():
    """A private gazetteer for tests that call learn() (the cached one is shared)."""
    return Gazetteer()


def codes(gaz, surface):
    return {r.code for r in gaz.region_surfaces().get(surface, [])}


@pytest.mark.parametrize("surface,code", [
    ("景宁", "331127"), ("景宁县", "331127"), ("莲都", "331102"), ("青田", "331121"),
    ("丽水", "331100"), ("浙江", "330000"), ("内蒙古", "150000"), ("广西", "450000"),
    ("阿坝", "513200"), ("阿坝州", "513200"), ("恩施", "422800"), ("延边", "222400"),
    ("西双版纳", "532800"), ("海淀", "110108"), ("浦东", "310115"), ("新疆", "650000"),
    # a division named by its nation alone: the nation's name is its root
    ("东乡县", "622926"), ("鄂伦春旗", "150723"), ("鄂温克旗", "150724"),
])
def test_short_forms_name_their_region(gaz, surface, code):
    assert code in codes(gaz, surface)


@pytest.mark.parametrize("word", ["和平", "长安", "城区", "新区", "市中", "开发", "高新", "新建", "新城"])
def test_common_words_are_not_region_surfaces(gaz, word):
    assert word not in gaz.region_surfaces()


def test_no_cut_autonomy_words_are_surfaces(gaz):
    # 东乡族自治县 once gave the form 东乡族自治 (its 县 cut off)
    assert not [s for s in gaz.region_surfaces() if s.endswith("自治")]


def test_region_table_is_well_formed(gaz):
    regions = [r for r in gaz.regions.values() if r.level != "country"]
    assert len(regions) > 3000
    for r in regions:
        assert re.fullmatch(r"\d{6}", r.code), r
        assert r.level in ("province", "city", "county")
        if r.level != "province":
            assert r.parent in gaz.regions and r.province == r.code[:2] + "0000"
    # a municipality's districts hang under the municipality, not a missing 市辖区 entry
    assert gaz.regions["110108"].parent == "110000"
    assert gaz.regions["513200"].level == "city" and gaz.regions["331127"].parent == "331100"


def test_full_names_of_same_named_districts_all_listed(gaz):
    assert {"320106", "350102"} <= codes(gaz, "鼓楼区")


@pytest.mark.parametrize("surface,code,canonical", [
    ("瑞典", "SE", "瑞典"), ("美国", "US", None), ("英国", "GB", None), ("韩国", "KR", None),
    ("俄罗斯", "RU", None), ("中国", "CN", "中华人民共和国"), ("德国", "DE", None),
])
def test_countries(gaz, surface, code, canonical):
    kb, canon = gaz.link("REGION", surface, [])
    assert kb == code
    if canonical:
        assert canon == canonical
    assert gaz.regions[code].level == "country"


def test_chinese_regions_are_not_countries(gaz):
    assert "TW" not in gaz.regions and codes(gaz, "香港") == {"810000"}


def test_institution_aliases_and_ids(gaz):
    inst = gaz.institution_surfaces()
    assert inst["浙师大"].canonical == "浙江师范大学"
    assert inst["浙师大"] is inst["浙江师范大学"]
    assert inst["北师大"].label == "SCHOOL"
    ids = [i.id for i in gaz.institutions()]
    assert len(ids) == len(set(ids))
    # ids depend on the name only, so they survive re-learning and re-ordering
    assert Gazetteer().institution_surfaces()["浙师大"].id == inst["浙师大"].id


def test_segmentation_words(gaz):
    words = dict(gaz.segmentation_words())
    for w in ("景宁畲族自治县", "景宁", "浙师大", "阿坝藏族羌族自治州"):
        assert words.get(w, 0) > 0
    assert "和平" not in words


def test_learn_entries_skips_context_bound_surfaces():
    rec = {"entities": [
        {"label": "SCHOOL", "text": "成都七中", "canonical": "成都市第七中学"},
        {"label": "ORG", "text": "市教育局", "canonical": "成都市教育局"},
        {"label": "SCHOOL", "text": "红星小学", "canonical": "金堂县红星小学"},
        {"label": "REGION", "text": "成都", "canonical": "成都市"},
    ]}
    entries = {e["canonical"]: e for e in learn_entries([rec])}
    assert entries["成都市第七中学"]["aliases"] == ["成都七中"]
    assert entries["成都市教育局"]["aliases"] == []       # 市教育局 depends on the report
    assert entries["金堂县红星小学"]["aliases"] == []     # bare name + the report's county
    assert "成都市" not in entries


def test_with_learnt_adds_entries_and_leaves_the_shared_gazetteer_alone(fresh):
    rec = {"entities": [{"label": "SCHOOL", "text": "绵阳南山", "canonical": "四川省绵阳南山中学"}]}
    learnt = fresh.with_learnt(learn_entries([rec]))
    assert learnt.institution_surfaces()["绵阳南山"].canonical == "四川省绵阳南山中学"
    assert "绵阳南山" not in fresh.institution_surfaces()
    assert "浙师大" in learnt.institution_surfaces()            # hand-maintained entries stay
    assert "绵阳南山" not in fresh.with_learnt([]).institution_surfaces()


def test_learn_excluding_a_gold_document_removes_its_entries(fresh, gold_dir):
    recs = {p.name: json.loads(p.read_text(encoding="utf-8")) for p in sorted(gold_dir.glob("*.gold.json"))}
    assert fresh.with_learnt(learn_entries(list(recs.values()))).institution_surfaces()["遂昌职专"].canonical \
        == "遂昌县职业中等专业学校"
    without = fresh.with_learnt(learn_entries([r for k, r in recs.items() if not k.startswith("d01")]))
    assert "遂昌职专" not in without.institution_surfaces()
    # ...and the linker then falls back to its rules, which still get it right
    assert without.link("SCHOOL", "遂昌职专", ["331123"])[1] == "遂昌县职业中等专业学校"


runner = CliRunner()


def test_find_cli_region_and_alias():
    from pipeline.cli import app
    res = runner.invoke(app, ["gazetteer", "find", "景宁"])
    assert res.exit_code == 0 and "331127" in res.output and "景宁畲族自治县" in res.output
    res = runner.invoke(app, ["gazetteer", "find", "浙师大", "--json"])
    assert res.exit_code == 0
    first = json.loads(res.output.splitlines()[0])
    assert first["name"] == "浙江师范大学" and first["match"] == "alias"


def test_find_cli_fuzzy_and_nothing():
    from pipeline.cli import app
    res = runner.invoke(app, ["gazetteer", "find", "华东师范大", "--json"])
    assert res.exit_code == 0
    assert any(json.loads(l)["name"] == "华东师范大学" for l in res.output.splitlines())
    assert runner.invoke(app, ["gazetteer", "find", "ZZZQQQ"]).exit_code == 1


def test_short_form_rule_on_made_up_names():
    from pipeline.gazetteer.build import _autonomy_regex, _nations, cpca_resources, short_forms, _CommonWords
    auto = _autonomy_regex(_nations(cpca_resources() / "56_nations.csv"))
    judge = _CommonWords({})
    assert short_forms("甲乙藏族羌族自治州", "city", auto, judge) == ["甲乙", "甲乙州"]
    assert short_forms("甲乙各族自治县", "county", auto, judge) == ["甲乙", "甲乙县"]
    assert short_forms("甲乙新区", "county", auto, judge) == ["甲乙"]
    assert short_forms("和平区", "county", auto, judge) == []
    assert short_forms("内蒙古自治区", "province", auto, judge) == ["内蒙古"]


def test_dropped_short_forms_are_ordinary_words_of_real_counties(gaz):
    """南部县's short form 南部 ("the south") is no gazetteer surface; the shared table says
    which full names imply one, for the entities stage and the linker alike."""
    dropped = gaz.dropped_short_forms()
    assert dropped["南部县"] == "南部" and dropped["保康县"] == "保康"
    surfaces = gaz.region_surfaces()
    assert all(short not in surfaces and full in surfaces for full, short in dropped.items())
    assert not any(full.endswith(("新区", "地区", "特区")) or "自治" in full for full in dropped)
    assert "丽水市" not in dropped              # 丽水 is a listed short form

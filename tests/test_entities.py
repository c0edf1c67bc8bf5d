"""Entity recognition (ANNOTATION.md section 2) on made-up text from many provinces.

Most tests run the normaliser + tokenizer + the entities component only (fast); a few run the
whole pipeline through ``pipeline.nlp.process`` to check the normalised view (traditional
script, hard wraps) and the mapping back to the original text.
"""
from __future__ import annotations

import pytest

from pipeline.api import load, make_doc
from pipeline.nlp import load_pipeline
from pipeline.record import doc_to_record


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


@pytest.fixture(scope="module")
def ner(nlp):
    return nlp.get_pipe("entities")      # the rules alone (the trained recognizer runs after them)


def ents(nlp, ner, text: str) -> list[tuple[str, str]]:
    doc = ner(make_doc(nlp, text))
    return [(doc.text[e["start"]:e["end"]], e["label"]) for e in sorted(doc._.entities, key=lambda e: e["start"])]


def labels_of(found, label):
    return [s for s, lab in found if lab == label]


# ------------------------------------------------------------------ SCHOOL
@pytest.mark.parametrize("text, school", [
    ("支持成都市第七中学开展拔尖创新人才培养。", "成都市第七中学"),
    ("与郑州外国语学校签订合作协议。", "郑州外国语学校"),
    ("推进南宁市青秀区凤翔路小学改扩建工程。", "南宁市青秀区凤翔路小学"),
    ("与佛山职业技术学院共建实训基地。", "佛山职业技术学院"),
    ("推动长沙市雨花区砂子塘小学、武汉市第二中学提升办学水平。", "长沙市雨花区砂子塘小学"),
    ("推动长沙市雨花区砂子塘小学、武汉市第二中学提升办学水平。", "武汉市第二中学"),
    ("支持贵阳职业技术学院建设高水平专业群。", "贵阳职业技术学院"),
    ("依托西安交通大学建设教师发展基地。", "西安交通大学"),
    ("与哈尔滨市第三中学(初中部)结对帮扶。", "哈尔滨市第三中学(初中部)"),
    ("推进昆明市盘龙区金星小学北京路校区建设。", "昆明市盘龙区金星小学北京路校区"),
    ("合肥市特殊教育学校开设职高部。", "合肥市特殊教育学校"),
    ("依托兰州开放大学办好老年教育。", "兰州开放大学"),
    ("支持广西水利电力职业技术学院提升办学层次。", "广西水利电力职业技术学院"),
    ("青羊区实验中学、草堂小学西区分校建成投用。", "草堂小学西区分校"),
])
def test_schools_from_other_provinces(nlp, ner, text, school):
    assert school in labels_of(ents(nlp, ner, text), "SCHOOL")


@pytest.mark.parametrize("text, abbrev", [
    ("成都七中牵头组建联盟。", "成都七中"),
    ("佛山一中与顺德职高开展普职融通试点。", "佛山一中"),
    ("佛山一中与顺德职高开展普职融通试点。", "顺德职高"),
    ("依托华中师大建设教师发展中心。", "华中师大"),
    ("部属师范院校和陕师大毕业生30名。", "陕师大"),
])
def test_school_abbreviations(nlp, ner, text, abbrev):
    assert abbrev in labels_of(ents(nlp, ner, text), "SCHOOL")


def test_generic_mentions_are_not_entities(nlp, ner):
    found = ents(nlp, ner, "全县民办学校、中小学、幼儿园和高水平大学要加强党组织建设，"
                           "统筹城乡、乡镇发展，全镇学校和名师工作室全覆盖，新建幼儿园3所，农村学校教师补助。")
    assert found == []


def test_students_of_a_school_level_are_no_school(nlp, ner):
    assert labels_of(ents(nlp, ner, "推进小学生阅读，中学生体质健康，大学生就业。"), "SCHOOL") == []


# ------------------------------------------------------------------ PROGRAMME
@pytest.mark.parametrize("text, prog", [
    ("主动适应“强基计划”改革试点。", "“强基计划”"),
    ("深入实施乡村教师支持计划，全年发放补助。", "乡村教师支持计划"),
    ("实施“县中振兴”行动计划。", "“县中振兴”行动计划"),
    ("开展“书香校园”建设。", "“书香校园”"),
    ("实施“青蓝工程”，结对培养青年教师。", "“青蓝工程”"),
    ("开展“红烛先锋”党建品牌创建。", "“红烛先锋”党建品牌"),
    ("建设“蓉城智慧教育”平台。", "“蓉城智慧教育”平台"),
    ("实施第三轮学前教育提升行动计划，新增学位。", "学前教育提升行动计划"),
])
def test_programmes(nlp, ner, text, prog):
    assert prog in labels_of(ents(nlp, ner, text), "PROGRAMME")


def test_slogans_and_events_are_no_programme(nlp, ner):
    found = ents(nlp, ner, "坚持“四个意识”，落实“一岗双责”和“三会一课”，实行“一票否决制”，"
                           "举办第八届运动会和青少年科技创新大赛，开局“十四五”。")
    assert labels_of(found, "PROGRAMME") == []


def test_ordinal_stays_outside_programme(nlp, ner):
    progs = labels_of(ents(nlp, ner, "制订实施第四轮发展学前教育行动计划。"), "PROGRAMME")
    assert progs == ["发展学前教育行动计划"]


def test_construction_project_is_no_programme(nlp, ner):
    found = ents(nlp, ner, "郑州市第九中学改扩建工程进展顺利。")
    assert labels_of(found, "PROGRAMME") == []
    assert labels_of(found, "SCHOOL") == ["郑州市第九中学"]


def test_building_phases_and_campus_works_are_no_programme(nlp, ner):
    found = ents(nlp, ner, "推进长沙理工大学云塘校区二期工程，完成株洲市天元中学北校区建设工程，列入市政府重点民生工程。")
    assert labels_of(found, "PROGRAMME") == []


def test_counted_awards_and_levels_are_no_programme(nlp, ner):
    # 12项成果获省级以上教学成果奖: a count of results and a level of award, no programme name
    found = ents(nlp, ner, "12项成果获省级以上教学成果奖，9项成果获市级教学成果奖。启动新一轮中小学建设三年行动计划。")
    assert labels_of(found, "PROGRAMME") == ["新一轮中小学建设三年行动计划"]


def test_quoted_events_and_development_goals_are_no_programme(nlp, ner):
    found = ents(nlp, ner, "开展“科技活动周”系列活动和“金秋杯”教学展示活动，围绕“教育强省”建设，实施“强师”工程。")
    assert labels_of(found, "PROGRAMME") == ["“强师”工程"]


# ------------------------------------------------------------------ REGION
def test_towns_streets_and_townships(nlp, ner):
    found = ents(nlp, ner, "提高双流区黄甲街道、彭镇、永兴镇等乡镇公办幼儿园比例，组织学生到安仁镇开展研学。")
    regions = labels_of(found, "REGION")
    for name in ("黄甲街道", "彭镇", "永兴镇", "安仁镇"):
        assert name in regions
    assert "乡镇" not in regions


def test_town_named_bare_after_full_name(nlp, ner):
    regions = labels_of(ents(nlp, ner, "白马镇新建幼儿园1所，落实白马等山区学生交通补助。"), "REGION")
    assert regions.count("白马") == 1 and "白马镇" in regions


def test_doubled_suffix_town(nlp, ner):
    assert "柳镇镇" in labels_of(ents(nlp, ner, "推进柳镇镇、青山乡中心小学建设。"), "REGION")


def test_macro_regions_are_not_regions(nlp, ner):
    assert labels_of(ents(nlp, ner, "融入长三角一体化，服务京津冀和粤港澳大湾区。"), "REGION") == []


def test_region_short_forms_from_gazetteer(nlp, ner):
    if ner.gaz is None:
        pytest.skip("gazetteer not available")
    regions = labels_of(ents(nlp, ner, "深化与成都、绵阳的合作，支持义乌争创示范区。"), "REGION")
    assert {"成都", "绵阳", "义乌"} <= set(regions)


def test_prefecture_county_chain_and_country(nlp, ner):
    regions = labels_of(ents(nlp, ner, "深化与四川省凉山彝族自治州昭觉县结对帮扶，与芬兰合作办学。"), "REGION")
    assert regions == ["四川省", "凉山彝族自治州", "昭觉县", "芬兰"]


def test_short_form_inside_a_word_is_not_a_region(nlp, ner):
    # 惠水, 习水, 和政 are county short forms, but here they straddle word boundaries
    regions = labels_of(ents(nlp, ner, "普惠水平稳步提高，终身学习水平提升，简政放权和政务服务改革。"), "REGION")
    assert regions == []


# ------------------------------------------------------------------ ORG
def test_orgs_and_short_forms(nlp, ner):
    found = ents(nlp, ner, "在市委、市政府领导下，成都市教育局会同市财政局、区卫健局推进，局党委带头。")
    assert labels_of(found, "ORG") == ["市委", "市政府", "成都市教育局", "市财政局", "区卫健局", "局党委"]


def test_jointly_with_a_county_body_is_no_county(nlp, ner):
    # 会同 + 县残联 / 县民政局 (ANNOTATION.md: "jointly with"), though 会同县 is a county's name
    found = ents(nlp, ner, "会同县残联送教上门；会同县民政局、县妇联关爱留守儿童。湖南省怀化市会同县教育局召开会议。")
    assert labels_of(found, "REGION") == []
    assert labels_of(found, "ORG") == ["县残联", "县民政局", "县妇联", "湖南省怀化市会同县教育局"]


def test_generic_areas_and_ordinary_words_are_no_region(nlp, ner):
    # 远郊镇 is a kind of town, 盐湖/桃园 ordinary words, 新建 + 区级 a verb and a level word
    found = ents(nlp, ner, "新建区级名师工作室25个，在祝桥镇、惠南镇等远郊镇推行，围绕盐湖化工，大团镇的桃园和稻田。")
    assert labels_of(found, "REGION") == ["祝桥镇", "惠南镇", "大团镇"]


def test_venues_papers_and_companies_named_by_their_place(nlp, ner):
    found = ents(nlp, ner, "联合中国移动于都分公司、西藏电信合作，被新华社、贵州日报报道，用好宁夏回族自治区博物馆和重庆科技馆，"
                           "防范电信诈骗，发展移动互联网。")
    assert labels_of(found, "ORG") == ["中国移动于都分公司", "西藏电信", "新华社", "贵州日报", "宁夏回族自治区博物馆", "重庆科技馆"]
    assert labels_of(found, "REGION") == []


def test_school_abbreviations_of_colleges_and_vocational_schools(nlp, ner):
    found = ents(nlp, ner, "依托成都体院培训教师，学生报考拉萨一职，支持天津职大、河南工院建设，拉萨一职业者。")
    assert labels_of(found, "SCHOOL") == ["成都体院", "拉萨一职", "天津职大", "河南工院"]


def test_no_nesting_outermost_wins(nlp, ner):
    found = ents(nlp, ner, "长沙市教育局和湖南省长沙市第一中学签订协议。")
    assert found == [("长沙市教育局", "ORG"), ("湖南省长沙市第一中学", "SCHOOL")]


def test_level_words_are_no_org(nlp, ner):
    assert labels_of(ents(nlp, ner, "强化对县级政府履行教育职责的督导，召开全市教育局长会议。"), "ORG") == []


# ------------------------------------------------------------------ DOCUMENT / PERSON
def test_document_span_is_inside_brackets(nlp, ner):
    found = ents(nlp, ner, "出台《成都市中小学校管理办法(试行)》，贯彻《中华人民共和国教育法》。")
    assert found == [("成都市中小学校管理办法(试行)", "DOCUMENT"), ("中华人民共和国教育法", "DOCUMENT")]


def test_persons_in_context(nlp, ner):
    found = ents(nlp, ner, "市委书记王建国指出，聘请李明华等5位专家，张伟教授作报告，讲好黄继光等英雄故事，"
                           "贵阳市第一中学刘晓燕荣获全国优秀教师。")
    assert labels_of(found, "PERSON") == ["王建国", "李明华", "张伟", "黄继光", "刘晓燕"]


def test_persons_in_strong_contexts(nlp, ner):
    # memorials, ranks, 等 + a group of people, and the names of an enumeration before them;
    # rare surnames come from jieba's dictionary (皮定均), famous names jieba tags t or l too
    found = ents(nlp, ner, "依托赵一曼故居开展研学，讲好王尽美将军的故事，讲好皮定均、周恩来、邓颖超等革命先辈的故事，"
                           "用好邹容烈士纪念碑，以刘秀英等时代楷模为榜样。")
    assert labels_of(found, "PERSON") == ["赵一曼", "王尽美", "皮定均", "周恩来", "邓颖超", "邹容", "刘秀英"]


def test_dictionary_names_after_a_storytelling_verb(nlp, ner):
    # names jieba's dictionary tags nr, as whole words after 讲好/传承/以 ...; words it also
    # tags nr without a surname (立德, 巴蜀) are not taken
    found = ents(nlp, ner, "讲好刘伯承与彝族首领结盟的故事，传承顾炎武“天下兴亡”的情怀，坚持把立德树人作为根本，"
                           "以巴蜀小学教育集团为龙头。")
    assert labels_of(found, "PERSON") == ["刘伯承", "顾炎武"]


def test_words_before_a_strong_context_are_no_person(nlp, ner):
    found = ents(nlp, ner, "用好平型关大捷纪念馆、彝海结盟纪念馆和西柏坡纪念馆，于都代表团获金牌，完成首批校长职级评定，"
                           "向一线教师和班主任倾斜，走进川沙新镇内史第、黄炎培故居。")
    assert labels_of(found, "PERSON") == ["黄炎培"]


def test_words_after_a_surname_are_no_person(nlp, ner):
    found = ents(nlp, ner, "农村寄宿制学校全部配齐生活老师，对280名党支部书记进行培训。")
    assert labels_of(found, "PERSON") == []


# ------------------------------------------------------------------ whole pipeline
def test_traditional_script(nlp):
    doc = nlp("支持成都市第七中學與鄭州外國語學校合作，實施「強基計劃」，深化與臺灣地區交流。\n")
    rec = doc_to_record(doc)
    got = {(e["text"], e["label"]) for e in rec["entities"]}
    assert ("成都市第七中學", "SCHOOL") in got
    assert ("鄭州外國語學校", "SCHOOL") in got
    assert ("「強基計劃」", "PROGRAMME") in got


def test_hard_wrapped_spans_cross_line_breaks(nlp):
    line = "深化城乡“教共体”建设，推进教育优质均衡发展，加快补齐农村学校短板，"
    lines = [
        line + "推进永兴",
        "镇、黄甲街道、安仁镇等乡镇学校建设，支持成都市第七中",
        "学与哈尔滨市第三中学开展跨区教研，完成校舍改造工程和设备更新项目。",
    ] + [line + "持续提升办学条件和教育教学质量水平" for _ in range(8)]
    text = "\n".join(lines) + "\n"
    rec = doc_to_record(nlp(text))
    got = {(e["text"], e["label"]) for e in rec["entities"]}
    assert ("永兴\n镇", "REGION") in got
    assert ("成都市第七中\n学", "SCHOOL") in got
    for e in rec["entities"]:
        assert text[e["start"]:e["end"]] == e["text"]


def test_nothing_inside_ignored_regions(nlp, ner):
    doc = make_doc(nlp, "成都市教育局\n\n支持成都市第七中学发展。")
    doc._.ignored = [{"start": 0, "end": 6, "reason": "boilerplate"}]
    doc = ner(doc)
    spans = [(doc.text[e["start"]:e["end"]]) for e in doc._.entities]
    assert spans == ["成都市第七中学"]


# ------------------------------------------------------------------ speed-ups keep results
def test_anchored_university_search_finds_what_a_full_scan_finds(nlp, ner):
    """The university abbreviations are searched only near their anchor character; that must
    give exactly the matches of a scan at every position (adjacent, overlapping and
    three-character kinds, text edges)."""
    texts = ["北师大与华东师大、西南政法大学和哈工大理工大学交流，浙海大大学生，大连理工大",
             "师大附中", "大", "云南民大体大农大医大大大", "与川农大合作，赴西农大、华农大调研"]
    from pipeline.components.entities import _DocumentPass

    for t in texts:
        reading = _DocumentPass(ner, make_doc(nlp, t))
        full = [m.span() for m in ner.re_univ_abbrev.finditer(t)]
        assert [m.span() for m in reading._univ_matches(t)] == full
    assert any(m.span() for m in _DocumentPass(ner, make_doc(nlp, texts[0]))._univ_matches(texts[0]))


def test_cached_walks_follow_the_documents_regions(nlp, ner):
    """Walk-back results are cached per document; the same sentence in two documents must give
    the same entities whichever document comes first."""
    a = "推进贵阳市观山湖区世纪城小学建设。"
    b = "支持兰州市城关区雁滩小学和天水市麦积区甘泉镇中心小学发展。"
    first = [ents(nlp, ner, t) for t in (a, b, a)]
    assert first[0] == first[2]
    assert labels_of(first[1], "SCHOOL")


def test_one_component_serves_many_threads(nlp, ner):
    """The component keeps no per-document state: 8 threads at once on different reports give
    what each report gives alone."""
    from concurrent.futures import ThreadPoolExecutor

    texts = ["新野县教育局工作总结\n新野一中新校区主体完工。", "推进贵阳市观山湖区世纪城小学建设。",
             "会同县卫健局开展校园卫生检查。", "宜阳县锦屏镇中心小学教师李春梅获评全国优秀教师。"] * 4
    docs = [make_doc(nlp, t) for t in texts]
    alone = [ents(nlp, ner, t) for t in texts]
    before = dict(vars(ner))
    with ThreadPoolExecutor(8) as pool:
        together = list(pool.map(lambda d: [(d.text[e["start"]:e["end"]], e["label"])
                                            for e in sorted(ner(d)._.entities, key=lambda e: e["start"])], docs))
    assert together == alone
    assert vars(ner).keys() == before.keys() and all(vars(ner)[k] is before[k] for k in before)


# ------------------------------------------------------------------ held-out generalisation
# (written for other provinces: a city jieba splits into name + 市, short county names that are
# also ordinary words, nationally known university short names, places inside phrases)
@pytest.mark.parametrize("text, label, span", [
    # a name opens with the divisions it belongs to: one entity, not REGION + SCHOOL/ORG
    ("发挥宁乡市特殊教育学校示范引领作用。", "SCHOOL", "宁乡市特殊教育学校"),
    ("依托宁乡市老年大学扩大老年教育供给。", "SCHOOL", "宁乡市老年大学"),
    ("推动宁乡市玉潭小学与乡村学校结对。", "SCHOOL", "宁乡市玉潭小学"),
    ("宜阳县锦屏镇中心小学教师李春梅获评全国优秀教师。", "SCHOOL", "宜阳县锦屏镇中心小学"),
    ("宜阳县锦屏镇中心小学教师李春梅获评全国优秀教师。", "PERSON", "李春梅"),
    ("宁乡市教育局2024年工作要点", "ORG", "宁乡市教育局"),
    ("宁乡市教育局办公室　　2024年3月1日印发", "ORG", "宁乡市教育局办公室"),
    # a short county name the gazetteer drops as a word, in a report that writes the full name
    ("新野县教育局工作总结\n新野一中新校区主体完工。", "SCHOOL", "新野一中"),
    ("新野县教育局工作总结\n新野中学深化课程改革。", "SCHOOL", "新野中学"),
    ("新野县教育局工作总结\n新野职校面向农民工开展培训。", "SCHOOL", "新野职校"),
    ("新野县教育局工作总结\n办好人民满意的新野教育。", "REGION", "新野"),
    ("3名学生被复旦、浙大录取。", "SCHOOL", "复旦"),
    ("3名学生被复旦、浙大录取。", "SCHOOL", "浙大"),
    ("谱写中国式现代化湖南篇章。", "REGION", "中国"),
    ("为建设绵阳经济副中心贡献力量。", "REGION", "绵阳"),
    ("联合比亚迪汽车工业有限公司共建产业学院。", "ORG", "比亚迪汽车工业有限公司"),
    # the verb reading of 会同 wins over the county 会同县
    ("会同县卫健局开展校园卫生检查。", "ORG", "县卫健局"),
])
def test_heldout_names(nlp, ner, text, label, span):
    assert span in labels_of(ents(nlp, ner, text), label)


@pytest.mark.parametrize("text, span", [
    ("发挥宁乡市特殊教育学校示范引领作用。", "宁乡市"),        # nested in the school
    ("宁乡市教育局2024年工作要点", "宁乡市"),                  # nested in the bureau
    ("坚持以城带乡、以公带民，提升办园水平。", "以城带乡"),      # a phrase, not a place
    ("坚持以城带乡、以公带民，提升办园水平。", "城带乡"),
    ("白鹤镇、桃林镇等乡镇加快建设，依托白鹤湖开展研学。", "白鹤"),  # a lake
    ("学习党史、新中国史。", "中国"),                          # inside a compound noun
    ("推进西部、南部山区学校建设。", "南部"),                  # no 南部县 in this text
])
def test_heldout_not_regions(nlp, ner, text, span):
    assert span not in labels_of(ents(nlp, ner, text), "REGION")


@pytest.mark.parametrize("text, span", [
    ("弘扬北大荒精神。", "北大"),                  # inside a word
    ("县属中职校增挂全市性校牌。", "县属中职校"),    # a kind of school
    ("宁乡市优质学校结对帮扶。", "宁乡市优质学校"),  # region + evaluative word
])
def test_heldout_not_schools(nlp, ner, text, span):
    found = ents(nlp, ner, text)
    assert span not in labels_of(found, "SCHOOL") and "北大" not in labels_of(found, "SCHOOL")


def test_economic_centre_is_no_org(nlp, ner):
    assert not labels_of(ents(nlp, ner, "为建设绵阳经济副中心贡献力量。"), "ORG")


@pytest.mark.parametrize("text, prog", [
    ("全面实施职业教育3.0行动计划，建成示范校5所。", "职业教育3.0行动计划"),
    ("推广应用国家职业教育智慧教育平台，开设网络课程。", "国家职业教育智慧教育平台"),
])
def test_heldout_unquoted_programmes(nlp, ner, text, prog):
    assert prog in labels_of(ents(nlp, ner, text), "PROGRAMME")


def test_platform_without_national_prefix_is_generic(nlp, ner):
    assert not labels_of(ents(nlp, ner, "建设区域智慧教育平台，推进数据共享。"), "PROGRAMME")


@pytest.mark.parametrize("text", [
    "联合交警部门落实上下学“双岗护学”机制，保障学生安全。",   # a mechanism names no programme
    "办理“96110”政务服务热线工单320件。",                       # a quoted number names nothing
])
def test_heldout_mechanisms_and_numbers_are_no_programme(nlp, ner, text):
    assert not labels_of(ents(nlp, ner, text), "PROGRAMME")


def test_recognizer_overlap_filter_equals_the_pairwise_definition():
    """The sorted-interval filter drops exactly the model spans that overlap a kept rule span."""
    import random

    from pipeline.components.recognizer import _without_overlaps

    def overlaps_any(e, kept):
        return any(k["start"] < e["end"] and e["start"] < k["end"] for k in kept)

    rng = random.Random(5)
    for _ in range(300):
        def spans(n):
            out = []
            for _ in range(n):
                s = rng.randrange(0, 60)
                out.append({"start": s, "end": s + rng.randrange(1, 12)})
            return out
        found, kept = spans(rng.randrange(0, 15)), spans(rng.randrange(0, 15))
        assert _without_overlaps(found, kept) == [e for e in found if not overlaps_any(e, kept)]


def test_a_county_named_by_a_word_stays_in_its_bureau_after_its_city(nlp, ner):
    # 新建 is "build", but 南昌市 + 新建区 + 教育局 names one bureau (a region, then a division of
    # it whose name jieba reads as a word, then a level word and a body)
    found = ents(nlp, ner, "南昌市新建区教育局召开会议。江西省南昌市新建区教育局2024年工作要点")
    assert labels_of(found, "ORG") == ["南昌市新建区教育局", "江西省南昌市新建区教育局"]
    assert labels_of(found, "REGION") == []


@pytest.mark.parametrize("text", [
    "聚焦“办好家门口每一所学校”，深化改革。",                     # a goal stated with 每一: no programme
    "全区各单位要把“办好每一所学校、教好每一名学生”作为出发点。",
    "会同公安分局落实“护学岗”常态化值守。",                       # a post (岗), not a programme
    "履行“一岗双责”工作职责，逐级签订责任书。",                   # 工作职责: a duty, not 工作 on a programme
    "在全区中小学推广“问题导学”课堂教学模式。",                   # head + 教学模式: a teaching mode
    "对全市412辆校车实行动态监管。",                               # 行动 across 实行|动态
    "各学校、局属各单位要对照本计划的布署，细化任务清单。",       # 本计划: this document
])
def test_slogans_posts_modes_and_references_are_no_programme(nlp, ner, text):
    assert labels_of(ents(nlp, ner, text), "PROGRAMME") == []


@pytest.mark.parametrize("text, programme", [
    ("开展“万师访万家”活动，覆盖全体学生。", "“万师访万家”活动"),
    ("推进“庐阳好课堂”建设。", "“庐阳好课堂”"),
    ("实施农村义务教育学生营养改善计划，惠及学生。", "农村义务教育学生营养改善计划"),
    ("实施“强基计划”，选拔学生。", "“强基计划”"),
])
def test_programmes_with_heads_or_endings_stay(nlp, ner, text, programme):
    assert labels_of(ents(nlp, ner, text), "PROGRAMME") == [programme]


@pytest.mark.parametrize("text, people", [
    ("（联系人：周  敏，联系电话：23116608）", ["周  敏"]),            # a report's contact line
    ("（联系人：王　晨　电话：010-51992300）", ["王　晨"]),
    ("布拖县特木里镇中心校教师吉克阿芝获评四川省优秀教师。", ["吉克阿芝"]),   # a four-character name after a title
    ("挖掘杨靖宇烈士的感人事迹。", ["杨靖宇"]),                        # a name of the dictionary after 挖掘
    ("讲述康熙、乾隆巡游的故事，学习周敦颐的名篇。", ["康熙", "乾隆", "周敦颐"]),   # and the names listed after it
])
def test_people_in_contact_lines_lists_and_after_titles(nlp, ner, text, people):
    assert labels_of(ents(nlp, ner, text), "PERSON") == people


def test_a_place_before_a_group_of_schools_is_no_person(nlp, ner):
    # 向 is a surname, but 向崇明等远郊学校交流骨干教师 sends teachers to schools
    assert labels_of(ents(nlp, ner, "向崇明等远郊学校交流骨干教师1000名。"), "PERSON") == []

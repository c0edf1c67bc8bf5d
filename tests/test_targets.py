"""Numeric targets (ANNOTATION.md s.3): surfaces, values, units, approximations, what is no
target, comparators, kinds, indicators, flattened tables.  Sentences are made up, from many
provinces, and run through the targets component on the normalised view."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def run(run_targets):
    return run_targets


def _one(targets, surface):
    hits = [t for t in targets if t["text"] == surface]
    assert hits, f"no target {surface!r} in {[t['text'] for t in targets]}"
    return hits[0]


# (sentence, surface, value, value_high, unit, approx)
SURFACES = [
    # Arabic digits and measure words
    ("全年新建幼儿园12所，提供学位若干。", "12所", 12, None, "所", False),
    ("成都市共招聘新教师1350名。", "1350名", 1350, None, "名", False),
    ("开展送教下乡活动86场。", "86场", 86, None, "场", False),
    ("累计培训教师4120人次。", "4120人次", 4120, None, "人次", False),
    ("获得省级以上奖项37项。", "37项", 37, None, "项", False),
    ("组织专项督导5次。", "5次", 5, None, "次", False),
    ("引进合作企业15家。", "15家", 15, None, "家", False),
    ("配备计算机2400台。", "2400台", 2400, None, "台", False),
    ("组建志愿服务队9支。", "9支", 9, None, "支", False),
    ("开发研学线路3条。", "3条", 3, None, "条", False),
    ("办理民生实事146件。", "146件", 146, None, "件", False),
    ("开设地方课程6门。", "6门", 6, None, "门", False),
    ("评选思政精品课35节。", "35节", 35, None, "节", False),
    ("举办专题培训班4期。", "4期", 4, None, "期", False),
    ("每名学生参加劳动实践20课时。", "20课时", 20, None, "课时", False),
    ("教师人均完成培训96学时。", "96学时", 96, None, "学时", False),
    ("与贵州学校结对12对。", "12对", 12, None, "对", False),
    ("分两批完成，共选派3批。", "3批", 3, None, "批", False),
    ("家访覆盖困难家庭2300户。", "2300户", 2300, None, "户", False),
    ("新建智慧教室86间。", "86间", 86, None, "间", False),
    ("整改安全隐患213处。", "213处", 213, None, "处", False),
    ("聘请专家学者11位。", "11位", 11, None, "位", False),
    ("开展隐患排查4轮。", "4轮", 4, None, "轮", False),
    ("查处违规问题3起。", "3起", 3, None, "起", False),
    ("每天校园体育活动时间1小时。", "1小时", 1, None, "小时", False),
    ("书面作业完成时间不超过90分钟。", "90分钟", 90, None, "分钟", False),
    ("平均提前工期近两个月。", "近两个月", 2, None, "个月", True),
    ("中考平均分差距缩小11.5分。", "11.5分", 11.5, None, "分", False),
    ("教育经费总量增长1.5倍。", "1.5倍", 1.5, None, "倍", False),
    # Chinese numerals
    ("全区新建幼儿园两所。", "两所", 2, None, "所", False),
    ("遴选课后服务优秀案例一百个。", "一百个", 100, None, "个", False),
    ("惠及山区学生二百三十名。", "二百三十名", 230, None, "名", False),
    ("培训乡村教师一千二百人。", "一千二百人", 1200, None, "人", False),
    ("推进百名教师结对导学。", "百名", 100, None, "名", False),
    ("组织了两次线下集中研训。", "两次", 2, None, "次", False),
    ("每学期到联系学校调研指导不少于一次。", "一次", 1, None, "次", False),
    ("打造综合平台内三个业务系统。", "三个", 3, None, "个", False),
    # 万/亿 multiplied out, money, area
    ("新增学位5.7万个。", "5.7万个", 57000, None, "个", False),
    ("全年开展社区教育培训3万人次。", "3万人次", 30000, None, "人次", False),
    ("完成投资2.35亿元。", "2.35亿元", 235000000, None, "元", False),
    ("发放资助资金586.4万元。", "586.4万元", 5864000, None, "元", False),
    ("每生每天补助5元。", "5元", 5, None, "元", False),
    ("计划投资50360万元。", "50360万元", 503600000, None, "元", False),
    ("新增校舍3.2万平方米。", "3.2万平方米", 32000, None, "平方米", False),
    ("改造面积8600平方米。", "8600平方米", 8600, None, "平方米", False),
    ("累计投入1,200万元。", "1,200万元", 12000000, None, "元", False),
    ("全年完成投资1.2亿，新增学位若干。", "1.2亿", 120000000, None, "元", False),
    ("落实奖补资金3000万余，惠及全县。", "3000万余", 30000000, None, "元", True),
    # approximations
    ("在校学生2.6万余人。", "2.6万余人", 26000, None, "人", True),
    ("资助家庭经济困难学生8.8万余人次。", "8.8万余人次", 88000, None, "人次", True),
    ("资助金额6713万余元。", "6713万余元", 67130000, None, "元", True),
    ("培训成果60多万个。", "60多万个", 600000, None, "个", True),
    ("惠及学生三千余名。", "三千余名", 3000, None, "名", True),
    ("开展活动30余场。", "30余场", 30, None, "场", True),
    ("全年开展职业技能培训约8万人次。", "约8万人次", 80000, None, "人次", True),
    ("推广优秀成果近50项。", "近50项", 50, None, "项", True),
    ("培育校园文化品牌100个左右。", "100个", 100, None, "个", True),
    ("发放资助资金320万元左右。", "320万元", 3200000, None, "元", True),
    # ranges
    ("每所学校开辟劳动实践园地1~2块。", "1~2块", 1, 2, "块", False),
    ("新创建特色示范普通高中3-5所。", "3-5所", 3, 5, "所", False),
    ("每人联系基层学校2～3所。", "2～3所", 2, 3, "所", False),
    ("每月送教下乡3至5次。", "3至5次", 3, 5, "次", False),
    ("每校配备心理教师五至八名。", "五至八名", 5, 8, "名", False),
    # percentages, per mille, percentage points
    ("公办园在园幼儿占比达到87.6%。", "87.6%", 87.6, None, "%", False),
    ("高中段毛入学率达到98.5 %。", "98.5 %", 98.5, None, "%", False),
    ("参训率为百分之百。", "百分之百", 100, None, "%", False),
    ("在园幼儿占比为百分之七十二。", "百分之七十二", 72, None, "%", False),
    ("近视率下降百分之零点五。", "百分之零点五", 0.5, None, "%", False),
    ("巩固率达到百分之九十九点九。", "百分之九十九点九", 99.9, None, "%", False),
    ("辍学率控制在0.5‰以内。", "0.5‰", 0.5, None, "‰", False),
    ("民办学校在校生约占30%。", "30%", 30, None, "%", True),
    ("一段上线率比上年提高4.6个百分点。", "4.6个百分点", 4.6, None, "个百分点", False),
    ("近视率较上年下降1个百分点以上。", "1个百分点", 1, None, "个百分点", False),
    # full-width digits and traditional script
    ("新增幼儿园学位１２００个。", "１２００个", 1200, None, "个", False),
    ("高考一段上线率达到４６．８％。", "４６．８％", 46.8, None, "%", False),
    ("新建學校三個，新增學位２１６０個。", "２１６０個", 2160, None, "个", False),
    ("全區教育經費預算安排９．８億元。", "９．８億元", 980000000, None, "元", False),
    ("全年开展入户走访3.6万户次。", "3.6万户次", 36000, None, "户次", False),
    ("组织食品安全抽检24批次。", "24批次", 24, None, "批次", False),
    ("每个乡镇至少办好一所公办中心幼儿园。", "一所", 1, None, "所", False),
]


@pytest.mark.parametrize("sentence,surface,value,high,unit,approx", SURFACES,
                         ids=[s[1] for s in SURFACES])
def test_surface_value_unit_approx(run, sentence, surface, value, high, unit, approx):
    t = _one(run(sentence), surface)
    assert t["value"] == pytest.approx(value)
    assert t["value_high"] == (pytest.approx(high) if high is not None else None)
    assert t["unit"] == unit
    assert t["approx"] is approx


def test_there_are_at_least_sixty_surfaces():
    assert len(SURFACES) >= 60
    assert len({s[4] for s in SURFACES}) >= 25          # many different units


NEGATIVES = [
    "2021年5月，召开全市教育工作会议。",
    "1939年周恩来同志为东源小学题词。",
    "以优异成绩庆祝建党100周年。",
    "获评第24届全国优秀教师，入选第二批试点名单。",
    "一是加强党建，二是推进改革。",
    "1.促进学前教育优质普惠发展",
    "创建省一级幼儿园，覆盖一二年级学生。",
    "编制“十四五”教育事业发展规划。",
    "实施十大工程，推进“五育”并举。",
    "落实“双减”政策，深化“五育并举”。",
    "印发《关于加强作业管理的通知》（贵教〔2021〕3号）。",
    "咨询电话：0571-87654321。",
    "全网具备IPv6访问能力，推进5G+智慧课堂。",
    "教育内网万兆升级，千兆到桌面。",
    "连续三年获评先进单位。",
    "制定三年行动计划。",
    "办好家门口的每一所学校。",
    "实施一批幼儿园项目建设。",
    "严格执行新时代教师职业行为十项准则，落实八项规定。",
    "这项工作十分重要，大家一起努力。",
    "推行“一校一品”，打造一站式服务。",
    "2019学年秋季入学，排名全省第四。",
    "学校2022届毕业生表现优异。",
    "2022年2月18日印发。",
    "推进“5+2”课后服务模式。",
    "全市人口约1200万，面积1.2万。",
    "增强四个意识，做到两个维护。",
    "构建三位一体育人格局，推行1对1帮扶和千校千面特色发展。",
    "建成数十所标准化学校，培训上千名教师。",
    "围绕汽车零部件产业开展订单培养。",
]


@pytest.mark.parametrize("sentence", NEGATIVES)
def test_not_a_target(run, sentence):
    assert run(sentence) == []


def test_there_are_at_least_twenty_negatives():
    assert len(NEGATIVES) >= 20


def test_a_number_at_the_very_start_of_the_text(run):
    assert _one(run("12所学校通过验收。"), "12所")["value"] == 12


def test_no_target_inside_an_ignored_region(run):
    text = "新建幼儿园12所。新建幼儿园12所。"
    got = run(text, ignored=[{"start": 9, "end": len(text), "reason": "duplicate"}])
    assert [t["start"] for t in got] == [5]


@pytest.mark.parametrize("sentence,surface,cmp", [
    ("学前三年入园率保持在99%以上。", "99%", ">="),
    ("体质健康优良率达到55%。", "55%", ">="),
    ("就业率达78%。", "78%", ">="),
    ("课后服务参与率不低于95%。", "95%", ">="),
    ("心理教师不少于30名。", "30名", ">="),
    ("智慧校园覆盖率超过50%。", "50%", ">="),
    ("每个乡镇至少有1所公办中心幼儿园。", "1所", ">="),
    ("高考上线人数力争突破300人。", "300人", ">="),
    ("民办在校生占比控制在5%以内。", "5%", "<="),
    ("作业时间不超过90分钟。", "90分钟", "<="),
    ("班额控制在45人以下。", "45人", "<="),
    ("在园幼儿占比为72%。", "72%", "="),
    ("一键报警联网率保持100%。", "100%", "="),
    ("力争新建幼儿园10所。", "10所", "="),
    ("压减率86.5%。", "86.5%", "="),
    ("编制运动技能达标标准6个。", "6个", "="),
    ("机构由37家压减至5家。", "5家", "="),
    ("运动技能、艺术特长达标率分别达到88.18%、87.30%。", "87.30%", ">="),
    ("学前、高中段入学率达到98.01%和94.42%。", "94.42%", ">="),
    ("经费不低于年度公用经费预算总额的5%。", "5%", ">="),
    ("大班额比例不到5%。", "5%", "<="),
    ("作业时间未超过60分钟。", "60分钟", "<="),
    # 达 inside a word is no 达 'reach'
    ("高考本科达线率提高3个百分点。", "3个百分点", "="),
    ("省级下达奖补资金3.1亿元。", "3.1亿元", "="),
    # a comparative with an object of its own: the number is the margin
    ("中考平均分高于全省平均水平21.5分。", "21.5分", "="),
    ("体质健康优良率高于60%。", "60%", ">="),
])
def test_comparator(run, sentence, surface, cmp):
    assert _one(run(sentence), surface)["comparator"] == cmp


def test_kind_follows_the_part_and_its_cues(run):
    text = ("某县教育局2021年工作总结\n全年新建幼儿园5所，建成后将新增学位1350个。"
            "到2025年谋划教育项目23个。\n"
            "2022年工作要点\n全年新建幼儿园8所。公办园占比由2021年的53.6%提高到60%以上。\n")
    got = run(text)
    assert _one(got, "5所")["kind"] == "actual"
    assert _one(got, "1350个")["kind"] == "target"      # 将 in a summary
    assert _one(got, "23个")["kind"] == "target"        # a later year in a summary
    assert _one(got, "8所")["kind"] == "target"
    assert _one(got, "53.6%")["kind"] == "actual"       # a past year in a plan
    assert _one(got, "60%")["kind"] == "target"


def test_kind_in_a_report_titled_summary_and_plan(run):
    text = ("广州市教育局2022年工作总结和2023年工作要点\n一是新建学校12所。\n"
            "2023年工作要点\n一是新建学校15所。\n")
    got = run(text)
    assert _one(got, "12所")["kind"] == "actual"
    assert _one(got, "15所")["kind"] == "target"


def test_kind_in_a_plan_paragraph_that_opens_with_a_past_year(run):
    """A plan's opening review (2023年，全市… in one paragraph, several sentences) reports that
    year's results; the next paragraph's goals are targets again."""
    text = ("某市教育局2024年工作要点\n"
            "2023年，全市教育事业取得新成效。全年新建学校12所，新增学位1.8万个；"
            "本科上线率较上年提高2.4个百分点。力争明年新增学位2万个。\n"
            "主要预期目标：新增公办学位1.5万个以上。\n"
            "2025年，全市将新增学位3万个。\n")
    parts = [{"start": 0, "end": len(text), "kind": "plan", "year": 2024}]
    got = run(text, parts=parts)
    assert _one(got, "12所")["kind"] == "actual"
    assert _one(got, "1.8万个")["kind"] == "actual"
    assert _one(got, "2.4个百分点")["kind"] == "actual"
    assert _one(got, "2万个")["kind"] == "target"        # a goal cue inside the review
    assert _one(got, "1.5万个")["kind"] == "target"
    assert _one(got, "3万个")["kind"] == "target"        # a later year opens that paragraph


def test_kind_of_a_capacity_once_built_in_a_summary(run):
    text = "某县2023年工作总结\n一中新校区主体完工，建成后可容纳学生3600人。全年新建校舍2万平方米。\n"
    got = run(text, parts=[{"start": 0, "end": len(text), "kind": "summary", "year": 2023}])
    assert _one(got, "3600人")["kind"] == "target"
    assert _one(got, "2万平方米")["kind"] == "actual"


def test_kind_uses_parts_from_the_structure_stage(run):
    text = "全市新增学位3000个。全市新增学位4000个。"
    parts = [{"start": 0, "end": 11, "kind": "summary", "year": 2023},
             {"start": 11, "end": len(text), "kind": "plan", "year": 2024}]
    got = run(text, parts=parts)
    assert [t["kind"] for t in sorted(got, key=lambda t: t["start"])] == ["actual", "target"]


def test_kind_where_the_structure_part_is_other_falls_back_to_headings(run):
    text = "某区教育局2024年工作计划\n2023年，全区新增学位2160个。\n全年新增学位3000个。\n"
    got = run(text, parts=[{"start": 0, "end": len(text), "kind": "other", "year": None}])
    assert _one(got, "2160个")["kind"] == "actual"
    assert _one(got, "3000个")["kind"] == "target"


def test_kind_without_parts_reads_cues(run):
    assert run("力争新增学位300个。")[0]["kind"] == "target"
    assert run("截至年底，全市已建成智慧校园120所。")[0]["kind"] == "actual"


def test_kind_without_parts_follows_what_the_document_sounds_like(run):
    text = ("全市已建成智慧校园120所，累计培训教师3万人次。学前教育毛入园率92.3%。"
            "全年完成了校舍改造，新建食堂15个。")
    got = run(text)
    assert _one(got, "92.3%")["kind"] == "actual"
    assert _one(got, "15个")["kind"] == "actual"


def test_task_id_is_the_innermost_task(run):
    text = "一、资源供给\n一是新建幼儿园3所。\n二是改造校舍8000平方米。\n"
    tasks = [{"id": "T", "start": 0, "end": len(text)},
             {"id": "T1", "start": 7, "end": 18}, {"id": "T2", "start": 18, "end": len(text)}]
    got = {t["text"]: t["task_id"] for t in run(text, tasks=tasks)}
    assert got == {"3所": "T1", "8000平方米": "T2"}


def test_several_overlapping_ignored_regions(run):
    # regions given out of order and overlapping: every mention they touch goes, the rest stay
    text = "新建学校3所。改建操场5个。新增学位600个。培训教师200人。"
    starts = [text.index(s) for s in ("3所", "5个", "600个", "200人")]
    ignored = [{"start": starts[2] - 2, "end": starts[2] + 2, "reason": "chrome"},
               {"start": starts[1], "end": starts[1] + 1, "reason": "chrome"},
               {"start": starts[1] - 3, "end": starts[2] - 1, "reason": "duplicate"}]
    got = [t["text"] for t in run(text, ignored=ignored)]
    assert got == ["3所", "200人"]


def test_task_id_picks_the_smallest_enclosing_task_among_many(run):
    # 贵州-style plan: a part, its sections, their items; a long task starting early and a
    # sibling that ends before the number must not win
    text = "一、基础教育\n（一）学前教育\n1.新建幼儿园6所。\n2.新增学位900个。\n（二）义务教育\n改扩建学校12所。\n"
    i6, i9, i12 = text.index("6所"), text.index("900个"), text.index("12所")
    tasks = [{"id": "P", "start": 0, "end": len(text)},
             {"id": "S1", "start": text.index("（一）"), "end": text.index("（二）")},
             {"id": "I1", "start": text.index("1.新建"), "end": text.index("2.新增")},
             {"id": "I2", "start": text.index("2.新增"), "end": text.index("（二）")},
             {"id": "S2", "start": text.index("（二）"), "end": len(text)},
             {"id": "X", "start": 0, "end": i6}]
    got = {t["start"]: t["task_id"] for t in run(text, tasks=tasks)}
    assert got == {i6: "I1", i9: "I2", i12: "S2"}


def test_a_page_break_between_a_number_and_its_comparator(run):
    # 95% [page footer, running head] 以上: the chrome stage ignores the page break
    page = "- 2 -\n湖北某县教育局2024年工作计划\n"
    text = "课后服务学生参与率稳定在95%\n" + page + "以上；新增学位800个。\n"
    ps = text.index(page)
    got = run(text, ignored=[{"start": ps, "end": ps + len(page) - 1, "reason": "boilerplate"}])
    assert _one(got, "95%")["comparator"] == ">="
    assert _one(run(text), "95%")["comparator"] == "="      # not ignored: no cue after 95%


def test_table_header_found_among_bracketed_section_numbers(run):
    # bracketed numbering （一） elsewhere in the text is no header; the unit header still is
    text = ("（一）办学条件\n全市学校概况如下：\n"
            "县区 学校数（所） 在校生（人）\n"
            "甲县 12 5600\n"
            "乙区 8 4300\n")
    got = run(text)
    cells = {(t["text"], t["unit"], t["indicator"]) for t in got}
    assert {("12", "所", "学校数"), ("5600", "人", "在校生"),
            ("8", "所", "学校数"), ("4300", "人", "在校生")} <= cells


@pytest.mark.parametrize("sentence,surface,indicator", [
    ("全年新增幼儿园学位8100个。", "8100个", "新增幼儿园学位"),
    ("学前三年入园率保持在99%以上。", "99%", "学前三年入园率"),
    ("公办幼儿园在园幼儿占比达到46%。", "46%", "公办幼儿园在园幼儿占比"),
    ("建设40个市级名师工作室。", "40个", "建设市级名师工作室"),
    ("优良率达到50%以上、合格率96%以上。", "96%", "合格率"),
    ("学生体质健康优良率达到50%以上、合格率96%以上。", "96%", "学生体质健康合格率"),
    ("学生总体近视率较上年下降0.5个百分点。", "0.5个百分点", "学生总体近视率降幅"),
    ("为9所农村学校完成食堂提升改造。", "9所", "完成食堂提升改造的农村学校"),
    # parts after 其中 take their parent's noun
    ("全年实施教育基建项目11个，其中新建项目4个、改扩建项目7个。", "7个", "改扩建教育基建项目"),
    ("全年公开招聘新教师68名，其中研究生学历9名。", "9名", "研究生学历新教师"),
    ("45项成果获评省基础教育教学成果奖，其中一等奖20项。", "20项", "省基础教育教学成果一等奖"),
    # a short sibling replaces its counterpart
    ("新增国家级校园足球特色校32所、省级27所。", "27所", "新增省级校园足球特色校"),
    ("全年开展船员、厨师等社会培训2000人次。", "2000人次", "社会培训"),
    ("高等教育毛入学率达到65%。", "65%", "高等教育毛入学率"),
    ("依托市社区大学新增老年教育学位1500个。", "1500个", "新增老年教育学位"),
    # a place frame ends at the building verb even when the tagger reads it as a name
    ("在城东街道、滨江街道新建幼儿园3所。", "3所", "新建幼儿园"),
    # a PDF page-number line inside the sentence does not cut the clause
    ("开发红色文化\n- 3 -\n校本课程8门。", "8门", "红色文化校本课程"),
    # quotation marks after the number do not cut the noun phrase
    ("全年有12名教师获评“齐鲁最美教师”。", "12名", "获评齐鲁最美教师的教师"),
    # 支持有条件的…: the frame and the 有条件的 hedge are no part of what is counted
    ("支持有条件的小学开设课后托管班20个。", "20个", "小学开设课后托管班"),
    # a bare head after the number takes the noun phrase before it
    ("今年录取首届中澳合作班120名学生。", "120名", "首届中澳合作班学生"),
    # an organising verb names the act, not what is counted
    ("组建大中小学思政课教研共同体6个。", "6个", "大中小学思政课教研共同体"),
    ("新建（改扩建）小学项目3个，新增学位7560个。", "7560个", "新增小学学位"),
    # money for the things counted just before
    ("全市实施教育项目116个，完成投资18.4亿元。", "18.4亿元", "教育项目完成投资"),
    # a bare rate takes the subject of the clause before
    ("新增老年学位3600个，完成率146%。", "146%", "新增老年学位完成率"),
])
def test_indicator(run, sentence, surface, indicator):
    assert _one(run(sentence), surface)["indicator"] == indicator


def test_flattened_table(run):
    text = ("附件：2024年重点建设项目\n"
            "序号 项目名称 总投资(万元) 新增学位(个) 建筑面积(平方米)\n"
            "1 贵阳市第一实验学校 12000 1350 32000\n"
            "2 安顺市城西幼儿园 3500 360 8600\n"
            "合计各项目均按期推进。\n")
    got = run(text)
    by = {(t["text"], t["indicator"]): t for t in got}
    assert ("12000", "总投资") in by and by[("12000", "总投资")]["value"] == 120000000
    assert by[("12000", "总投资")]["unit"] == "元"
    assert by[("1350", "新增学位")]["unit"] == "个" and by[("1350", "新增学位")]["value"] == 1350
    assert by[("8600", "建筑面积")]["unit"] == "平方米"
    assert ("360", "新增学位") in by and ("3500", "总投资") in by
    # the serial column and the title year are no targets
    assert not any(t["text"] in ("1", "2", "2024") for t in got)
    assert len(got) == 6


def test_tab_separated_table_from_a_word_file(run):
    text = ("序号\t学校名称\t总投资（亿元）\t新增学位（个）\n"
            "1\t西安市 高新 第一小学\t1.2\t1620\n"
            "2\t咸阳市渭城区幼儿园\t0.35\t360\n")
    got = {(t["text"], t["indicator"]): t for t in run(text)}
    assert got[("1.2", "总投资")]["value"] == pytest.approx(120000000)
    assert got[("1620", "新增学位")]["unit"] == "个"
    assert got[("0.35", "总投资")]["unit"] == "元"
    assert len(got) == 4


def test_hard_wrapped_pdf_text(run):
    text = ("全年计划完成教育基本建设投资３．６亿元，新增幼儿园学位１２００个、\n"
            "义务教育学位2500个；公办园在园幼儿占比稳定在７０％以上，普惠性幼儿园\n"
            "在园幼儿占比达到95%；高考一段上线率提高２个百分点，中职毕业生对口就\n"
            "业率不低于90%；学生体质健康合格率保持在96%以上。建设劳动实践基地５\n"
            "个，每名学生每学年参加劳动实践不少于20课时，确保实现各项工作目标。\n") * 2
    got = run(text)
    assert {t["text"] for t in got} >= {"３．６亿元", "１２００个", "2500个", "７０％", "95%",
                                        "２个百分点", "90%", "96%", "20课时"}
    assert _one(got, "90%")["indicator"] == "中职毕业生对口就业率"


# eight made-up reports, each reading differently: no parts (cues, then what the document
# sounds like), a plan with a past year's paragraph, quoted names, 其中-parts, a page-number
# line, a flattened table, 分别-lists, ranges and money
THREAD_TEXTS = [
    ("全县已建成标准化学校36所，累计培训教师1.2万人次。学前教育毛入园率93.5%。"
     "全年完成了校舍改造，新建食堂14个。", None),
    ("某市教育局2025年工作要点\n2024年，全市新建学校9所，新增学位1.1万个；本科上线率较上年提高1.8个百分点。\n"
     "力争新增公办学位1.6万个以上，义务教育巩固率保持在99%以上。\n", "plan"),
    ("打造“青禾课堂”示范点15个，推行“一校一品”。评选“最美教师”20名，其中乡村教师12名、青年教师8名。", None),
    ("开发本土文化\n- 7 -\n校本课程11门。全年投资2.6亿，经费3500万余用于改造。", None),
    ("序号 学校名称 总投资(万元) 新增学位(个)\n1 东江实验学校 8800 1260\n2 西岭幼儿园 2100 270\n", None),
    ("全州小学、初中巩固率分别达到99.2%、98.7%。城镇、农村班额分别控制在45人、40人以内。", None),
    ("某区2024年工作总结\n每校配备心理教师二至四名，每月送教下乡3至5次，到2026年谋划项目18个。\n", "summary"),
    ("全省实施改薄项目260个，其中省本级开展前期项目7个，实施类项目12个，计划投资5.4亿元。"
     "选派骨干教师52名到乡村学校支教。", None),
]


def test_one_instance_serves_eight_threads_at_once():
    """The component keeps no per-document state: eight threads sharing one instance, each on
    its own text, get exactly the targets each text gets alone."""
    import sys
    import threading

    from conftest import bare_nlp
    from pipeline.api import make_doc
    from pipeline.components.targets import TargetExtractor

    nlp = bare_nlp()
    comp = TargetExtractor()

    def doc_of(text, kind):
        doc = make_doc(nlp, text)
        if kind is not None:
            doc._.parts = [{"start": 0, "end": len(doc.text), "kind": kind, "year": 2025 if kind == "plan" else 2024}]
        return doc

    alone = [comp(doc_of(t, k))._.targets for t, k in THREAD_TEXTS]
    assert all(alone)
    rounds = 8
    docs = [[doc_of(t, k) for _ in range(rounds)] for t, k in THREAD_TEXTS]
    got: list[list] = [[] for _ in THREAD_TEXTS]
    errors: list[Exception] = []
    start = threading.Barrier(len(THREAD_TEXTS))

    def work(i):
        try:
            start.wait()
            for doc in docs[i]:
                got[i].append(comp(doc)._.targets)
        except Exception as err:            # reported below, in the test's own thread
            errors.append(err)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)             # switch threads as often as the interpreter can
    try:
        threads = [threading.Thread(target=work, args=(i,)) for i in range(len(THREAD_TEXTS))]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    for i, targets in enumerate(alone):
        assert got[i] == [targets] * rounds, THREAD_TEXTS[i][0]


def _plain_numerals():
    """Every plain numeral below 10^4 of cn2an's strict grammar (with 两 for 二), a spread of
    万 forms, and every string of up to three numeral characters (accepted or not)."""
    import itertools
    import random

    d = "一二两三四五六七八九"
    c99 = {a + "十" + b for a in ["", *d] for b in ["", *d]} | set(d)
    tens = {a + "十" + b for a in d for b in ["", *d]}
    c100 = {a + "百" + t for a in d for t in ["", *tens]}
    c1000 = {a + "千" + h for a in d for h in ["", *c100]}
    below = sorted(c99 | c100 | c1000)
    rng = random.Random(5)
    after_wan = ["", *sorted(c1000)]
    wan = [rng.choice(below) + "万" + rng.choice(after_wan) for _ in range(1500)]
    chars = d + "零〇十百千万亿点"
    short = ["".join(p) for n in (1, 2, 3) for p in itertools.product(chars, repeat=n)]
    return below + wan + short


def test_plain_numerals_read_as_cn2an_reads_them():
    from pipeline.components.targets import _cn2an_value, simple_cn_int

    fast = 0
    for s in _plain_numerals():
        v = simple_cn_int(s)
        if v is None:
            continue
        fast += 1
        ref = _cn2an_value(s)
        assert ref is not None and str(ref) == str(v), (s, v, ref)
    assert fast > 12000      # the fast path is what most numerals take
    assert simple_cn_int("一百零三") is None and simple_cn_int("二十二亿") is None
    assert simple_cn_int("一百十") is None    # not in the strict grammar: cn2an's smart mode decides

"""Indicator qualifiers that come from earlier in the sentence than the number's clause
(ANNOTATION.md s.3): a sub-area subject shared by later clauses, the topic of the clause
before, the construction a measure belongs to, the past year of a value in a plan.
Sentences are made up, about other provinces and cities."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def run(run_targets):
    return run_targets


# (sentence, surface, expected indicator, exact?)
CASES = [
    # a sub-area subject opening the sentence is shared by the later clauses
    ("到2026年主城区规划学校项目40个,新增学位3.2万个。", "3.2万个", "主城区新增学位", True),
    ("全省实施改薄项目300个,其中省本级开展前期项目8个,实施类项目15个,计划投资6.2亿元。",
     "15个", "省本级实施类项目", True),
    ("全省实施改薄项目300个,其中省本级开展前期项目8个,实施类项目15个,计划投资6.2亿元。",
     "6.2亿元", "省本级计划投资", False),
    # 全市/全县 is not carried over: every mention counts the whole area anyway
    ("全市新建幼儿园18所,新增学位5400个。", "5400个", "全市", None),
    # a light-verb clause with no number names the topic of a bare count after it
    ("开展初中学业质量监测,抽测学生2.1万名。", "2.1万名", "初中学业质量监测抽测学生", True),
    ("实施“齐鲁名师”培养工程,遴选培养对象80名。", "80名", "齐鲁名师培养对象", True),
    ("深化中小学食堂专项整治,组织交叉检查三轮。", "三轮", "中小学食堂交叉检查", False),
    ("加强校外托管机构常态化监管,收费资金监管覆盖率达到100%。", "100%", "校外托管机构收费资金监管覆盖率", True),
    ("持续推进城乡教育共同体建设,新增结对学校45所。", "45所", "新增城乡教育共同体结对学校", True),
    ("推进社区老年学校建设,完成3所老年学校、8所老年课堂,任务完成率105%。", "105%", "社区老年学校任务完成率", True),
    ("加强民办学校常态化监管,年检合格率达到98%。", "98%", "民办学校年检合格率", True),
    # a clause opening with its subject (a school, a work) owns the bare measure after it
    ("城东新区实验学校完成主体工程,建筑面积约3.6万平方米。", "约3.6万平方米", "城东新区实验学校建筑面积", True),
    ("南湖小学扩建工程顺利竣工,建成后将新增校舍1.2万平方米。", "1.2万平方米", "南湖小学扩建新增校舍", True),
    ("城乡初中学业水平差距进一步缩小,9所农村初中完成提升改造。", "9所", "差距", None),
    # a partner before the light verb is passed over
    ("与江西交通职业技术学院开展五年一贯制培养,招生150人。", "150人", "五年一贯制培养招生", True),
    # the topic may sit one clause further back
    ("推进“晋韵书香”课程改革,成立市级课程研究中心,新增试点校40所。", "40所", "新增晋韵书香课程试点校", True),
    ("积极推进非遗进校园活动,覆盖率达75%,平均次数达3次。", "3次", "非遗进校园平均次数", False),
    # … but a count that names itself fully keeps its own words
    ("深化“智慧课堂”城乡结对,30所乡村学校实现同步课堂,开设同步课堂800节。", "800节", "开设同步课堂", True),
    ("大力推进“百名名匠、千名学徒”工程,聘请名匠30名。", "30名", "聘请名匠", True),
    ("加强学校体育工作,学生体质健康优良率达到55%。", "55%", "学生体质健康优良率", True),
    ("推进大中小学思政课一体化建设,建设市级思政课名师工作室20个。", "20个", "建设市级思政课名师工作室", True),
    # a part after 其中 keeps its parent, not the sentence subject
    ("中心城区招聘教师300人,其中研究生120人。", "120人", "中心城区", None),
]


PLAN = "2024年工作要点\n"
PLAN_PARTS = [{"start": 0, "end": 400, "kind": "plan", "year": 2024}]
# in a plan: a value of a named past year right before it carries the year, the goal after it
# does not; a sentence or paragraph opening with a past year adds no time word (ANNOTATION s.3)
PLAN_CASES = [
    ("义务教育学校课后服务参与率由2023年的81.2%提高到90%以上。", "81.2%", "2023年义务教育学校课后服务参与率", True),
    ("义务教育学校课后服务参与率由2023年的81.2%提高到90%以上。", "90%", "义务教育学校课后服务参与率", True),
    ("2023年，全县新增普惠性幼儿园学位1800个，高考本科上线率达到71.5%。", "71.5%", "高考本科上线率", True),
    ("力争2024年底全县新增托位900个。", "900个", "2024", None),
]


@pytest.mark.parametrize("text,surface,expected,exact", PLAN_CASES)
def test_indicator_plan(run, check_indicator, text, surface, expected, exact):
    check_indicator(run(PLAN + text, parts=PLAN_PARTS), surface, expected, exact)


@pytest.mark.parametrize("text,surface,expected,exact", CASES)
def test_indicator(run, check_indicator, text, surface, expected, exact):
    check_indicator(run(text), surface, expected, exact)

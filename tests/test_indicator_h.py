"""Indicator constructions found missing on reports from other provinces (ANNOTATION.md s.3):
分别-lists, a paragraph of a past year in a plan, outcome counts of people (人数), pivot verbs
(选派/吸引 X N名 做 Y), an institution doing the counted work, partner frames, shares with a
的-noun after them, time adverbs inside the clause, projects' money, place lists before a count.
Sentences are made up, about Guizhou, Yunnan, Gansu, Jiangxi and Shanxi."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def run(run_targets):
    return run_targets


# (sentence, surface, expected indicator, exact?)  exact=None: ``expected`` must not be in it
CASES = [
    # subjects listed before 分别 share one head and take the values in order
    ("全州小学、初中入学率分别达到99.8%、99.4%。", "99.8%", "全州小学入学率", True),
    ("全州小学、初中入学率分别达到99.8%、99.4%。", "99.4%", "全州初中入学率", True),
    ("城镇、农村班额分别控制在42人、38人以内。", "38人", "农村班额", True),
    ("学生体育、美育达标率分别为91.2%、88.7%。", "88.7%", "学生美育达标率", True),
    # … but not when the head follows 分别
    ("城区、乡镇分别新增学位1200个、800个。", "800个", "乡镇新增学位", None),
    # people counted by an outcome verb are its 人数; a year after 全市 is a time
    ("全市2023年高考本科上线8120人，其中特殊类型招生控制线上线960人。", "8120人", "全市高考本科上线人数", True),
    ("全市2023年高考本科上线8120人，其中特殊类型招生控制线上线960人。", "960人", "特殊类型招生控制线上线人数", True),
    # pivot verbs: people sent or brought to do something are counted by what they do
    ("选派骨干教师45名到乡村学校支教。", "45名", "选派到乡村学校支教的骨干教师", True),
    ("吸引高校毕业生留乡创业就业2000人以上。", "2000人", "吸引留乡创业就业的高校毕业生", True),
    # a named institution doing the counted work is no part of what is counted
    ("毕节市特殊教育学校新建感统训练室3间。", "3间", "新建感统训练室", True),
    ("支持有条件的初中开设课后托管班12个。", "12个", "初中开设课后托管班", True),
    # a partner frame is dropped up to its verb
    ("联合云南白药集团股份有限公司组建产教联合体2个。", "2个", "产教联合体", True),
    # a share with a 的-noun after it keeps the verb clause before it as the noun's modifier
    ("城乡教育共同体覆盖90%以上的乡村学校。", "90%", "城乡教育共同体覆盖的乡村学校比例", True),
    # a time adverb inside the clause is dropped
    ("同步课堂全年授课900节。", "900节", "同步课堂授课", True),
    # the projects before their money
    ("全年完成校舍建设项目投资3.2亿元。", "3.2亿元", "校舍建设项目完成投资", True),
    # a topic clause's mechanism noun (模式, 机制) is dropped like 工程/行动
    ("全面推行“课后三点半”托管服务模式,学生参与率达92.5%。", "92.5%", "课后三点半托管服务学生参与率", True),
    # a place list before a leading count, building verb after the noun
    ("在石桥镇、白沙镇等6个乡镇改扩建公办中心幼儿园。", "6个", "改扩建公办中心幼儿园的乡镇", True),
]


@pytest.mark.parametrize("text,surface,expected,exact", CASES)
def test_indicator_h(run, check_indicator, text, surface, expected, exact):
    check_indicator(run(text), surface, expected, exact)


PLAN = "2024年工作计划\n"
PLAN_PARTS = [{"start": 0, "end": 400, "kind": "plan", "year": 2024}]
# in a plan, a paragraph that opens with a past year reports that year in every sentence (its
# kind), but the year is a time word, no part of what is counted (ANNOTATION s.3)
PLAN_CASES = [
    ("2023年，全省新增公办学位5600个。义务教育巩固率达到98.6%。\n2024年，新增公办学位6000个。",
     "98.6%", "义务教育巩固率", True),
    ("2023年，全省新增公办学位5600个。义务教育巩固率达到98.6%。\n2024年，新增公办学位6000个。",
     "6000个", "2023", None),
]


@pytest.mark.parametrize("text,surface,expected,exact", PLAN_CASES)
def test_indicator_h_plan(run, check_indicator, text, surface, expected, exact):
    check_indicator(run(PLAN + text, parts=PLAN_PARTS), surface, expected, exact)


def test_hard_wrapped_verb_compound():
    """建成投用 (v vn p) leads the noun after the number; the wrap inside 中小学 is joined."""
    from conftest import bare_nlp
    from pipeline.api import make_doc
    from pipeline.components.targets import TargetExtractor

    nlp = bare_nlp()
    comp = TargetExtractor()
    doc = make_doc(nlp, "实施城区学校建设攻坚行动，全年建成投用12所中\n小学，新增学位8000个。", join_wraps=True)
    comp(doc)
    inds = {doc.text[t["start"]:t["end"]]: t["indicator"] for t in doc._.targets}
    assert inds["12所"] == "建成投用中小学"


# a light verb and the doer before it say who handled what is counted, not what it is
LIGHT_VERB_CASES = [
    ("全年发放各类学生资助资金2860万元。", "2860万元", "学生资助资金", True),
    ("县教研室组织送教送研活动35场。", "35场", "送教送研活动", True),
    ("市财政局安排课后服务专项经费3000万元。", "3000万元", "课后服务专项经费", True),
    # people sent to do something are counted by what they do (the verb stays)
    ("组织学生参加研学实践3万人次。", "3万人次", "组织参加研学实践的学生", True),
    # whom the act is for qualifies it
    ("面向企业职工开展技能培训10万人次。", "10万人次", "企业职工技能培训", True),
    ("对新任校级干部开展集中培训3期。", "3期", "新任校级干部集中培训", True),
    ("全市已组建幼儿园教育集团49个。", "49个", "全市幼儿园教育集团", True),
    # the whole area stays, and 各级各类 is one phrase
    ("全县共有各级各类学校312所。", "312所", "全县各级各类学校", True),
    # 建成后: what a building will hold, not what is built
    ("南部二中新校区主体完工，建成后可容纳学生4500人。", "4500人", "建成后可容纳学生", True),
    # 新增, 新建: the verb is part of what is counted
    ("全年新建公办幼儿园12所。", "12所", "新建公办幼儿园", True),
]


@pytest.mark.parametrize("text,surface,expected,exact", LIGHT_VERB_CASES)
def test_indicator_light_verb(run, check_indicator, text, surface, expected, exact):
    check_indicator(run(text), surface, expected, exact)


# a short indicator whose first word is in the one of the count just before takes its qualifiers
SHARED_WORD_CASES = [
    ("高考普通类一段上线1164人，一段上线率达到68.3%。", "68.3%", "高考普通类一段上线率", True),
    # the whole area is no qualifier to carry over
    ("全县本科上线2036人，本科上线率62.7%。", "62.7%", "全县", None),
]


@pytest.mark.parametrize("text,surface,expected,exact", SHARED_WORD_CASES)
def test_indicator_shared_word(run, check_indicator, text, surface, expected, exact):
    check_indicator(run(text), surface, expected, exact)


# no comparator or time words in what is counted (ANNOTATION.md s.3)
NO_CMP_TIME_CASES = [
    ("提高公办幼儿园生均公用经费标准至每生每年1600元。", "1600元", "每生每年", None),
    ("特殊教育生均公用经费标准提高到每生每年8000元。", "8000元", "特殊教育生均公用经费标准", True),
    ("每所学校每学期至少开展应急疏散演练2次。", "2次", "至少", None),
    ("目前全县共有各级各类学校243所。", "243所", "目前", None),
    ("与职业技术学院开展中高职一体化培养，当年招生120名。", "120名", "当年", None),
]


@pytest.mark.parametrize("text,surface,expected,exact", NO_CMP_TIME_CASES)
def test_indicator_no_comparator_or_time_words(run, check_indicator, text, surface, expected, exact):
    check_indicator(run(text), surface, expected, exact)

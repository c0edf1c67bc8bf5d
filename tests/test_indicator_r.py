"""Indicator rules of issue 12's third round: how the counted noun phrase is built in Chinese (a
change of a count, the reach of a programme, what undergoes an act, the whole of a share); the
cases are short sentences in the reports' style."""
import pytest


@pytest.fixture(scope="module")
def run(run_targets):
    return run_targets


# a count that grows grows by an amount (增量); a rate or a score by a rise (增幅)
CHANGE_CASES = [
    ("全区普通高中招生1.08万人，比上年增加1600人。", "1600人", "普通高中招生增量", False),
    ("孤独症儿童少年专门班级增加10个。", "10个", "孤独症儿童少年专门班级增量", True),
    ("高考本科上线率较上年提高2.4个百分点。", "2.4个百分点", "高考本科上线率增幅", True),
    ("中考平均分较上年提高12.6分。", "12.6分", "中考平均分增幅", True),
]

# a count or rate named by a verb of reach alone (覆盖, 惠及, 参与 …) is the reach of the clause
# before: its topic comes first (the count there, the object of its light verb, its subject)
REACH_CASES = [
    ("组建城乡学校共同体800个，覆盖乡村学校2000所。", "2000所", "城乡学校共同体覆盖乡村学校", True),
    ("持续实施农村义务教育学生营养改善计划，惠及学生约420万名。", "约420万名", "营养改善计划惠及学生", False),
    ("课后服务实现义务教育学校全覆盖，学生参与率96.4%。", "96.4%", "课后服务学生参与率", True),
    ("会同卫健部门开展学生心理健康筛查，筛查覆盖率达到100%。", "100%", "学生心理健康筛查覆盖率", True),
    ("与某公司合作实施“智慧阅读”项目，覆盖中小学150所。", "150所", "智慧阅读项目覆盖中小学", True),
    # what is reached is named already: nothing added
    ("办好家长学校，家访覆盖率达到100%。", "100%", "家访覆盖率", True),
    ("推进帆船运动普及，参与帆船运动的中小学生达到8万人。", "8万人", "参与帆船运动的中小学生", True),
    ("义务教育学校课后服务实现应开尽开，参加课后服务学生98.6万人。", "98.6万人", "参加课后服务学生", True),
]

# what 对 brings before an act undergoes it: counted as the ones that undergo it (接受…的…)
UNDERGO_CASES = [
    ("配合纪检部门对23所学校开展专项巡察。", "23所", "接受专项巡察的学校", True),
    ("年内完成对8所市管高校的巡察。", "8所", "接受巡察的市管高校", True),
    ("对全区74所民办学校和幼儿园开展年度检查。", "74所", "接受年度检查的民办学校和幼儿园", True),
    # no 对: the act stays as written
    ("选派骨干教师60名到县中跟岗支教。", "60名", "接受", None),
]

# a share after 其中 is the part's share of the whole counted just before
SHARE_OF_WHOLE_CASES = [
    ("全年新招录教师860名，其中研究生学历占比41%。", "41%", "新招录教师研究生学历占比", True),
    ("全年发展党员42名，其中一线教师占90.5%。", "90.5%", "发展党员一线教师占比", True),
    ("交流轮岗比例不低于符合条件人数的10%，其中骨干教师不低于20%。", "20%", "交流轮岗骨干教师比例", True),
    # the part's share names its whole itself (占…总数的)
    ("招聘教师1200名左右，其中农村学校教师占招聘总数的60%。", "60%", "农村学校教师占招聘比例", True),
    # no 其中: a share of its own
    ("全年新招录教师860名，研究生学历占比41%。", "41%", "新招录", None),
]


@pytest.mark.parametrize("text,surface,expected,exact",
                         CHANGE_CASES + REACH_CASES + UNDERGO_CASES + SHARE_OF_WHOLE_CASES)
def test_indicator_round3(run, check_indicator, text, surface, expected, exact):
    check_indicator(run(text), surface, expected, exact)

"""Indicator of a numeric target read from the clause before the number: lists as appositions,
people appointed as a role, shares of a whole, bare verbs counting people, coordinated heads,
frames after the subject, units that are the measured quantity, list items governed by the
list's verb, 其中-parts of a bare head.  Sentences are made up, about other provinces."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def run(run_targets):
    return run_targets


# (sentence, surface of the target, expected indicator, exact?)  exact=False: ratio >= 80
CASES = [
    # a 、/等 list before a leading number is an apposition of the noun after it
    ("市技师学院新增工业机器人、跨境电商2个专业。", "2个", "新增专业", True),
    ("开工建设东湖小学、南岭中学、北苑幼儿园等6个项目。", "6个", "开工建设项目", True),
    ("机械、化工、园艺3个专业硕士点完成立项。", "3个", "完成立项的专业硕士点", True),
    # people appointed as a role are counted by the role
    ("聘请吴明等9位专家学者为“市基础教育咨询顾问”。", "9位", "市基础教育咨询顾问", False),
    ("聘请省内12位特级教师为乡村学校学科导师。", "12位", "乡村学校学科导师", False),
    # 为 as "for" is no role
    ("组织200名教师为留守儿童开展课业辅导。", "200名", "组织教师", True),
    # a share names its part and its whole
    ("其中青年教师不低于培训总数的30%。", "30%", "青年教师占培训比例", True),
    ("认定智慧校园比例不低于全省中小学校总数的15%。", "15%", "认定智慧校园比例", True),
    # a bare verb counting people takes the people from the clause before; the share after it too
    ("推进市域内校长交流轮岗，全年交流58名，占符合交流条件校长的12.5%。", "58名", "交流轮岗校长", True),
    ("推进市域内校长交流轮岗，全年交流58名，占符合交流条件校长的12.5%。", "12.5%",
     "交流轮岗校长占符合交流条件校长比例", True),
    # a bare noun joined by 和 shares the modifiers of the mention before
    ("表彰全省乡村教育先进集体30个和个人150名。", "150名", "表彰全省乡村教育先进个人", True),
    # a frame after the subject is dropped with the subject, and the light verb (开展) with
    # them: what is counted is the noun phrase after it
    ("县职教中心全年面向果农、返乡青年开展职业技能培训2600人次。", "2600人次", "职业技能培训", True),
    # a unit that is the measured quantity ends the indicator
    ("全省教师人均参加培训72学时。", "72学时", "全省教师人均参加培训学时", True),
    # a place between the verb and a leading number leads the noun phrase
    ("柔性引进北京15名特级教师、名校长为兼职导师。", "15名", "柔性引进北京特级教师", True),
    # the next list item is governed by the verb that opens the list
    ("引进“双一流”高校毕业生、部属师范院校毕业生90名、博士生12名。", "12名", "引进博士生", True),
    ("省级课题立项200项，其中新设劳动教育专项20项、体育美育专项25项。", "25项", "新设体育美育专项", True),
    # a short verb clause counting people names the activity opened by a light verb before it
    ("开展初中学业质量监测，抽测学生2.4万名。", "2.4万名", "初中学业质量监测抽测学生", True),
    ("实施“青蓝名师”培养工程，遴选培养对象80名。", "80名", "青蓝名师培养对象", True),
    ("与本省技师学院开展五年一贯制培养，招生160人。", "160人", "五年一贯制培养招生", True),
    # people who do something are counted as the people, the verb phrase their 的-modifier
    ("全市初中生参加暑期研学旅行1.2万人次。", "1.2万人次", "参加暑期研学旅行的全市初中生", True),
    ("为新任班主任配置指导教师36位。", "36位", "为新任班主任配置指导教师", False),
    # a verb with no object after a 在…中 frame is about the event the frame names
    ("在全国青少年科技创新大赛中获奖23项。", "23项", "全国青少年科技创新大赛获奖", True),
    ("在全市新建幼儿园12所。", "12所", "新建幼儿园", True),
    # a 其中 part of a bare head keeps the parent's verb
    ("全省招聘教师1200人，其中研究生以上180人。", "180人", "研究生以上招聘教师", True),
]


@pytest.mark.parametrize("text,surface,indicator,exact", CASES)
def test_indicator_c(run, check_indicator, text, surface, indicator, exact):
    check_indicator(run(text), surface, indicator, exact)

"""Indicators when the number comes first (ANNOTATION.md s.3): the noun phrase after the
number is what is counted, a verb phrase after it becomes a 的-modifier.  Sentences are made
up, about provinces and cities outside the corpus; each row checks one target's indicator
the way the scorer does (rapidfuzz ratio >= 80), or exactly where the rule fixes the string."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def run(run_targets):
    return run_targets


CASES = [
    # a quoted name after the number is one word, not split by the segmenter
    ("建成12个“智享课堂”示范点。", "12个", "建成智享课堂示范点", True),
    # the verb phrase goes on through a list of objects
    ("3名学生被复旦大学、南京大学录取。", "3名", "被复旦大学、南京大学录取的学生", True),
    # and-joined nouns share the verb phrase
    ("对全县150名幼儿园园长和保育员开展专题培训。", "150名", "开展专题培训的幼儿园园长和保育员", True),
    # coordinated counts share the verb phrase after the last one; it keeps whole words
    ("5所学校、12个专业入选省优质中职学校和专业建设名单。", "5所", "入选省优质中职学校和专业建设名单的学校", False),
    ("5所学校、12个专业入选省优质中职学校和专业建设名单。", "12个", "入选省优质中职学校和专业建设名单的专业", False),
    # the verb before the number is the last item of a 、-list of verb phrases
    ("深化网络教研、开展百所学校结对帮扶。", "百所", "开展结对帮扶的学校", True),
    # the verb phrase stops at 等
    ("推进百名教师结对导学等方面合作。", "百名", "推进结对导学的教师", True),
    # a list of names in apposition before the number is no verb
    ("机械、电子、化工3个专业硕士点完成立项。", "3个", "完成立项的专业硕士点", True),
    # ... but the verb opening that list is the verb of the count
    ("市职业技术学校新增无人机应用、康养服务2个专业。", "2个", "新增专业", True),
    ("开工建设甲小学、乙中学、丙幼儿园等6个项目。", "6个", "开工建设项目", True),
    # NP的 + a nominalised act; a count right after another shares the clause's opening verb
    ("完成了区属学校12个党支部 30个党小组的集中换届工作。", "30个", "完成集中换届的党小组", True),
    # the measure word says which noun is counted; what follows that noun joins the verb phrase
    ("全区30所中小学校园足球实现全覆盖。", "30所", "校园足球实现全覆盖的中小学", True),
    ("完成150间教室照明设备改造。", "150间", "完成照明设备改造的教室", True),
    ("完成6所学校食堂和浴室改造。", "6所", "完成食堂和浴室改造的学校", True),
    ("8所幼儿园通过省一级幼儿园评估。", "8所", "通过省一级幼儿园评估的幼儿园", True),
    # a comparator adverb inside the verb before the number is not what is counted
    ("每间教室至少提供2条千兆链路。", "2条", "每间教室提供千兆链路", False),
    ("每所中小学至少配备1名专职心理健康教师。", "1名", "每所中小学配备专职心理健康教师", True),
    # a distributive 每-phrase right before the number is part of what is counted
    ("确保每个街道至少有1所公办幼儿园。", "1所", "每个街道公办幼儿园", True),
    ("完成每学期两次视力筛查。", "两次", "每学期视力筛查", True),
    # coordinated counts without a verb phrase share the verb before the first one
    ("新建5所学校和3所幼儿园。", "3所", "新建幼儿园", True),
    ("完成4所老年大学、6所老年学堂。", "6所", "完成老年学堂", True),
    # and-joined heads are not split by the measure-word head rule
    ("全市120所中小学和幼儿园完成安全检查。", "120所", "完成安全检查的中小学和幼儿园", True),
    ("建成3个市级教师发展中心、5个县级研训基地。", "5个", "建成县级研训基地", True),
    # a one-character adverb closing the noun phrase belongs to the verb phrase
    ("实现全区33所公办中小学全覆盖。", "33所", "全覆盖的公办中小学", True),
    # a list of objects of any length
    ("20名学生获得一、二、三等奖。", "20名", "获得一、二、三等奖的学生", True),
    # a count inside the verb phrase does not end it
    ("邀请15位专家开设30场专题讲座。", "15位", "邀请开设专题讲座的专家", True),
    # a list of numerals (一、二等奖) does not end the verb phrase
    ("4名教师分获省班主任基本功大赛一、二等奖。", "4名", "分获省班主任基本功大赛一、二等奖的教师", False),
]


@pytest.mark.parametrize("text,surface,gold,exact", CASES, ids=[c[2] for c in CASES])
def test_post_indicator(run, check_indicator, text, surface, gold, exact):
    check_indicator(run(text), surface, gold, exact)

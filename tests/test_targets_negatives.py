"""No false targets (ANNOTATION.md s.3, issue 12 part 4): years, dates, document numbers,
phone numbers, ordinals, counts inside names, page and section numbers are no quantities.
Every sentence also holds one real target, which must still be found, alone.  Made up."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def run(run_targets):
    return run_targets


CLASSES = {
    "years": ["2023年新建学校5所。", "2021—2025年新建学校5所。", "2022学年新建学校5所。",
              "2024届毕业生全部就业，新建学校5所。", "2023年度新建学校5所。"],
    "dates": ["2023年9月1日新建学校5所。", "截至12月31日，新建学校5所。", "二〇二三年十二月新建学校5所。"],
    "document numbers": ["根据甬教〔2023〕12号文件，新建学校5所。", "按照浙政办发〔2021〕35号要求，新建学校5所。"],
    "phone numbers": ["咨询电话0571-88888888，新建学校5所。", "12345热线转办，新建学校5所。",
                      "邮编310000，新建学校5所。"],
    "ordinals": ["第二批试点新建学校5所。", "排名第3位，新建学校5所。", "获评第24届优秀，新建学校5所。",
                 "一是加强党建，二是新建学校5所。", "学习党的二十届三中全会精神，新建学校5所。",
                 "贯彻十九届五中全会精神，新建学校5所。"],
    "counts inside names": ["编制“十四五”规划，新建学校5所。", "十四五期间新建学校5所。",
                            "实施三名工程，新建学校5所。", "实施“三名工程”，新建学校5所。",
                            "推行1+N集团化办学，新建学校5所。", "建设“1+4+N”体系，新建学校5所。",
                            "推进三个课堂应用，新建学校5所。", "落实八项规定，新建学校5所。"],
    "page numbers": ["全年新增学位\n第3页 共8页\n新建学校5所。", "全年\n— 12 —\n新建学校5所。",
                     "详见第5页，新建学校5所。"],
    "section numbers": ["3.2 加强保障，新建学校5所。", "（2）新建学校5所。", "（十二）新建学校5所。",
                        "1.1.2 新建学校5所。", "第三章第二节 新建学校5所。", "附件3：新建学校5所。",
                        "表2 新建学校5所。"],
}


@pytest.mark.parametrize("cls", sorted(CLASSES))
def test_no_false_target(run, cls):
    for sentence in CLASSES[cls]:
        assert [t["text"] for t in run(sentence)] == ["5所"], sentence


def test_no_count_inside_a_place_or_school_name():
    """九台区, 三台镇: a numeral + measure word inside a REGION or SCHOOL the entity stages found
    is part of the name; the same words outside a name stay a count."""
    from pipeline.api import make_doc
    from pipeline.components.targets import TargetExtractor

    from conftest import bare_nlp

    text = "在九台区、三台镇建设实践基地2个，新增九台设备。"
    doc = make_doc(bare_nlp(), text)
    doc._.entities = [{"start": text.index("九台区"), "end": text.index("九台区") + 3, "label": "REGION"},
                      {"start": text.index("三台镇"), "end": text.index("三台镇") + 3, "label": "REGION"}]
    TargetExtractor()(doc)
    assert sorted(doc.text[t["start"]:t["end"]] for t in doc._.targets) == ["2个", "九台"]


def test_place_names_with_numerals_give_no_target(nlp):
    doc = nlp("长春市九台区新建学校5所，山西省五台县新建幼儿园2所。")
    assert sorted(doc.text[t["start"]:t["end"]] for t in doc._.targets) == ["2所", "5所"]

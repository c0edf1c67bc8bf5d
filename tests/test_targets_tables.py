"""Flattened tables (ANNOTATION.md s.3, issue 12): a number in a cell is a target; its unit
comes from its column header, a 单位 note or its row label; its kind from a column that names a
goal or a result; its indicator from the header (or the row label that carries the unit).
Tables are made up."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def run(run_targets):
    return run_targets


def _by_text(targets):
    out = {}
    for t in targets:
        out.setdefault(t["text"], []).append(t)
    return out


INDICATOR_TABLE = ("表1\t2023年主要指标完成情况\n"
                   "指标（单位）\t年度目标\t实际完成\t完成情况\n"
                   "新增公办学位（个）\t12000\t13560\t超额完成\n"
                   "普惠性幼儿园覆盖率（%）\t90\t91.4\t完成\n"
                   "教育基本建设投资（亿元）\t20\t21.5\t超额完成\n")


def test_row_label_with_a_unit_names_the_cells_and_columns_give_the_kind(run):
    got = _by_text(run(INDICATOR_TABLE))
    goal, done = got["12000"][0], got["13560"][0]
    assert goal["unit"] == done["unit"] == "个"
    assert goal["indicator"] == done["indicator"] == "新增公办学位"
    assert goal["kind"] == "target" and done["kind"] == "actual"
    assert got["91.4"][0]["unit"] == "%" and got["91.4"][0]["value"] == pytest.approx(91.4)
    assert got["21.5"][0]["value"] == pytest.approx(2150000000) and got["21.5"][0]["unit"] == "元"
    assert got["20"][0]["kind"] == "target"
    assert "2023" not in got      # the title's year is no cell


def test_kind_of_a_plan_and_a_done_column_in_a_project_table(run):
    text = ("序号\t项目名称\t新增学位(个)\t计划投资(万元)\t完成投资(万元)\n"
            "1\t城东实验学校\t1080\t18500\t19200\n"
            "2\t北湖幼儿园\t360\t4200\t3900\n")
    got = _by_text(run(text))
    assert got["18500"][0]["kind"] == "target" and got["18500"][0]["indicator"] == "计划投资"
    assert got["19200"][0]["kind"] == "actual" and got["19200"][0]["indicator"] == "完成投资"
    assert got["19200"][0]["value"] == 192000000
    assert got["1080"][0]["indicator"] == "新增学位"
    assert "1" not in got and "2" not in got    # serial numbers


def test_unit_note_gives_the_unit_of_bare_columns(run):
    text = ("各县区教育经费投入（单位：万元）\n"
            "县区\t2022年\t2023年\n"
            "甲县\t56000\t61200\n"
            "乙区\t43000\t47800\n")
    got = _by_text(run(text))
    assert got["61200"][0]["unit"] == "元" and got["61200"][0]["value"] == 612000000
    assert got["56000"][0]["indicator"] == "各县区教育经费投入"    # year columns: the title names it
    assert len([t for ts in got.values() for t in ts]) == 4


@pytest.mark.parametrize("sep", ["\t", " | ", "    "])
def test_the_same_table_in_any_separator(run, sep):
    rows = [["序号", "项目名称", "建设地点", "总投资(万元)", "新增学位(个)", "完成情况"],
            ["1", "城南第一小学", "城南街道", "12000", "1350", "已竣工"],
            ["2", "西岭幼儿园", "西岭镇", "3500", "—", "主体完工"],
            ["合计", "", "", "15500", "1350", ""]]
    lines = [sep.join(r) for r in rows]
    if sep == "    ":                         # space-aligned: empty cells are just wider gaps
        lines[-1] = "合计" + sep + "15500" + sep + "1350"
    got = run("\n".join(lines) + "\n")
    cells = sorted((t["text"], t["indicator"], t["unit"], t["value"]) for t in got)
    assert cells == sorted([("12000", "总投资", "元", 120000000), ("1350", "新增学位", "个", 1350),
                            ("3500", "总投资", "元", 35000000), ("15500", "总投资", "元", 155000000),
                            ("1350", "新增学位", "个", 1350)])


def test_a_prose_cell_is_read_within_its_cell(run):
    # the cell before (a project name) and the row before are no part of the indicator
    text = ("序号|项目名称|建设内容|总投资（万元）\n"
            "1|城东新区九年一贯制学校|新建教学楼1.2万平方米|36000\n"
            "2|北湖中心小学改扩建|新建幼儿园2所|9800\n")
    got = _by_text(run(text))
    assert got["2所"][0]["indicator"] == "新建幼儿园"
    assert got["1.2万平方米"][0]["indicator"] == "新建教学楼"


def test_joined_rows_of_a_wrapped_text_are_still_rows(nlp):
    # in hard-wrapped (PDF-like) text the normaliser joins lines; the rows stay rows
    from pipeline.api import make_doc, to_record
    prose = "全年实施教育重点项目八个，完成投资七亿多元，项目建设坚持学校跟着人口走，优先保障城区新建住宅片区\n"
    text = (prose * 8 + "表1 重点项目\n序号\t项目名称\t总投资(万元)\t新增学位(个)\n"
            "1\t城东实验学校\t12000\t1350\n2\t西岭幼儿园\t3500\t360\n" + prose * 2)
    rec = to_record(nlp(make_doc(nlp, text)))
    cells = {(t["text"], t["indicator"]) for t in rec["targets"]}
    assert {("12000", "总投资"), ("1350", "新增学位"), ("3500", "总投资"), ("360", "新增学位")} <= cells


def test_a_table_one_cell_per_line_with_a_page_break_inside(run):
    # a PDF reader's table: a header block, then records opening with their serial number;
    # the page footer and running head inside a record (ignored by the chrome stage) are no cells
    page = "第5页 共8页\n某市教育局2024年工作要点\n"
    text = ("表1　2024年重点建设项目\n序号\n项目名称\n建设内容\n总投资（亿元）\n年度计划投资（万元）\n"
            "新增学位（个）\n计划完成时间\n"
            "1\n城东实验学校\n新建教学楼4.2万平方米\n6.8\n15000\n1200\n2025年8月\n"
            "2\n西岭中学二期\n新建48个教学班\n" + page + "9.2\n32000\n2400\n2024年12月\n"
            "合计\n\n\n16.0\n47000\n3600\n\n各项目按月调度。\n")
    ps = text.index(page)
    got = run(text, ignored=[{"start": ps, "end": ps + len(page) - 1, "reason": "boilerplate"}])
    cells = {(t["text"], t["indicator"], t["value"]) for t in got}
    assert {("6.8", "总投资", 680000000), ("15000", "年度计划投资", 150000000), ("1200", "新增学位", 1200),
            ("9.2", "总投资", 920000000), ("2400", "新增学位", 2400), ("47000", "年度计划投资", 470000000),
            ("3600", "新增学位", 3600)} <= cells
    assert not any(t["text"] in ("1", "2", "5", "8") for t in got)
    assert {t["kind"] for t in got if t["indicator"] == "年度计划投资"} == {"target"}


def test_cells_are_read_from_the_tables_of_the_structure_stage():
    # one reader of tables (pipeline.tables): what doc._.tables holds is what the cells are
    from conftest import bare_nlp
    from pipeline.api import make_doc
    from pipeline.components.targets import TargetExtractor
    from pipeline.tables import table_records

    text = "序号\t项目名称\t总投资(万元)\n1\t城东实验学校\t12000\n2\t西岭幼儿园\t3500\n"
    nlp, comp = bare_nlp(), TargetExtractor()

    def cells(tables):
        doc = make_doc(nlp, text)
        doc._.tables = tables
        return sorted(doc.text[t["start"]:t["end"]] for t in comp(doc)._.targets)

    found = table_records(make_doc(nlp, text).text)
    assert cells(found) == ["12000", "3500"]
    assert cells([]) == []                      # the structure stage found no table: no cells
    one_row = [{**found[0], "rows": found[0]["rows"][:1]}]
    assert cells(one_row) == ["12000"]

"""Flattened tables in plain text (pipeline/tables.py): what is a table and what is not."""
from pipeline.tables import find_tables, split_cells, table_lines


def test_framed_bar_row_and_tab_row_cells():
    line = "| 1 | 某校扩建工程 | 12000 |"
    kind, cells = split_cells(line)
    assert kind == "bar" and [line[s:e] for s, e in cells] == ["1", "某校扩建工程", "12000"]
    line = "合计\t\t\t21500"
    kind, cells = split_cells(line)
    assert kind == "tab" and [line[s:e] for s, e in cells] == ["合计", "", "", "21500"]


def test_caption_header_and_rows_are_table_lines():
    text = ("新建学校3所，详见下表。\n表1　重点项目\n序号  项目名称  总投资(万元)\n"
            "1  某县第一中学  12000\n2  某县第二小学  6000\n新的一年，我们将继续努力。\n")
    assert table_lines(text) == {1, 2, 3, 4}
    (t,) = find_tables(text)
    assert t["caption"] is not None and [r["label"] for r in t["rows"]] == ["某县第一中学", "某县第二小学"]


def test_prose_navigation_and_name_lists_are_no_tables():
    prose = ("一、总体要求　　坚持稳中求进，推动教育高质量发展，办好人民满意的教育。\n"
             "二、主要目标　　新增学位5000个，新建学校6所，招聘教师300名。\n")
    nav = "首页 | 机构概况 | 政务公开\n教育动态 | 办事服务 | 互动交流\n"
    names = "获奖学校名单\n某某小学    某某中学    某某幼儿园\n第一小学    实验中学\n"
    spaced = "一 是 加 强 党 的 建 设\n二 是 推 进 优 质 均 衡 3 所\n"
    for text in (prose, nav, names, spaced):
        assert find_tables(text) == [], text


def test_serial_cells_with_a_dot_or_in_brackets():
    text = "序号\t项目名称\t总投资(万元)\n1.\t某县第一中学\t12000\n2.\t某县第二小学\t6000\n"
    (t,) = find_tables(text)
    assert [r["serial"] for r in t["rows"]] == [1, 2]


def test_tab_rows_whose_cells_are_sentences():
    text = ("序号\t项目名称\t总投资(万元)\t完成情况\n1\t某县第一中学\t12000\t已竣工，秋季投用。\n"
            "2\t某县第二小学\t6000\t主体完工，完成投资的92%。\n")
    (t,) = find_tables(text)
    assert [r["label"] for r in t["rows"]] == ["某县第一中学", "某县第二小学"]

"""Kind (target/actual) from the report's own title when the structure stage gives no part
(ANNOTATION.md s.3).  Made-up reports."""
from __future__ import annotations


def test_a_report_on_the_work_of_a_year_is_a_summary(run_targets):
    text = ("某省教育厅关于2023年全省教育工作情况的报告\n\n省委、省政府：\n"
            "全年新建学校12所，力争新增学位3000个。\n下一步工作打算\n新增学位5000个。\n")
    got = {t["text"]: t["kind"] for t in run_targets(text)}
    assert got["12所"] == "actual"
    assert got["3000个"] == "target"        # a goal's cue still wins inside a summary
    assert got["5000个"] == "target"        # the plan heading switches


def test_without_such_a_title_the_document_sounds_like_a_plan(run_targets):
    text = "某省教育厅关于2024年全省教育工作的意见\n\n力争新建学校12所，确保新增学位3000个。\n"
    got = {t["text"]: t["kind"] for t in run_targets(text)}
    assert got["12所"] == "target"


def test_a_level_raised_to_is_no_floor(run_targets):
    # ANNOTATION.md s.3: >= for 达到, 以上, 不低于 …; 提高到/增至 name the level reached (=)
    got = {t["text"]: t["comparator"] for t in run_targets(
        "公办园在园幼儿占比提高到58%，覆盖率达到90%，全区教育集团增至28个，优良率提高到60%以上。")}
    assert got == {"58%": "=", "90%": ">=", "28个": "=", "60%": ">="}

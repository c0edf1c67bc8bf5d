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


def _parts(text, kind, year):
    return [{"start": 0, "end": len(text), "kind": kind, "year": year}]


def test_a_plan_names_its_past_year_in_a_review_opening(run_targets):
    text = ("回顾2022年，全区完成教育投资3.9亿元，新增学位1800个。\n"
            "2023年主要目标：新增学位2000个。过去一年，全区新建幼儿园4所；今年将新建幼儿园6所。\n"
            "过去的一年，全州教育系统迎难而上，完成项目投资3.86亿元。\n")
    got = {t["text"]: t["kind"] for t in run_targets(text, parts=_parts(text, "plan", 2023))}
    assert got == {"3.9亿元": "actual", "1800个": "actual", "2000个": "target", "4所": "actual",
                   "6所": "target", "3.86亿元": "actual"}


def test_names_and_nouns_holding_a_goal_word_make_no_goal_in_a_summary(run_targets):
    # 招生计划 (the enrolment quota), 争取…支持 (support won): no cue of a goal
    text = ("民办学校招生计划全部纳入统一管理，招生计划占比达到65%。"
            "积极争取市财政局支持，完成9所学校校舍维修改造。力争明年新增学位500个。\n")
    got = {t["text"]: t["kind"] for t in run_targets(text, parts=_parts(text, "summary", 2023))}
    assert got == {"65%": "actual", "9所": "actual", "500个": "target"}


def test_a_programme_name_is_no_plan(nlp):
    # 营养改善计划 is a PROGRAMME (entities stage): 计划 in it names no goal of the summary
    from pipeline.api import make_doc, to_record

    text = ("某县教育局2023年工作总结\n农村义务教育学生营养改善计划惠及学生11.3万人，"
            "为脱贫家庭学生落实“雨露计划”补助2300余人。\n")
    rec = to_record(nlp(make_doc(nlp, text)))
    names = {text[e["start"]:e["end"]] for e in rec["entities"] if e["label"] == "PROGRAMME"}
    assert any("营养改善计划" in n for n in names)
    assert {text[t["start"]:t["end"]]: t["kind"] for t in rec["targets"]} == {"11.3万人": "actual",
                                                                             "2300余人": "actual"}

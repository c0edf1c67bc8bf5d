"""Indicator rules of issue 12's third round: how the counted noun phrase is built in Chinese (a
change of a count, ...); cases are short sentences in the reports' style."""
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


@pytest.mark.parametrize("text,surface,expected,exact", CHANGE_CASES)
def test_indicator_change(run, check_indicator, text, surface, expected, exact):
    check_indicator(run(text), surface, expected, exact)

"""Derived figures: what admins may write, and what the figures come to."""

from decimal import Decimal

import pytest

from qualitymonth.core.formulas import FormulaError, parse

NAMES = ["合格台数", "检定台数", "发放资料份数", "活动场次", "参与人数（人次）"]


def test_pass_rate_is_the_rate_of_totals():
    rate = parse("合格台数 / 检定台数", NAMES)
    assert rate.names == ("合格台数", "检定台数")
    assert rate.evaluate({"合格台数": 1155, "检定台数": 1209}) == Decimal(1155) / Decimal(1209)


def test_names_in_braces_may_hold_brackets_and_numbers_are_exact():
    per_event = parse("{参与人数（人次）} / 活动场次 * 0.5", NAMES)
    assert per_event.evaluate({"参与人数（人次）": 90, "活动场次": 3}) == Decimal("15.0")


def test_full_width_operators_people_type_are_understood():
    formula = parse("（合格台数 ＋ 1）÷ 检定台数 × 100", NAMES)
    assert formula.evaluate({"合格台数": 9, "检定台数": 20}) == Decimal(50)


def test_a_missing_total_or_a_zero_divisor_gives_no_value():
    rate = parse("合格台数 / 检定台数", NAMES)
    assert rate.evaluate({"合格台数": 0, "检定台数": 0}) is None
    assert rate.evaluate({"合格台数": 5}) is None


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("", "请填写公式"),
        ("合格台数 / 不存在的指标", "没有名为“不存在的指标”的指标"),
        ("__import__('os').system('id')", "只能使用指标名称、数字"),
        ("合格台数.real", "只能使用指标名称、数字"),
        ("合格台数 ** 2", "只能使用指标名称、数字"),
        ("'合格' * 3", "只能使用指标名称、数字"),
        ("合格台数 /", "公式写法有误"),
        ("1 + 2", "至少要用到一个指标"),
        ("合格台数 + " * 40 + "1", "公式过长"),
    ],
)
def test_what_cannot_be_a_formula_is_named_in_chinese(expression, message):
    with pytest.raises(FormulaError, match=message):
        parse(expression, NAMES)

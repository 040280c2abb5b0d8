import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qualitymonth.core.chinese import (
    chinese_date,
    chinese_numeral,
    chinese_period,
    numeral_value,
    pinyin_key,
    plain_number,
)


@pytest.mark.parametrize(
    ("number", "numeral"),
    [
        (1, "一"),
        (5, "五"),
        (10, "十"),
        (11, "十一"),
        (20, "二十"),
        (23, "二十三"),
        (100, "一百"),
        (105, "一百零五"),
        (110, "一百一十"),
        (215, "二百一十五"),
    ],
)
def test_heading_numerals(number, numeral):
    assert chinese_numeral(number) == numeral


def test_dates_are_written_as_in_notices():
    assert chinese_date(datetime.date(2024, 9, 30)) == "2024年9月30日"
    assert chinese_date(None) == ""
    start, end = datetime.date(2024, 9, 1), datetime.date(2024, 9, 30)
    assert chinese_period(start, end) == "2024年9月1日至9月30日"
    assert chinese_period(datetime.date(2024, 12, 20), datetime.date(2025, 1, 5)) == (
        "2024年12月20日至2025年1月5日"
    )


@pytest.mark.parametrize(
    ("numeral", "value"),
    [("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("九十九", 99), ("二〇二四", 2024)],
)
def test_numerals_read_back(numeral, value):
    assert numeral_value(numeral) == value


def test_not_a_numeral():
    assert numeral_value("") is None
    assert numeral_value("十十") is None
    assert numeral_value("甲") is None


def test_pinyin_order_of_streets_and_towns():
    names = ["曹路镇", "北蔡镇", "白莲泾", "陆家嘴街道", "川沙新镇", "张江镇"]
    assert sorted(names, key=pinyin_key) == [
        "白莲泾",
        "北蔡镇",
        "曹路镇",
        "川沙新镇",
        "陆家嘴街道",
        "张江镇",
    ]


def test_shanghai_place_names_read_as_locals_read_them():
    assert pinyin_key("长宁区").startswith("chang ning")
    assert pinyin_key("闵行区").startswith("min hang")
    assert sorted(["徐汇区", "闵行区", "长宁区"], key=pinyin_key) == ["长宁区", "闵行区", "徐汇区"]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("86.00"), "86"),  # an integer indicator's figure as the database keeps it
        (Decimal("86.50"), "86.5"),
        (Decimal("0.25"), "0.25"),
        (Decimal("100.00"), "100"),  # not 1E+2, which Decimal.normalize gives
        (Decimal("1200000.00"), "1200000"),  # no separators: it can be typed back
        (Decimal("0.00"), "0"),
        (Decimal("-0.00"), "0"),
        ("86.00", "86"),  # a version snapshot kept before figures were written plainly
        ("1E+2", "100"),
        (120, "120"),
        (98.5, "98.5"),
        (0.1, "0.1"),  # the float's shortest form, not its binary expansion
        (None, "—"),
        ("", "—"),
        ("—", "—"),  # text that is no number comes back as it is
    ],
)
def test_plain_number_shows_a_figure_as_people_write_it(value, shown):
    assert plain_number(value) == shown


@given(st.decimals(min_value=0, max_value=Decimal("1e12") - 1, places=2))
def test_plain_number_is_the_same_figure_with_no_zeros_to_spare(value):
    shown = plain_number(value)
    assert Decimal(shown) == value  # what is shown reads back as the figure
    assert "E" not in shown and "," not in shown
    if "." in shown:
        assert not shown.endswith("0")
    else:
        assert value == value.to_integral_value()


def test_the_plain_filter_is_the_same_rule_in_templates():
    from django.template import Context, Template

    template = Template("{% load qm %}{{ a|plain }} {{ b|plain }} {{ c|plain }}")
    text = template.render(Context({"a": Decimal("86.00"), "b": Decimal("86.50"), "c": None}))
    assert text == "86 86.5 —"

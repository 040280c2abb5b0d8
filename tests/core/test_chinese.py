import datetime

import pytest

from qualitymonth.core.chinese import (
    chinese_date,
    chinese_numeral,
    chinese_period,
    numeral_value,
    pinyin_key,
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

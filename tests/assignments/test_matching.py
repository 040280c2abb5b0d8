"""The notice's 牵头部门 / 协助部门 text read against the unit tree, without a database."""

from dataclasses import dataclass

from qualitymonth.assignments.matching import suggest_units


@dataclass(frozen=True)
class Unit:
    name: str
    kind: str
    short_name: str = ""


QUALITY = Unit("质量处", "division")
BUREAU = Unit("浦东新区市场监督管理局", "agency", "浦东市场监管局")
EDUCATION = Unit("浦东新区教育局", "agency")
METROLOGY = Unit("浦东新区计量质量检测所", "institute")
LUJIAZUI = Unit("陆家嘴街道", "subdistrict")
ZHANGJIANG = Unit("张江镇", "town")
PARK = Unit("张江高科技园区", "park")
UNITS = [QUALITY, BUREAU, EDUCATION, METROLOGY, LUJIAZUI, ZHANGJIANG, PARK]


def test_collective_names_mean_every_unit_of_that_kind():
    assert suggest_units(["各街镇"], UNITS) == ([LUJIAZUI, ZHANGJIANG], [])
    assert suggest_units(["各街道、镇"], UNITS) == ([LUJIAZUI, ZHANGJIANG], [])
    assert suggest_units(["各园区"], UNITS) == ([PARK], [])


def test_names_as_notices_write_them():
    assert suggest_units(["区市场监管局质量处"], UNITS) == ([QUALITY], [])
    assert suggest_units(["区市场监管局"], UNITS) == ([BUREAU], [])
    assert suggest_units(["区教育局"], UNITS) == ([EDUCATION], [])
    assert suggest_units(["计量所"], UNITS) == ([METROLOGY], [])
    assert suggest_units(["陆家嘴街道"], UNITS) == ([LUJIAZUI], [])


def test_what_matches_nothing_is_returned_to_show():
    found, unmatched = suggest_units(["区商务委", "张江镇", ""], UNITS)
    assert found == [ZHANGJIANG]
    assert unmatched == ["区商务委"]


def test_a_unit_is_suggested_once():
    found, _ = suggest_units(["张江镇", "各街镇"], UNITS)
    assert found == [ZHANGJIANG, LUJIAZUI]

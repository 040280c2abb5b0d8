"""The import plan: each row's parent, problems and action, from plain values (no database)."""

from qualitymonth.orgs.importing import KnownUnit, plan_import, row_values
from qualitymonth.orgs.validators import make_credit_code

CITY = KnownUnit(1, "上海市", None, "city", manageable=False)
PUDONG = KnownUnit(2, "浦东新区", 1, "district")
ZHANGJIANG = KnownUnit(3, "张江高科技园区", 2, "park", contact_phone="13812345678")
BUREAU = KnownUnit(4, "浦东新区市场监督管理局", 2, "agency")
DIVISION = KnownUnit(5, "质量处", 4, "division")
OTHER_BUREAU = KnownUnit(6, "浦东新区教育局", 2, "agency")
OTHER_DIVISION = KnownUnit(7, "质量处", 6, "division")
KNOWN = [CITY, PUDONG, ZHANGJIANG, BUREAU, DIVISION, OTHER_BUREAU, OTHER_DIVISION]
CODE = make_credit_code("91", "310115", "QM000201")


def row(name, parent, kind="企业", **cells):
    headers = {"code": "单位代码", "credit_code": "统一社会信用代码", "address": "地址"}
    headers |= {"contact_name": "联系人", "contact_phone": "联系电话"}
    values = {"单位名称": name, "上级单位": parent, "单位类型": kind}
    values |= {headers[key]: value for key, value in cells.items()}
    return row_values(values)


def plan(*rows, known=KNOWN):
    return plan_import(list(enumerate(rows, start=2)), known, scope_name="浦东新区")


def test_parents_may_be_in_the_database_or_earlier_or_later_rows():
    result = plan(
        row("上海甲公司", "金桥经济技术开发区"),  # its park comes later
        row("金桥经济技术开发区", "浦东新区", "园区"),
        row("上海乙公司", "张江高科技园区"),  # a park already in the database
        row("甲公司研发中心", "上海甲公司", "其他"),  # a row earlier in the file
    )
    assert [r.problems for r in result.rows] == [[], [], [], []]
    assert [r.action for r in result.rows] == ["create"] * 4
    park = result.rows[1].key
    assert result.rows[0].key == ("new", park, "上海甲公司")
    assert result.rows[3].parent_key == result.rows[0].key


def test_existing_units_are_unchanged_or_updated_and_blank_cells_keep_values():
    result = plan(
        row("张江高科技园区", "浦东新区", "园区"),
        row("浦东新区", "上海市", "区", address="上海市浦东新区世纪大道2001号"),
        row("张江高科技园区", "浦东新区", ""),  # duplicate of the first row
    )
    unchanged, updated, duplicate = result.rows
    assert unchanged.action == "unchanged" and unchanged.unit_id == 3
    assert updated.action == "update"
    assert updated.changes == {"address": ["", "上海市浦东新区世纪大道2001号"]}
    assert duplicate.problems == ["与第 2 行重复（同一上级单位下的同名单位）。"]


def test_a_masked_phone_from_an_export_stands_for_the_phone_on_file():
    result = plan(row("张江高科技园区", "浦东新区", "园区", contact_phone="138****5678"))
    assert result.rows[0].action == "unchanged" and result.rows[0].problems == []
    result = plan(row("上海丙公司", "浦东新区", contact_phone="138****5678"))
    assert "联系电话“138****5678”格式不正确" in result.rows[0].problems[0]


def test_each_problem_is_named_on_its_row():
    result = plan(
        row("", "浦东新区"),
        row("上海丁公司", "不存在的园区"),
        row("上海戊公司", "浦东新区", "工厂"),
        row("上海己公司", "浦东新区", credit_code="91310115MA1K3BTP2C"),
        row("上海庚公司", "浦东新区", contact_phone="12345"),
        row("上海辛公司", "上海市"),
        row("上海壬公司", ""),
        row("上海癸公司", "浦东新区", ""),
    )
    problems = [" ".join(r.problems) for r in result.rows]
    assert "缺少单位名称" in problems[0]
    assert "找不到上级单位“不存在的园区”" in problems[1]
    assert "单位类型“工厂”不正确，应为：市、区、街道" in problems[2]
    assert "校验码（第 18 位）不符" in problems[3]
    assert "联系电话“12345”格式不正确" in problems[4]
    assert "不在您的管理范围内：只能在“浦东新区”及其下级单位中新增单位" in problems[5]
    assert "缺少上级单位" in problems[6]
    assert "缺少单位类型" in problems[7]
    assert len(result.problem_rows) == 8


def test_units_outside_the_scope_cannot_be_changed():
    result = plan(row("上海市", "", "市", address="人民大道200号"))
    assert result.rows[0].problems == ["“上海市”不在您的管理范围内，不能修改。"]


def test_ambiguous_parents_are_named_and_a_path_resolves_them():
    result = plan(
        row("计量科", "质量处", "局内处室"),
        row("标准科", "浦东新区市场监督管理局/质量处", "局内处室"),
        row("认证科", "浦东新区 / 浦东新区教育局 / 质量处", "局内处室"),
    )
    ambiguous, by_path, by_long_path = result.rows
    assert "上级单位“质量处”有 2 个同名单位，请写出它的上级" in ambiguous.problems[0]
    assert by_path.problems == [] and by_path.parent_key == ("unit", 5)
    assert by_long_path.problems == [] and by_long_path.parent_key == ("unit", 7)


def test_a_parent_loop_and_a_row_below_a_broken_row_are_reported():
    result = plan(
        row("甲园区", "乙园区", "园区"),
        row("乙园区", "甲园区", "园区"),
        row("丙公司", "丁园区"),
        row("丁园区", "找不到的单位", "园区"),
    )
    problems = [" ".join(r.problems) for r in result.rows]
    assert "循环" in problems[0] or "循环" in problems[1]
    assert "上级单位“丁园区”在第 5 行，但那一行有问题" in problems[2]
    assert "找不到上级单位“找不到的单位”" in problems[3]


def test_credit_codes_must_be_unique():
    known = [*KNOWN, KnownUnit(8, "上海已有公司", 2, "enterprise", credit_code=CODE)]
    result = plan(
        row("上海新公司", "浦东新区", credit_code=CODE),
        row("上海已有公司", "浦东新区", credit_code=CODE),
        known=known,
    )
    assert "统一社会信用代码与已有单位“上海已有公司”相同" in result.rows[0].problems[0]
    assert result.rows[1].problems == []  # its own code
    other = make_credit_code("91", "310115", "QM000202")
    result = plan(
        row("上海新公司", "浦东新区", credit_code=other),
        row("上海另一公司", "浦东新区", credit_code=other),
    )
    assert result.rows[1].problems == ["统一社会信用代码与第 2 行相同。"]


def test_progress_is_reported_while_planning():
    seen = []
    rows = [(line, row(f"公司{line}", "浦东新区")) for line in range(2, 1002)]
    plan_import(rows, KNOWN, scope_name="浦东新区", progress=seen.append, progress_every=250)
    assert seen == [250, 500, 750, 1000, 1000]

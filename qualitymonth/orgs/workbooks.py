"""The units workbooks people download: the import template and the export of their units.

Both open in Excel and WPS: Chinese headers, a bold frozen header row, sensible column widths,
codes and phone numbers stored as text so Excel does not turn them into numbers.
"""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from qualitymonth.core.privacy import mask_phone
from qualitymonth.core.xlsx import Sheet, write_workbook

from .importing import HEADERS, kind_labels
from .models import OrgUnit
from .queries import unit_tree, walk
from .services import EXAMPLE_ROW, MAX_IMPORT_ROWS

WIDTHS = [38, 28, 14, 14, 24, 40, 12, 18]
_TEXT_COLUMNS = ["单位代码", "统一社会信用代码", "联系电话"]
SHEET_TITLE = "单位"


def notes() -> list[str]:
    return [
        "填写说明",
        "1. 每行一个单位。请勿修改第一行的表头；列的顺序可以调整。",
        "2. 单位名称、上级单位必填；新增单位还须填写单位类型。",
        "3. 上级单位写单位名称，可以是系统中已有的单位，也可以是本表中其他行的单位（前后均可）。"
        "同名单位有多个时，写出上一级：浦东新区市场监督管理局/质量处。",
        f"4. 单位类型从下拉列表中选择：{'、'.join(kind_labels())}。",
        "5. 统一社会信用代码为 18 位，导入时按 GB 32100-2015 核对校验码；"
        "企业填写，其他单位可不填。",
        "6. 联系电话填写手机号（13812345678）或固定电话（021-68824341，分机：021-68824341-801）。",
        "7. 系统按“上级单位＋单位名称”识别同一单位：已有的单位按表中内容更新，留空的列保持不变。"
        "导出文件中的电话已隐去中间几位，原样导回不会改动已有的电话。",
        "8. 导入前先显示每一行的检查结果；有任何一行有问题都不会导入，改好后重新上传即可。"
        "同一文件导入两次，第二次不会有任何改动。",
        f"9. 文件不超过 10 MB、{MAX_IMPORT_ROWS} 行。第 2 行是示例，可以删除，保留也不会被导入。",
    ]


def template_workbook() -> bytes:
    """The empty units table with its example row, a 单位类型 dropdown and a 说明 sheet."""
    kinds = DataValidation(
        type="list",
        formula1=f'"{",".join(kind_labels())}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="单位类型",
        error="请从下拉列表中选择单位类型。",
        promptTitle="单位类型",
        prompt="请从下拉列表中选择",
        showInputMessage=True,
    )
    kind_column = get_column_letter(HEADERS.index("单位类型") + 1)
    kinds.add(f"{kind_column}2:{kind_column}{MAX_IMPORT_ROWS + 1}")
    example = [EXAMPLE_ROW[header] for header in HEADERS]
    return _workbook([], examples=[example], validations=[kinds])


def _workbook(rows, **extras) -> bytes:
    sheet = Sheet(SHEET_TITLE, HEADERS, rows, WIDTHS, text_columns=_TEXT_COLUMNS, **extras)
    return write_workbook([sheet], notes=notes())


def units_workbook(units: list[OrgUnit], outer: list[OrgUnit] = ()) -> bytes:
    """The units (a user's managed units) in tree order, parents before children, phones masked.

    ``outer`` are the units just above them (a district's city), named as parents of the top
    rows. A parent whose name is not unique is written as a path of names, which the import
    reads back to the same unit.
    """
    by_id = {unit.pk: unit for unit in [*units, *outer]}
    namesakes: dict[str, list[OrgUnit]] = {}
    for unit in by_id.values():
        namesakes.setdefault(unit.name, []).append(unit)

    def chain(unit: OrgUnit) -> list[str]:
        names = []
        while unit is not None:
            names.append(unit.name)
            unit = by_id.get(unit.parent_id)
        return names  # the unit's name first, then upwards

    def reference(parent: OrgUnit) -> str:
        """The parent's name, with as many names above it as it takes to be unique."""
        others = [chain(unit) for unit in namesakes[parent.name] if unit.pk != parent.pk]
        own = chain(parent)
        length = 1
        while length < len(own) and any(other[:length] == own[:length] for other in others):
            length += 1
        return "/".join(reversed(own[:length]))

    rows = []
    for _depth, unit in walk(unit_tree(units)):
        parent = by_id.get(unit.parent_id)
        rows.append(
            [
                unit.name,
                reference(parent) if parent else "",
                str(unit.get_kind_display()),
                unit.code,
                unit.credit_code,
                unit.address,
                unit.contact_name,
                mask_phone(unit.contact_phone),
            ]
        )
    return _workbook(rows)

"""Writing workbooks: whatever text a citizen typed reaches staff as that text, never as a formula
Excel or WPS would run, and nothing they typed can make the export fail."""

import datetime
import io
import re
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.worksheet.datavalidation import DataValidation

import qualitymonth
from qualitymonth.core.xlsx import Sheet, read_table, write_table, write_workbook

from .hostile_xlsx import DANGEROUS, assert_no_formulas


def test_text_that_starts_like_a_formula_is_written_as_the_text_typed():
    data = write_workbook(
        [Sheet("投诉", ["产品或服务", "数量"], [[text, -3] for text in DANGEROUS])],
        notes=DANGEROUS,
    )
    assert_no_formulas(data)
    sheet = load_workbook(io.BytesIO(data))["投诉"]
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == DANGEROUS
    # Negative numbers stay numbers: only text is guarded.
    assert {row[1].value for row in sheet.iter_rows(min_row=2)} == {-3}
    assert sheet["B2"].data_type == "n" and not sheet["B2"].quotePrefix
    # Ordinary text is left alone.
    assert not sheet["A1"].quotePrefix


def test_an_export_imports_back_as_the_same_text():
    data = write_table(["名称", "说明"], [["甲", text] for text in DANGEROUS], title="表")
    rows = read_table(data, required=["名称", "说明"])
    assert [row.values["说明"] for row in rows] == [text.strip() for text in DANGEROUS]


def test_characters_a_workbook_cannot_hold_are_left_out_instead_of_failing_the_export():
    data = write_table(["说明"], [["电池\x0b无法\x00充电\x1f"]], title="表")
    assert load_workbook(io.BytesIO(data)).active["A2"].value == "电池无法充电"


def test_times_to_the_second_multi_line_text_wrapped_header_bold_and_frozen():
    moment = datetime.datetime(2024, 9, 27, 10, 30, 5)
    data = write_table(["时间", "说明"], [[moment, "第一行\n第二行"], [None, ""]], title="日志")
    sheet = load_workbook(io.BytesIO(data))["日志"]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    assert sheet["A2"].value == moment and sheet["A2"].number_format == "yyyy-mm-dd hh:mm:ss"
    assert sheet["B2"].alignment.wrap_text
    assert sheet["A3"].value is None and sheet["B3"].value is None


def test_template_sheets_have_examples_text_columns_and_dropdowns():
    kinds = DataValidation(type="list", formula1='"街道,镇"', allow_blank=True)
    kinds.add("B2:B100")
    data = write_workbook(
        [
            Sheet(
                "单位",
                ["名称", "类型", "代码"],
                [["甲", "镇", "0456"], ["乙", "街道", "0789", "表外的一列"]],
                [20, 10, 20],
                examples=[["（示例）", "街道", "0123"]],
                text_columns=["代码"],
                validations=[kinds],
            )
        ]
    )
    sheet = load_workbook(io.BytesIO(data))["单位"]
    assert sheet["A2"].value == "（示例）" and sheet["A2"].font.italic
    assert sheet["C2"].value == "0123" and sheet["C2"].number_format == "@"
    assert [(c.value, c.number_format) for c in sheet["C"][2:]] == [("0456", "@"), ("0789", "@")]
    assert sheet["A3"].value == "甲" and not sheet["A3"].font.italic
    assert sheet["D4"].value == "表外的一列" and sheet["D4"].number_format == "General"
    # Rows a person adds later keep codes as typed, leading zeros and all.
    assert sheet.column_dimensions["C"].number_format == "@"
    assert [str(v.sqref) for v in sheet.data_validations.dataValidation] == ["B2:B100"]


def test_no_other_module_makes_or_opens_workbooks_with_openpyxl():
    """The guards hold only if every workbook is written by ``write_workbook`` and every upload
    read by ``sheetreader``: a module making its own ``Workbook()`` bypasses the first, one
    calling ``load_workbook`` the second."""
    root = Path(qualitymonth.__file__).parent
    bypass = re.compile(r"\bWorkbook\(|WriteOnlyCell\(|\bload_workbook\b")
    found = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if bypass.search(path.read_text(encoding="utf-8"))
    )
    assert found == ["core/xlsx.py"]

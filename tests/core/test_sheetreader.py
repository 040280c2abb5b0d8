"""Reading an uploaded workbook's first sheet: what Excel shows is what the imports get, and a
hostile or broken file ends in a Chinese message within bounds of size, shape and time."""

import io

import pytest
from openpyxl import Workbook

from qualitymonth.core import sheetreader
from qualitymonth.core.sheetreader import XlsxError, sheet_rows
from qualitymonth.core.xlsx import read_table

from .hostile_xlsx import (
    EXPECTED,
    MAIN,
    PARTS,
    XML,
    hostile,
    package,
    relationships,
    sheet_xml,
    workbook,
    workbook_xml,
    zero_comments,
)

HEADERS = ("名称", "编码")


def rows_of(data: bytes, **bounds) -> list[tuple[int, tuple]]:
    return list(sheet_rows(data, max_rows=bounds.pop("max_rows", 1000), **bounds))


@pytest.mark.parametrize("name", list(EXPECTED))
def test_each_hostile_workbook_gets_its_chinese_message(name):
    with pytest.raises(XlsxError) as raised:
        read_table(hostile(HEADERS)[name], required=HEADERS)
    assert EXPECTED[name] in raised.value.message


def test_parts_that_expand_past_the_budget_are_refused_while_reading():
    # Comments of 60 KB each, so no single token is large: only the part's size is wrong.
    data = zero_comments(60 * 1024)
    assert len(data) < 500 * 1024
    with pytest.raises(XlsxError, match="文件解压后超过 64 MB"):
        read_table(data, required=HEADERS)


def test_reading_stops_at_the_time_budget():
    data = workbook(sheet_xml([list(HEADERS), ["甲", "1"]]))
    with pytest.raises(XlsxError, match="0 秒内没有读完"):
        read_table(data, required=HEADERS, seconds=0)
    assert read_table(data, required=HEADERS)[0].values == {"名称": "甲", "编码": "1"}


def test_a_cell_below_the_row_bound_stops_the_reading_even_an_empty_one():
    rows = sheet_xml([list(HEADERS), ["甲", "1"]])
    below = rows.replace("</sheetData>", '<row r="31"><c r="A31" s="1"/></row></sheetData>')
    with pytest.raises(XlsxError, match="最多读取 30 行、100 列"):
        rows_of(workbook(below), max_rows=30)
    # A row element without cells (a row height) is no content.
    empty = rows.replace("</sheetData>", '<row r="5000" ht="20"/></sheetData>')
    assert len(rows_of(workbook(empty), max_rows=30)) == 2


def test_cells_right_of_the_column_bound_are_not_read():
    far = sheet_xml([["甲"]]).replace(
        "</row>", '<c r="CW1" t="inlineStr"><is><t>第101列</t></is></c></row>'
    )
    assert rows_of(workbook(far)) == [(1, ("甲",))]
    only_far = sheet_xml([]).replace(
        "<sheetData>", '<sheetData><row r="1"><c r="XFD1"><v>1</v></c></row>'
    )
    assert rows_of(workbook(only_far)) == []


def test_values_are_what_excel_shows():
    strings = (
        f'{XML}<sst xmlns="{MAIN}">'
        "<si><t>名称</t></si>"
        # Rich text runs make one text; a phonetic reading is not part of it.
        '<si><r><t>上海</t></r><r><rPr><b/></rPr><t xml:space="preserve">质量 </t></r>'
        "<rPh><t>しゃんはい</t></rPh></si>"
        "</sst>"
    )
    sheet = (
        f'{XML}<worksheet xmlns="{MAIN}"><sheetData>'
        '<row r="1"><c r="A1" t="s"><v>0</v></c>'
        '<c r="C1" t="inlineStr"><is><t>编码</t></is></c></row>'
        '<row r="4"><c r="A4" t="s"><v>1</v></c><c r="B4"><v>13812345678</v></c>'
        '<c r="C4"><v>2.5</v></c><c r="D4" t="b"><v>1</v></c>'
        '<c r="E4" t="str"><f>A4&amp;"!"</f><v>上海质量 !</v></c>'
        '<c r="F4" t="e"><v>#N/A</v></c><c r="G4"><v>1.3812345678E10</v></c></row>'
        "</sheetData></worksheet>"
    )
    data = workbook(sheet, strings)
    assert rows_of(data) == [
        (1, ("名称", None, "编码")),
        (4, ("上海质量 ", 13812345678, 2.5, True, "上海质量 !", "#N/A", 13812345678.0)),
    ]
    table = read_table(data, required=["名称", "编码"])
    assert table[0].number == 4 and table[0].values == {"名称": "上海质量", "编码": "2.5"}


def test_a_chartsheet_before_the_worksheet_is_passed_over():
    data = package(
        {
            **PARTS,
            "xl/workbook.xml": workbook_xml("图表1", "表1"),
            "xl/_rels/workbook.xml.rels": relationships(
                ("chartsheet", "chartsheets/sheet1.xml"), ("worksheet", "/xl/worksheets/sheet1.xml")
            ),
            "xl/chartsheets/sheet1.xml": f'<chartsheet xmlns="{MAIN}"/>',
            "xl/worksheets/sheet1.xml": sheet_xml([list(HEADERS), ["甲", "1"]]),
        }
    )
    assert rows_of(data) == [(1, HEADERS), (2, ("甲", "1"))]


def test_prefixed_elements_read_like_plain_ones():
    sheet = (
        f'{XML}<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="2">'
        '<x:c r="B2" t="inlineStr"><x:is><x:t>甲</x:t></x:is></x:c></x:row></x:sheetData>'
        "</x:worksheet>"
    )
    assert rows_of(workbook(sheet)) == [(2, (None, "甲"))]


def test_a_workbook_saved_by_openpyxl_reads_back():
    book = Workbook()
    book.active.append(["名称", "编码", "电话"])
    book.active.append(["上海示例", "ZJ-001", 13812345678])
    book.create_sheet("其他").append(["不读"])
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue(), required=["名称", "电话"], optional=["编码"])
    assert [(row.number, row.values) for row in table] == [
        (2, {"名称": "上海示例", "电话": "13812345678", "编码": "ZJ-001"})
    ]


def test_too_many_shared_strings_are_refused(monkeypatch):
    monkeypatch.setattr(sheetreader, "MAX_SHARED_STRINGS", 3)
    strings = f'{XML}<sst xmlns="{MAIN}">' + "<si><t>字</t></si>" * 4 + "</sst>"
    with pytest.raises(XlsxError, match="文字条目超过"):
        rows_of(workbook(sheet_xml([["甲"]]), strings))


@pytest.mark.parametrize("index", ["-1", "1", "x"])
def test_a_shared_string_that_is_not_there_is_damage_not_another_text(index):
    strings = f'{XML}<sst xmlns="{MAIN}"><si><t>甲</t></si></sst>'
    sheet = sheet_xml([]).replace(
        "<sheetData>", f'<sheetData><row r="1"><c r="A1" t="s"><v>{index}</v></c></row>'
    )
    with pytest.raises(XlsxError, match="文件可能已损坏"):
        rows_of(workbook(sheet, strings))

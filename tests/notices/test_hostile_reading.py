"""What the hostile files and texts found by fuzzing are read as, now that they read quickly."""

from __future__ import annotations

import io

import docx

from qualitymonth.notices import reader
from qualitymonth.notices.parser import W_INTERNAL, W_UNPLACED, parse_notice
from qualitymonth.notices.reader import read_notice
from tests.notices.hostile import DECIMAL_LIST, docx_zip, paragraph


def templates(notice) -> list[str]:
    return [warning.template for warning in notice.warnings]


def merged_plan() -> bytes:
    """A plan table as bureaus make it: a title merged across, a lead unit merged down."""
    document = docx.Document()
    document.add_paragraph("关于开展质量月活动的通知")
    table = document.add_table(rows=5, cols=3)
    for cell, text in zip(table.rows[0].cells, ["序号", "活动内容", "牵头部门"], strict=True):
        cell.text = text
    table.cell(1, 0).merge(table.cell(1, 2)).text = "（一）开展质量宣传"
    for row, (number, content) in enumerate([("1", "举办启动仪式"), ("2", "开展公益宣传")], 2):
        table.cell(row, 0).text, table.cell(row, 1).text = number, content
    table.cell(4, 0).text, table.cell(4, 1).text = "3", "计量器具上门强检"
    table.cell(2, 2).merge(table.cell(4, 2)).text = "质量处"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_merged_cells_read_as_python_docx_reads_them():
    table = docx.Document(io.BytesIO(merged_plan())).tables[0]
    expected = [[cell.text.strip() for cell in row.cells] for row in table.rows]
    assert reader._table_rows(table) == expected
    assert expected[3] == ["2", "开展公益宣传", "质量处"]  # the cell merged down, repeated


def test_a_lead_unit_merged_down_the_column_leads_every_item_it_covers():
    notice = parse_notice(read_notice(merged_plan(), "plan.docx"))
    assert [(item.number, item.lead_units) for item in notice.iter_items()] == [
        (1, ["质量处"]),
        (2, ["质量处"]),
        (3, ["质量处"]),
    ]


def test_a_cell_spanning_a_billion_columns_fills_a_row_of_a_word_table():
    cell = f'<w:tc><w:tcPr><w:gridSpan w:val="1000000000"/></w:tcPr>{paragraph("序号")}</w:tc>'
    source = read_notice(docx_zip(f"<w:tbl><w:tr>{cell}</w:tr></w:tbl>"), "wide.docx")
    assert source.tables == [[["序号"] * 64]]


def test_a_merged_cell_continuing_nothing_drops_its_row_only():
    continued = f"<w:tc><w:tcPr><w:vMerge/></w:tcPr>{paragraph('')}</w:tc>"
    rows = f"<w:tr>{continued}</w:tr><w:tr><w:tc>{paragraph('序号')}</w:tc></w:tr>"
    source = read_notice(docx_zip(f"<w:tbl>{rows}</w:tbl>"), "merged.docx")
    assert source.tables == [[["序号"]]]


def test_styles_based_on_each_other_in_a_loop_still_number_the_list():
    styles = (
        '<w:style w:type="paragraph" w:styleId="A"><w:basedOn w:val="B"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="B"><w:basedOn w:val="A"/>'
        '<w:pPr><w:numPr><w:numId w:val="1"/></w:numPr></w:pPr></w:style>'
    )
    body = "".join(paragraph(text, '<w:pStyle w:val="A"/>') for text in ["启动仪式", "宣传"])
    source = read_notice(docx_zip(body, styles, DECIMAL_LIST), "loop.docx")
    assert source.text == "1.启动仪式\n2.宣传"


def test_list_levels_outside_word_s_nine_get_no_label():
    number = '<w:numPr><w:ilvl w:val="{}"/><w:numId w:val="1"/></w:numPr>'
    body = paragraph("启动仪式", number.format(0)) + paragraph("宣传", number.format(12))
    assert read_notice(docx_zip(body, "", DECIMAL_LIST), "levels.docx").text == "1.启动仪式\n宣传"


def test_a_table_cell_reading_like_a_placeholder_is_text():
    cells = f"<w:tr><w:tc>{paragraph('[表格1]')}</w:tc></w:tr>"
    notice = parse_notice(read_notice(docx_zip(f"<w:tbl>{cells}</w:tbl>"), "cell.docx"))
    assert notice.unplaced == ["[表格1]"]
    assert W_INTERNAL not in templates(notice)


def test_two_sections_with_the_same_heading_keep_their_own_text():
    notice = parse_notice(
        "关于开展质量月活动的通知\n一、开展质量宣传\n各单位要高度重视。\n"
        "二、开展质量宣传\n1. 举办启动仪式。\n"
    )
    assert [(s.heading, s.body) for s in notice.sections] == [
        ("开展质量宣传", "各单位要高度重视。")
    ]
    assert [item.title for item in notice.iter_items()] == ["举办启动仪式"]


def test_repeated_closing_phrases_close_the_notice_once():
    text = "关于开展质量月活动的通知\n一、活动内容\n1. 举办启动仪式。"
    once, repeated = parse_notice(text + "特此通知。"), parse_notice(text + "特此通知。" * 5000)
    assert [i.title for i in repeated.iter_items()] == [i.title for i in once.iter_items()]
    assert repeated.unplaced == once.unplaced == []
    assert W_INTERNAL not in templates(repeated)


def test_a_paragraph_of_thousands_of_headings_keeps_the_rest_unplaced():
    notice = parse_notice("一、活动主题：" * 5000)
    assert W_INTERNAL not in templates(notice)
    assert W_UNPLACED in templates(notice)
    assert notice.unplaced[-1].startswith("一、活动主题：一、活动主题：")


def test_document_numbers_repeated_on_a_line_give_the_first():
    notice = parse_notice(
        "某某局文件\n" + "浦市监质〔2024〕99号" * 3000 + "\n关于开展质量月活动的通知"
    )
    assert notice.doc_number == "浦市监质〔2024〕99号"
    assert notice.title == "关于开展质量月活动的通知"


def test_an_e_mail_address_is_found_after_a_long_run_of_digits():
    notice = parse_notice("联系人：张三，电话：" + "1" * 5000 + "，邮箱：zhangsan@pudong.gov.cn")
    assert [(c.name, c.email) for c in notice.contacts] == [("张三", "zhangsan@pudong.gov.cn")]

"""The GB/T 9704-2012 writer, read back with python-docx: no database, no Django."""

import datetime
import io

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt
from lxml import etree
from PIL import Image as PILImage

from qualitymonth.core import docwriter
from qualitymonth.core.docwriter import Image, Table, heading_level, split_heading

BODY = [
    "根据区局通知要求，街道认真组织开展质量月活动。现将有关情况小结如下：",
    "一、活动开展情况",
    "（一）加强组织领导。街道成立质量月活动领导小组，统筹推进各项工作。",
    "1.质量知识进社区",
    "（1）发放宣传资料1.5万份。",
    "二、主要成效",
]


def picture(size=(800, 600), fmt="JPEG") -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def document():
    data = docwriter.write_document(
        "陆家嘴街道2024年质量月活动书面小结",
        BODY,
        signature="陆家嘴街道",
        date=datetime.date(2024, 9, 30),
        tables=[Table("主要数据", ["序号", "指标", "数值"], [["1", "参与人数", "120"]])],
        images=[Image(picture(), "质量知识进社区"), Image(picture((600, 900), "PNG"), "")],
    )
    return docx.Document(io.BytesIO(data))


def east_asian(run) -> str:
    return run._r.rPr.rFonts.get(qn("w:eastAsia"))


def paragraph(document, text):
    return next(p for p in document.paragraphs if p.text == text)


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("一、活动开展情况", 1),
        ("十二、其他", 1),
        ("（一）加强组织领导", 2),
        ("(二)半角括号", 2),
        ("1.质量知识进社区", 3),
        ("12．全角点", 3),
        ("3、顿号", 3),
        ("（1）发放资料", 4),
        ("(2)半角", 4),
        ("1.5万人次参加", 0),
        ("2024年9月，街道开展活动", 0),
        ("一是加强领导", 0),
        ("", 0),
    ],
)
def test_heading_levels_by_numbering(text, level):
    assert heading_level(text) == level


def test_a_heading_sentence_and_the_text_after_it():
    assert split_heading("（一）加强领导。街道成立领导小组。") == (
        "（一）加强领导。",
        "街道成立领导小组。",
    )
    assert split_heading("一、活动开展情况") == ("一、活动开展情况", "")
    assert split_heading("（1）参与人数120人。") == ("（1）参与人数120人。", "")


def test_paragraphs_of_typed_text():
    text = "　　第一段\n\n  第二段  \n\u3000\n"
    assert docwriter.paragraphs_of(text) == ["第一段", "第二段"]


def test_page_is_a4_with_the_standard_margins(document):
    section = document.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert round(section.top_margin.mm) == 37  # 天头
    assert round(section.left_margin.mm) == 28  # 订口
    width = Emu(section.page_width - section.left_margin - section.right_margin)
    height = Emu(section.page_height - section.top_margin - section.bottom_margin)
    assert abs(width.mm - 156) < 0.1 and abs(height.mm - 225) < 0.1  # 版心


def test_22_lines_of_28_characters(document):
    grid = document.sections[0]._sectPr.find(qn("w:docGrid"))
    # A line grid only: a character grid narrower than the characters, which Word squeezes
    # them into, gives each character two cells in LibreOffice.
    assert grid.get(qn("w:type")) == "lines"
    assert grid.get(qn("w:charSpace")) is None
    assert grid.get(qn("w:linePitch")) == "579"  # 28.95 pt
    assert 22 * 28.95 <= Mm(225).pt < 23 * 28.95
    # Every character is set tighter by the document's character spacing, so 28 fit the
    # 156 mm line and 29 do not; 26 after a first line's two-character indent.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    spacing = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:spacing')}")
    pitch = 16 + int(spacing.get(qn("w:val"))) / 20
    assert 28 * pitch <= Mm(156).pt < 29 * pitch
    assert 32 + 26 * pitch <= Mm(156).pt
    body = paragraph(document, BODY[0])
    assert body.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert body.paragraph_format.line_spacing == Pt(28.95)


def test_punctuation_and_grid_settings_all_three_suites_read_alike(document):
    defaults = document.styles.element.find(qn("w:docDefaults"))
    paragraph_defaults = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")
    # Hanging marks in Word and WPS; LibreOffice reads it as "do not hang" and moves a
    # character on instead, as its hanging loses marks from justified lines.
    assert paragraph_defaults.find(qn("w:overflowPunct")).get(qn("w:val")) == "1"
    # Exact lines keep their 28.95 pt in LibreOffice too, as they do in Word.
    assert paragraph_defaults.find(qn("w:snapToGrid")).get(qn("w:val")) == "0"
    tags = [etree.QName(child).localname for child in paragraph_defaults]
    assert tags == ["overflowPunct", "snapToGrid", "spacing"]  # the schema's order


def test_title_is_2hao_xiaobiaosong_centred(document):
    title = document.paragraphs[0]
    assert title.text == "陆家嘴街道2024年质量月活动书面小结"
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].font.size == Pt(22)
    assert east_asian(title.runs[0]) == "方正小标宋简体"
    assert document.core_properties.title == "陆家嘴街道2024年质量月活动书面小结"


def test_body_is_3hao_fangsong_indented_two_characters(document):
    body = paragraph(document, BODY[0])
    assert body.runs[0].font.size == Pt(16)
    assert east_asian(body.runs[0]) == "仿宋_GB2312"
    indent = body._p.pPr.find(qn("w:ind"))
    assert indent.get(qn("w:firstLineChars")) == "200"
    assert body.paragraph_format.first_line_indent == Pt(32)
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY


def test_headings_by_level_in_their_faces(document):
    expected = {
        BODY[1]: (1, ["黑体"]),
        BODY[2]: (2, ["楷体_GB2312", "仿宋_GB2312"]),  # the heading sentence, then body text
        BODY[3]: (3, ["仿宋_GB2312"]),
        BODY[4]: (4, ["仿宋_GB2312"]),
    }
    for text, (level, faces) in expected.items():
        found = paragraph(document, text)
        assert found._p.pPr.find(qn("w:outlineLvl")).get(qn("w:val")) == str(level - 1)
        assert [east_asian(run) for run in found.runs] == faces
        assert all(run.font.size == Pt(16) for run in found.runs)
    assert paragraph(document, BODY[0])._p.pPr.find(qn("w:outlineLvl")) is None


def test_font_table_names_the_common_faces_as_fallbacks(document):
    part = next(
        p for p in document.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml"
    )
    table = etree.fromstring(part.blob)
    fallbacks = {
        font.get(qn("w:name")): font.find(qn("w:altName")).get(qn("w:val"))
        for font in table.findall(qn("w:font"))
        if font.find(qn("w:altName")) is not None
    }
    assert fallbacks["方正小标宋简体"] == "宋体"
    assert fallbacks["仿宋_GB2312"] == "仿宋"
    assert fallbacks["楷体_GB2312"] == "楷体"
    defaults = document.styles.element.find(qn("w:docDefaults"))
    assert defaults.find(f".//{qn('w:lang')}").get(qn("w:eastAsia")) == "zh-CN"


def test_page_numbers_in_the_footer(document):
    section = document.sections[0]
    assert document.settings.odd_and_even_pages_header_footer
    for footer, alignment in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        line = footer.paragraphs[0]
        assert line.text == "— 1 —"
        assert line.alignment == alignment
        assert "PAGE" in "".join(t.text for t in line._p.iter(qn("w:instrText")))
        kinds = [c.get(qn("w:fldCharType")) for c in line._p.iter(qn("w:fldChar"))]
        assert kinds == ["begin", "separate", "end"]
        for run in line.runs:
            assert run.font.size == Pt(14)  # 4号
            fonts = run._r.rPr.rFonts
            assert fonts.get(qn("w:ascii")) == fonts.get(qn("w:eastAsia")) == "宋体"  # 半角宋体
    # The number's top is 7 mm below the text block.
    top_of_number = section.footer_distance + Pt(14)
    assert abs(Mm(35 - 7) - top_of_number) < Mm(0.1)


def test_tables_signature_and_images(document):
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["序号", "指标", "数值"]
    assert [c.text for c in table.rows[1].cells] == ["1", "参与人数", "120"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    texts = [p.text for p in document.paragraphs]
    assert "主要数据" in texts
    assert "附件：活动照片" in texts  # 附件说明 before the signature
    # The date is longer than "陆家嘴街道": it stands two characters in from the right, the
    # 署名 starts two characters right of it.
    signature = paragraph(document, "陆家嘴街道")
    date = paragraph(document, "2024年9月30日")
    assert texts.index("陆家嘴街道") + 1 == texts.index("2024年9月30日")
    assert date.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert date._p.pPr.find(qn("w:ind")).get(qn("w:rightChars")) == "200"
    assert date.paragraph_format.right_indent == Pt(32)
    assert signature.alignment == WD_ALIGN_PARAGRAPH.LEFT
    date_starts = Mm(156).twips - 640 - docwriter.line_width("2024年9月30日")  # twips
    assert signature.paragraph_format.left_indent.twips == date_starts + 2 * 315
    # The photos: on a page of their own after the text, each with its caption.
    assert len(document.inline_shapes) == 2
    for shape in document.inline_shapes:
        assert shape.width <= Mm(156) and shape.height <= Mm(150)
    assert texts.index("附件") > texts.index("2024年9月30日")
    assert "质量知识进社区" in texts and "图2" in texts


def test_a_document_with_only_text():
    data = docwriter.write_document("标题", ["正文。"])
    document = docx.Document(io.BytesIO(data))
    assert [p.text for p in document.paragraphs] == ["标题", "", "正文。"]
    assert not document.tables and not document.inline_shapes


def test_a_decision_form_numbered_under_its_title_and_addressed_flush_left():
    data = docwriter.write_document(
        "投诉受理决定书",
        ["我局决定受理。"],
        number="____市监____〔2026〕第____号",
        addressee="王小明：",
        tables=[Table("", (), [("投诉人姓名", "王小明"), ("事实", "买后三天电池无法充电。")],
                      left_columns=(1,))],
    )  # fmt: skip
    document = docx.Document(io.BytesIO(data))
    assert [p.text for p in document.paragraphs][:5] == [
        "投诉受理决定书",
        "____市监____〔2026〕第____号",
        "",
        "王小明：",
        "我局决定受理。",
    ]
    number, addressee = document.paragraphs[1], document.paragraphs[3]
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert addressee.alignment is None and addressee._p.pPr.find(qn("w:ind")) is None  # 顶格
    # A table without a title has no caption; its answers are set from the left.
    assert [p.text for p in document.paragraphs].count("") == 2  # after the number, the text
    cells = document.tables[0].rows[1].cells
    assert cells[0].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert cells[1].paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT


def test_an_image_that_is_not_a_picture_is_named():
    with pytest.raises(docwriter.DocumentError, match="第1张照片"):
        docwriter.write_document("标题", ["正文"], images=[Image(b"not a picture", "x")])


def test_character_spacing_fits_28_characters():
    assert docwriter.character_spacing() == -5  # -0.25 pt, in twentieths of a point
    assert docwriter.CHAR_PITCH == Pt(15.75)


def test_line_width_counts_chinese_figures_and_the_gap_between_them():
    assert docwriter.line_width("陆家嘴街道") == 5 * 315
    # 3 characters, 7 figures half as wide, 5 quarter-character gaps between the two kinds
    assert docwriter.line_width("2024年9月30日") == 3 * 315 + 7 * 155 + 5 * 80
    assert docwriter.line_width("95.5%") == 5 * 155


def test_only_a_heading_line_keeps_with_the_next():
    data = docwriter.write_document(
        "标题", ["一、总体情况", "（一）北蔡镇：市民看质量。组织居民参观企业。", "正文。"]
    )
    document = docx.Document(io.BytesIO(data))
    alone, running_on = document.paragraphs[2], document.paragraphs[3]
    assert alone.paragraph_format.keep_with_next
    assert not running_on.paragraph_format.keep_with_next


def test_several_attachments_are_numbered_and_each_starts_a_page():
    data = docwriter.write_document(
        "浦东新区2024年质量月活动工作总结",
        ["一、总体情况", "全区共有12个单位参与。"],
        signature="浦东新区市场监督管理局",
        date=datetime.date(2024, 10, 8),
        annexes=[
            docwriter.Annex("统计表", tables=[Table("表1　主要指标", ["指标"], [["参与人数"]])])
        ],
        images=[Image(picture(), "北蔡镇 9月3日 市民看质量")],
    )
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    # 附件说明: "附件：1.…", the second aligned under the first, before the signature
    # The 署名 is the longer: two characters in from the right, the date two characters right
    # of its first character.
    signature = paragraph(document, "浦东新区市场监督管理局")
    date = paragraph(document, "2024年10月8日")
    assert signature.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert signature.paragraph_format.right_indent == Pt(32)
    assert date.alignment == WD_ALIGN_PARAGRAPH.LEFT
    signature_starts = Mm(156).twips - 640 - 11 * 315  # twips: 15.75 pt a character
    assert date.paragraph_format.left_indent.twips == signature_starts + 2 * 315
    first, second = paragraph(document, "附件：1.统计表"), paragraph(document, "2.活动照片")
    assert texts.index("附件：1.统计表") + 1 == texts.index("2.活动照片")
    assert texts.index("2.活动照片") < texts.index("浦东新区市场监督管理局")
    assert first._p.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
    assert second._p.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "500"
    for label in ("附件1", "附件2"):
        found = paragraph(document, label)
        assert east_asian(found.runs[-1]) == "黑体"
        assert found._p.find(f".//{qn('w:br')}").get(qn("w:type")) == "page"
    assert texts.index("附件1") < texts.index("表1　主要指标") < texts.index("附件2")
    assert len(document.inline_shapes) == 1

"""Tests of reading uploaded notice files: real .docx files built here, and broken inputs."""

from __future__ import annotations

import io
import random
import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_BREAK

from qualitymonth.notices import reader
from qualitymonth.notices.parser import parse_notice
from qualitymonth.notices.reader import (
    MAX_NOTICE_BYTES,
    NoticeReadError,
    NoticeSource,
    read_notice,
    read_notice_text,
)

SEED_PATH = (
    Path(__file__).resolve().parents[2]
    / "qualitymonth/notices/data/pudong-2024-quality-month-notice.txt"
)
SEED = SEED_PATH.read_text(encoding="utf-8")

PLAN_HEADER = ["序号", "活动内容", "活动时间", "牵头部门", "协助部门"]
PLAN_ROWS = [
    ["1", "举办启动仪式。在区政府广场举行。", "9月1日", "质量处", "各街镇、各园区"],
    ["2", "开展质量公益宣传", "9月上旬", "宣传科", "各市场监管所"],
    ["3", "计量器具上门强检", "9月下旬", "计量处\n计量所", ""],
]


def docx_bytes(build) -> bytes:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def add_table(document, rows, category_row: str | None = None):
    table = document.add_table(rows=0, cols=len(rows[0]))
    for index, values in enumerate(rows):
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = value
        if category_row and index == 0:
            merged = table.add_row().cells
            merged[0].merge(merged[-1]).text = category_row
    return table


def plan_notice(document):
    document.add_paragraph("上海市浦东新区市场监督管理局文件")
    document.add_paragraph("浦市监质〔2025〕12号")
    document.add_paragraph("关于开展2025年“质量月”活动的通知")
    document.add_paragraph("各街镇、各有关单位：")
    document.add_paragraph("为推动质量强区建设，现就开展2025年“质量月”活动通知如下：")
    document.add_paragraph("一、活动主题")
    document.add_paragraph("质量强国 浦东先行")
    document.add_paragraph("二、活动时间")
    document.add_paragraph("2025年9月1日至9月30日")
    document.add_paragraph("三、活动内容")
    add_table(document, [PLAN_HEADER, *PLAN_ROWS], category_row="（一）开展质量宣传")
    document.add_paragraph("四、工作要求")
    document.add_paragraph("（一）及时报送信息。请于9月30日前报送书面小结。")
    document.add_paragraph("特此通知。")
    document.add_paragraph("上海市浦东新区市场监督管理局")
    document.add_paragraph("2025年9月1日")


def error_of(data: bytes, filename: str) -> str:
    with pytest.raises(NoticeReadError) as caught:
        read_notice(data, filename)
    assert str(caught.value) == caught.value.message
    return caught.value.message


# --- .docx --------------------------------------------------------------------------------------


class TestDocx:
    def test_paragraphs_and_table_in_body_order(self):
        source = read_notice(docx_bytes(plan_notice), "通知.docx")
        lines = source.text.split("\n")
        assert lines[:3] == [
            "上海市浦东新区市场监督管理局文件",
            "浦市监质〔2025〕12号",
            "关于开展2025年“质量月”活动的通知",
        ]
        assert lines[lines.index("三、活动内容") + 1] == "[表格1]"
        assert lines[lines.index("[表格1]") + 1] == "四、工作要求"
        assert source.filename == "通知.docx"
        assert len(source.tables) == 1
        table = source.tables[0]
        assert table[0] == PLAN_HEADER
        assert table[1] == ["（一）开展质量宣传"] * 5  # a merged row repeats its text per column
        assert table[2] == PLAN_ROWS[0]
        assert table[4][3] == "计量处\n计量所"

    def test_table_rows_are_not_in_the_text(self):
        source = read_notice(docx_bytes(plan_notice), "通知.docx")
        assert "举办启动仪式" not in source.text

    def test_parsed_docx_plan(self):
        notice = parse_notice(read_notice(docx_bytes(plan_notice), "通知.docx"))
        assert notice.doc_number == "浦市监质〔2025〕12号"
        assert notice.theme == "质量强国 浦东先行"
        assert [(c.label, c.title) for c in notice.categories] == [("（一）", "开展质量宣传")]
        items = notice.categories[0].items
        assert [(i.number, i.title) for i in items] == [
            (1, "举办启动仪式"),
            (2, "开展质量公益宣传"),
            (3, "计量器具上门强检"),
        ]
        assert items[0].co_units == ["各街镇", "各园区"]
        assert items[2].lead_units == ["计量处", "计量所"]
        assert (items[1].start_date, items[1].end_date) == (date(2025, 9, 1), date(2025, 9, 10))
        assert notice.deadlines[0].date == date(2025, 9, 30)
        assert notice.signing_date == date(2025, 9, 1)
        assert notice.warnings == []

    def test_plan_table_as_attachment_after_the_signature(self):
        def build(document):
            document.add_paragraph("关于开展2025年“质量月”活动的通知")
            document.add_paragraph("各单位：")
            document.add_paragraph("一、活动时间")
            document.add_paragraph("2025年9月1日至30日")
            document.add_paragraph("二、活动内容")
            document.add_paragraph("详见附件。")
            document.add_paragraph("特此通知。")
            document.add_paragraph("上海市某区市场监督管理局")
            document.add_paragraph("2025年8月28日")
            document.add_paragraph("附件：2025年“质量月”活动安排表")
            add_table(document, [PLAN_HEADER, *PLAN_ROWS])

        notice = parse_notice(read_notice(docx_bytes(build), "plan.docx"))
        assert [c.title for c in notice.categories] == ["活动内容"]
        assert notice.item_count == 3
        assert notice.issuer == "上海市某区市场监督管理局"
        assert "详见附件。" in notice.unplaced

    def test_word_automatic_numbering_is_restored(self):
        def build(document):
            document.add_paragraph("三、活动内容")
            document.add_paragraph("举办启动仪式。在区政府广场举行。", style="List Number")
            document.add_paragraph("开展质量公益宣传。", style="List Number")

        source = read_notice(docx_bytes(build), "numbered.docx")
        assert source.text.split("\n")[1:] == [
            "1.举办启动仪式。在区政府广场举行。",
            "2.开展质量公益宣传。",
        ]
        notice = parse_notice(source)
        assert [(i.number, i.title) for i in notice.categories[0].items] == [
            (1, "举办启动仪式"),
            (2, "开展质量公益宣传"),
        ]

    def test_line_breaks_inside_a_paragraph(self):
        def build(document):
            paragraph = document.add_paragraph("关于开展质量月")
            paragraph.add_run().add_break(WD_BREAK.LINE)
            paragraph.add_run("活动的通知")

        source = read_notice(docx_bytes(build), "t.docx")
        assert source.text == "关于开展质量月\n活动的通知"
        assert parse_notice(source).title == "关于开展质量月活动的通知"

    def test_seed_notice_as_docx(self):
        def build(document):
            for line in SEED.split("\n"):
                document.add_paragraph(line)

        notice = parse_notice(read_notice(docx_bytes(build), "seed.docx"))
        assert notice.item_count == 20
        assert notice.doc_number == "浦市监质〔2024〕99号"
        assert notice.warnings == []

    def test_docx_named_doc_is_read(self):
        source = read_notice(docx_bytes(plan_notice), "通知.doc")
        assert len(source.tables) == 1

    def test_docx_without_text_is_empty(self):
        assert "文件是空的" in error_of(docx_bytes(lambda d: d.add_paragraph("  ")), "a.docx")

    def test_fake_docx(self):
        message = error_of("关于开展质量月活动的通知".encode(), "通知.docx")
        assert "不是有效的 Word 文档（.docx）" in message
        assert "通知.docx" in message

    def test_zip_that_is_not_a_docx(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("readme.txt", "hello")
        assert "不是有效的 Word 文档（.docx）" in error_of(buffer.getvalue(), "a.docx")
        assert "压缩包" in error_of(buffer.getvalue(), "a.txt")

    def test_docx_with_broken_xml(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(docx_bytes(plan_notice))) as original:
            with zipfile.ZipFile(buffer, "w") as broken:
                for item in original.infolist():
                    data = original.read(item.filename)
                    if item.filename == "word/document.xml":
                        data = data[: len(data) // 2]
                    broken.writestr(item, data)
        assert "不是有效的 Word 文档（.docx）" in error_of(buffer.getvalue(), "a.docx")

    def test_truncated_docx(self):
        data = docx_bytes(plan_notice)
        assert "不是有效的 Word 文档（.docx）" in error_of(data[: len(data) // 2], "a.docx")

    def test_docx_that_expands_too_much(self, monkeypatch):
        monkeypatch.setattr(reader, "MAX_DOCX_UNCOMPRESSED_BYTES", 1000)
        assert "解压后超过" in error_of(docx_bytes(plan_notice), "bomb.docx")

    def test_old_binary_word(self):
        data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000)
        message = error_of(data, "通知.doc")
        assert ".doc" in message and "另存为" in message and ".docx" in message
        assert "旧版 Word" in error_of(data, "通知.txt")  # judged by content, not by name


# --- text files ---------------------------------------------------------------------------------


class TestText:
    def test_utf8(self):
        source = read_notice(SEED.encode("utf-8"), "notice.txt")
        assert source == NoticeSource(text=SEED, tables=[], filename="notice.txt")

    def test_utf8_with_bom_and_crlf(self):
        source = read_notice(b"\xef\xbb\xbf" + SEED.replace("\n", "\r\n").encode(), "n.txt")
        assert source.text == SEED

    def test_gbk(self):
        text = SEED.replace("學", "学")  # 學 is not in GBK
        source = read_notice(text.encode("gbk"), "notice.txt")
        assert source.text == text
        assert parse_notice(source).item_count == 20

    def test_gb18030(self):
        assert read_notice(SEED.encode("gb18030"), "notice.txt").text == SEED

    @pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
    def test_utf16_with_bom(self, encoding):
        bom = {"utf-16": b"", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}[encoding]
        assert read_notice(bom + SEED.encode(encoding), "n.txt").text == SEED

    def test_no_extension_is_text(self):
        assert (
            read_notice("关于开展质量月活动的通知".encode(), "").text == "关于开展质量月活动的通知"
        )

    @pytest.mark.parametrize(
        "data", [b"", b"   \r\n\t  ", "\u3000\u3000\n".encode(), b"\xef\xbb\xbf"]
    )
    def test_empty(self, data):
        assert error_of(data, "空.txt").startswith("文件是空的")

    def test_binary_with_nul_bytes(self):
        data = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
        assert "不是文本文件" in error_of(data, "photo.txt")

    def test_random_high_bytes(self):
        rng = random.Random(5)
        data = bytes(rng.randrange(0x80, 0x100) for _ in range(4000))
        assert "不是文本文件" in error_of(data, "junk.txt") or "编码" in error_of(data, "junk.txt")

    def test_over_size(self):
        data = b"a" * (MAX_NOTICE_BYTES + 1)
        message = error_of(data, "big.txt")
        assert "超过 10 MB 上限" in message
        assert "big.txt" in message

    def test_exactly_the_cap_is_accepted(self):
        data = ("质" * (MAX_NOTICE_BYTES // 3)).encode()
        assert len(read_notice(data, "cap.txt").text) == MAX_NOTICE_BYTES // 3

    def test_html_page(self):
        page = """<!DOCTYPE html><html><head><title>通知</title><style>p{}</style></head><body>
        <p>关于开展2025年&ldquo;质量月&rdquo;活动的通知</p><p>各单位：</p>
        <p>三、活动内容</p>
        <table><tr><td>序号</td><td>活动内容</td><td>牵头部门</td></tr>
        <tr><td>1</td><td>举办启动仪式</td><td>质量处</td></tr></table>
        <script>var x = "<p>不是正文</p>";</script></body></html>"""
        source = read_notice(page.encode("gbk"), "notice.html")
        assert "<" not in source.text and "不是正文" not in source.text
        notice = parse_notice(source)
        assert notice.title == "关于开展2025年“质量月”活动的通知"
        assert [(i.title, i.lead_units) for i in notice.categories[0].items] == [
            ("举办启动仪式", ["质量处"])
        ]

    def test_pdf_and_unknown_types(self):
        assert "PDF" in error_of(b"%PDF-1.7\n...", "通知.pdf")
        assert "不支持的文件类型" in error_of(b"GIF89a", "通知.gif")

    def test_not_bytes(self):
        assert "没有收到" in error_of(None, "a.txt")  # type: ignore[arg-type]


class TestPastedText:
    def test_text(self):
        source = read_notice_text("关于开展质量月活动的通知\r\n各单位：")
        assert source == NoticeSource(
            text="关于开展质量月活动的通知\n各单位：", tables=[], filename=""
        )

    @pytest.mark.parametrize("text", ["", "  \n\t", "\u3000", "\ufeff"])
    def test_empty(self, text):
        with pytest.raises(NoticeReadError, match="是空的"):
            read_notice_text(text)

    def test_over_size(self):
        with pytest.raises(NoticeReadError, match="超过 10 MB 上限"):
            read_notice_text("质" * (MAX_NOTICE_BYTES // 3 + 1))

    def test_not_a_string(self):
        with pytest.raises(NoticeReadError):
            read_notice_text(None)  # type: ignore[arg-type]


def test_any_bytes_raise_only_notice_read_error():
    rng = random.Random(99)
    valid = docx_bytes(plan_notice)
    samples = [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000))) for _ in range(60)]
    # Damaged copies of a real .docx: flipped bytes in the zip and its XML.
    for _ in range(40):
        damaged = bytearray(valid)
        for _ in range(rng.randrange(1, 50)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        samples.append(bytes(damaged))
    for data in samples:
        for name in ("x.docx", "x.txt", "x.doc", "x", "x.DOCX"):
            try:
                source = read_notice(data, name)
            except NoticeReadError as error:
                assert error.message
            else:
                assert isinstance(source.text, str) and source.text.strip()
                parse_notice(source)

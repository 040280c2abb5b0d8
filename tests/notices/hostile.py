"""Hostile notices: text and .docx files built to make the reader or the parser rescan.

Shared by `test_parse_time.py`, `test_fuzz.py` and `bench/bench_notice_parse_adversarial.py`.
Each family builds its file at a given size, so that how the time grows with the size shows
whether some pattern rescans a long run from each of its characters.
"""

from __future__ import annotations

import gc
import io
import re
import struct
import time
import zipfile
from collections.abc import Callable
from xml.sax.saxutils import escape

from qualitymonth.notices.parser import parse_notice
from qualitymonth.notices.reader import read_notice


def best_time(data: bytes, filename: str, runs: int, clock=time.perf_counter) -> float:
    """The best time of `runs` reads and parses of `data`, with the garbage collector paused."""
    best = float("inf")
    gc.collect()
    gc.disable()
    try:
        for _ in range(runs):
            started = clock()
            parse_notice(read_notice(data, filename))
            best = min(best, clock() - started)
    finally:
        gc.enable()
    return best


# --- .docx files written here: the smallest package python-docx opens ---------------------------

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    + "".join(
        f'<Override PartName="/word/{part}.xml" ContentType="application/vnd.openxmlformats-'
        f'officedocument.wordprocessingml.{kind}+xml"/>'
        for part, kind in [
            ("document", "document.main"),
            ("styles", "styles"),
            ("numbering", "numbering"),
        ]
    )
    + "</Types>"
)
_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_RELS}/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)
_DOCUMENT_RELS = (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_RELS}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId2" Type="{_RELS}/numbering" Target="numbering.xml"/>'
    "</Relationships>"
)
_NOT_XML_RE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# One list: "1." at level 0.
DECIMAL_LIST = (
    '<w:abstractNum w:abstractNumId="1"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
    '<w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>'
    '<w:num w:numId="1"><w:abstractNumId w:val="1"/></w:num>'
)


def xml_text(text: str) -> str:
    """`text` as the content of an XML element (characters XML cannot hold left out)."""
    return escape(_NOT_XML_RE.sub("", text))


def paragraph(text: str, properties: str = "") -> str:
    pr = f"<w:pPr>{properties}</w:pPr>" if properties else ""
    return f'<w:p>{pr}<w:r><w:t xml:space="preserve">{xml_text(text)}</w:t></w:r></w:p>'


def docx_zip(body: str, styles: str = "", numbering: str = "") -> bytes:
    """A .docx whose document body, styles and numbering are the given XML."""

    def part(root: str, inner: str) -> str:
        return f'<?xml version="1.0" encoding="UTF-8"?><w:{root} {_W}>{inner}</w:{root}>'

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _TYPES)
        archive.writestr("_rels/.rels", _PACKAGE_RELS)
        archive.writestr("word/_rels/document.xml.rels", _DOCUMENT_RELS)
        archive.writestr("word/document.xml", part("document", f"<w:body>{body}</w:body>"))
        archive.writestr("word/styles.xml", part("styles", styles))
        archive.writestr("word/numbering.xml", part("numbering", numbering))
    return buffer.getvalue()


def claims_to_be_huge(data: bytes) -> bytes:
    """The zip with every central directory entry saying it expands to 4 GB (a zip bomb)."""
    damaged = bytearray(data)
    for match in re.finditer(rb"PK\x01\x02", data):
        damaged[match.start() + 24 : match.start() + 28] = struct.pack("<I", 0xFFFFFFF0)
    return bytes(damaged)


# --- the families -------------------------------------------------------------------------------


def repeated(unit: str, context: str = "{}") -> Callable[[int], bytes]:
    """`unit` repeated to `size` bytes of UTF-8, placed where `context` has "{}"."""

    def build(size: int) -> bytes:
        return context.replace("{}", unit * (size // len(unit.encode()) + 1)).encode()

    return build


def distinct_contacts(size: int) -> bytes:
    def name(i: int) -> str:
        return "张" + chr(0x4E00 + i % 20_000) + chr(0x4E00 + i // 20_000)

    return "".join(f"联系人：{name(i)}，电话：138{i:08d}；" for i in range(size // 40)).encode()


def distinct_deadlines(size: int) -> bytes:
    days = ((1000 + i % 9000, i % 12 + 1, i % 28 + 1) for i in range(size // 14))
    return ("一、指导思想\n" + "".join(f"{y}年{m}月{d}日前" for y, m, d in days)).encode()


def merged_rows(size: int) -> bytes:
    """A plan table whose first column is one cell merged down all its rows."""
    header = '<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr>'
    header += f"{paragraph('序号')}</w:tc><w:tc>{paragraph('活动内容')}</w:tc></w:tr>"
    row = f"<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr>{paragraph('')}</w:tc>"
    row += f"<w:tc>{paragraph('举办活动')}</w:tc></w:tr>"
    return docx_zip(f"<w:tbl>{header}{row * (size // len(row))}</w:tbl>")


def wide_cells(size: int) -> bytes:
    """Table cells each claiming to span a billion columns."""
    cell = f'<w:tc><w:tcPr><w:gridSpan w:val="1000000000"/></w:tcPr>{paragraph("序号")}</w:tc>'
    return docx_zip(f"<w:tbl><w:tr>{cell * (size // len(cell))}</w:tr></w:tbl>")


def many_styles(size: int) -> bytes:
    """Numbered paragraphs in a document with as many styles as paragraphs."""
    count = size // 150
    styles = "".join(
        f'<w:style w:type="paragraph" w:styleId="S{i}"><w:name w:val="s{i}"/></w:style>'
        for i in range(count)
    )
    styles += '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"/>'
    body = "".join(paragraph(f"段落{i}") for i in range(count))
    return docx_zip(body, styles, DECIMAL_LIST)


def styles_in_a_loop(size: int) -> bytes:
    """Paragraphs whose style is based on a style based on it."""
    styles = (
        '<w:style w:type="paragraph" w:styleId="A"><w:basedOn w:val="B"/></w:style>'
        '<w:style w:type="paragraph" w:styleId="B"><w:basedOn w:val="A"/></w:style>'
    )
    one = paragraph("一、指导思想", '<w:pStyle w:val="A"/>')
    return docx_zip(one * (size // len(one)), styles, DECIMAL_LIST)


SECTION = "一、指导思想\n{}"
CONTENT = "一、活动内容\n（一）开展质量宣传\n1. {}"
CONTACT = "质量处联系人：{}"
HTML = "<html><body><p>关于开展质量月活动的通知</p>{}"  # no end tag after the run

# name → (build the file at a given size in bytes, the name it is uploaded under)
FAMILIES: dict[str, tuple[Callable[[int], bytes], str]] = {
    "e-mail characters in a contact line": (repeated("a1._%+-", CONTACT), "n.txt"),
    "digits in a contact line (phones)": (repeated("1", CONTACT), "n.txt"),
    "phone numbers run together": (repeated("021-68824341", CONTACT), "n.txt"),
    "many contacts": (distinct_contacts, "n.txt"),
    "deadlines without a full stop": (repeated("9月1日前", SECTION), "n.txt"),
    "distinct dated deadlines": (distinct_deadlines, "n.txt"),
    "em spaces in a section": (repeated("\u2003", "一、指导思想\n上海市局{}x"), "n.txt"),
    "spaces": (repeated(" ", "正文{}正文"), "n.txt"),
    "full-width spaces": (repeated("\u3000", "正文{}正文"), "n.txt"),
    "categories （一）（一）": (repeated("（一）"), "n.txt"),
    "items 1、1、1、": (repeated("1、", CONTENT), "n.txt"),
    "items 1.1.1.": (repeated("1.", CONTENT), "n.txt"),
    "headings 一、一、": (repeated("一、"), "n.txt"),
    "第一第一": (repeated("第一", SECTION), "n.txt"),
    "date fragments 年月日": (repeated("年月日"), "n.txt"),
    "dates and dashes": (repeated("9月1日—", CONTENT), "n.txt"),
    "page-break fragments on one line": (repeated("- 1 -"), "n.txt"),
    "page-break fragments on their own lines": (repeated("正文的一个段落\n- 1 -\n"), "n.txt"),
    "headings with text after them": (repeated("一、活动主题："), "n.txt"),
    "document numbers": (repeated("浦市监质〔2024〕99号", "某某局文件\n{}"), "n.txt"),
    "closing phrases": (repeated("特此通知"), "n.txt"),
    "fields in an item": (repeated("时间：", CONTENT), "n.txt"),
    "paragraphs of a section": (repeated("正文内容\n", SECTION), "n.txt"),
    "text tables": (repeated("序号  活动内容\n1  举办活动\n正文\n", "一、活动内容\n{}"), "n.txt"),
    "plan tables with unnumbered rows": (
        repeated("序号  活动内容  牵头部门\n1  举办活动  质量处\n  开展宣传  质量处\n正文\n"),
        "n.txt",
    ),
    "opening quotes and brackets": (repeated("“（《"), "n.txt"),
    "HTML scripts without end tags": (repeated("<script>", HTML), "n.html"),
    "HTML comments without an end": (repeated("<!--", HTML), "n.html"),
    "HTML less-than signs": (repeated("<", HTML), "n.html"),
    ".docx rows merged down a column": (merged_rows, "n.docx"),
    ".docx cells spanning a billion columns": (wide_cells, "n.docx"),
    ".docx with as many styles as paragraphs": (many_styles, "n.docx"),
    ".docx styles based on each other in a loop": (styles_in_a_loop, "n.docx"),
}

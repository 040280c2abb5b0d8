"""Whatever bytes arrive as an .xlsx, reading them ends in rows or in one Chinese message, never
in another exception, and quickly: random bytes, zips of random parts, workbooks whose parts are
random XML made of the elements and attributes the reader looks at, and valid workbooks with
bytes changed or cut off."""

import re
from datetime import timedelta
from xml.sax.saxutils import escape, quoteattr

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualitymonth.core.sheetreader import XlsxError
from qualitymonth.core.xlsx import read_table

from .hostile_xlsx import OFFICE, PARTS, XML, package, sheet_xml, workbook

CHINESE = re.compile(r"[\u4e00-\u9fff]")
PART_NAMES = [
    "[Content_Types].xml",
    "_rels/.rels",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/worksheets/sheet1.xml",
    "xl/sharedStrings.xml",
    "xl/chartsheets/sheet1.xml",
]
ELEMENTS = [
    "worksheet", "sheetData", "row", "c", "v", "t", "is", "r", "rPh", "f", "si", "sst",
    "workbook", "sheets", "sheet", "Relationships", "Relationship", "x:row", "x:c",
]  # fmt: skip
ATTRIBUTE_VALUES = [
    "A1", "B2", "XFD1048576", "XFE1", "AAAA1", "$A$1", "A0", "1", "0", "-1", "1048577",
    "99999999999999999999", "s", "b", "n", "e", "str", "inlineStr", "d", "rId1", "rId2",
    f"{OFFICE}/worksheet", f"{OFFICE}/sharedStrings", f"{OFFICE}/officeDocument",
    f"{OFFICE}/chartsheet", "worksheets/sheet1.xml", "/xl/worksheets/sheet1.xml",
    "sharedStrings.xml", "xl/workbook.xml", "../../../etc/passwd", "External",
]  # fmt: skip
attributes = st.dictionaries(
    st.sampled_from(["r", "t", "s", "Id", "Type", "Target", "TargetMode", "r:id"]),
    st.one_of(st.sampled_from(ATTRIBUTE_VALUES), st.text(max_size=6)),
    max_size=3,
)


def element(name: str, attrs: dict, children: list[str]) -> str:
    rendered = "".join(f" {key}={quoteattr(value)}" for key, value in attrs.items())
    return f"<{name}{rendered}>{''.join(children)}</{name}>"


text = st.text(st.characters(exclude_categories=("Cs",)), max_size=8).map(escape)
xml_documents = st.recursive(
    text,
    lambda children: st.builds(
        element, st.sampled_from(ELEMENTS), attributes, st.lists(children, max_size=4)
    ),
    max_leaves=25,
).map(lambda body: XML + body)
parts = st.one_of(
    xml_documents,
    st.tuples(xml_documents, st.integers(0, 400)).map(lambda cut: cut[0][: cut[1]]),
    st.binary(max_size=120),
)

random_bytes = st.binary(max_size=300) | st.binary(max_size=300).map(lambda b: b"PK\x03\x04" + b)
random_zips = st.dictionaries(
    st.sampled_from(PART_NAMES)
    | st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=12),
    parts,
    max_size=7,
).map(package)
workbooks_with_random_parts = st.dictionaries(
    st.sampled_from(PART_NAMES), parts, min_size=1, max_size=4
).map(lambda replaced: package({**PARTS, "xl/worksheets/sheet1.xml": SHEET, **replaced}))

SHEET = sheet_xml([["名称", "编码"], ["甲", "=1+1"], ["乙", "-3"]])
VALID = workbook(SHEET)
damaged_workbooks = st.one_of(
    st.integers(1, len(VALID) - 1).map(lambda end: VALID[:end]),
    st.tuples(st.integers(0, len(VALID) - 1), st.binary(min_size=1, max_size=8)).map(
        lambda change: VALID[: change[0]] + change[1] + VALID[change[0] + len(change[1]) :]
    ),
)


@settings(
    max_examples=60,
    deadline=timedelta(seconds=2),
    suppress_health_check=[HealthCheck.too_slow],
)
@given(random_bytes | random_zips | workbooks_with_random_parts | damaged_workbooks)
def test_any_upload_reads_as_rows_or_a_chinese_message(data):
    try:
        rows = read_table(data, required=["名称"], optional=["编码"])
    except XlsxError as error:
        assert CHINESE.search(error.message), error.message
    else:
        assert rows and all(set(row.values) == {"名称", "编码"} for row in rows)
        assert all(isinstance(value, str) for row in rows for value in row.values.values())


def test_the_valid_workbook_the_damage_starts_from_reads():
    rows = read_table(VALID, required=["名称"], optional=["编码"])
    assert [row.values for row in rows] == [
        {"名称": "甲", "编码": "=1+1"},
        {"名称": "乙", "编码": "-3"},
    ]

"""Fuzzing the notice reader and parser with generated text, bytes and .docx files.

Whatever a user uploads or pastes, within `DEADLINE` per example,

- reading ends in a `NoticeSource` whose text holds no NUL (PostgreSQL cannot store it), or in
  `NoticeReadError` with a Chinese message;
- parsing ends in a `ParsedNotice` without an internal-error warning (the parser catches its
  own exceptions paragraph by paragraph and reports `W_INTERNAL`: one here is a bug it hid),
  which comes back equal from the JSON the import stores.

Text is drawn from the characters and phrases notices are made of (numbering, brackets, dates,
contacts, page-break fragments, form feeds) mixed with arbitrary characters; .docx files are
zips written here with random paragraphs, list numbering, styles (based on each other, in loops
too) and tables (merged and spanning cells), some damaged as uploads get damaged.

Each test runs its own number of examples, about 30 s for the file.
`QUALITYMONTH_FUZZ_EXAMPLES` sets the number for every test, for a longer local run:

    QUALITYMONTH_FUZZ_EXAMPLES=20000 .venv/bin/python -m pytest tests/notices/test_fuzz.py -q

Hypothesis keeps a record of every example in memory, about 0.4 MB per .docx example, so run
the .docx tests in parts: `-k docx` with 1,000 examples and a different `--hypothesis-seed`
each time (about 450 MB and one minute of CPU per part).
"""

from __future__ import annotations

import io
import json
import os
import re
import zipfile
from datetime import date, timedelta
from xml.sax.saxutils import quoteattr

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualitymonth.notices.parser import W_INTERNAL, ParsedNotice, parse_notice
from qualitymonth.notices.reader import NoticeReadError, NoticeSource, read_notice
from tests.notices.hostile import claims_to_be_huge, docx_zip, paragraph

FUZZ_EXAMPLES = int(os.environ.get("QUALITYMONTH_FUZZ_EXAMPLES", "0")) or None
DEADLINE = timedelta(seconds=3)
TODAY = date(2025, 3, 1)


def fuzz(examples: int):
    """`examples` per test in CI, or QUALITYMONTH_FUZZ_EXAMPLES for all of them."""
    return settings(
        max_examples=FUZZ_EXAMPLES or examples,
        deadline=DEADLINE,
        suppress_health_check=[HealthCheck.too_slow],
    )


# --- what is generated --------------------------------------------------------------------------

NOTICE_CHARACTERS = (
    "第一二三四五六七八九十〇零年月日号至到前后上中下旬初底末质量活动通知"
    "（）()〔〕[]［］【】《》“”‘’「」、，。；：:,.．!！?？…—–-－~～／/·①②"
    "0123456789０１２３aZ@._%+ \u3000\n\f"
)
PHRASES = [
    *NOTICE_CHARACTERS,
    *["一、", "二、", "十一、", "（一）", "(二)", "（十）", "1.", "2．", "3、", "（1）", "1）"],
    *["〔2024〕99号", "[2024]", "2024年", "9月1日", "9月上旬", "2024.9.1", "二〇二四年九月五日"],
    *["至", "—", "9月30日前", "截止时间：", "为止", "- 1 -", "— 2 —", "第3页"],
    *["联系人：", "联系电话：", "邮箱：", "电话", "张三", "68824341", "13812345678"],
    *["a@b.cn", "zh.san@pudong.gov.cn", "021-6882-4341", "400-123-4567"],
    *["牵头单位：", "配合单位：", "活动时间：", "活动主题：", "主题：", "时间：", "质量处"],
    *["指导思想", "活动内容", "工作要求", "组织领导", "活动时间", "联系方式"],
    *["关于开展质量月活动的通知", "上海市浦东新区市场监督管理局", "文件", "印发", "各单位："],
    *["特此通知。", "抄送：", "附件：", "（此件公开发布）", "上报", "办公室", "報送", "質量"],
    *["序号", "活动名称", "牵头部门", "  ", "\t", "[表格1]", "[表格9999]"],
    *["\n", "\n\n", "\r\n", "\r", "\f", "\u3000", "\u2003", "\xa0", "\u200b", "\ufeff", "\x00"],
]
# A plan table pasted as text: a header the parser knows, rows of cells split by tabs.
plan_table_text = st.builds(
    lambda header, rows: "\n".join("\t".join(row) for row in [header, *rows]) + "\n",
    st.sampled_from(
        [
            ["序号", "活动内容", "活动时间", "牵头部门", "协助部门"],
            ["序号", "活动名称", "牵头单位"],
            ["类别", "活动内容", "时间"],
        ]
    ),
    st.lists(
        st.lists(
            st.one_of(
                st.sampled_from(["1", "12", "²", "٣", "70000", "一二三四五", "（一）开展宣传", ""]),
                st.text(alphabet=NOTICE_CHARACTERS, max_size=12),
            ),
            min_size=1,
            max_size=6,
        ),
        max_size=8,
    ),
)
notice_text = st.lists(
    st.one_of(
        st.sampled_from(PHRASES),
        st.text(alphabet=NOTICE_CHARACTERS, max_size=12),
        st.text(max_size=4),  # any character, surrogates and controls included
        plan_table_text,
    ),
    max_size=120,
).map("".join)

_NUMBER_FORMATS = ["decimal", "chineseCounting", "decimalEnclosedCircle", "bullet", "upperLetter"]


@st.composite
def paragraph_xml(draw) -> str:
    properties = ""
    if draw(st.booleans()):
        properties += f'<w:pStyle w:val="S{draw(st.integers(0, 5))}"/>'
    if draw(st.booleans()):
        level, num = draw(st.integers(-1, 12)), draw(st.integers(0, 3))
        properties += f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr>'
    return paragraph(draw(notice_text), properties)


@st.composite
def table_xml(draw) -> str:
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        cells = []
        if draw(st.booleans()):
            cells.append(f'<w:trPr><w:gridBefore w:val="{draw(st.integers(0, 3))}"/></w:trPr>')
        for _ in range(draw(st.integers(0, 6))):
            merge = draw(st.sampled_from(["", "<w:vMerge/>", '<w:vMerge w:val="restart"/>']))
            span = draw(st.sampled_from([1, 1, 2, 3, 10**9]))
            properties = f'<w:tcPr><w:gridSpan w:val="{span}"/>{merge}</w:tcPr>'
            cells.append(f"<w:tc>{properties}{draw(paragraph_xml())}</w:tc>")
        rows.append(f"<w:tr>{''.join(cells)}</w:tr>")
    return f"<w:tbl>{''.join(rows)}</w:tbl>"


@st.composite
def styles_xml(draw) -> str:
    styles = []
    for index in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["paragraph", "paragraph", "character"]))
        default = ' w:default="1"' if draw(st.booleans()) else ""
        based_on = draw(st.one_of(st.none(), st.integers(0, 5)))  # loops included
        inner = f'<w:basedOn w:val="S{based_on}"/>' if based_on is not None else ""
        if draw(st.booleans()):
            inner += (
                f'<w:pPr><w:numPr><w:numId w:val="{draw(st.integers(0, 3))}"/></w:numPr></w:pPr>'
            )
        styles.append(f'<w:style w:type="{kind}"{default} w:styleId="S{index}">{inner}</w:style>')
    return "".join(styles)


@st.composite
def numbering_xml(draw) -> str:
    levels = []
    for level in range(draw(st.integers(0, 4))):
        text = quoteattr(draw(st.sampled_from(["%1、", "（%1）", "%1.%2.", "第%1条"])))
        levels.append(
            f'<w:lvl w:ilvl="{level}"><w:start w:val="{draw(st.integers(0, 3))}"/>'
            f'<w:numFmt w:val="{draw(st.sampled_from(_NUMBER_FORMATS))}"/>'
            f"<w:lvlText w:val={text}/></w:lvl>"
        )
    nums = "".join(
        f'<w:num w:numId="{n}"><w:abstractNumId w:val="1"/></w:num>' for n in range(1, 4)
    )
    return f'<w:abstractNum w:abstractNumId="1">{"".join(levels)}</w:abstractNum>{nums}'


docx_files = st.builds(
    docx_zip,
    st.lists(st.one_of(paragraph_xml(), table_xml()), max_size=12).map("".join),
    styles_xml(),
    numbering_xml(),
)


@st.composite
def damaged(draw, data: bytes) -> bytes:
    """A file damaged as uploads get damaged: cut short, bytes overwritten, sizes that lie."""
    how = draw(st.sampled_from(["cut", "overwrite", "claims to be huge", "xml broken"]))
    if how == "cut":
        return data[: draw(st.integers(0, len(data)))]
    if how == "overwrite":
        damaged = bytearray(data)
        for _ in range(draw(st.integers(1, 20))):
            damaged[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
        return bytes(damaged)
    if how == "claims to be huge":
        return claims_to_be_huge(data)
    broken = draw(st.sampled_from(["<w:p>", "</w:body>", '<!DOCTYPE x [<!ENTITY a "aaaa">]>']))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        b"?>", b"?>" + broken.encode(), 1
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


# --- what must hold -----------------------------------------------------------------------------

_CHINESE_RE = re.compile("[\u4e00-\u9fff]")


def read(data: bytes, filename: str) -> NoticeSource | None:
    """The file read, or None when the reader refused it with a Chinese message."""
    try:
        source = read_notice(data, filename)
    except NoticeReadError as error:
        assert _CHINESE_RE.search(error.message), error.message
        return None
    assert source.text.strip()
    assert "\x00" not in source.text  # PostgreSQL cannot store it
    return source


def check_parse(source: NoticeSource | str) -> ParsedNotice:
    notice = parse_notice(source, today=TODAY)
    assert W_INTERNAL not in [w.template for w in notice.warnings], notice.unplaced[:3]
    stored = json.loads(json.dumps(notice.to_dict(), ensure_ascii=False))
    assert ParsedNotice.from_dict(stored) == notice
    return notice


# --- the tests ----------------------------------------------------------------------------------


@fuzz(examples=1500)
@given(notice_text)
def test_any_text_parses(text):
    check_parse(text)


@fuzz(examples=800)
@given(
    notice_text,
    st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
    st.sampled_from(["通知.txt", "通知.TXT", "通知", "通知.html", "通知.md"]),
)
def test_any_text_file_is_read_or_refused(text, encoding, filename):
    source = read(text.encode(encoding, "ignore"), filename)
    if source is not None:
        check_parse(source)


@fuzz(examples=800)
@given(st.binary(max_size=3000), st.sampled_from(["x.txt", "x.docx", "x.doc", "x", "x.pdf"]))
def test_any_bytes_are_read_or_refused(data, filename):
    source = read(data, filename)
    if source is not None:
        check_parse(source)


@fuzz(examples=300)
@given(docx_files)
def test_any_well_formed_docx_is_read(data):
    try:
        source = read_notice(data, "通知.docx")
    except NoticeReadError as error:
        assert "空" in error.message  # the only refusal of a well-formed file: no text in it
        return
    check_parse(source)


@fuzz(examples=300)
@given(docx_files.flatmap(damaged), st.sampled_from(["通知.docx", "通知.txt", "通知.doc"]))
def test_any_damaged_docx_is_read_or_refused(data, filename):
    source = read(data, filename)
    if source is not None:
        check_parse(source)

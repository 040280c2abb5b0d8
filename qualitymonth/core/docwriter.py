"""Documents in the format of GB/T 9704-2012 (党政机关公文格式) as .docx. No Django here.

The page: A4, 天头 (top) 37 mm, 订口 (left) 28 mm, 版心 (text block) 156 × 225 mm, 22 lines of
28 characters: each line exactly 28.95 pt, and every character set 0.25 pt tighter than its size
so that 28 3号 characters fit the 156 mm line. The title is 2号 (22 pt) 小标宋, centred; the
body 3号 (16 pt) 仿宋, each paragraph indented two characters. The body's headings are
recognised by how they are numbered — 一、 (黑体), （一） (楷体), 1. (仿宋), （1） (仿宋) — and
carry their outline level, so Word's navigation pane lists them. Page numbers are 4号 半角宋体
"— 1 —" 7 mm below the text block, odd pages at the right and even pages at the left, one
character in.

Why character spacing and not Word's character grid: a grid of 28 characters in 156 mm is
narrower (15.79 pt) than a 16 pt character. Word and WPS squeeze the characters into it;
LibreOffice never squeezes, and gives each character that does not fit one cell two cells, so
the body ran at 14 or 15 characters a line there. A line grid (22 lines) is kept; character
spacing and exact line spacing are read the same way by all three.

Fonts: the standard's faces (方正小标宋简体, 仿宋_GB2312, 楷体_GB2312) are named on the east-Asian
slot of every run, and the font table names the face Windows and WPS always have (宋体, 仿宋,
楷体) as their alternative, so the document stays readable where the GB2312 faces are missing.
Every Chinese face sets a character one em wide, so the layout holds with whatever face an
office suite substitutes; digits and Latin letters are Times New Roman's, half an em.

``write_document`` takes plain values and returns the file's bytes; the unit summary and the
district work summary both build on it.
"""

from __future__ import annotations

import datetime
import io
import itertools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.image.exceptions import UnrecognizedImageError
from docx.image.image import Image as DocxImage
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, Twips
from lxml import etree

# The page and its text block (GB/T 9704-2012, 5.2).
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
TOP_MARGIN_MM, LEFT_MARGIN_MM = 37, 28
TEXT_WIDTH_MM, TEXT_HEIGHT_MM = 156, 225
RIGHT_MARGIN_MM = PAGE_WIDTH_MM - LEFT_MARGIN_MM - TEXT_WIDTH_MM  # 26
BOTTOM_MARGIN_MM = PAGE_HEIGHT_MM - TOP_MARGIN_MM - TEXT_HEIGHT_MM  # 35
LINES_PER_PAGE, CHARS_PER_LINE = 22, 28

# Type sizes by their Chinese names (号).
SIZE_2 = Pt(22)
SIZE_3 = Pt(16)
SIZE_4 = Pt(14)
EM = round(SIZE_3.pt * 20)  # a 3号 character's size in twips (twentieths of a point): 320

# 22 lines of 28.95 pt fill the 225 mm (637.8 pt) text block; Word's own GB/T 9704 templates
# use the same pitch.
LINE_PITCH = Pt(28.95)
PAGE_NUMBER_GAP_MM = 7  # 一字线上距版心下边缘 7 mm
RIGHT_SPACE_CHARS = 2  # 署名 or 成文日期 右空二字


def character_spacing() -> int:
    """The spacing every character is set with (w:spacing, in twentieths of a point): the
    widest at which 28 3号 characters fit the 156 mm line, -5 (-0.25 pt)."""
    room = Mm(TEXT_WIDTH_MM).pt / CHARS_PER_LINE - SIZE_3.pt
    return math.floor(room * 20)


# How far apart a line's 3号 characters stand: 16 pt less the character spacing.
CHAR_PITCH = Twips(EM + character_spacing())

LATIN_FONT = "Times New Roman"


@dataclass(frozen=True)
class Font:
    """A face named by the standard, and the common face to use where it is not installed."""

    name: str
    fallback: str


TITLE_FONT = Font("方正小标宋简体", "宋体")
BODY_FONT = Font("仿宋_GB2312", "仿宋")
HEI_FONT = Font("黑体", "SimHei")
KAI_FONT = Font("楷体_GB2312", "楷体")
SONG_FONT = Font("宋体", "SimSun")

HEADING_FONTS = {1: HEI_FONT, 2: KAI_FONT, 3: BODY_FONT, 4: BODY_FONT}

_HEADING_PATTERNS = (
    (1, re.compile(r"^[一二三四五六七八九十百]+、")),
    (2, re.compile(r"^[（(][一二三四五六七八九十百]+[）)]")),
    # "1." but not "1.5万人次"; "1、" is how many people type it.
    (3, re.compile(r"^\d{1,3}[.．、](?!\d)")),
    (4, re.compile(r"^[（(]\d{1,3}[）)]")),
)


@dataclass(frozen=True)
class Table:
    """A table after the text: its title, the header row and the rows, all as text.

    Cells are centred; the columns in ``left_columns`` (0-based) are set from the left, for
    the long text of a form's answers. A table without a title has no caption line.
    """

    title: str
    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    left_columns: Sequence[int] = ()


@dataclass(frozen=True)
class Image:
    """A JPEG or PNG picture, shown after the text with its caption."""

    data: bytes
    caption: str = ""


@dataclass(frozen=True)
class Annex:
    """An attachment (附件) after the signature, on its own pages: its title, then its tables
    and its pictures."""

    title: str
    tables: Sequence[Table] = ()
    images: Sequence[Image] = ()


class DocumentError(ValueError):
    """Something given to the writer cannot go into a document; the message says what."""


# Reading the body ---------------------------------------------------------------------------


def heading_level(text: str) -> int:
    """1 for "一、", 2 for "（一）", 3 for "1.", 4 for "（1）"; 0 for a body paragraph."""
    text = text.strip()
    for level, pattern in _HEADING_PATTERNS:
        if pattern.match(text):
            return level
    return 0


def split_heading(text: str) -> tuple[str, str]:
    """A heading and the text that follows it on the same line.

    "（一）领导重视。区局成立领导小组……" → ("（一）领导重视。", "区局成立领导小组……"): the first
    sentence takes the heading's font, the rest is body text. A line without a full stop inside
    it is all heading.
    """
    stop = text.find("。")
    if stop == -1 or stop == len(text) - 1:
        return text, ""
    return text[: stop + 1], text[stop + 1 :]


def paragraphs_of(text: str) -> list[str]:
    """The paragraphs of a text typed in a box: one a line, blank lines and the full-width
    spaces people type to indent dropped (the document indents them itself)."""
    return [line.strip(" \t\u3000") for line in text.splitlines() if line.strip(" \t\u3000")]


def chinese_document_date(value: datetime.date) -> str:
    """成文日期 in Arabic numerals, as GB/T 9704-2012 7.3.5.1 asks: 2024年9月30日."""
    return f"{value.year}年{value.month}月{value.day}日"


# Writing ------------------------------------------------------------------------------------


def write_document(
    title: str,
    paragraphs: Iterable[str],
    *,
    number: str = "",
    addressee: str = "",
    signature: str | None = None,
    date: datetime.date | str | None = None,
    tables: Sequence[Table] = (),
    images: Sequence[Image] = (),
    images_title: str = "活动照片",
    annexes: Sequence[Annex] = (),
) -> bytes:
    """A GB/T 9704-2012 document: the title, the body (headings recognised by their numbering),
    the tables, the signature and date, and the attachments (附件): each of ``annexes``, then
    ``images`` with their captions as one more.

    ``number``, a document number (文号) centred under the title, as administrative forms set
    it; ``addressee``, the 主送 line flush left one line below (GB/T 9704-2012 7.3.2).

    ``title`` may hold line breaks ("\\n") where the title should break. Raises
    ``DocumentError`` for an image that is not a JPEG or PNG.
    """
    document = Document()
    _set_up_page(document)
    _set_up_defaults(document)
    _add_page_numbers(document)

    _add_title(document, title)
    if number:
        _add_centred(document, number, BODY_FONT)
    _blank_line(document)
    if addressee:
        paragraph = document.add_paragraph()
        _exact_lines(paragraph)
        _run(paragraph, addressee, BODY_FONT, SIZE_3)
    for text in paragraphs:
        if text.strip():
            _add_body_paragraph(document, text.strip())
    for table in tables:
        _add_table(document, table)
    annexes = list(annexes) + ([Annex(images_title, images=images)] if images else [])
    if annexes:
        _add_annex_note(document, [annex.title for annex in annexes])
    if signature or date:
        _add_signature(document, signature or "", _date_text(date))
    for number, annex in enumerate(annexes, start=1):
        _add_annex(document, annex, "附件" if len(annexes) == 1 else f"附件{number}")

    properties = document.core_properties
    properties.title = title.replace("\n", "")
    properties.author = signature or ""
    properties.comments = ""
    properties.last_modified_by = ""
    properties.language = "zh-CN"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _date_text(date: datetime.date | str | None) -> str:
    if isinstance(date, datetime.date):
        return chinese_document_date(date)
    return date or ""


def _set_up_page(document) -> None:
    section = document.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width = Mm(PAGE_WIDTH_MM)
    section.page_height = Mm(PAGE_HEIGHT_MM)
    section.top_margin = Mm(TOP_MARGIN_MM)
    section.bottom_margin = Mm(BOTTOM_MARGIN_MM)
    section.left_margin = Mm(LEFT_MARGIN_MM)
    section.right_margin = Mm(RIGHT_MARGIN_MM)
    section.gutter = Mm(0)
    section.header_distance = Mm(15)
    # The page number's line (exactly one 4号 line high) ends this far above the paper's edge,
    # so that its top is 7 mm below the text block.
    section.footer_distance = Emu(Mm(BOTTOM_MARGIN_MM - PAGE_NUMBER_GAP_MM) - Pt(SIZE_4.pt))
    # The line grid, 22 lines a page, which Word's page setup shows; no character grid (see
    # the module's docstring): the characters' spacing makes the 28 a line.
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        section._sectPr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(round(LINE_PITCH.pt * 20)))


def _set_up_defaults(document) -> None:
    """The whole document speaks 3号仿宋 in Chinese with the character spacing that fits 28 a
    line, lines exactly one grid line apart."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(run_defaults):
        run_defaults.remove(child)
    _font_elements(run_defaults, BODY_FONT, SIZE_3)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")
    run_defaults.append(lang)
    paragraph_defaults = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
    for child in list(paragraph_defaults):
        paragraph_defaults.remove(child)
    # A mark that may not start a line (，。、) hangs in the right margin in Word and WPS, as
    # their default is. LibreOffice reads this element the other way round and pushes the
    # character before it to the next line instead, which is as well: its own hanging loses
    # the mark from justified lines (LibreOffice 7.4), so the text would miss commas there.
    _on_off(paragraph_defaults, "w:overflowPunct", True)
    # Exact line spacing already overrides the grid in Word; LibreOffice would give a line
    # taller than the grid's pitch (the 2号 title in a substituted face) two grid lines.
    _on_off(paragraph_defaults, "w:snapToGrid", False)
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:before"), "0")
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), str(round(LINE_PITCH.pt * 20)))
    spacing.set(qn("w:lineRule"), "exact")
    paragraph_defaults.append(spacing)

    normal = document.styles["Normal"]
    normal.font.size = SIZE_3
    _set_font(normal.element.get_or_add_rPr(), BODY_FONT)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    normal.paragraph_format.line_spacing = LINE_PITCH
    normal.paragraph_format.widow_control = False

    theme_lang = document.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")
    # Odd pages number at the right, even pages at the left.
    document.settings.odd_and_even_pages_header_footer = True
    _add_font_fallbacks(document)


def _on_off(parent, tag: str, value: bool) -> None:
    element = OxmlElement(tag)
    element.set(qn("w:val"), "1" if value else "0")
    parent.append(element)


def _font_elements(rPr, font: Font, size) -> None:
    """rFonts, the character spacing, sz and szCs on a bare w:rPr (docDefaults), in the
    schema's order."""
    fonts = OxmlElement("w:rFonts")
    rPr.append(fonts)
    _fill_fonts(fonts, font, LATIN_FONT)
    tracking = OxmlElement("w:spacing")
    tracking.set(qn("w:val"), str(character_spacing()))
    rPr.append(tracking)
    half_points = str(round(size.pt * 2))
    for tag in ("w:sz", "w:szCs"):
        element = OxmlElement(tag)
        element.set(qn("w:val"), half_points)
        rPr.append(element)


def _set_font(rPr, font: Font, latin: str = LATIN_FONT) -> None:
    """Name the face on every slot of a run's fonts: the Chinese face on east-Asian text,
    Times New Roman on Latin letters and digits."""
    _fill_fonts(rPr.get_or_add_rFonts(), font, latin)


def _fill_fonts(fonts, font: Font, latin: str) -> None:
    for attribute in list(fonts.attrib):
        del fonts.attrib[attribute]
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), font.name)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:hint"), "eastAsia")


# The font table entry of each face: GB2312 character set (86), and the face to use instead.
_FONT_TABLE_FACES = {
    font.name: (font.fallback, family)
    for font, family in (
        (TITLE_FONT, "roman"),
        (BODY_FONT, "modern"),
        (KAI_FONT, "modern"),
        (HEI_FONT, "modern"),
        (SONG_FONT, "auto"),
    )
}


def _add_font_fallbacks(document) -> None:
    part = next(
        p for p in document.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml"
    )
    table = etree.fromstring(part.blob)
    known = {font.get(qn("w:name")) for font in table.findall(qn("w:font"))}
    for name, (alternative, family) in _FONT_TABLE_FACES.items():
        if name in known:
            continue
        font = etree.SubElement(table, qn("w:font"))
        font.set(qn("w:name"), name)
        for tag, value in (
            ("w:altName", alternative),
            ("w:charset", "86"),
            ("w:family", family),
            ("w:pitch", "variable"),
        ):
            etree.SubElement(font, qn(tag)).set(qn("w:val"), value)
    # The generic part keeps its bytes; give it the new table.
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


def _run(paragraph, text: str, font: Font, size, *, latin: str = LATIN_FONT):
    run = paragraph.add_run(text)
    run.font.size = size
    _set_font(run._r.get_or_add_rPr(), font, latin)
    return run


def _exact_lines(paragraph) -> None:
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.paragraph_format.line_spacing = LINE_PITCH
    paragraph.paragraph_format.space_before = Pt(0)
    paragraph.paragraph_format.space_after = Pt(0)


def _indent_chars(paragraph, chars: int, *, first_line: bool = True, right: bool = False):
    """Indent by characters (Word's *Chars attributes, kept when the font changes, counted
    in the font's size) with the same width in twips for readers that ignore them."""
    # get_or_add keeps the properties in the order of the schema, which Word insists on.
    indent = paragraph._p.get_or_add_pPr().get_or_add_ind()
    twips = str(_indent_twips(chars))
    if right:
        indent.set(qn("w:rightChars"), str(chars * 100))
        indent.set(qn("w:right"), twips)
    elif first_line:
        indent.set(qn("w:firstLineChars"), str(chars * 100))
        indent.set(qn("w:firstLine"), twips)
    else:
        indent.set(qn("w:leftChars"), str(chars * 100))
        indent.set(qn("w:left"), twips)


def _indent_twips(chars: int) -> int:
    return chars * EM


def _outline_level(paragraph, level: int) -> None:
    paragraph._p.get_or_add_pPr().get_or_add_outlineLvl().set(qn("w:val"), str(level - 1))


def _add_title(document, title: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _exact_lines(paragraph)
    lines = [line.strip() for line in title.splitlines() if line.strip()] or [""]
    for number, line in enumerate(lines):
        run = _run(paragraph, line, TITLE_FONT, SIZE_2)
        if number < len(lines) - 1:
            run.add_break()


def _blank_line(document) -> None:
    _exact_lines(document.add_paragraph())


def _add_centred(document, text: str, font: Font):
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _exact_lines(paragraph)
    _run(paragraph, text, font, SIZE_3)
    return paragraph


def _add_body_paragraph(document, text: str, *, heading: bool = True) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    _exact_lines(paragraph)
    _indent_chars(paragraph, 2)
    level = heading_level(text) if heading else 0
    if level == 0:
        _run(paragraph, text, BODY_FONT, SIZE_3)
        return
    _outline_level(paragraph, level)
    head, rest = split_heading(text)
    if level <= 2 and not rest:
        # A heading line keeps the text below it on its page. One that runs on into its text
        # does not: a row of them would all be moved to the next page together, leaving the
        # bottom of the page empty.
        paragraph.paragraph_format.keep_with_next = True
    _run(paragraph, head, HEADING_FONTS[level], SIZE_3)
    if rest:
        _run(paragraph, rest, BODY_FONT, SIZE_3)


def _add_table(document, table: Table) -> None:
    _blank_line(document)
    if table.title:
        caption = _add_centred(document, table.title, HEI_FONT)
        caption.paragraph_format.keep_with_next = True

    rows = ([list(table.header)] if table.header else []) + [list(row) for row in table.rows]
    columns = max((len(row) for row in rows), default=1)
    grid = document.add_table(rows=0, cols=columns)
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    width = Emu(Mm(TEXT_WIDTH_MM) // columns)
    for number, values in enumerate(rows):
        is_header = number == 0 and bool(table.header)
        row = grid.add_row()
        if is_header:
            row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # on every page
        for column, cell in enumerate(row.cells):
            cell.width = width
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            paragraph = cell.paragraphs[0]
            left = column in table.left_columns and not is_header
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if left else WD_ALIGN_PARAGRAPH.CENTER
            paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            text = str(values[column]) if column < len(values) else ""
            _run(paragraph, text, HEI_FONT if is_header else BODY_FONT, SIZE_4)


def _add_signature(document, signature: str, date: str) -> None:
    """署名 and 成文日期 of a document without a seal (GB/T 9704-2012 7.3.5.2): the 署名 two
    characters in from the right, the date on the line below with its first character two
    characters right of the 署名's first; a date longer than the 署名 is the one set two
    characters in from the right, and the 署名 starts two characters right of the date.

    The longer line is right-aligned two characters in, which every suite places exactly
    whatever its letters measure; the shorter one is indented from the left by where the
    longer one starts, plus two characters."""
    _blank_line(document)
    longer = date if line_width(date) > line_width(signature) else signature
    start = Mm(TEXT_WIDTH_MM).twips - _indent_twips(RIGHT_SPACE_CHARS) - line_width(longer)
    for text in (signature, date):
        if not text:
            continue
        paragraph = document.add_paragraph()
        _exact_lines(paragraph)
        if text is longer:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _indent_chars(paragraph, RIGHT_SPACE_CHARS, right=True)
        else:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
            paragraph.paragraph_format.left_indent = Twips(max(0, start + 2 * CHAR_PITCH.twips))
        _run(paragraph, text, BODY_FONT, SIZE_3)


def line_width(text: str) -> int:
    """How wide a line of 3号 text is set, in twips (twentieths of a point): each Chinese
    character or full-width mark 16 pt and each digit or Latin letter 8 pt (Times New Roman's
    figures are half an em), less the character spacing; and a quarter of a character
    between a Chinese character and a digit or Latin letter, which Word and WPS put there
    (w:autoSpaceDE and w:autoSpaceDN are on unless turned off; LibreOffice puts a fifth)."""
    width = sum((EM if _is_wide(ch) else EM // 2) + character_spacing() for ch in text)
    gaps = sum(1 for a, b in itertools.pairwise(text) if _autospaced(a, b) or _autospaced(b, a))
    return width + gaps * EM // 4


def _is_wide(ch: str) -> bool:
    return ord(ch) >= 0x2E80


def _autospaced(chinese: str, western: str) -> bool:
    return "\u3400" <= chinese <= "\u9fff" and western.isascii() and western.isalnum()


def _add_annex_note(document, titles: Sequence[str]) -> None:
    """附件说明 (GB/T 9704-2012 7.3.3): below the text, one line free, two characters in;
    several attachments numbered "附件：1.…", the later ones aligned under the first."""
    _blank_line(document)
    if len(titles) == 1:
        _add_body_paragraph(document, f"附件：{titles[0]}", heading=False)
        return
    for number, title in enumerate(titles, start=1):
        paragraph = document.add_paragraph()
        _exact_lines(paragraph)
        _indent_chars(paragraph, 2 if number == 1 else 5)
        prefix = "附件：" if number == 1 else ""
        _run(paragraph, f"{prefix}{number}.{title}", BODY_FONT, SIZE_3)


def _add_annex(document, annex: Annex, label: str) -> None:
    """An attachment: on a new page its label ("附件2") at the top left in 黑体, its title like
    a document's, then its tables and pictures."""
    paragraph = document.add_paragraph()
    _exact_lines(paragraph)
    paragraph.add_run().add_break(WD_BREAK.PAGE)
    _run(paragraph, label, HEI_FONT, SIZE_3)
    _blank_line(document)
    _add_title(document, annex.title)
    for table in annex.tables:
        _add_table(document, table)
    if annex.images:
        _blank_line(document)
        _add_images(document, annex.images)


def _add_images(document, images: Sequence[Image]) -> None:
    """Each picture with its caption below, kept together."""
    max_width = Mm(TEXT_WIDTH_MM)
    max_height = Mm(150)  # leaves room for the caption on the same page
    for number, image in enumerate(images, start=1):
        try:
            info = DocxImage.from_blob(image.data)
        except UnrecognizedImageError as error:
            raise DocumentError(f"第{number}张照片不是 JPEG 或 PNG 图片，不能放入文档。") from error
        width = max_width
        ratio = info.px_height / info.px_width if info.px_width else 1
        if width * ratio > max_height:
            width = Emu(int(max_height / ratio))
        picture = document.add_paragraph()
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        picture.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        picture.paragraph_format.keep_with_next = True
        picture.add_run().add_picture(io.BytesIO(image.data), width=Emu(int(width)))
        caption = document.add_paragraph()
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _exact_lines(caption)
        _run(caption, image.caption or f"图{number}", BODY_FONT, SIZE_3)
        if number < len(images):
            _blank_line(document)


def _add_page_numbers(document) -> None:
    """ "— 1 —" in 4号 半角宋体: odd pages at the right, even pages at the left, one character
    in."""
    section = document.sections[0]
    for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if odd else WD_ALIGN_PARAGRAPH.LEFT
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        paragraph.paragraph_format.line_spacing = SIZE_4
        paragraph.paragraph_format.space_after = Pt(0)
        indent = paragraph._p.get_or_add_pPr().get_or_add_ind()
        indent.set(qn("w:right" if odd else "w:left"), str(round(SIZE_4.pt * 20)))
        _page_number_run(paragraph, "— ")
        _field(paragraph, "PAGE")
        _page_number_run(paragraph, " —")


def _page_number_run(paragraph, text: str):
    return _run(paragraph, text, SONG_FONT, SIZE_4, latin=SONG_FONT.name)


def _field(paragraph, instruction: str) -> None:
    """A Word field (begin, instruction, separate, shown value, end) in page-number type."""
    for kind in ("begin", "instruction", "separate", "value", "end"):
        run = _page_number_run(paragraph, "")
        if kind == "instruction":
            text = OxmlElement("w:instrText")
            text.set(qn("xml:space"), "preserve")
            text.text = f" {instruction} "
            run._r.append(text)
        elif kind == "value":
            run.text = "1"
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)

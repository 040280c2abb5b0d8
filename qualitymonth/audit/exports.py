"""The audit log as a workbook, written row by row: a year's log is tens of thousands of rows,
and openpyxl's write-only mode keeps memory flat where a normal workbook would not."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

TIME_FORMAT = "yyyy-mm-dd hh:mm:ss"


def write_log(
    headers: Sequence[str], rows: Iterable[Sequence], *, title: str, widths: Sequence[int]
) -> bytes:
    """One sheet: a bold, frozen header row, then ``rows``; datetimes shown to the second and
    multi-line cells wrapped, as Excel and WPS display them."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header_font, header_fill = Font(bold=True), PatternFill("solid", fgColor="DDE6F3")
    header = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font, cell.fill = header_font, header_fill
        header.append(cell)
    sheet.append(header)
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value="" if value is None else value)
            if hasattr(value, "hour"):
                cell.number_format = TIME_FORMAT
            elif isinstance(value, str) and "\n" in value:
                cell.alignment = wrap
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()

import io

from django.http import FileResponse

from .xlsx import XLSX_CONTENT_TYPE


def xlsx_response(content: bytes, filename: str) -> FileResponse:
    """A workbook download with its Chinese file name kept (RFC 6266 filename*)."""
    return FileResponse(
        io.BytesIO(content), as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE
    )


DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def docx_response(content: bytes, filename: str) -> FileResponse:
    """A Word document download with its Chinese file name kept."""
    return FileResponse(
        io.BytesIO(content), as_attachment=True, filename=filename, content_type=DOCX_CONTENT_TYPE
    )

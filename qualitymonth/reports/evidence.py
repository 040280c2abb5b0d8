"""Checks on what a report carries, kept free of Django where they can be: figures, attachments."""

from __future__ import annotations

import io
import statistics
import zipfile
from decimal import Decimal, InvalidOperation

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
ATTACHMENT_TYPES = {
    ".pdf": "PDF",
    ".docx": "Word",
    ".xlsx": "Excel",
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
}


def parse_figure(text: str, *, integer: bool) -> tuple[Decimal | None, str]:
    """A figure typed by a person: "1,200" → 1200. Returns (value, problem)."""
    text = (text or "").strip().replace(",", "").replace("，", "")
    if not text:
        return None, ""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, "请填写数字。"
    if not value.is_finite():
        return None, "请填写数字。"
    if value < 0:
        return None, "不能是负数。"
    if integer and value != value.to_integral_value():
        return None, "请填写整数。"
    if value.as_tuple().exponent < -2:
        return None, "最多保留两位小数。"
    if value >= Decimal("1e12"):
        return None, "数字过大，请核对。"
    return value, ""


def outlier(value: Decimal, history: list[Decimal]) -> Decimal | None:
    """The unit's usual figure when ``value`` is far above it (5× its median, with at least three
    earlier reports), else None: a warning to check, never a refusal."""
    if len(history) < 3 or value <= 50:
        return None
    usual = Decimal(statistics.median(history))
    return usual if value > usual * 5 else None


def attachment_problem(data: bytes, filename: str) -> str:
    """Why an attachment cannot be kept, or "" if it can: the type is read from the bytes."""
    suffix = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if suffix not in ATTACHMENT_TYPES:
        allowed = "PDF、Word（.docx）、Excel（.xlsx）和 JPG"
        return f"附件“{filename}”的类型不支持，只能上传 {allowed} 文件。"
    if not data:
        return f"附件“{filename}”是空文件。"
    if len(data) > MAX_ATTACHMENT_BYTES:
        return f"附件“{filename}”为 {len(data) / 1024 / 1024:.1f} MB，超过 20 MB 上限。"
    kind = ATTACHMENT_TYPES[suffix]
    if kind == "PDF" and not data.startswith(b"%PDF"):
        return f"附件“{filename}”不是真正的 PDF 文件。"
    if kind == "JPEG" and not data.startswith(b"\xff\xd8"):
        return f"附件“{filename}”不是真正的 JPG 图片。"
    if kind in {"Word", "Excel"} and not _office(data, "word/" if kind == "Word" else "xl/"):
        return f"附件“{filename}”不是真正的 {kind} 文件，可能已损坏。"
    return ""


def _office(data: bytes, folder: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)

"""A unit summary as a GB/T 9704-2012 .docx, through the pure ``core.docwriter``."""

from __future__ import annotations

from django.utils import timezone

from qualitymonth.core import docwriter
from qualitymonth.core.chinese import plain_number

from .models import UnitSummary

FIGURES_HEADER = ("序号", "指标", "数值", "计量单位", "统计方式")
_AGGREGATION_LABELS = {"sum": "合计", "avg": "平均", "max": "最大值", "min": "最小值"}


def summary_docx(summary: UnitSummary) -> bytes:
    """The summary's title and text, its figures as a table, the unit's name and the date it
    was sent (today while a draft), and its chosen photos with captions as the attachment."""
    figures = docwriter.Table(
        title="主要数据",
        header=FIGURES_HEADER,
        rows=[
            (
                str(number),
                figure["name"],
                plain_number(figure["value"]),
                figure["unit"],
                _AGGREGATION_LABELS.get(figure["aggregation"], ""),
            )
            for number, figure in enumerate(summary.figures, start=1)
        ],
    )
    sent = summary.submitted_at or timezone.now()
    return docwriter.write_document(
        summary.title,
        docwriter.paragraphs_of(summary.body),
        signature=summary.org_unit.name,
        date=timezone.localtime(sent).date(),
        tables=[figures] if summary.figures else [],
        images=_images(summary),
    )


def _images(summary: UnitSummary) -> list[docwriter.Image]:
    photos = summary.photos.select_related("report").order_by("report_id", "id")
    return [
        docwriter.Image(data, photo.caption or photo.report.title)
        for photo in photos
        if (data := photo.web_bytes()) is not None
    ]


def docx_filename(summary: UnitSummary) -> str:
    return f"{summary.title}.docx"

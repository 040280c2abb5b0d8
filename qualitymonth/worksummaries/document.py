"""A work summary as a GB/T 9704-2012 .docx, through the same ``core.docwriter`` as the unit
summaries: the text, the signature and date, the statistics tables as 附件1 and the photos
with their captions (unit, date, event) as 附件2."""

from __future__ import annotations

from django.utils import timezone

from qualitymonth.core import docwriter, figures
from qualitymonth.core.chinese import plain_number
from qualitymonth.core.figures import PARTICIPANTS
from qualitymonth.dashboard.queries import Dashboard, Row, build_dashboard

from .models import CampaignSummary
from .services import annex_photos, photo_caption, source_campaigns


def statistics_tables(summary: CampaignSummary, dashboard: Dashboard) -> list[docwriter.Table]:
    """表1 the headline figures, indicator totals and derived figures; 表2 by category (a
    district) or by district (a city); 表3 by unit. Four columns at most, so they fit the
    156 mm text block in 4号 type."""
    main = [
        (figure.label, figure.unit, str(value))
        for figure, value in dashboard.headline
        if value is not None
    ]
    main += [
        (name, unit, plain_number(dashboard.total.value(name)))
        for name, unit in dashboard.columns
        if dashboard.total.value(name) is not None
    ]
    main += [
        (name, "", dashboard.derived_display(name, dashboard.total.derived.get(name)))
        for name, _, _ in dashboard.formulas
    ]
    tables = [docwriter.Table("表1　主要指标汇总", ("指标", "计量单位", "数值"), main)]
    group, heading = ("category", "活动类别") if summary.campaign_id else ("district", "区")
    tables.append(_group_table(f"表2　按{heading}统计", heading, dashboard.tables[group]))
    tables.append(_group_table("表3　各单位报送情况", "单位", dashboard.tables["unit"]))
    return tables


def _group_table(title: str, heading: str, rows: list[Row]) -> docwriter.Table:
    columns = (figures.REPORTS_ACCEPTED, figures.EVENTS_HELD)
    return docwriter.Table(
        title,
        (heading, *(figure.label for figure in columns), PARTICIPANTS),
        [
            (
                row.label,
                *(plain_number(row.headline(figure)) for figure in columns),
                plain_number(row.value(PARTICIPANTS)),
            )
            for row in rows
        ],
    )


def summary_docx(summary: CampaignSummary) -> bytes:
    groups = ("category", "unit") if summary.campaign_id else ("district", "unit")
    dashboard = build_dashboard(source_campaigns(summary), groups)
    annexes = [docwriter.Annex("统计表", tables=statistics_tables(summary, dashboard))]
    images = _images(summary)
    if images:
        annexes.append(docwriter.Annex("活动照片", images=images))
    return docwriter.write_document(
        summary.title,
        [p.text for p in summary.paragraphs.all() if p.text.strip()],
        signature=summary.signature,
        date=summary.date or timezone.localdate(),
        annexes=annexes,
    )


def _images(summary: CampaignSummary) -> list[docwriter.Image]:
    return [
        docwriter.Image(data, photo_caption(photo))
        for photo in annex_photos(summary)
        if (data := photo.web_bytes()) is not None
    ]


def docx_filename(summary: CampaignSummary) -> str:
    return f"{summary.title}.docx"

"""The dashboard's tables as workbooks: one table, or all of them as the statistical annex
(统计附表) of the work summary and the upward package."""

from __future__ import annotations

from collections.abc import Sequence

from qualitymonth.campaigns.models import Campaign
from qualitymonth.core import figures
from qualitymonth.core.xlsx import Sheet, write_workbook

from .queries import Dashboard, Row, build_dashboard

GROUP_TITLES = {
    "category": "按活动类别",
    "item": "按活动事项",
    "unit": "按单位",
    "street": "按街镇",
    "day": "每日趋势",
    "district": "按区",
}
GROUP_HEADERS = {
    "category": "活动类别",
    "item": "活动事项",
    "unit": "单位",
    "street": "街镇",
    "day": "日期",
    "district": "区",
}
CAMPAIGN_GROUPS = ("category", "item", "unit", "street", "day")


def _header(name: str, unit: str) -> str:
    return f"{name}（{unit}）" if unit else name


def column_headers(dashboard: Dashboard) -> list[str]:
    """The headline figures, each indicator with its unit, each derived figure."""
    headers = [_header(figure.label, figure.unit) for figure in figures.HEADLINE]
    headers += [_header(name, unit) for name, unit in dashboard.columns]
    headers += [name for name, _, _ in dashboard.formulas]
    return headers


def row_cells(dashboard: Dashboard, row: Row) -> list:
    """A row's figures as numbers a workbook can add up (derived figures as shown)."""
    cells: list = [row.headline(figure) for figure in figures.HEADLINE]
    cells += [number_cell(row.value(name)) for name, _ in dashboard.columns]
    cells += [
        dashboard.derived_display(name, row.derived.get(name)) for name, _, _ in dashboard.formulas
    ]
    return cells


def number_cell(value):
    """A figure as a number a workbook adds up: whole numbers as integers."""
    return None if value is None else float(value) if value % 1 else int(value)


def indicator_sheet(dashboard: Dashboard) -> Sheet:
    """主要指标: the headline figures, every indicator total and every derived figure."""
    rows = [
        (figure.label, figure.unit, value)
        for figure, value in dashboard.headline
        if value is not None
    ]
    rows += [
        (name, unit, number_cell(dashboard.total.value(name))) for name, unit in dashboard.columns
    ]
    rows += [
        (name, "", dashboard.derived_display(name, dashboard.total.derived.get(name)))
        for name, _, _ in dashboard.formulas
    ]
    return Sheet("主要指标", ["指标", "计量单位", "数值"], rows, widths=[24, 12, 14])


def group_sheet(dashboard: Dashboard, group: str) -> Sheet:
    headers = [GROUP_HEADERS[group], *column_headers(dashboard)]
    rows = [[row.label, *row_cells(dashboard, row)] for row in dashboard.tables[group]]
    rows.append(["合计", *row_cells(dashboard, dashboard.total)])
    widths = [36 if group == "item" else 20] + [14] * (len(headers) - 1)
    return Sheet(GROUP_TITLES[group], headers, rows, widths=widths)


def dashboard_workbook(dashboard: Dashboard, groups: Sequence[str]) -> bytes:
    sheets = [indicator_sheet(dashboard)] + [group_sheet(dashboard, g) for g in groups]
    return write_workbook(sheets, notes=_notes(dashboard))


def _notes(dashboard: Dashboard) -> list[str]:
    notes = ["统计口径：", *figures.rules()]
    for name, formula, _ in dashboard.formulas:
        notes.append(f"{name} = {formula.expression}")
    return notes


def annex_xlsx(campaign: Campaign) -> bytes:
    """The statistical annex of a campaign's work summary: every table of its dashboard."""
    dashboard = build_dashboard([campaign], CAMPAIGN_GROUPS)
    return dashboard_workbook(dashboard, CAMPAIGN_GROUPS)

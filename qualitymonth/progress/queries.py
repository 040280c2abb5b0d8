"""Reads of a campaign's progress: completeness for the 通报, a unit's reports, due dates.

The whole campaign's completeness is five queries (assignments, units, items, grouped report
counts, summaries), however many units and items it has; the counting is the pure
``completeness.count_completeness``.
"""

from __future__ import annotations

from django.db.models import Count, QuerySet

from qualitymonth.assignments.models import Assignment
from qualitymonth.campaigns.models import Campaign, Item
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.reports.models import Report
from qualitymonth.reports.services import report_due_date
from qualitymonth.summaries.models import UnitSummary
from qualitymonth.summaries.queries import summary_due_date

from .completeness import Completeness, ReportRow, SummaryRow, count_completeness
from .models import ReminderSent

__all__ = [
    "campaign_completeness",
    "recent_reminders",
    "report_due_date",
    "summary_due_date",
    "unit_kinds",
    "unit_reports",
]


def campaign_completeness(
    campaign: Campaign, *, unit_kind: str = "", unit: OrgUnit | None = None
) -> Completeness:
    """Completeness of every assigned unit (of one kind, or one unit) and every item.

    Each ``UnitProgress.unit`` is the OrgUnit and each ``ItemProgress.item`` the Item.
    """
    assignments = Assignment.objects.filter(item__campaign=campaign)
    reports = Report.objects.filter(item__campaign=campaign)
    summaries = UnitSummary.objects.filter(campaign=campaign)
    if unit_kind:
        assignments = assignments.filter(org_unit__kind=unit_kind)
        reports = reports.filter(org_unit__kind=unit_kind)
        summaries = summaries.filter(org_unit__kind=unit_kind)
    if unit is not None:
        assignments = assignments.filter(org_unit=unit)
        reports = reports.filter(org_unit=unit)
        summaries = summaries.filter(org_unit=unit)

    pairs = list(assignments.order_by().values_list("org_unit_id", "item_id"))
    units = {
        u.pk: u
        for u in OrgUnit.objects.filter(pk__in={unit_id for unit_id, _ in pairs}).only(
            "pk", "name", "short_name", "kind", "pinyin", "path", "parent_id"
        )
    }
    items = list(
        Item.objects.filter(campaign=campaign)
        .select_related("category")
        .order_by("category__order", "category_id", "order", "id")
    )
    report_rows = [
        ReportRow(row["org_unit_id"], row["item_id"], row["status"], row["is_late"], row["n"])
        for row in reports.values("org_unit_id", "item_id", "status", "is_late")
        .annotate(n=Count("id"))
        .order_by()
    ]
    summary_rows = [
        SummaryRow(unit_id, status, is_late)
        for unit_id, status, is_late in summaries.values_list("org_unit_id", "status", "is_late")
    ]
    result = count_completeness(
        pairs,
        report_rows,
        summary_rows,
        unit_sort_keys={pk: (u.pinyin, u.name) for pk, u in units.items()},
        item_order=[item.pk for item in items],
    )
    by_id = {item.pk: item for item in items}
    for progress in result.units:
        progress.unit = units[progress.unit_id]
    for progress in result.items:
        progress.item = by_id[progress.item_id]
    return result


def unit_kinds(campaign: Campaign) -> list[tuple[str, str]]:
    """The kinds of the campaign's assigned units (街道, 镇, 园区 …), for the filter."""
    present = set(
        Assignment.objects.filter(item__campaign=campaign)
        .order_by()
        .values_list("org_unit__kind", flat=True)
        .distinct()
    )
    return [(value, label) for value, label in OrgUnit.Kind.choices if value in present]


def unit_reports(campaign: Campaign, unit: OrgUnit) -> QuerySet[Report]:
    """The unit's reports of the campaign, in plan order, newest first within an item."""
    return (
        Report.objects.filter(item__campaign=campaign, org_unit=unit)
        .select_related("item__category", "event", "author")
        .order_by("item__category__order", "item__order", "item_id", "-updated_at", "-id")
    )


def recent_reminders(campaign: Campaign, limit: int = 20) -> QuerySet[ReminderSent]:
    return ReminderSent.objects.filter(campaign=campaign).select_related("org_unit")[:limit]

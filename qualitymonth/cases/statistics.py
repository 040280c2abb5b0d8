"""Case statistics for the campaign item that takes complaints and reports (the 2024 notice's
item 20, 质量服务惠民便民活动: "受理消费者与质量有关的投诉举报"): cases by kind, by outcome, and
the on-time rate of each clock. They reach the item's report through ``reports.participation``
(registered in ``apps.py``), as check-ins do: shown on the report, and offered as the value of an
indicator of the same name ("投诉件数") where the item has one.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet
from django.utils import timezone

from . import clock
from .models import Case, CaseDeadline, CaseKind

SOURCE = "咨询投诉举报"
# An item whose title or content names one of these takes cases.
ITEM_WORDS = ("投诉", "举报")
OPEN = "办理中"


@dataclass(frozen=True)
class OnTime:
    label: str  # "投诉受理决定"
    on_time: int
    decided: int  # met, or past due and not met

    @property
    def rate(self) -> Decimal | None:
        """Percent, one decimal; None while nothing is decided."""
        if not self.decided:
            return None
        return (Decimal(100 * self.on_time) / self.decided).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )


@dataclass(frozen=True)
class CaseStatistics:
    by_kind: list[tuple[str, int]]
    by_outcome: list[tuple[str, int]]
    on_time: list[OnTime]


def case_statistics(cases: QuerySet[Case], today: datetime.date) -> CaseStatistics:
    """Cases by kind and by outcome (those still open as 办理中), and per kind and step the
    limits met on time among those decided: met, or past their last day unmet. A paused or
    cancelled limit, or one not yet due, is not decided."""
    kinds = Counter(cases.values_list("kind", flat=True))
    outcomes = Counter(
        (Case.Outcome(outcome).label if outcome else OPEN)
        for outcome in cases.values_list("outcome", flat=True)
    )
    on_time: Counter = Counter()
    decided: Counter = Counter()
    deadlines = CaseDeadline.objects.filter(
        case__in=cases, cancelled=False, due_on__isnull=False
    ).select_related("case")
    for deadline in deadlines:
        key = (deadline.case.kind, deadline.milestone)
        if deadline.met_at is not None:
            decided[key] += 1
            on_time[key] += timezone.localtime(deadline.met_at).date() <= deadline.due_on
        elif not deadline.paused and deadline.due_on < today:
            decided[key] += 1
    milestone_labels = dict(CaseDeadline._meta.get_field("milestone").choices)
    return CaseStatistics(
        by_kind=[(label, kinds[value]) for value, label in CaseKind.choices if kinds[value]],
        by_outcome=sorted(outcomes.items(), key=lambda pair: pair[0] != OPEN),
        on_time=[
            OnTime(
                f"{CaseKind(kind).label}{milestone_labels[milestone]}",
                on_time[(kind, milestone)],
                count,
            )
            for (kind, milestone), count in sorted(decided.items())
        ],
    )


def report_figures(report) -> list:
    """For ``reports.participation``: the report of an item that takes complaints and reports
    (not an event's report) shows the cases its unit and the units below it received during the
    campaign: "投诉件数 12", "调解成功件数 5", "投诉受理决定按时率（%） 91.7"."""
    from qualitymonth.reports.participation import Figure

    item = report.item
    campaign = item.campaign
    text = f"{item.title}{item.description}"
    if report.event_id is not None or not any(word in text for word in ITEM_WORDS):
        return []
    if campaign.start_date is None or campaign.end_date is None:
        return []
    cases = Case.objects.filter(
        org_unit__path__startswith=report.org_unit.path,
        received_at__date__gte=campaign.start_date,
        received_at__date__lte=campaign.end_date,
    )
    statistics = case_statistics(cases, clock.today())
    figures = [
        Figure(f"{label}件数", count, source=SOURCE, indicator=f"{label}件数")
        for label, count in statistics.by_kind + statistics.by_outcome
    ]
    figures += [
        Figure(f"{row.label}按时率（%）", row.rate, source=SOURCE)
        for row in statistics.on_time
        if row.rate is not None
    ]
    return figures

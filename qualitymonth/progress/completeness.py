"""Who has sent what: completeness counted over plain rows. No Django here.

The rules, as the Quality Division counts them for its 通报:

- Each unit assigned to an item is expected to send at least one report for it; each unit
  assigned to any item is expected to send one written summary (书面小结).
- A report or summary counts as sent once it has been submitted: submitted, accepted, or
  returned after submission (the unit did send it; the reviewer wants changes). A draft is not
  sent.
- An item counts as on time when at least one sent report for it was on time, late when every
  sent report was late, missing when none was sent.
- Units rank by completion rate (sent ÷ expected items), then on-time rate, then how many items
  have an accepted report; ties keep pinyin order and share a rank.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

SENT = frozenset({"submitted", "returned", "accepted"})
ACCEPTED = "accepted"
DRAFT = "draft"
MISSING = "missing"


@dataclass(frozen=True)
class ReportRow:
    """How many of one unit's reports for one item are in one status (one grouped row)."""

    unit_id: int
    item_id: int
    status: str
    is_late: bool = False
    count: int = 1


@dataclass(frozen=True)
class SummaryRow:
    unit_id: int
    status: str
    is_late: bool = False


def _rate(part: int, whole: int) -> Fraction:
    return Fraction(part, whole) if whole else Fraction(0)


def percent(rate: Fraction) -> str:
    """2/3 → "66.7%"; 1 → "100%"."""
    value = round(float(rate) * 100, 1)
    return f"{value:g}%"


@dataclass
class Cell:
    """One unit's part in one item: the reports it has sent for it."""

    unit_id: int
    item_id: int
    sent_reports: int = 0
    accepted_reports: int = 0
    on_time_reports: int = 0
    drafts: int = 0

    @property
    def sent(self) -> bool:
        return self.sent_reports > 0

    @property
    def accepted(self) -> bool:
        return self.accepted_reports > 0

    @property
    def on_time(self) -> bool:
        return self.on_time_reports > 0

    @property
    def late(self) -> bool:
        return self.sent and not self.on_time

    @property
    def missing(self) -> bool:
        return not self.sent

    @property
    def state(self) -> str:
        """ "on_time", "late" or "missing"."""
        if self.missing:
            return MISSING
        return "on_time" if self.on_time else "late"


@dataclass
class Tally:
    """Expected, sent, accepted, on time, late and missing: of items, or of summaries."""

    expected: int = 0
    sent: int = 0
    accepted: int = 0
    on_time: int = 0
    late: int = 0
    missing: int = 0

    def add(self, *, sent: bool, accepted: bool, on_time: bool) -> None:
        self.expected += 1
        if sent:
            self.sent += 1
            if on_time:
                self.on_time += 1
            else:
                self.late += 1
        else:
            self.missing += 1
        if accepted:
            self.accepted += 1

    def add_cell(self, cell: Cell) -> None:
        self.add(sent=cell.sent, accepted=cell.accepted, on_time=cell.on_time)

    @property
    def completion_rate(self) -> Fraction:
        return _rate(self.sent, self.expected)

    @property
    def on_time_rate(self) -> Fraction:
        return _rate(self.on_time, self.expected)

    @property
    def completion_percent(self) -> str:
        return percent(self.completion_rate)

    @property
    def on_time_percent(self) -> str:
        return percent(self.on_time_rate)


@dataclass
class SummaryState:
    """A unit's written summary: ``status`` is the summary's status, or "missing" when there
    is none."""

    status: str = MISSING
    is_late: bool = False

    @property
    def sent(self) -> bool:
        return self.status in SENT

    @property
    def accepted(self) -> bool:
        return self.status == ACCEPTED

    @property
    def on_time(self) -> bool:
        return self.sent and not self.is_late

    @property
    def late(self) -> bool:
        return self.sent and self.is_late

    @property
    def missing(self) -> bool:
        return not self.sent


@dataclass
class UnitProgress:
    unit_id: int
    reports: Tally = field(default_factory=Tally)
    summary: SummaryState = field(default_factory=SummaryState)
    cells: list[Cell] = field(default_factory=list)
    report_count: int = 0  # sent reports, all items
    accepted_report_count: int = 0
    rank: int = 0
    unit: Any = None  # the OrgUnit, attached by the query layer

    @property
    def missing_item_ids(self) -> list[int]:
        return [cell.item_id for cell in self.cells if cell.missing]

    @property
    def is_complete(self) -> bool:
        return self.reports.missing == 0 and self.summary.sent

    def rank_key(self) -> tuple:
        # Higher is better for all three; negate for an ascending sort.
        return (
            -self.reports.completion_rate,
            -self.reports.on_time_rate,
            -self.reports.accepted,
        )


@dataclass
class ItemProgress:
    item_id: int
    reports: Tally = field(default_factory=Tally)
    cells: list[Cell] = field(default_factory=list)
    item: Any = None  # the Item, attached by the query layer

    @property
    def missing_unit_ids(self) -> list[int]:
        return [cell.unit_id for cell in self.cells if cell.missing]


@dataclass
class Completeness:
    units: list[UnitProgress]  # ranked
    items: list[ItemProgress]  # in the order given
    reports: Tally  # every expected (unit, item)
    summaries: Tally  # every expected unit summary

    def unit(self, unit_id: int) -> UnitProgress | None:
        return next((u for u in self.units if u.unit_id == unit_id), None)


def count_completeness(
    assignments: Iterable[tuple[int, int]],
    reports: Iterable[ReportRow],
    summaries: Iterable[SummaryRow] = (),
    *,
    unit_sort_keys: Mapping[int, Any] | None = None,
    item_order: Sequence[int] | None = None,
) -> Completeness:
    """Count completeness from ``(unit_id, item_id)`` assignments and report/summary rows.

    Rows of units or items that are not assigned are ignored (an assignment removed after the
    unit reported). ``unit_sort_keys`` (pinyin) orders ties; ``item_order`` orders the items
    (plan order), else by id.
    """
    sort_keys = unit_sort_keys or {}
    cells: dict[tuple[int, int], Cell] = {}
    for unit_id, item_id in assignments:
        cells.setdefault((unit_id, item_id), Cell(unit_id, item_id))

    for row in reports:
        cell = cells.get((row.unit_id, row.item_id))
        if cell is None:
            continue
        if row.status in SENT:
            cell.sent_reports += row.count
            if not row.is_late:
                cell.on_time_reports += row.count
            if row.status == ACCEPTED:
                cell.accepted_reports += row.count
        elif row.status == DRAFT:
            cell.drafts += row.count

    units: dict[int, UnitProgress] = {}
    items: dict[int, ItemProgress] = {}
    for cell in cells.values():
        unit = units.setdefault(cell.unit_id, UnitProgress(cell.unit_id))
        unit.cells.append(cell)
        unit.reports.add_cell(cell)
        unit.report_count += cell.sent_reports
        unit.accepted_report_count += cell.accepted_reports
        item = items.setdefault(cell.item_id, ItemProgress(cell.item_id))
        item.cells.append(cell)
        item.reports.add_cell(cell)

    for row in summaries:
        unit = units.get(row.unit_id)
        if unit is not None:
            unit.summary = SummaryState(row.status, row.is_late)

    report_total, summary_total = Tally(), Tally()
    for unit in units.values():
        for cell in unit.cells:
            report_total.add_cell(cell)
        summary = unit.summary
        summary_total.add(sent=summary.sent, accepted=summary.accepted, on_time=summary.on_time)

    position = {item_id: n for n, item_id in enumerate(item_order or ())}

    def item_key(item_id: int) -> tuple[int, int]:
        return (position.get(item_id, len(position)), item_id)

    def unit_key(unit_id: int) -> tuple:
        return (sort_keys.get(unit_id, ""), unit_id)

    for unit in units.values():
        unit.cells.sort(key=lambda c: item_key(c.item_id))
    ordered_items = sorted(items.values(), key=lambda i: item_key(i.item_id))
    for item in ordered_items:
        item.cells.sort(key=lambda c: unit_key(c.unit_id))
    return Completeness(
        _ranked(units.values(), unit_key), ordered_items, report_total, summary_total
    )


def _ranked(units: Iterable[UnitProgress], unit_key) -> list[UnitProgress]:
    """Best first; equal units share a rank (1, 2, 2, 4) and stand in pinyin order."""
    ordered = sorted(units, key=lambda u: (u.rank_key(), unit_key(u.unit_id)))
    previous = None
    for position, unit in enumerate(ordered, start=1):
        key = unit.rank_key()
        unit.rank = ordered[position - 2].rank if key == previous else position
        previous = key
    return ordered


def reminder_window(
    due: datetime.date | None, days_before: int, today: datetime.date
) -> int | None:
    """Days left until ``due`` when today is within ``days_before`` days of it (0 on the day
    itself), else None: before the window, after the deadline, or no deadline."""
    if due is None:
        return None
    days_left = (due - today).days
    return days_left if 0 <= days_left <= days_before else None

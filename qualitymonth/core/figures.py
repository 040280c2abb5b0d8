"""The figures the platform states, each defined once (统计口径).

Every place that states a figure (the dashboard, the work summary's text and its tables, the
.xlsx annex, the upward manifest, the city roll-up, a unit's summary) names it with the ``label``
below and counts it by the ``rule`` below, and every table and document that states it prints
that rule in its notes. No Django here: the database queries that count them live in
``dashboard.queries``, the recount over a package's rows in ``upward.package``; a cross-check test
holds every place to these rules.

Two figures are easily taken for one another, and both are right: the events registered in the
platform, event by event (``EVENTS_HELD``), and the "活动场次" indicator that units type into
their reports (which also counts activities nobody registered). The text names both in words
that keep them apart, and the work summary page flags a difference before anyone signs.

``how`` is an indicator's aggregation: "sum", "avg" (to the cent, halves rounded up, as people
round), "max" or "min".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Figure:
    """A headline figure: its key in code and manifests, the words it is stated in, its unit
    and its exact rule."""

    key: str
    label: str
    unit: str
    rule: str

    def stated(self, value: int) -> str:
        """The figure as a sentence states it: "采用信息24篇"."""
        return f"{self.label}{value}{self.unit}"


UNITS_ASSIGNED = Figure(
    "units_assigned",
    "承担单位",
    "个",
    "承担单位：被分配了至少一个活动事项（牵头或参与）的单位，每个单位只计一次。",
)
UNITS_REPORTED = Figure(
    "units_reported",
    "报送单位",
    "个",
    "报送单位：至少有一篇信息报送经审核采用的单位，每个单位只计一次。",
)
EVENTS_REGISTERED = Figure(
    "events_registered",
    "登记活动",
    "场",
    "登记活动：各单位在平台上逐场登记的活动（计划中和已举办的），不含已取消的，不限活动日期。",
)
EVENTS_HELD = Figure(
    "events_held",
    "已举办活动",
    "场",
    "已举办活动：在平台上登记并标记为已举办的活动，不限活动日期。",
)
REPORTS_ACCEPTED = Figure(
    "reports_accepted",
    "采用信息",
    "篇",
    "采用信息：经审核采用的信息报送（含逾期报送的），不计草稿、待审核和已退回的；不限报送日期。",
)

HEADLINE: tuple[Figure, ...] = (
    UNITS_ASSIGNED,
    UNITS_REPORTED,
    EVENTS_REGISTERED,
    EVENTS_HELD,
    REPORTS_ACCEPTED,
)
BY_KEY = {figure.key: figure for figure in HEADLINE}

INDICATOR_RULE = (
    "各项指标：经审核采用的信息报送中填报的数值，按指标设定的方式汇总（合计、平均、最高或最低）；"
    "不同事项的同名指标合并计算，汇总方式不一致时按合计。"
)
DERIVED_RULE = "派生指标：按公式由上述指标的汇总值计算。"

# The indicator most people report in, and the one that is easily read as EVENTS_HELD.
PARTICIPANTS = "参与人数"
EVENT_COUNT_INDICATOR = "活动场次"


def rules() -> list[str]:
    """The rules of every figure, as the notes of a table or document state them."""
    return [figure.rule for figure in HEADLINE] + [INDICATOR_RULE, DERIVED_RULE]


# How an indicator's values add up ------------------------------------------------------------


def average(total: Decimal, count: int) -> Decimal:
    return (Decimal(total) / count).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Tally:
    """What some values of one indicator name come to, kept whole so that tallies can be
    added together: how they add up, and their sum, count, largest and smallest value."""

    how: str
    sum: Decimal
    count: int
    max: Decimal
    min: Decimal

    @classmethod
    def of(cls, values: Sequence[Decimal], how: str) -> Tally:
        return cls(how, sum(values, Decimal(0)), len(values), max(values), min(values))

    @property
    def value(self) -> Decimal:
        if self.how == "avg":
            return average(self.sum, self.count)
        return getattr(self, self.how)

    def __add__(self, other: Tally) -> Tally:
        """Both together; where the two add up differently, the sum stands."""
        return Tally(
            self.how if self.how == other.how else "sum",
            self.sum + other.sum,
            self.count + other.count,
            max(self.max, other.max),
            min(self.min, other.min),
        )


def combine(tallies: Iterable[tuple[str, Tally]]) -> dict[str, Tally]:
    """Tallies by indicator name: indicators of different items that share a name add up
    together, whatever order the tallies come in."""
    result: dict[str, Tally] = {}
    for name, tally in tallies:
        result[name] = result[name] + tally if name in result else tally
    return result


def aggregate(values: Sequence[Decimal], how: str) -> Decimal | None:
    """The values as one figure; None when there are none."""
    if not values:
        return None
    return Tally.of(values, how).value

"""Reads of the dashboard: the headline figures of ``core.figures`` and what accepted reports
add up to, by category, item, unit, street/town, day and district. Every table is four grouped
queries (reports, indicator values, events, assignments), whatever the number of rows; the
database does the adding. Every page, document, workbook and manifest that states a figure
reads it from here.

A report's day is its event's day, or the day it was sent when it reports work without an event;
an event's day is the day it starts. Street/town: the event's, else the unit's own when the unit
is a street or town, else its parent's.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, Exists, F, Max, Min, OuterRef, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from qualitymonth.assignments.models import Assignment
from qualitymonth.campaigns.models import Campaign, Category, Formula, Indicator, Item
from qualitymonth.core import figures, formulas
from qualitymonth.core.figures import PARTICIPANTS, Tally
from qualitymonth.events.models import Event
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.reports.models import Report, ReportValue

STREET_KINDS = (OrgUnit.Kind.SUBDISTRICT, OrgUnit.Kind.TOWN)
GROUPS = ("category", "item", "unit", "street", "day", "district")


@dataclass(frozen=True)
class Source:
    """The rows a figure is counted from, and how to reach a report's item and unit from them:
    accepted reports, their indicator values, events, or assignments."""

    model: type
    prefix: str = ""  # "report__" from a ReportValue

    @property
    def is_report(self) -> bool:
        return self.model in (Report, ReportValue)


REPORTS = Source(Report)
VALUES = Source(ReportValue, "report__")
EVENTS = Source(Event)
ASSIGNMENTS = Source(Assignment)


def _unit_street(p: str) -> tuple:
    return (
        Case(When(**{f"{p}org_unit__kind__in": STREET_KINDS}, then=F(f"{p}org_unit_id"))),
        Case(
            When(
                **{f"{p}org_unit__parent__kind__in": STREET_KINDS},
                then=F(f"{p}org_unit__parent_id"),
            )
        ),
    )


def group_expression(group: str, source: Source = REPORTS):
    """The value a row of ``source`` is grouped by; None where the group does not apply (an
    assignment has no day)."""
    p = source.prefix
    if group == "category":
        return F(f"{p}item__category_id")
    if group == "item":
        return F(f"{p}item_id")
    if group == "unit":
        return F(f"{p}org_unit_id")
    if group == "district":
        return F(f"{p}item__campaign__org_unit_id")
    zone = timezone.get_current_timezone()
    if group == "day":
        if source.model is Event:
            return TruncDate("starts_at", tzinfo=zone)
        if source.model is Assignment:
            return None
        return Coalesce(
            TruncDate(f"{p}event__starts_at", tzinfo=zone),
            TruncDate(f"{p}submitted_at", tzinfo=zone),
        )
    if group == "street":
        if source.model is Event:
            return Coalesce(F("street_town_id"), *_unit_street(""))
        if source.model is Assignment:
            return Coalesce(*_unit_street(""))
        return Coalesce(F(f"{p}event__street_town_id"), *_unit_street(p))
    raise ValueError(f"unknown group {group!r}")


@dataclass(frozen=True)
class Slice:
    """Which rows a figure stands for: those of some campaigns, narrowed by any of category,
    item, unit, street/town, day, district and indicator (reports that carry it)."""

    campaign_ids: tuple[int, ...]
    category: int | None = None
    item: int | None = None
    unit: int | None = None
    street: int | None = None
    day: datetime.date | None = None
    district: int | None = None
    indicator: str | None = None

    def narrowed(self, **filters) -> Slice:
        return replace(self, **filters)

    @property
    def filters(self) -> dict:
        """The narrowing filters that are set, as a query string would carry them."""
        names = ("category", "item", "unit", "street", "day", "district", "indicator")
        return {name: getattr(self, name) for name in names if getattr(self, name) is not None}

    def applies_to(self, source: Source) -> bool:
        """Whether the narrowing means anything for ``source``: events and assignments carry
        no indicator, assignments no day."""
        if source.is_report:
            return True
        if self.indicator is not None:
            return False
        return not (source.model is Assignment and self.day is not None)

    def apply(self, queryset: QuerySet, source: Source = REPORTS) -> QuerySet:
        p = source.prefix
        queryset = queryset.filter(**{f"{p}item__campaign_id__in": self.campaign_ids})
        if source.is_report:
            queryset = queryset.filter(**{f"{p}status": Report.Status.ACCEPTED})
        exact = {
            "category": f"{p}item__category_id",
            "item": f"{p}item_id",
            "unit": f"{p}org_unit_id",
            "district": f"{p}item__campaign__org_unit_id",
        }
        for name, lookup in exact.items():
            if getattr(self, name) is not None:
                queryset = queryset.filter(**{lookup: getattr(self, name)})
        for name in ("street", "day"):
            if getattr(self, name) is not None:
                queryset = queryset.alias(**{f"_{name}": group_expression(name, source)}).filter(
                    **{f"_{name}": getattr(self, name)}
                )
        if self.indicator is not None:
            if source is VALUES:
                queryset = queryset.filter(indicator__name=self.indicator)
            else:
                carries = ReportValue.objects.filter(
                    report=OuterRef("pk"), indicator__name=self.indicator
                )
                queryset = queryset.filter(Exists(carries))
        return queryset

    def reports(self) -> QuerySet[Report]:
        return self.apply(Report.objects.all())


@dataclass
class Row:
    """One line of a table: the headline figures of ``core.figures`` for a group (None where a
    figure does not apply to it), and what its accepted reports' indicators add up to."""

    key: object
    label: str = ""
    units_assigned: int | None = 0
    units_reported: int = 0
    events_registered: int | None = 0
    events_held: int | None = 0
    reports_accepted: int = 0
    values: dict[str, Decimal] = field(default_factory=dict)
    tallies: dict[str, Tally] = field(default_factory=dict)
    derived: dict[str, Decimal | None] = field(default_factory=dict)
    filters: dict = field(default_factory=dict)  # the slice narrowing that drills into it
    url: str = ""  # the reports behind it

    def value(self, name: str) -> Decimal | None:
        return self.values.get(name)

    def headline(self, figure: figures.Figure) -> int | None:
        return getattr(self, figure.key)


def _grouped(queryset: QuerySet, group: str | None, source: Source, **counts) -> dict:
    """``counts`` of each group (or of all, ``group=None``) in one query: {key: {name: n}}."""
    queryset = queryset.order_by()
    if group is None:
        return {None: queryset.aggregate(**counts)}
    expression = group_expression(group, source)
    if expression is None:
        return {}
    rows = queryset.annotate(key=expression).values("key").annotate(**counts)
    return {row.pop("key"): row for row in rows}


def count_headline(slice_: Slice, group: str | None) -> dict[object, Row]:
    """The headline figures of each group: three grouped queries (reports, events,
    assignments), each counted by its rule in ``core.figures``."""
    reports = _grouped(
        slice_.reports(),
        group,
        REPORTS,
        reports_accepted=Count("id"),
        units_reported=Count("org_unit_id", distinct=True),
    )
    rows = {key: Row(key=key, **counts) for key, counts in reports.items()}
    sources = (
        (
            EVENTS,
            Event.objects.all(),
            {
                "events_registered": Count("id", filter=~Q(status=Event.Status.CANCELLED)),
                "events_held": Count("id", filter=Q(status=Event.Status.HELD)),
            },
        ),
        (
            ASSIGNMENTS,
            Assignment.objects.all(),
            {"units_assigned": Count("org_unit_id", distinct=True)},
        ),
    )
    for source, queryset, counts in sources:
        names = list(counts)
        applies = slice_.applies_to(source) and (
            group is None or group_expression(group, source) is not None
        )
        if not applies:
            for row in rows.values():
                for name in names:
                    setattr(row, name, None)
            continue
        found = _grouped(slice_.apply(queryset, source), group, source, **counts)
        for key, counted in found.items():
            row = rows.setdefault(key, Row(key=key))
            for name in names:
                setattr(row, name, counted[name] or 0)
    return rows


def indicator_tallies(slice_: Slice, group: str | None) -> dict[object, dict[str, Tally]]:
    """Each group's tally of every indicator, by indicator name, in one query; indicators of
    different items that share a name add up together (``core.figures.combine``)."""
    values = slice_.apply(ReportValue.objects.all(), VALUES).order_by()
    if group is not None:
        values = values.annotate(key=group_expression(group, VALUES))
    keys = (["key"] if group is not None else []) + ["indicator__name", "indicator__aggregation"]
    rows = values.values(*keys).annotate(
        sum=Sum("value"), count=Count("id"), max=Max("value"), min=Min("value")
    )
    by_key: dict[object, list[tuple[str, Tally]]] = defaultdict(list)
    for row in rows:
        tally = Tally(
            row["indicator__aggregation"], row["sum"], row["count"], row["max"], row["min"]
        )
        by_key[row.get("key")].append((row["indicator__name"], tally))
    return {key: figures.combine(tallies) for key, tallies in by_key.items()}


def table(
    slice_: Slice,
    group: str | None,
    *,
    compiled: Sequence[tuple[str, formulas.Formula]] = (),
    counts_only: bool = False,
) -> dict[object, Row]:
    """Headline figures, indicator totals and derived figures of each group (or of all,
    ``group=None``); ``counts_only`` leaves the indicators out (one query fewer)."""
    rows = count_headline(slice_, group)
    if not counts_only:
        for key, tallies in indicator_tallies(slice_, group).items():
            rows.setdefault(key, Row(key=key)).tallies = tallies
    for key, row in rows.items():
        _finish(row, compiled)
        if group is not None:
            row.filters = {group: key}
    return rows


def _finish(row: Row, compiled: Sequence[tuple[str, formulas.Formula]]) -> None:
    row.values = {name: tally.value for name, tally in row.tallies.items()}
    row.derived = {name: formula.evaluate(row.values) for name, formula in compiled}


# A unit, its events and its assignments belong to one district: its rows add up to the whole
# without counting a unit twice.
PARTITIONS = ("district",)


def added_up(rows: Iterable[Row], compiled: Sequence[tuple[str, formulas.Formula]]) -> Row:
    """The total of the rows of a partition: what one more pass over the rows would give."""
    total = Row(key=None)
    for row in rows:
        for figure in figures.HEADLINE:
            mine, theirs = total.headline(figure), row.headline(figure)
            setattr(total, figure.key, None if None in (mine, theirs) else mine + theirs)
        total.tallies = figures.combine([*total.tallies.items(), *row.tallies.items()])
    _finish(total, compiled)
    return total


# Labels and order of the groups -------------------------------------------------------------


def campaign_formulas(campaigns: Iterable[Campaign]) -> list[tuple[str, Formula, formulas.Formula]]:
    """The derived figures of the campaigns, each name once, checked against the indicators;
    a formula that no longer fits its indicators (one was renamed) is left out."""
    result: dict[str, tuple[str, Formula, formulas.Formula]] = {}
    campaign_ids = [c.pk for c in campaigns]
    names = set(
        Indicator.objects.filter(item__campaign_id__in=campaign_ids).values_list("name", flat=True)
    )
    for formula in Formula.objects.filter(campaign_id__in=campaign_ids).order_by("order", "id"):
        if formula.name in result:
            continue
        try:
            result[formula.name] = (
                formula.name,
                formula,
                formulas.parse(formula.expression, names),
            )
        except formulas.FormulaError:
            continue
    return list(result.values())


def indicator_columns(campaign_ids: Sequence[int]) -> list[tuple[str, str]]:
    """(name, unit) of every indicator of the campaigns, each name once, in plan order."""
    rows = (
        Indicator.objects.filter(item__campaign_id__in=campaign_ids)
        .order_by("item__campaign_id", "item__category__order", "item__order", "order", "id")
        .values_list("name", "unit")
    )
    return list(dict.fromkeys((name, unit) for name, unit in rows).keys())


def labelled(group: str, rows: dict[object, Row], campaign_ids: Sequence[int]) -> list[Row]:
    """The rows of a group with their labels, in the order people expect: plan order for
    categories and items, by date for days, most reports first for units and streets."""
    keys = [key for key in rows if key is not None]
    if group == "category":
        categories = Category.objects.filter(campaign_id__in=campaign_ids).order_by("order", "id")
        ordered = [(c.pk, c.label + c.title) for c in categories]
        missing = [Row(key=pk, filters={group: pk}) for pk, _ in ordered if pk not in rows]
        rows.update({row.key: row for row in missing})
    elif group == "item":
        items = Item.objects.filter(campaign_id__in=campaign_ids).order_by(
            "category__order", "order", "id"
        )
        ordered = [(i.pk, str(i)) for i in items]
        rows.update({pk: Row(key=pk, filters={group: pk}) for pk, _ in ordered if pk not in rows})
    elif group == "day":
        ordered = [(key, f"{key.month}月{key.day}日") for key in sorted(keys)]
    else:
        units = OrgUnit.objects.filter(pk__in=keys).only("pk", "name", "pinyin")
        by_pk = {u.pk: u for u in units}
        keys.sort(key=lambda k: (-rows[k].reports_accepted, by_pk[k].pinyin, by_pk[k].name))
        ordered = [(key, by_pk[key].name) for key in keys]
    result = []
    for key, label in ordered:
        row = rows[key]
        row.label = label
        result.append(row)
    if None in rows and group in ("street",):
        unplaced = rows[None]
        unplaced.label = "未指明街镇"
        result.append(unplaced)
    return result


@dataclass
class DistrictChoice:
    """The campaign a district counts with in the city's figures, and the others of the same
    year and kind it has (most accepted reports first), which do not count."""

    district: OrgUnit
    counted: Campaign
    others: list[Campaign]


def district_choices(city: OrgUnit, year: int, kind: str) -> list[DistrictChoice]:
    """The one campaign of the year and kind that each district under ``city`` counts with,
    districts in pinyin order: those run in this deployment and those imported from district
    deployments alike. A district never counts twice.

    The rule, when a district has several published campaigns (a notice imported twice, a
    package imported for a district that also runs here): the one with the most accepted
    reports; on a tie, one run on this platform before one imported from an upward package
    (the live data before a snapshot of it); then the one published first (the notice's
    campaign before a copy made later). Drafts and archived campaigns never count.

    Only districts with more than one campaign cost a count of reports; each campaign of
    those carries it as ``accepted_reports``.
    """
    campaigns = (
        Campaign.objects.filter(
            org_unit__path__startswith=city.path,
            org_unit__kind=OrgUnit.Kind.DISTRICT,
            year=year,
            kind=kind,
            status=Campaign.Status.PUBLISHED,
        )
        .annotate(package=F("upward_package__pk"))
        .select_related("org_unit")
        .order_by("org_unit__pinyin", "org_unit__name", "published_at", "pk")
    )
    by_district: dict[int, list[Campaign]] = defaultdict(list)
    for campaign in campaigns:
        by_district[campaign.org_unit_id].append(campaign)
    contested = [c for group in by_district.values() if len(group) > 1 for c in group]
    if contested:
        accepted = dict(
            Report.objects.filter(item__campaign__in=contested, status=Report.Status.ACCEPTED)
            .values("item__campaign")
            .annotate(n=Count("pk"))
            .values_list("item__campaign", "n")
        )
        for campaign in contested:
            campaign.accepted_reports = accepted.get(campaign.pk, 0)
    choices = []
    for group in by_district.values():
        group.sort(key=_counting_order)
        choices.append(DistrictChoice(group[0].org_unit, group[0], group[1:]))
    return choices


def _counting_order(campaign: Campaign) -> tuple:
    return (
        -getattr(campaign, "accepted_reports", 0),
        campaign.package is not None,
        campaign.published_at or campaign.created_at,
        campaign.pk,
    )


def district_campaigns(city: OrgUnit, year: int, kind: str) -> list[Campaign]:
    """The campaigns the city's figures are of: one per district (``district_choices``)."""
    return [choice.counted for choice in district_choices(city, year, kind)]


# The whole dashboard --------------------------------------------------------------------------


@dataclass
class Dashboard:
    """Everything a dashboard page, its exports and the work summary show."""

    campaigns: list[Campaign]
    slice: Slice
    columns: list[tuple[str, str]]  # (indicator name, unit)
    formulas: list[tuple[str, Formula, formulas.Formula]]
    total: Row
    tables: dict[str, list[Row]]

    @property
    def start(self) -> datetime.date | None:
        return min((c.start_date for c in self.campaigns if c.start_date), default=None)

    @property
    def end(self) -> datetime.date | None:
        return max((c.end_date for c in self.campaigns if c.end_date), default=None)

    @property
    def participants(self) -> Decimal | None:
        return self.total.value(PARTICIPANTS)

    @property
    def headline(self) -> list[tuple[figures.Figure, int | None]]:
        return [(figure, self.total.headline(figure)) for figure in figures.HEADLINE]

    def event_count_gap(self, row: Row | None = None) -> tuple[int, Decimal] | None:
        """(events held in the platform, the "活动场次" units reported) of ``row`` (the total
        by default) when the two differ: both are right, and the text must keep them apart."""
        row = row or self.total
        reported = row.value(figures.EVENT_COUNT_INDICATOR)
        if reported is None or row.events_held is None or reported == row.events_held:
            return None
        return row.events_held, reported

    def derived_display(self, name: str, value: Decimal | None) -> str:
        """A derived figure as people read it: "96.5%" for a rate, else the number."""
        formula = next(f for n, f, _ in self.formulas if n == name)
        return display_formula(formula, value)


def display_formula(formula: Formula, value: Decimal | None) -> str:
    if value is None:
        return "—"
    places = Decimal(1).scaleb(-formula.decimals)
    if formula.display == Formula.Display.PERCENT:
        return f"{(value * 100).quantize(places, rounding=ROUND_HALF_UP)}%"
    return f"{value.quantize(places, rounding=ROUND_HALF_UP)}"


def build_dashboard(
    campaigns: Sequence[Campaign],
    groups: Sequence[str],
    *,
    counts_only: Sequence[str] = (),
    within: Slice | None = None,
) -> Dashboard:
    """The dashboard of ``campaigns`` (one district's, or every district's of a year), with a
    table per group in ``groups``; the groups in ``counts_only`` without indicators; the
    figures only of the reports ``within`` a narrower slice when one is given (a drill-down).

    With a partition among the groups (by district, by unit) the total is its rows added up
    rather than another pass over every report: at national scale, a pass is seconds.
    """
    campaign_ids = tuple(c.pk for c in campaigns)
    slice_ = within or Slice(campaign_ids)
    compiled = campaign_formulas(campaigns)
    pairs = [(name, parsed) for name, _, parsed in compiled]
    tables = {
        group: table(slice_, group, compiled=pairs, counts_only=group in counts_only)
        for group in groups
    }
    partition = next((g for g in PARTITIONS if g in tables and g not in counts_only), None)
    if partition:
        total = added_up(tables[partition].values(), pairs)
    else:
        total = table(slice_, None, compiled=pairs)[None]
    return Dashboard(
        campaigns=list(campaigns),
        slice=slice_,
        columns=indicator_columns(campaign_ids),
        formulas=compiled,
        total=total,
        tables={group: labelled(group, rows, campaign_ids) for group, rows in tables.items()},
    )

"""Every figure a leader signs agrees in every place it is stated (``core.figures``).

Hypothesis builds campaigns of many shapes: streets, towns and their enterprises; assignments;
events planned, held and cancelled, inside and outside the period; reports in every review state,
late ones, one returned and then accepted through the services; figures of summed and averaged
indicators and a derived rate. For each, the figures are counted here from the generated rows by
the rules of ``core.figures`` (the oracle), and each place is read back the way its reader meets
it and held to the oracle:

- the dashboard page (HTML),
- the work summary .docx (its text, and its 表1), as the package carries it,
- the .xlsx statistical annex, as the package carries it, and the dashboard's own export,
- the upward manifest,
- the city page of a second deployment that imported the package, twice (the second import a
  corrected package that replaces the first),
- each unit's summary (书面小结) against its row of the dashboard.

``QUALITYMONTH_CROSS_CHECK_EXAMPLES`` raises the number of campaigns tried (default 6 in CI).
"""

from __future__ import annotations

import datetime
import io
import json
import os
import re
import zipfile
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import docx
import openpyxl
import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from qualitymonth.accounts.models import Role
from qualitymonth.assignments.models import Assignment
from qualitymonth.campaigns.models import DEFAULT_INDICATORS, Formula, Indicator
from qualitymonth.campaigns.services import publish_campaign, set_indicators
from qualitymonth.core import figures
from qualitymonth.events.models import Event
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.reports import services as reports
from qualitymonth.reports.models import Report, ReportValue
from qualitymonth.summaries.queries import accepted_reports
from qualitymonth.summaries.services import unit_figures
from qualitymonth.upward import services as upward
from qualitymonth.upward.keys import KEY_DIR_VARIABLE
from tests.conftest import make_person
from tests.upward.conftest import register_district_key

pytestmark = pytest.mark.django_db(transaction=False)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
EXAMPLES = int(os.environ.get("QUALITYMONTH_CROSS_CHECK_EXAMPLES", "6"))
ITEMS = (1, 2, 17, 19)  # item 19 carries the metrology figures and the 合格率 formula
METROLOGY = [
    {"name": "参与人数", "unit": "人", "value_type": "integer", "aggregation": "sum"},
    {"name": "活动场次", "unit": "场", "value_type": "integer", "aggregation": "sum"},
    {"name": "检定台数", "unit": "台", "value_type": "integer", "aggregation": "sum"},
    {"name": "合格台数", "unit": "台", "value_type": "integer", "aggregation": "sum"},
    {"name": "满意度", "unit": "分", "value_type": "decimal", "aggregation": "avg"},
]
STREETS = ("陆家嘴街道", "花木街道", "周家渡街道", "张江镇", "川沙新镇", "高桥镇")
STATES = ("draft", "submitted", "returned", "accepted")


# The shapes of campaign tried ---------------------------------------------------------------


@dataclass
class Shape:
    streets: int
    firms: list[int]  # each an enterprise under that street
    items: list[int]
    assignments: set[tuple[int, int]]  # (item index, unit index)
    events: list[dict]
    reports: list[dict]
    reworked: tuple[int, int, dict]  # the returned-then-accepted report: item, unit, figures


def _values(indicators: list[str]):
    counts = st.integers(min_value=0, max_value=900)
    score = st.decimals(min_value=0, max_value=5, places=1, allow_nan=False)
    return st.fixed_dictionaries(
        {},
        optional={name: score if name == "满意度" else counts for name in indicators},
    )


INDICATORS = {
    number: [i["name"] for i in (METROLOGY if number == 19 else DEFAULT_INDICATORS)]
    for number in ITEMS
}


@st.composite
def shapes(draw) -> Shape:
    streets = draw(st.integers(min_value=1, max_value=len(STREETS)))
    firms = draw(st.lists(st.integers(0, streets - 1), max_size=2))
    units = streets + len(firms)
    items = draw(st.lists(st.sampled_from(ITEMS), min_size=1, max_size=len(ITEMS), unique=True))
    unit = st.integers(0, units - 1)
    item = st.integers(0, len(items) - 1)
    assignments = draw(st.sets(st.tuples(item, unit), max_size=8))
    events = draw(
        st.lists(
            st.fixed_dictionaries(
                {
                    "item": item,
                    "unit": unit,
                    "status": st.sampled_from(["planned", "held", "cancelled"]),
                    "day": st.integers(-10, 45),  # some before or after September
                    "street": st.booleans(),
                }
            ),
            max_size=7,
        )
    )
    report_list = []
    for _ in range(draw(st.integers(0, 9))):
        event = draw(st.none() | st.integers(0, len(events) - 1)) if events else None
        if event is not None:
            at_item, at_unit = events[event]["item"], events[event]["unit"]
        else:
            at_item, at_unit = draw(item), draw(unit)
        report_list.append(
            {
                "item": at_item,
                "unit": at_unit,
                "event": event,
                "status": draw(st.sampled_from(STATES)),
                "late": draw(st.booleans()),
                "values": draw(_values(INDICATORS[items[at_item]])),
            }
        )
    reworked_item, reworked_unit = draw(item), draw(unit)
    assignments.add((reworked_item, reworked_unit))  # a unit reports for items it was given
    reworked = (reworked_item, reworked_unit, draw(_values(INDICATORS[items[reworked_item]])))
    return Shape(streets, firms, items, assignments, events, report_list, reworked)


# Building it, and the oracle -------------------------------------------------------------------


@dataclass
class Expected:
    """The figures as counted here from the rows made, by the rules of ``core.figures``."""

    headline: dict[str, int]
    totals: dict[str, Decimal]
    rate: str | None  # 合格率 as people read it
    units: dict[str, dict[str, Decimal]] = field(default_factory=dict)  # unit name → totals


def expected(campaign) -> Expected:
    events = list(Event.objects.filter(item__campaign=campaign).values_list("status", flat=True))
    accepted = Report.objects.filter(item__campaign=campaign, status=Report.Status.ACCEPTED)
    values = ReportValue.objects.filter(report__in=accepted).select_related(
        "indicator", "report__org_unit"
    )
    by_name: dict[str, list[Decimal]] = defaultdict(list)
    by_unit: dict[str, dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    for value in values:
        by_name[value.indicator.name].append(value.value)
        by_unit[value.report.org_unit.name][value.indicator.name].append(value.value)

    def add_up(named: dict[str, list[Decimal]]) -> dict[str, Decimal]:
        result = {}
        for name, numbers in named.items():
            if name == "满意度":
                mean = sum(numbers) / len(numbers)
                result[name] = mean.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            else:
                result[name] = sum(numbers)
        return result

    totals = add_up(by_name)
    rate = None  # a total nobody reported, or a division by nought, gives no rate
    if totals.get("检定台数") and "合格台数" in totals:
        ratio = totals["合格台数"] / totals["检定台数"] * 100
        rate = f"{ratio.quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"
    headline = {
        "units_assigned": Assignment.objects.filter(item__campaign=campaign)
        .values("org_unit")
        .distinct()
        .count(),
        "units_reported": accepted.values("org_unit").distinct().count(),
        "events_registered": sum(status != "cancelled" for status in events),
        "events_held": sum(status == "held" for status in events),
        "reports_accepted": accepted.count(),
    }
    return Expected(headline, totals, rate, {unit: add_up(v) for unit, v in by_unit.items()})


def at(day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(2024, 9, 1, hour, tzinfo=SHANGHAI) + datetime.timedelta(days=day)


def build(shape: Shape, campaign, pudong, admin) -> list[OrgUnit]:
    """The shape as rows: units, assignments, events and reports, the reworked report through
    the review services."""
    units = []
    for name in STREETS[: shape.streets]:
        kind = OrgUnit.Kind.TOWN if name.endswith("镇") else OrgUnit.Kind.SUBDISTRICT
        units.append(OrgUnit.objects.create(name=name, kind=kind, parent=pudong))
    for n, street in enumerate(shape.firms):
        units.append(
            OrgUnit.objects.create(
                name=f"示例企业{n + 1}", kind=OrgUnit.Kind.ENTERPRISE, parent=units[street]
            )
        )
    items = [campaign.items.get(number=number) for number in shape.items]
    indicators = {(i.item_id, i.name): i for i in Indicator.objects.filter(item__campaign=campaign)}
    Assignment.objects.bulk_create(
        Assignment(item=items[i], org_unit=units[u], role=Assignment.Role.PARTICIPANT)
        for i, u in shape.assignments
    )
    events = [
        Event.objects.create(
            item=items[e["item"]],
            org_unit=units[e["unit"]],
            title=f"活动{n + 1}",
            starts_at=at(e["day"]),
            ends_at=at(e["day"], 12),
            street_town=units[e["unit"]] if e["street"] and e["unit"] < shape.streets else None,
            status=e["status"],
        )
        for n, e in enumerate(shape.events)
    ]
    for n, r in enumerate(shape.reports):
        item = items[r["item"]]
        report = Report.objects.create(
            item=item,
            org_unit=units[r["unit"]],
            event=events[r["event"]] if r["event"] is not None else None,
            title=f"信息{n + 1}",
            content=f"{units[r['unit']].name}开展活动。",
            status=r["status"],
            is_late=r["late"],
            submitted_at=None if r["status"] == "draft" else at(n % 30, 18),
        )
        ReportValue.objects.bulk_create(
            ReportValue(report=report, indicator=indicators[item.pk, name], value=Decimal(value))
            for name, value in r["values"].items()
        )
    item_index, unit_index, values = shape.reworked
    item, unit = items[item_index], units[unit_index]
    reporter = make_person(f"reporter{unit.pk}", Role.REPORTER, unit)
    report = reports.start_report(reporter, item=item, org_unit=unit)
    first = {indicators[item.pk, name].pk: "1" for name in values}
    reports.save_draft(report, reporter, title="返工的信息", content="初稿。", figures=first)
    reports.submit_report(report, reporter)
    reports.return_report(report, admin, "请核对数据")
    fixed = {indicators[item.pk, name].pk: str(value) for name, value in values.items()}
    reports.save_draft(report, reporter, content="核对后的稿件。", figures=fixed)
    reports.submit_report(report, reporter)
    reports.accept_report(report, admin)
    return units


# Reading each place back ----------------------------------------------------------------------


def _number(text: str) -> Decimal:
    return Decimal(text.strip().replace(",", ""))


def from_page(html: str) -> dict:
    """The figures a dashboard page states: the headline figures of its 总体情况, and every
    indicator total and derived figure wherever the page states one for the whole (总体情况,
    主要指标, the 合计 row of every table); the page must state each the same everywhere."""
    tree = lxml_html.fromstring(html)
    whole = (
        "//section[contains(@class, 'kpis')]",
        "//*[@id='main-figures']",
        "//tr[@data-key='total']",
    )
    stated = {"headline": {}, "totals": {}, "derived": {}}
    for kind, attribute in (("headline", "data-figure"), ("totals", "data-indicator")):
        for node in tree.xpath(" | ".join(f"{w}//*[@{attribute}]" for w in whole)):
            text = node.text_content().strip()
            if text in ("—", ""):
                continue
            value = int(text) if kind == "headline" else _number(text)
            name = node.get(attribute)
            assert stated[kind].setdefault(name, value) == value, f"{name}: two figures"
    for node in tree.xpath(" | ".join(f"{w}//*[@data-derived]" for w in whole)):
        text, name = node.text_content().strip(), node.get("data-derived")
        if text != "—":
            assert stated["derived"].setdefault(name, text) == text, f"{name}: two figures"
    return stated


def table_rows(html: str, section: str) -> dict[str, dict[str, str]]:
    """The rows of a dashboard table: label → {figure key or indicator name: text}."""
    tree = lxml_html.fromstring(html)
    rows = {}
    for row in tree.xpath(f"//*[@id='{section}']//tbody/tr"):
        cells = {}
        for cell in row.xpath("td"):
            key = cell.get("data-figure") or cell.get("data-indicator") or cell.get("data-derived")
            cells[key] = cell.text_content().strip()
        rows[row.xpath("th")[0].text_content().strip()] = cells
    return rows


def from_text(text: str, columns: list[tuple[str, str]]) -> dict:
    """The figures a paragraph of the work summary states, by the words it states them in; a
    figure the text leaves out (nought) is 0."""
    stated = {"headline": {}, "totals": {}, "derived": {}}
    for figure in figures.HEADLINE:
        found = re.findall(rf"{figure.label}(\d+){figure.unit}", text)
        assert len(set(found)) <= 1, f"two numbers for {figure.label}: {text}"
        stated["headline"][figure.key] = int(found[0]) if found else 0
    for name, unit in columns:
        found = re.findall(rf"{name}([\d.]+){unit}", text)
        assert len(set(found)) <= 1, f"two numbers for {name}: {text}"
        if found:
            stated["totals"][name] = _number(found[0])
    rate = re.findall(r"合格率([\d.]+%)", text)
    if rate:
        stated["derived"]["合格率"] = rate[0]
    return stated


def from_docx(data: bytes, columns) -> tuple[dict, dict[str, str]]:
    """The overview paragraph's figures, and 表1's rows (label → value), of a work summary."""
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    overview = next(t for t in texts if "活动期间，全区" in t)
    for text in texts:  # no paragraph names two numbers with the same words
        from_text(text, columns)
    table = document.tables[0]
    return from_text(overview, columns), {r.cells[0].text: r.cells[2].text for r in table.rows[1:]}


def from_workbook(data: bytes) -> dict[str, object]:
    sheet = openpyxl.load_workbook(io.BytesIO(data))["主要指标"]
    return {row[0]: row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}


def assert_states(stated: dict, want: Expected, where: str) -> None:
    assert stated["headline"] == want.headline, where
    wanted = {name: value for name, value in want.totals.items() if value}
    got = {name: value for name, value in stated["totals"].items() if value}
    assert got == wanted, where
    assert stated["derived"].get("合格率") == want.rate, where


def assert_table(rows: dict[str, object], want: Expected, where: str) -> None:
    """表1 of the .docx, or 主要指标 of the .xlsx: label → value."""
    for figure in figures.HEADLINE:
        assert _number(str(rows[figure.label])) == want.headline[figure.key], where
    for name, value in want.totals.items():
        assert _number(str(rows[name])) == value, where
    assert rows.get("合格率") == (want.rate or "—"), where


def read_package(data: bytes) -> tuple[dict, bytes, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        return manifest, archive.read("summary.docx"), archive.read("annex.xlsx")


def from_manifest(manifest: dict) -> dict:
    stated = manifest["figures"]
    rate = stated["derived"].get("合格率")
    if rate is not None:
        rate = f"{(Decimal(rate) * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP)}%"
    return {
        "headline": stated["headline"],
        "totals": {name: Decimal(value) for name, value in stated["totals"].items()},
        "derived": {"合格率": rate} if rate else {},
    }


# The test ----------------------------------------------------------------------------------


@pytest.fixture
def stage(seed_campaign, admin, pudong, city, tmp_path, monkeypatch):
    """A published campaign with metrology figures and 合格率 on item 19, and a second
    deployment's city (another "上海市" with its own 浦东新区, where Pudong's key is registered)
    that receives the packages."""
    campaign = publish_campaign(seed_campaign, admin)
    set_indicators(campaign.items.get(number=19), admin, METROLOGY)
    Formula.objects.create(campaign=campaign, name="合格率", expression="合格台数 / 检定台数")
    other_city = OrgUnit.objects.create(name="上海市", kind=OrgUnit.Kind.CITY)
    other_pudong = OrgUnit.objects.create(
        name="浦东新区", kind=OrgUnit.Kind.DISTRICT, parent=other_city
    )
    monkeypatch.setenv(KEY_DIR_VARIABLE, str(tmp_path / "upward-keys"))
    register_district_key(pudong, at=other_pudong)
    receiver = make_person("city_office", Role.CITY_VIEWER, other_city)
    return campaign, other_city, receiver


# Besides what hypothesis draws, always one campaign with every kind of row at once: events of
# each status, two accepted reports of one unit averaging 满意度, one late, one returned, a
# draft, a rate over two items' figures.
EVERY_KIND = Shape(
    streets=2,
    firms=[0],
    items=[1, 19],
    assignments={(0, 0), (0, 1), (1, 0), (1, 1), (0, 2)},
    events=[
        {"item": 1, "unit": 0, "status": "held", "day": 3, "street": True},
        {"item": 1, "unit": 1, "status": "planned", "day": 20, "street": False},
        {"item": 0, "unit": 2, "status": "cancelled", "day": 40, "street": False},
    ],
    reports=[
        {
            "item": 1,
            "unit": 0,
            "event": 0,
            "status": "accepted",
            "late": False,
            "values": {"检定台数": 100, "合格台数": 97, "满意度": Decimal("4.5")},
        },
        {
            "item": 1,
            "unit": 0,
            "event": None,
            "status": "accepted",
            "late": True,
            "values": {"检定台数": 20, "合格台数": 19, "满意度": Decimal("3.0"), "活动场次": 12},
        },
        {"item": 0, "unit": 2, "event": None, "status": "returned", "late": False, "values": {}},
        {"item": 1, "unit": 1, "event": None, "status": "draft", "late": False, "values": {}},
    ],
    reworked=(0, 1, {"参与人数": 80, "活动场次": 2}),
)


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(shape=shapes())
@example(shape=EVERY_KIND)
def test_every_place_states_the_same_figures(shape, stage, admin, pudong, client):
    campaign, other_city, receiver = stage
    with transaction.atomic():
        units = build(shape, campaign, pudong, admin)
        check_every_place(campaign, units, other_city, admin, receiver, client)
        transaction.set_rollback(True)


def check_every_place(campaign, units, other_city, admin, receiver, client) -> None:
    want = expected(campaign)
    columns = list(Indicator.objects.filter(item__campaign=campaign).values_list("name", "unit"))

    client.force_login(admin)
    html = client.get(reverse("dashboard:campaign", args=[campaign.pk])).content.decode()
    assert_states(from_page(html), want, "dashboard page")
    by_unit = table_rows(html, "by-unit")
    for unit in units:  # each unit's summary states its row of the dashboard
        stated = {
            f["name"]: _number(f["value"]) for f in unit_figures(accepted_reports(campaign, unit))
        }
        assert {k: v for k, v in stated.items() if v} == {
            k: v for k, v in want.units.get(unit.name, {}).items() if v
        }, f"unit summary of {unit.name}"
        if unit.name in by_unit:
            row = by_unit[unit.name]
            for name, value in want.units.get(unit.name, {}).items():
                assert _number(row[name]) == value, f"dashboard row of {unit.name}"

    exported = upward.export_package(campaign, admin)
    manifest, summary_docx, annex = read_package(exported.data)
    assert_states(from_manifest(manifest), want, "upward manifest")
    overview, table = from_docx(summary_docx, columns)
    assert_states(overview, want, "work summary text")
    assert_table(table, want, "work summary 表1")
    assert_table(from_workbook(annex), want, "statistical annex")
    export = client.get(reverse("dashboard:export", args=[campaign.pk, "all"]))
    assert_table(from_workbook(b"".join(export.streaming_content)), want, "dashboard .xlsx")

    # The second deployment imports the package, then a corrected one that replaces it.
    upward.import_file(exported.data, exported.filename, receiver, other_city)
    more = Report.objects.filter(item__campaign=campaign).exclude(status="accepted").first()
    if more is not None:
        Report.objects.filter(pk=more.pk).update(status=Report.Status.ACCEPTED)
        want = expected(campaign)
    corrected = upward.export_package(campaign, admin)
    upward.import_file(corrected.data, corrected.filename, receiver, other_city)
    client.force_login(receiver)
    city_page = client.get(reverse("dashboard:city", args=[other_city.pk, campaign.year]))
    assert_states(from_page(city_page.content.decode()), want, "city page")

"""A published Pudong campaign with accepted reports of three streets/towns and two
enterprises on items 1, 2 (category 一) and 19 (category 五), and reports in every other
state that must not count."""

import datetime
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal

import pytest

from qualitymonth.campaigns.models import Campaign, Formula, Indicator, Item
from qualitymonth.campaigns.services import publish_campaign, set_indicators
from qualitymonth.events.models import Event
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.reports.models import Report, ReportValue

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(2024, 9, day, hour, tzinfo=SHANGHAI)


def add_report(
    unit: OrgUnit,
    item: Item,
    figures: dict[str, int | str],
    *,
    status: str = Report.Status.ACCEPTED,
    day: int = 10,
    event: Event | None = None,
    starred: bool = False,
    title: str = "",
) -> Report:
    report = Report.objects.create(
        item=item,
        org_unit=unit,
        event=event,
        title=title or f"{unit.name}{item.title[:10]}",
        content=f"{unit.name}组织开展{item.title[:12]}。",
        effect="群众反响良好。",
        status=status,
        starred=starred,
        submitted_at=at(day, 18) if status != Report.Status.DRAFT else None,
    )
    indicators = {i.name: i for i in item.indicators.all()}
    ReportValue.objects.bulk_create(
        ReportValue(report=report, indicator=indicators[name], value=Decimal(str(value)))
        for name, value in figures.items()
    )
    return report


def add_event(unit: OrgUnit, item: Item, day: int, *, street: OrgUnit | None = None, hour=10):
    return Event.objects.create(
        item=item,
        org_unit=unit,
        title=f"{unit.name}活动",
        starts_at=at(day, hour),
        ends_at=at(day, hour) + datetime.timedelta(hours=1),
        street_town=street,
        status=Event.Status.HELD,
    )


@dataclass
class World:
    campaign: Campaign
    items: dict[int, Item]
    units: dict[str, OrgUnit]
    reports: dict[str, Report]


@pytest.fixture
def world(seed_campaign, admin, pudong, lujiazui) -> World:
    campaign = publish_campaign(seed_campaign, admin)
    items = {n: campaign.items.get(number=n) for n in (1, 2, 19)}
    metrology = items[19]
    set_indicators(
        metrology,
        admin,
        [
            {"name": "参与人数", "unit": "人", "value_type": "integer", "aggregation": "sum"},
            {"name": "检定台数", "unit": "台", "value_type": "integer", "aggregation": "sum"},
            {"name": "合格台数", "unit": "台", "value_type": "integer", "aggregation": "sum"},
            {"name": "满意度", "unit": "分", "value_type": "decimal", "aggregation": "avg"},
        ],
    )
    Formula.objects.create(campaign=campaign, name="合格率", expression="合格台数 / 检定台数")
    huamu = OrgUnit.objects.create(name="花木街道", kind=OrgUnit.Kind.SUBDISTRICT, parent=pudong)
    zhangjiang = OrgUnit.objects.create(name="张江镇", kind=OrgUnit.Kind.TOWN, parent=pudong)
    lab = OrgUnit.objects.create(
        name="张江某检测公司", kind=OrgUnit.Kind.ENTERPRISE, parent=zhangjiang
    )
    institute = OrgUnit.objects.create(
        name="浦东新区计量所", kind=OrgUnit.Kind.INSTITUTE, parent=pudong
    )
    units = {
        "陆家嘴": lujiazui,
        "花木": huamu,
        "张江": zhangjiang,
        "检测公司": lab,
        "计量所": institute,
    }
    one, two = items[1], items[2]
    reports = {
        # category 一: items 1 and 2
        "陆家嘴1": add_report(
            lujiazui,
            one,
            {"参与人数": 100, "发放资料份数": 300},
            day=2,
            event=add_event(lujiazui, one, 2, street=lujiazui),
        ),
        "花木1": add_report(huamu, one, {"参与人数": 50}, day=3, starred=True),
        "张江2": add_report(zhangjiang, two, {"参与人数": 20, "媒体报道数": 2}, day=3),
        "检测公司2": add_report(lab, two, {"参与人数": 30}, day=4),
        # category 五: item 19, the institute verifying scales in two streets
        "计量所19a": add_report(
            institute,
            metrology,
            {"参与人数": 10, "检定台数": 100, "合格台数": 90, "满意度": "4.5"},
            day=5,
            event=add_event(institute, metrology, 5, street=huamu),
        ),
        "计量所19b": add_report(
            institute,
            metrology,
            {"参与人数": 5, "检定台数": 300, "合格台数": 297, "满意度": "5"},
            event=add_event(institute, metrology, 10, street=lujiazui, hour=1),
        ),
        # none of these count
        "draft": add_report(lujiazui, one, {"参与人数": 1000}, status=Report.Status.DRAFT),
        "submitted": add_report(huamu, one, {"参与人数": 1000}, status=Report.Status.SUBMITTED),
        "returned": add_report(zhangjiang, two, {"参与人数": 1000}, status=Report.Status.RETURNED),
    }
    return World(campaign, items, units, reports)


@pytest.fixture
def indicator_names(world):
    return set(
        Indicator.objects.filter(item__campaign=world.campaign).values_list("name", flat=True)
    )

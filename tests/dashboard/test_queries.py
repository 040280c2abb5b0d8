"""What the dashboard adds up: accepted reports only, by every group, with derived figures."""

import datetime
from decimal import Decimal

import pytest

from qualitymonth.campaigns.models import Campaign
from qualitymonth.core.figures import HEADLINE
from qualitymonth.dashboard.queries import (
    Slice,
    build_dashboard,
    district_campaigns,
    district_choices,
    table,
)
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.reports.models import Report

from .conftest import add_report

pytestmark = pytest.mark.django_db

GROUPS = ("category", "item", "unit", "street", "day")


def by_label(rows):
    return {row.label: row for row in rows}


def test_totals_count_accepted_reports_only(world):
    dashboard = build_dashboard([world.campaign], ())
    total = dashboard.total
    assert (total.reports_accepted, total.units_reported, total.events_held) == (6, 5, 3)
    assert total.values["参与人数"] == 100 + 50 + 20 + 30 + 10 + 5
    assert total.values["检定台数"] == 400
    assert total.values["满意度"] == Decimal("4.75")  # an average indicator averages
    assert dashboard.participants == 215
    assert dashboard.total.events_held == 3


def test_pass_rate_is_computed_from_totals_not_averaged(world):
    total = build_dashboard([world.campaign], ()).total
    # (90 + 297) / (100 + 300) = 96.75%, where the mean of 90% and 99% would be 94.5%
    assert total.derived["合格率"] == Decimal(387) / Decimal(400)
    assert (
        build_dashboard([world.campaign], ()).derived_display("合格率", total.derived["合格率"])
        == "96.8%"
    )


def test_by_category_and_item_in_plan_order(world):
    dashboard = build_dashboard([world.campaign], ("category", "item"))
    categories = dashboard.tables["category"]
    assert [c.label[:3] for c in categories] == ["（一）", "（二）", "（三）", "（四）", "（五）"]
    assert [c.reports_accepted for c in categories] == [4, 0, 0, 0, 2]
    assert categories[0].values["参与人数"] == 200
    assert categories[4].derived["合格率"] == Decimal(387) / Decimal(400)
    assert categories[1].derived.get("合格率") is None  # no figures: no rate, not zero
    items = {row.key: row for row in dashboard.tables["item"]}
    assert len(items) == 20
    assert items[world.items[1].pk].values == {"参与人数": 150, "发放资料份数": 300}
    assert items[world.items[2].pk].units_reported == 2


def test_by_unit_most_reports_first(world):
    units = build_dashboard([world.campaign], ("unit",)).tables["unit"]
    assert units[0].label == "浦东新区计量所" and units[0].reports_accepted == 2
    assert by_label(units)["花木街道"].values == {"参与人数": 50}


def test_by_street_from_the_event_the_unit_or_its_parent(world):
    streets = by_label(build_dashboard([world.campaign], ("street",)).tables["street"])
    # 陆家嘴: its own event, and the institute's event held there
    assert (
        streets["陆家嘴街道"].reports_accepted == 2
        and streets["陆家嘴街道"].values["参与人数"] == 105
    )
    # 花木: its own report without an event (a street itself), and the institute's event there
    assert streets["花木街道"].reports_accepted == 2
    # 张江: the town's own report and its enterprise's (placed by its parent)
    assert streets["张江镇"].reports_accepted == 2 and streets["张江镇"].values["参与人数"] == 50


def test_by_day_of_the_event_in_shanghai_time(world):
    days = {row.key: row for row in build_dashboard([world.campaign], ("day",)).tables["day"]}
    # the event at 01:00 on 10 September (Shanghai) is still 9 September in UTC
    assert days[datetime.date(2024, 9, 10)].reports_accepted == 1
    assert datetime.date(2024, 9, 9) not in days
    # a report without an event counts on the day it was sent
    assert days[datetime.date(2024, 9, 3)].reports_accepted == 2
    assert sum(row.reports_accepted for row in days.values()) == 6


def test_a_slice_narrows_to_the_reports_behind_a_figure(world):
    category = world.items[1].category_id
    behind = Slice((world.campaign.pk,), category=category)
    assert set(behind.reports()) == {
        world.reports[k] for k in ("陆家嘴1", "花木1", "张江2", "检测公司2")
    }
    carrying = behind.narrowed(indicator="发放资料份数")
    assert list(carrying.reports()) == [world.reports["陆家嘴1"]]
    street = Slice((world.campaign.pk,), street=world.units["张江"].pk)
    assert table(street, None)[None].reports_accepted == 2


def test_the_number_of_queries_does_not_grow_with_reports(world, django_assert_max_num_queries):
    for day in range(1, 25):
        add_report(world.units["花木"], world.items[2], {"参与人数": day}, day=day)
    # four grouped queries a table (reports, values, events, assignments) and the total, and
    # a few for the plan's labels and formulas: however many reports there are
    with django_assert_max_num_queries(4 * (len(GROUPS) + 1) + 6):
        dashboard = build_dashboard([world.campaign], GROUPS)
    assert dashboard.total.reports_accepted == 30


def test_city_sees_every_districts_published_campaign_of_the_year(world, admin, huangpu, city):
    copy = Campaign.objects.create(
        org_unit=huangpu, year=2024, title="黄浦区2024年质量月", status=Campaign.Status.DRAFT
    )
    assert district_campaigns(city, 2024, "quality_month") == [world.campaign]  # draft left out
    Campaign.objects.filter(pk=copy.pk).update(status=Campaign.Status.PUBLISHED)
    category = copy.categories.create(number=1, title="宣传")
    item = copy.items.create(category=category, number=1, title="宣传活动")
    item.indicators.create(name="参与人数", unit="人")
    street = OrgUnit.objects.create(
        name="南京东路街道", kind=OrgUnit.Kind.SUBDISTRICT, parent=huangpu
    )
    add_report(street, item, {"参与人数": 1000})
    add_report(street, item, {"参与人数": 1}, status=Report.Status.SUBMITTED)
    campaigns = district_campaigns(city, 2024, "quality_month")
    assert [c.org_unit.name for c in campaigns] == ["黄浦区", "浦东新区"]  # pinyin order
    dashboard = build_dashboard(campaigns, ("district",))
    districts = by_label(dashboard.tables["district"])
    assert districts["黄浦区"].values["参与人数"] == 1000
    assert districts["浦东新区"].values["参与人数"] == 215
    assert dashboard.total.values["参与人数"] == 1215
    assert district_campaigns(city, 2025, "quality_month") == []


def test_a_citys_total_is_its_districts_added_up(world, city, huangpu):
    campaign = Campaign.objects.create(
        org_unit=huangpu, year=2024, title="黄浦区2024年质量月", status=Campaign.Status.PUBLISHED
    )
    item = campaign.items.create(category=campaign.categories.create(number=1, title="服务"))
    item.indicators.create(name="满意度", unit="分", aggregation="avg")
    street = OrgUnit.objects.create(name="外滩街道", kind=OrgUnit.Kind.SUBDISTRICT, parent=huangpu)
    for score in ("3", "4", "4"):
        add_report(street, item, {"满意度": score})
    campaigns = district_campaigns(city, 2024, "quality_month")
    added = build_dashboard(campaigns, ("district", "day"), counts_only=("day",)).total
    counted = table(Slice(tuple(c.pk for c in campaigns)), None)[None]
    for figure in HEADLINE:
        assert added.headline(figure) == counted.headline(figure)
    assert added.events_held == 3
    # the average over all five scores, not the mean of the two districts' averages
    assert added.values == counted.values and added.values["满意度"] == Decimal("4.10")


# One campaign per district -------------------------------------------------------------------


def second_campaign(district, *, published_at=None, **fields) -> Campaign:
    """Another published campaign of the district's 2024 Quality Month (a notice imported
    twice), with one item its reports can be of."""
    from django.utils import timezone

    campaign = Campaign.objects.create(
        org_unit=district,
        year=2024,
        title="关于开展2024年“质量月”活动的通知",
        status=Campaign.Status.PUBLISHED,
        published_at=published_at or timezone.now(),
        **fields,
    )
    item = campaign.items.create(category=campaign.categories.create(number=1, title="宣传"))
    item.indicators.create(name="参与人数", unit="人")
    return campaign


def test_a_district_with_two_campaigns_counts_once_the_one_with_most_accepted_reports(world, city):
    copy = second_campaign(world.campaign.org_unit)  # published later, empty
    [choice] = district_choices(city, 2024, "quality_month")
    assert choice.counted == world.campaign and choice.others == [copy]
    assert (choice.counted.accepted_reports, choice.others[0].accepted_reports) == (6, 0)
    assert district_campaigns(city, 2024, "quality_month") == [world.campaign]
    total = build_dashboard(district_campaigns(city, 2024, "quality_month"), ("district",)).total
    assert total.reports_accepted == 6 and total.values["参与人数"] == 215  # not doubled

    # Once the copy holds more accepted reports, it is the one that counts, alone.
    for _ in range(7):
        add_report(world.units["花木"], copy.items.get(), {"参与人数": 1})
    [choice] = district_choices(city, 2024, "quality_month")
    assert choice.counted == copy and choice.others == [world.campaign]
    total = build_dashboard(district_campaigns(city, 2024, "quality_month"), ("district",)).total
    assert total.reports_accepted == 7 and total.values["参与人数"] == 7


def test_an_archived_campaign_never_counts(world, city, admin):
    from qualitymonth.campaigns.services import archive_campaign

    copy = second_campaign(world.campaign.org_unit)
    archive_campaign(world.campaign, admin)
    assert district_campaigns(city, 2024, "quality_month") == [copy]
    archive_campaign(copy, admin)
    assert district_campaigns(city, 2024, "quality_month") == []


def test_on_a_tie_the_campaign_run_here_counts_before_an_imported_package(city, huangpu):
    import datetime as dt

    from qualitymonth.upward.models import UpwardPackage

    earlier = dt.datetime(2024, 10, 8, tzinfo=dt.UTC)
    imported = second_campaign(huangpu, published_at=earlier)
    UpwardPackage.objects.create(
        city=city,
        district=huangpu,
        year=2024,
        kind="quality_month",
        title="2024年黄浦区质量月",
        status=UpwardPackage.Status.IMPORTED,
        campaign=imported,
        file="upward/packages/2024/huangpu.zip",
        filename="huangpu.zip",
        sha256="0" * 64,
        size=1,
        format_version=1,
    )
    native = second_campaign(huangpu, published_at=earlier + dt.timedelta(days=30))
    [choice] = district_choices(city, 2024, "quality_month")
    assert choice.counted == native and choice.others == [imported]
    assert choice.counted.package is None and choice.others[0].package is not None

import datetime
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from icalendar import Calendar

from qualitymonth.accounts.models import Role
from qualitymonth.assignments.services import assign_units
from qualitymonth.campaigns.services import publish_campaign
from qualitymonth.core.models import AuditEntry
from qualitymonth.events import services
from qualitymonth.events.models import Event
from qualitymonth.orgs.models import OrgUnit
from tests.conftest import make_person

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(2024, 9, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def zhoujiadu(pudong):
    return OrgUnit.objects.create(name="周家渡街道", kind="subdistrict", parent=pudong)


@pytest.fixture
def campaign(seed_campaign, admin, lujiazui, zhoujiadu):
    campaign = publish_campaign(seed_campaign, admin)
    assign_units(campaign.items.get(number=2), admin, lead=[], participants=[lujiazui, zhoujiadu])
    return campaign


@pytest.fixture
def item(campaign):
    return campaign.items.get(number=2)


def plan(by, item, unit, day=12, **fields):
    values = {
        "title": "质量知识进社区",
        "starts_at": at(day),
        "ends_at": at(day, 11),
        "address": "浦东南路100号",
        "street_town": unit,
        **fields,
    }
    return services.plan_event(by, item=item, org_unit=unit, **values)


def test_an_assigned_unit_plans_an_event(reporter, item, lujiazui):
    event = plan(reporter, item, lujiazui)
    assert event.status == Event.Status.PLANNED and event.created_by == reporter
    assert AuditEntry.objects.get(action="event.planned").org_path == lujiazui.path


def test_a_unit_plans_only_for_its_own_items_and_unit(reporter, campaign, lujiazui, zhoujiadu):
    with pytest.raises(ValidationError):
        plan(reporter, campaign.items.get(number=5), lujiazui)  # not assigned
    with pytest.raises(ValidationError):
        plan(reporter, campaign.items.get(number=2), zhoujiadu)  # another street
    assert not Event.objects.exists()


def test_the_admin_plans_for_any_unit(admin, item, zhoujiadu):
    assert plan(admin, item, zhoujiadu).org_unit == zhoujiadu


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"ends_at": at(12, 8)}, "ends_at"),
        ({"address": ""}, "address"),
        ({"mode": "online", "address": ""}, "online_url"),
    ],
)
def test_bad_events_are_refused(reporter, item, lujiazui, fields, field):
    with pytest.raises(ValidationError) as error:
        plan(reporter, item, lujiazui, **fields)
    assert field in error.value.message_dict


def test_no_events_for_a_draft_campaign(admin, seed_campaign, lujiazui):
    with pytest.raises(ValidationError):
        plan(admin, seed_campaign.items.get(number=2), lujiazui)


def test_held_and_cancelled(reporter, item, lujiazui, zhoujiadu):
    event = plan(reporter, item, lujiazui)
    services.set_status(event, reporter, Event.Status.HELD)
    assert event.status == Event.Status.HELD
    with pytest.raises(ValidationError):
        services.set_status(event, reporter, Event.Status.CANCELLED, "")
    services.set_status(event, reporter, Event.Status.CANCELLED, "台风")
    assert event.cancel_reason == "台风"
    other = make_person("zjd", Role.REPORTER, zhoujiadu)
    with pytest.raises(PermissionDenied):
        services.update_event(event, other, title="改名")


def test_calendar_month_week_and_list(client, reporter, item, lujiazui):
    plan(reporter, item, lujiazui, day=12, title="九月十二日活动")
    plan(reporter, item, lujiazui, day=20, title="九月二十日活动")
    client.force_login(reporter)
    url = reverse("events:calendar", kwargs={"pk": item.campaign_id})
    month = client.get(url, {"date": "2024-09-01"}).content.decode()
    assert "2024年9月" in month and "九月十二日活动" in month and "九月二十日活动" in month
    week = client.get(url, {"view": "week", "date": "2024-09-11"}).content.decode()
    assert "九月十二日活动" in week and "九月二十日活动" not in week and "周四" in week
    listed = client.get(url, {"view": "list", "start": "2024-09-15"}).content.decode()
    assert "九月二十日活动" in listed and "九月十二日活动" not in listed


def test_each_unit_sees_its_own_events_and_the_admin_all(
    client, admin, reporter, item, lujiazui, zhoujiadu
):
    mine = plan(reporter, item, lujiazui, title="陆家嘴的活动")
    theirs = plan(admin, item, zhoujiadu, title="周家渡的活动")
    client.force_login(reporter)
    url = reverse("events:calendar", kwargs={"pk": item.campaign_id})
    page = client.get(url, {"view": "list"}).content.decode()
    assert "陆家嘴的活动" in page and "周家渡的活动" not in page
    assert client.get(reverse("events:detail", kwargs={"event_pk": theirs.pk})).status_code == 404
    assert client.get(reverse("events:edit", kwargs={"event_pk": theirs.pk})).status_code == 404
    assert client.get(reverse("events:detail", kwargs={"event_pk": mine.pk})).status_code == 200
    client.force_login(admin)
    page = client.get(url, {"view": "list", "street_town": zhoujiadu.pk}).content.decode()
    assert "周家渡的活动" in page and "陆家嘴的活动" not in page


def test_ical_export_reads_back(client, reporter, item, lujiazui):
    plan(reporter, item, lujiazui, title="质量开放日")
    client.force_login(reporter)
    response = client.get(reverse("events:ical", kwargs={"pk": item.campaign_id}))
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    (entry,) = calendar.walk("VEVENT")
    assert str(entry["SUMMARY"]) == "质量开放日"
    assert entry.decoded("DTSTART") == at(12)
    assert str(entry["LOCATION"]) == "浦东南路100号"


def test_planning_through_the_page(client, reporter, item, lujiazui):
    client.force_login(reporter)
    url = reverse("events:new", kwargs={"pk": item.campaign_id})
    form = client.get(url, {"item": item.pk}).content.decode()
    assert "广泛开展质量公益宣传活动" in form and "开展重点领域产品质量监督抽查" not in form
    response = client.post(
        url,
        {
            "item": item.pk,
            "org_unit": lujiazui.pk,
            "title": "社区质量咨询",
            "starts_at": "2024-09-14T09:00",
            "ends_at": "2024-09-14T08:00",
            "mode": "offline",
            "address": "",
        },
    )
    page = response.content.decode()
    assert "结束时间不能早于开始时间。" in page and "线下活动请填写地点。" in page
    response = client.post(
        url,
        {
            "item": item.pk,
            "org_unit": lujiazui.pk,
            "title": "社区质量咨询",
            "starts_at": "2024-09-14T09:00",
            "ends_at": "2024-09-14T11:00",
            "mode": "offline",
            "address": "陆家嘴环路1000号",
            "is_public": "on",
            "expected_participants": "80",
        },
    )
    event = Event.objects.get()
    assert response.url == reverse("events:detail", kwargs={"event_pk": event.pk})
    assert event.starts_at == at(14) and event.is_public and event.expected_participants == 80


def test_an_events_page_lists_its_reports_in_the_page(client, reporter, item, lujiazui):
    from qualitymonth.reports.models import Report

    event = plan(reporter, item, lujiazui, title="质量开放日")
    Report.objects.create(item=item, org_unit=lujiazui, event=event, title="开放日信息")
    client.force_login(reporter)
    page = client.get(reverse("events:detail", kwargs={"event_pk": event.pk})).content.decode()
    title = page[page.index("<title>") : page.index("</title>")]
    assert "开放日信息" not in title
    assert page.index('id="event-reports"') > page.index("<main")
    assert "开放日信息" in page

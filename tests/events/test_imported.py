"""The events of a district's upward package, checked and kept by the events app's own
service, and deleted with their imported campaign."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qualitymonth.core.models import AuditEntry
from qualitymonth.events.models import Event
from qualitymonth.events.services import delete_imported_events, import_events
from tests.campaigns import conftest as campaign_fixtures
from tests.campaigns.conftest import SHA256

# The campaigns tests' imported plan, shared.
imported = campaign_fixtures.imported
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
START = datetime.datetime(2024, 9, 12, 9, tzinfo=SHANGHAI)


@pytest.fixture
def row(imported, lujiazui):
    return {
        "item": imported.items["item-2"],
        "org_unit": lujiazui,
        "title": "质量知识进社区",
        "starts_at": START,
        "ends_at": START + datetime.timedelta(hours=2),
        "mode": "offline",
        "address": "",
        "street_town": lujiazui,
        "status": "held",
    }


def test_events_are_kept_in_order_and_audited_once(imported, row, city_viewer, lujiazui):
    second = {**row, "title": "计量服务进市场", "item": imported.items["item-19"]}
    events = import_events(imported.campaign, city_viewer, [row, second], sha256=SHA256)
    assert [e.title for e in events] == ["质量知识进社区", "计量服务进市场"]
    assert all(e.pk for e in events) and events[0].status == Event.Status.HELD
    assert Event.objects.filter(org_unit=lujiazui).count() == 2
    [entry] = AuditEntry.objects.filter(action="event.imported")
    assert entry.after == {"events": 2} and entry.detail == {"sha256": SHA256}
    assert entry.target_id == str(imported.campaign.pk)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"ends_at": START - datetime.timedelta(hours=1)},
            "活动场次“质量知识进社区”的结束时间不能早于开始时间。",
        ),
        ({"mode": "hybrid"}, "活动场次“质量知识进社区”的形式：值 'hybrid' 不是有效选项。"),
        ({"title": ""}, "活动场次“”的活动名称：此字段不能为空。"),
    ],
)
def test_an_event_against_the_rules_is_refused_naming_it(
    imported, row, city_viewer, change, message
):
    with pytest.raises(ValidationError) as caught:
        import_events(imported.campaign, city_viewer, [row, {**row, **change}])
    assert caught.value.messages == [message]
    assert not Event.objects.exists()
    assert not AuditEntry.objects.filter(action="event.imported").exists()


def test_an_event_of_another_campaigns_item_is_refused(seed_campaign, imported, row, city_viewer):
    # (the notice imported on this platform first: a package's campaign is no import of it)
    row["item"] = seed_campaign.items.first()
    with pytest.raises(ValidationError, match="的活动事项不属于2024年浦东新区质量月"):
        import_events(imported.campaign, city_viewer, [row])


def test_only_a_user_receiving_at_the_districts_city_imports_and_deletes(
    imported, row, admin, city_viewer
):
    with pytest.raises(PermissionDenied):
        import_events(imported.campaign, admin, [row])
    import_events(imported.campaign, city_viewer, [row])
    with pytest.raises(PermissionDenied):
        delete_imported_events(imported.campaign, admin)
    assert delete_imported_events(imported.campaign, city_viewer, sha256=SHA256) == 1
    assert not Event.objects.exists()
    entry = AuditEntry.objects.get(action="event.deleted_with_campaign")
    assert entry.before == {"count": 1} and entry.detail == {"sha256": SHA256}

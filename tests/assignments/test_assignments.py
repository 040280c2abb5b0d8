import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from qualitymonth.accounts.models import Role
from qualitymonth.assignments.models import Assignment
from qualitymonth.assignments.queries import my_tasks
from qualitymonth.assignments.services import assign_units
from qualitymonth.campaigns.services import publish_campaign
from qualitymonth.core.models import AuditEntry, Notification
from qualitymonth.orgs.models import OrgUnit
from tests.conftest import make_person


@pytest.fixture
def streets(pudong, lujiazui):
    others = [
        OrgUnit.objects.create(name=name, kind=kind, parent=pudong)
        for name, kind in [
            ("周家渡街道", "subdistrict"),
            ("张江镇", "town"),
            ("张江高科技园区", "park"),
        ]
    ]
    return [lujiazui, *others]


@pytest.fixture
def campaign(seed_campaign, admin):
    return publish_campaign(seed_campaign, admin)


def roles(item):
    return {a.org_unit.name: a.role for a in item.assignments.select_related("org_unit")}


def test_assign_sets_exactly_the_units_and_audits(campaign, admin, streets, reporter):
    lujiazui, zhoujiadu, zhangjiang, park = streets
    item = campaign.items.get(number=2)
    assign_units(item, admin, lead=[park], participants=[lujiazui, zhoujiadu, park])
    assert roles(item) == {
        "张江高科技园区": "lead",
        "陆家嘴街道": "participant",
        "周家渡街道": "participant",
    }
    change = assign_units(item, admin, lead=[], participants=[lujiazui, zhangjiang])
    assert roles(item) == {"陆家嘴街道": "participant", "张江镇": "participant"}
    assert sorted(change["removed"]) == ["周家渡街道", "张江高科技园区"]
    entry = AuditEntry.objects.filter(action="item.assigned").latest("id")
    assert entry.before["lead"] == ["张江高科技园区"]
    assert entry.after["participant"] == ["张江镇", "陆家嘴街道"]
    assert entry.org_path == campaign.org_unit.path


def test_the_reporter_of_a_new_unit_is_told_once(campaign, admin, streets, reporter):
    item = campaign.items.get(number=2)
    assign_units(item, admin, lead=[], participants=streets[:1])
    assign_units(item, admin, lead=streets[:1], participants=[])  # role change: no new notice
    notes = Notification.objects.filter(recipient=reporter)
    assert notes.count() == 1
    assert "广泛开展质量公益宣传活动" in notes.get().body


def test_units_must_belong_to_the_campaign(campaign, admin, huangpu):
    with pytest.raises(ValidationError):
        assign_units(campaign.items.first(), admin, lead=[huangpu], participants=[])
    assert not Assignment.objects.exists()


def test_only_campaign_admins_assign(campaign, reporter, huangpu_admin, streets):
    for person in (reporter, huangpu_admin):
        with pytest.raises(PermissionDenied):
            assign_units(campaign.items.first(), person, lead=streets, participants=[])


def test_my_tasks_lists_the_items_of_my_unit_only(campaign, admin, streets, reporter):
    lujiazui, zhoujiadu, *_ = streets
    assign_units(campaign.items.get(number=2), admin, lead=[], participants=[lujiazui, zhoujiadu])
    assign_units(campaign.items.get(number=18), admin, lead=[zhoujiadu], participants=[])
    groups = my_tasks(reporter)
    assert [(a.item.number, a.role) for a in groups[0].assignments] == [(2, "participant")]
    zhoujiadu_reporter = make_person("zjd", Role.REPORTER, zhoujiadu)
    assert [a.item.number for a in my_tasks(zhoujiadu_reporter)[0].assignments] == [2, 18]


def test_draft_campaigns_give_no_tasks(seed_campaign, admin, streets, reporter):
    assign_units(seed_campaign.items.get(number=2), admin, lead=[], participants=streets)
    assert my_tasks(reporter) == []


def test_assign_page_bulk_adds_all_streets_and_towns(client, campaign, admin, streets):
    client.force_login(admin)
    item = campaign.items.get(number=2)
    url = reverse("assignments:assign", kwargs={"pk": campaign.pk, "item_pk": item.pk})
    assert "全部街镇设为参与单位" in client.get(url).content.decode()
    response = client.post(url, {"bulk": "streets"})
    assert response.status_code == 302
    assert roles(item) == {
        "陆家嘴街道": "participant",
        "周家渡街道": "participant",
        "张江镇": "participant",
    }


def test_my_tasks_page(client, campaign, admin, streets, reporter):
    assign_units(campaign.items.get(number=2), admin, lead=[], participants=streets[:1])
    client.force_login(reporter)
    page = client.get(reverse("assignments:my_tasks")).content.decode()
    assert "广泛开展质量公益宣传活动" in page and "参与单位" in page
    assert "2024年9月30日" in page  # the summary deadline

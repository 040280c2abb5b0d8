import pytest
from django.core.exceptions import PermissionDenied

from qualitymonth.accounts.models import Role
from qualitymonth.accounts.scope import scope_of
from qualitymonth.campaigns import services
from qualitymonth.campaigns.queries import visible_campaigns
from tests.conftest import make_person


@pytest.fixture
def campaigns(pudong, huangpu, admin, huangpu_admin):
    def make(unit, by, publish):
        campaign = services.create_campaign(
            unit,
            by,
            fields={"year": 2024, "title": f"{unit.name}通知", "start_date": None},
            categories=[{"title": "宣传", "items": [{"title": "启动"}]}],
        )
        if publish:
            services.update_campaign(campaign, by, start_date=_d(1), end_date=_d(30))
            services.publish_campaign(campaign, by)
        return campaign

    return {
        "pudong": make(pudong, admin, True),
        "pudong_draft": make(pudong, admin, False),
        "huangpu": make(huangpu, huangpu_admin, True),
    }


def _d(day):
    import datetime

    return datetime.date(2024, 9, day)


def names(user):
    return {c.org_unit.name + ("" if c.is_published else "草稿") for c in visible_campaigns(user)}


def test_who_sees_which_campaigns(campaigns, admin, reporter, city_viewer, huangpu_admin, db):
    assert names(admin) == {"浦东新区", "浦东新区草稿"}
    assert names(reporter) == {"浦东新区"}  # a street sees its district's published campaign
    assert names(city_viewer) == {"浦东新区", "黄浦区"}
    assert names(huangpu_admin) == {"黄浦区"}
    assert names(make_person("nobody")) == set()


def test_admin_scope_reaches_sub_units_only(pudong, lujiazui, huangpu, city, admin):
    scope = scope_of(admin)
    assert scope.can("campaign.admin", pudong)
    assert scope.can("campaign.admin", lujiazui)
    assert not scope.can("campaign.admin", huangpu)
    assert not scope.can("campaign.admin", city)
    assert scope.role_label() == "区级管理员 · 浦东新区"


def test_reporter_cannot_administer(reporter, lujiazui):
    assert not scope_of(reporter).can("campaign.admin", lujiazui)
    assert scope_of(reporter).role_label() == "单位填报员 · 陆家嘴街道"


def test_a_reporter_reaches_sub_units_only_when_given(lujiazui, admin):
    from qualitymonth.accounts.services import create_person
    from qualitymonth.orgs.models import OrgUnit

    community = OrgUnit.objects.create(name="梅园社区", kind="other", parent=lujiazui)
    own, _ = create_person(
        admin, username="own", full_name="本级", org_unit=lujiazui, role="reporter"
    )
    wide, _ = create_person(
        admin,
        username="wide",
        full_name="含下级",
        org_unit=lujiazui,
        role="reporter",
        covers_sub_units=True,
    )
    assert scope_of(own).can("unit.report", lujiazui)
    assert not scope_of(own).can("unit.report", community)
    assert scope_of(wide).can("unit.report", community)
    assert set(scope_of(own).units("unit.report")) == {lujiazui}
    assert set(scope_of(wide).units("unit.report")) == {lujiazui, community}
    # Other roles always reach below, whatever the form said.
    reviewer, _ = create_person(
        admin, username="rv", full_name="审核", org_unit=lujiazui, role="reviewer"
    )
    assert reviewer.memberships.get().covers_sub_units


def test_a_districts_package_is_imported_on_behalf_of_its_city(
    pudong, huangpu, city, admin, city_viewer
):
    scope_of(city_viewer).require_import_for(pudong)
    scope_of(make_person("city_admin", Role.CAMPAIGN_ADMIN, city)).require_import_for(huangpu)
    # Pudong's admin holds upward.receive on Pudong, yet only the city imports into it.
    assert scope_of(admin).can("upward.receive", pudong)
    with pytest.raises(PermissionDenied, match="只有市级用户可以导入区级上报包"):
        scope_of(admin).require_import_for(pudong)
    with pytest.raises(PermissionDenied):  # a unit without a city above it
        scope_of(city_viewer).require_import_for(city)

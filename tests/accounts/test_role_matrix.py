"""Every role against every back-office page and action: allowed, denied or not even found.

Another unit's objects are reached by guessing their ids in the URL; the answer must never be
the page. Codes: 200 page, 302 done (a POST) or sent to log in (anonymous), 403 denied,
404 not found (the object is outside the person's scope altogether).
"""

import pytest
from django.urls import reverse

from qualitymonth.accounts.models import Role
from qualitymonth.campaigns.services import publish_campaign
from qualitymonth.orgs.models import OrgUnit
from tests.conftest import make_person

PEOPLE = [
    "anonymous",
    "public",
    "admin",
    "reviewer",
    "reporter",
    "other_reporter",
    "service",
    "city",
    "huangpu_admin",
]
A, PUB, ADM, REV, REP, OREP, SVC, CITY, HP = PEOPLE

# Expected status per person; anyone not named gets the "default".
CAMPAIGN_ADMIN_ONLY = {"default": 403, A: 302, PUB: 404, HP: 404, ADM: 200}
ANY_DISTRICT_ADMIN = {"default": 403, A: 302, ADM: 200, HP: 200}
DONE_BY_ADMIN = {**CAMPAIGN_ADMIN_ONLY, ADM: 302}
# the dashboard: the district's admins and reviewers, and the city office above
ANALYSTS = {**CAMPAIGN_ADMIN_ONLY, REV: 200, CITY: 200}
CITY_ONLY = {"default": 404, A: 302, CITY: 200}

PAGES = {
    "campaign overview": (
        "campaigns:overview",
        "campaign",
        {"default": 200, A: 302, PUB: 404, HP: 404},
    ),
    "draft overview": ("campaigns:overview", "draft", {"default": 404, A: 302, ADM: 200}),
    "campaign edit": ("campaigns:edit", "campaign", CAMPAIGN_ADMIN_ONLY),
    "plan edit": ("campaigns:plan_edit", "campaign", CAMPAIGN_ADMIN_ONLY),
    "item edit": ("campaigns:item_edit", "item", CAMPAIGN_ADMIN_ONLY),
    "item assign": ("assignments:assign", "item", CAMPAIGN_ADMIN_ONLY),
    "copy campaign": ("campaigns:copy", "campaign", CAMPAIGN_ADMIN_ONLY),
    "notice import": ("notices:upload", None, ANY_DISTRICT_ADMIN),
    "notice review": ("notices:review", "draft", {"default": 404, A: 302, ADM: 200}),
    "people": ("accounts:people", None, ANY_DISTRICT_ADMIN),
    "person (a Pudong reporter)": (
        "accounts:person",
        "reporter",
        {**CAMPAIGN_ADMIN_ONLY, PUB: 403},
    ),
    "people import": ("accounts:people_import", None, ANY_DISTRICT_ADMIN),
    "my tasks": ("assignments:my_tasks", None, {"default": 200, A: 302}),
    "inbox": ("core:inbox", None, {"default": 200, A: 302}),
    "org tree": ("orgs:tree", None, ANY_DISTRICT_ADMIN),
    "another street's page": ("orgs:unit", "zhoujiadu", {**ANY_DISTRICT_ADMIN, HP: 404}),
    "units export": ("orgs:export", None, ANY_DISTRICT_ADMIN),
    "audit log": ("audit:list", None, ANY_DISTRICT_ADMIN),
    "audit export": ("audit:export", None, ANY_DISTRICT_ADMIN),
    "upward package (上报市级)": ("upward:send", "campaign", CAMPAIGN_ADMIN_ONLY),
    "received packages (上报包)": ("upward:received", None, {"default": 403, A: 302, CITY: 200}),
    "dashboard": ("dashboard:campaign", "campaign", ANALYSTS),
    "dashboard drill-down": ("dashboard:drill", "campaign", ANALYSTS),
    "dashboard workbook": ("dashboard:export", "campaign_all", ANALYSTS),
    "derived figures": ("dashboard:formulas", "campaign", CAMPAIGN_ADMIN_ONLY),
    "work summary": ("worksummaries:campaign", "campaign", CAMPAIGN_ADMIN_ONLY),
    "city dashboard": ("dashboard:city", "city_2024", CITY_ONLY),
    "city work summary": ("worksummaries:city", "city_2024", CITY_ONLY),
    # quiz organisers: admins and the units' reporters, each seeing their own quizzes
    "quizzes": (
        "quizzes:list",
        None,
        {"default": 200, A: 302, PUB: 403, REV: 403, SVC: 403, CITY: 403},
    ),
    # service staff without the 咨询投诉举报 duty do not handle cases
    "cases": ("cases:list", None, ANY_DISTRICT_ADMIN),
}

ACTIONS = {
    "publish the draft": ("campaigns:publish", "draft", {}, {"default": 404, A: 302, ADM: 302}),
    "delete an item": ("campaigns:item_action", "item", {"action": "delete"}, DONE_BY_ADMIN),
    "archive the campaign": ("campaigns:archive", "campaign", {}, DONE_BY_ADMIN),
    "delete the draft": ("campaigns:delete", "draft", {}, {"default": 404, A: 302, ADM: 302}),
    "assign all streets": ("assignments:assign", "item", {"bulk": "streets"}, DONE_BY_ADMIN),
    "reset a reporter's password": (
        "accounts:person_action",
        "reporter",
        {"action": "reset_password"},
        {**CAMPAIGN_ADMIN_ONLY, PUB: 403},
    ),
}


@pytest.fixture
def world(pudong, huangpu, lujiazui, city, seed_campaign, seed_notice_bytes, admin, reporter):
    from qualitymonth.notices.reader import read_notice
    from qualitymonth.notices.services import import_notice

    zhoujiadu = OrgUnit.objects.create(name="周家渡街道", kind="subdistrict", parent=pudong)
    people = {
        A: None,
        PUB: make_person("citizen"),
        ADM: admin,
        REV: make_person("reviewer", Role.REVIEWER, pudong),
        REP: reporter,
        OREP: make_person("zhoujiadu", Role.REPORTER, zhoujiadu),
        SVC: make_person("service", Role.SERVICE_STAFF, pudong),
        CITY: make_person("city", Role.CITY_VIEWER, city),
        HP: make_person("huangpu_admin", Role.CAMPAIGN_ADMIN, huangpu),
    }
    campaign = publish_campaign(seed_campaign, admin)
    draft = import_notice(
        read_notice(seed_notice_bytes, "n.txt"), org_unit=pudong, by=admin, allow_duplicate=True
    ).campaign
    objects = {
        "campaign": {"pk": campaign.pk},
        "draft": {"pk": draft.pk},
        "item": {"pk": campaign.pk, "item_pk": campaign.items.get(number=2).pk},
        "reporter": {"pk": reporter.pk},
        "zhoujiadu": {"pk": zhoujiadu.pk},
        "campaign_all": {"pk": campaign.pk, "group": "all"},
        "city_2024": {"pk": city.pk, "year": 2024},
        None: {},
    }
    return people, objects


def _client(client, person):
    if person is not None:
        client.force_login(person)
    return client


def _expected(table: dict, who: str) -> int:
    return table.get(who, table["default"])


@pytest.mark.parametrize("who", PEOPLE)
def test_pages(client, world, who):
    people, objects = world
    client = _client(client, people[who])
    outcomes = {}
    for page, (name, target, table) in PAGES.items():
        status = client.get(reverse(name, kwargs=objects[target])).status_code
        outcomes[page] = (status, _expected(table, who))
    wrong = {page: got for page, got in outcomes.items() if got[0] != got[1]}
    assert not wrong, f"{who}: (got, expected) {wrong}"


@pytest.mark.parametrize("who", PEOPLE)
@pytest.mark.parametrize("action", ACTIONS)
def test_actions(client, world, who, action):
    people, objects = world
    name, target, data, table = ACTIONS[action]
    response = _client(client, people[who]).post(reverse(name, kwargs=objects[target]), data)
    assert response.status_code == _expected(table, who)

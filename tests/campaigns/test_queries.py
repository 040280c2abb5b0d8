"""Which campaigns people see and land on, and which are one notice's campaigns."""

import pytest

from qualitymonth.campaigns import services
from qualitymonth.campaigns.queries import (
    comparable,
    default_campaign,
    duplicate_campaigns,
    visible_campaigns,
    working_campaigns,
)
from tests.dashboard.conftest import add_report

from .conftest import NUMBER, runnable

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "written",
    [
        "浦市监质〔2024〕99号",
        "浦市监质[2024]99号",
        "浦市监质［2024］99号",
        "浦市监质（2024）99号",
        "浦市监质(2024) 99 号",
        "浦市监质【2024】99号",
        "浦市監質〔２０２４〕99號",
        " 浦市监质 〔2024〕\u300099号\n",
    ],
)
def test_a_doc_number_compares_equal_however_it_is_written(written):
    assert comparable(written) == comparable("浦市监质〔2024〕99号")


def test_different_words_stay_different():
    assert comparable("浦市监质〔2024〕99号") != comparable("浦市监质〔2024〕98号")
    assert comparable("关于开展2024年“质量月”活动的通知") != comparable(
        "关于开展2024年“质量月”活动的补充通知"
    )
    assert comparable("") == ""


def test_duplicates_of_an_import_not_yet_saved(pudong, admin, huangpu):
    draft = runnable(pudong, admin, doc_number=NUMBER)
    found = duplicate_campaigns(pudong, year=2024, title="x", doc_number="浦市监质[2024]99号")
    assert [(d.campaign, d.reason) for d in found] == [(draft, "发文字号相同")]
    # another organisation, or nothing to go by: none
    assert duplicate_campaigns(huangpu, year=2024, title="x", doc_number=NUMBER) == []
    assert duplicate_campaigns(pudong, year=2024, title="", issuer="") == []


@pytest.fixture
def twins(pudong, admin, lujiazui):
    """The tester's story: the notice imported and published twice; units report in the first."""
    first = services.publish_campaign(runnable(pudong, admin, doc_number=NUMBER), admin)
    add_report(lujiazui, first.items.get(), {"参与人数": 10})
    copy = runnable(pudong, admin, doc_number=NUMBER)
    copy = services.publish_campaign(copy, admin, allow_duplicate=True)
    return first, copy


def test_everyone_lands_on_the_campaign_people_work_in_not_the_empty_copy(
    twins, admin, reporter, city_viewer
):
    first, copy = twins
    for person in (admin, reporter, city_viewer):
        assert list(working_campaigns(person).filter(year=2024)) == [copy, first]  # newest first
        assert default_campaign(person) == first


def test_with_no_reports_anywhere_the_first_published_is_the_landing(pudong, admin):
    first = services.publish_campaign(runnable(pudong, admin, doc_number=NUMBER), admin)
    services.publish_campaign(
        runnable(pudong, admin, doc_number=NUMBER), admin, allow_duplicate=True
    )
    assert default_campaign(admin) == first


def test_an_archived_campaign_leaves_the_switcher_but_stays_readable(twins, admin, reporter):
    first, copy = twins
    services.archive_campaign(copy, admin)
    for person in (admin, reporter):
        assert copy not in working_campaigns(person)
        assert copy in visible_campaigns(person)
        assert default_campaign(person) == first
    services.archive_campaign(first, admin)
    assert default_campaign(reporter) is None

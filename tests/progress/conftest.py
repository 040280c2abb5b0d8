"""A published campaign with three units on three items, and helpers to put reports and
summaries in any state."""

import datetime

import pytest
from django.utils import timezone

from qualitymonth.accounts.models import Role
from qualitymonth.assignments.services import assign_units
from qualitymonth.campaigns.models import Deadline
from qualitymonth.campaigns.services import publish_campaign
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.reports.models import Report
from qualitymonth.summaries.models import UnitSummary
from tests.conftest import make_person

REPORT_DUE = datetime.date(2024, 9, 25)
SUMMARY_DUE = datetime.date(2024, 9, 30)


@pytest.fixture
def huamu(pudong) -> OrgUnit:
    return OrgUnit.objects.create(name="花木街道", kind=OrgUnit.Kind.SUBDISTRICT, parent=pudong)


@pytest.fixture
def zhangjiang(pudong) -> OrgUnit:
    return OrgUnit.objects.create(name="张江镇", kind=OrgUnit.Kind.TOWN, parent=pudong)


@pytest.fixture
def reviewer(pudong):
    return make_person("reviewer", Role.REVIEWER, pudong)


@pytest.fixture
def huamu_reporter(huamu):
    return make_person("huamu_reporter", Role.REPORTER, huamu)


@pytest.fixture
def zhangjiang_reporter(zhangjiang):
    return make_person("zhangjiang_reporter", Role.REPORTER, zhangjiang)


@pytest.fixture
def campaign(seed_campaign, admin, lujiazui, huamu, zhangjiang):
    """Items 1–3: 陆家嘴 and 花木 on items 1 and 2, 张江 on items 1 and 3. Reports are due
    on 25 September, summaries on 30 September."""
    campaign = publish_campaign(seed_campaign, admin)
    campaign.deadlines.all().delete()
    Deadline.objects.create(campaign=campaign, kind=Deadline.Kind.REPORT, due_date=REPORT_DUE)
    Deadline.objects.create(campaign=campaign, kind=Deadline.Kind.SUMMARY, due_date=SUMMARY_DUE)
    one, two, three = (campaign.items.get(number=n) for n in (1, 2, 3))
    assign_units(one, admin, lead=[lujiazui], participants=[huamu, zhangjiang])
    assign_units(two, admin, lead=[], participants=[lujiazui, huamu])
    assign_units(three, admin, lead=[zhangjiang], participants=[])
    return campaign


@pytest.fixture
def items(campaign):
    return {n: campaign.items.get(number=n) for n in (1, 2, 3)}


def make_report(unit, item, status=Report.Status.SUBMITTED, *, late=False, title="活动信息"):
    """A report in ``status`` as the review loop leaves it."""
    sent = status != Report.Status.DRAFT
    return Report.objects.create(
        item=item,
        org_unit=unit,
        title=title,
        content="开展活动。",
        status=status,
        is_late=late,
        submitted_at=timezone.now() if sent else None,
    )


def make_summary(unit, campaign, status=UnitSummary.Status.SUBMITTED, *, late=False):
    return UnitSummary.objects.create(
        campaign=campaign,
        org_unit=unit,
        title=f"{unit.name}质量月活动小结",
        status=status,
        is_late=late,
        submitted_at=timezone.now() if status != UnitSummary.Status.DRAFT else None,
    )

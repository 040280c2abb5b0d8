"""Item 20's case statistics (cases by kind, by outcome, the on-time rate of each clock), offered
to the item's report the way check-ins are offered to an event's."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from qualitymonth.accounts.models import Role
from qualitymonth.assignments.services import assign_units
from qualitymonth.campaigns.services import publish_campaign, set_indicators
from qualitymonth.cases import clock, services
from qualitymonth.cases.models import CaseKind
from qualitymonth.cases.statistics import case_statistics
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.reports import participation
from qualitymonth.reports import services as report_services
from tests.cases.conftest import at, file_case, make_case_staff
from tests.conftest import make_person


@pytest.fixture
def sample_cases(bureau, service, huangpu, monkeypatch):
    """Cases of September 2024 at the Pudong bureau, seen on 31 October 2024."""
    monkeypatch.setattr(clock, "today", lambda: datetime.date(2024, 10, 31))
    mediated = file_case(bureau, received_at=at(2024, 9, 10))
    services.accept_case(mediated, service, at=at(2024, 9, 12))
    services.start_mediation(mediated, service, method="on_site", at=at(2024, 9, 13))
    services.record_agreement(mediated, service, form="record", text="退货。", at=at(2024, 9, 20))
    late = file_case(bureau, received_at=at(2024, 9, 20))  # decision due 30 September
    services.accept_case(late, service, at=at(2024, 10, 8))
    report = file_case(bureau, kind=CaseKind.REPORT, received_at=at(2024, 9, 25))
    services.refuse_case(report, service, "未发现违法事实。", at=at(2024, 9, 26))
    file_case(bureau, kind=CaseKind.CONSULTATION, received_at=at(2024, 9, 26))  # overdue
    file_case(bureau, received_at=at(2024, 10, 5))  # after the campaign
    elsewhere = OrgUnit.objects.create(name="黄浦区市场监督管理局", kind="agency", parent=huangpu)
    make_case_staff("huangpu_service", elsewhere)
    file_case(elsewhere, received_at=at(2024, 9, 12))  # another district's


@pytest.fixture
def item_report(seed_campaign, admin, bureau, sample_cases):
    campaign = publish_campaign(seed_campaign, admin)
    item = campaign.items.get(number=20)
    assert "投诉举报" in item.description
    set_indicators(
        item,
        admin,
        [
            {"name": "参与人数", "unit": "人", "value_type": "integer", "aggregation": "sum"},
            {"name": "投诉件数", "unit": "件", "value_type": "integer", "aggregation": "sum"},
        ],
    )
    assign_units(item, admin, lead=[bureau], participants=[])
    reporter = make_person("bureau_reporter", Role.REPORTER, bureau)
    return report_services.start_report(reporter, item=item, org_unit=bureau), reporter


def test_the_statistics_count_kinds_outcomes_and_on_time_clocks(bureau, sample_cases):
    from qualitymonth.cases.models import Case

    september = Case.objects.filter(
        org_unit=bureau, received_at__date__lte=datetime.date(2024, 9, 30)
    )
    statistics = case_statistics(september, datetime.date(2024, 10, 31))
    assert statistics.by_kind == [("咨询", 1), ("投诉", 2), ("举报", 1)]
    assert statistics.by_outcome == [("办理中", 2), ("不予立案", 1), ("调解成功", 1)]
    assert [(row.label, row.on_time, row.decided, row.rate) for row in statistics.on_time] == [
        ("投诉办结", 1, 1, Decimal("100.0")),  # the late one's 45 days are still running
        ("投诉受理决定", 1, 2, Decimal("50.0")),
        ("咨询办结", 0, 1, Decimal("0.0")),  # past its last day, unanswered
        ("举报受理决定", 1, 1, Decimal("100.0")),
    ]


def test_the_item_20_report_is_offered_the_figures(item_report):
    report, _reporter = item_report
    figures = {f.label: (f.value, f.indicator) for f in participation.figures_for(report)}
    assert figures["投诉件数"] == (2, "投诉件数")
    assert figures["举报件数"] == (1, "举报件数")
    assert figures["调解成功件数"] == (1, "调解成功件数")
    assert figures["投诉受理决定按时率（%）"] == (Decimal("50.0"), "")
    assert "黄浦" not in repr(figures)


def test_the_report_page_shows_the_figures_and_prefills_the_indicator_of_that_name(
    client, item_report
):
    report, reporter = item_report
    indicator = report.item.indicators.get(name="投诉件数")
    client.force_login(reporter)
    page = client.get(reverse("reports:edit", args=[report.pk])).content.decode()
    assert "投诉件数 2" in page and "投诉受理决定按时率（%） 50" in page
    assert f'name="figure-{indicator.pk}" value="2"' in page


def test_other_items_and_event_reports_get_no_case_figures(seed_campaign, admin, bureau):
    campaign = publish_campaign(seed_campaign, admin)
    item = campaign.items.get(number=2)
    assign_units(item, admin, lead=[bureau], participants=[])
    reporter = make_person("bureau_reporter", Role.REPORTER, bureau)
    report = report_services.start_report(reporter, item=item, org_unit=bureau)
    assert participation.figures_for(report) == []

"""Completeness read from the database: the same counts, in a handful of queries."""

import datetime

from qualitymonth.campaigns.models import Deadline
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.progress.queries import (
    campaign_completeness,
    report_due_date,
    summary_due_date,
    unit_kinds,
)
from qualitymonth.reports import services as reports
from qualitymonth.reports.models import Report
from qualitymonth.summaries.models import UnitSummary

from .conftest import REPORT_DUE, SUMMARY_DUE, make_report, make_summary

Status = Report.Status


def test_counts_per_unit_and_item(campaign, items, lujiazui, huamu, zhangjiang):
    make_report(lujiazui, items[1], Status.ACCEPTED)
    make_report(lujiazui, items[2], Status.SUBMITTED, late=True)
    make_report(huamu, items[1], Status.RETURNED)
    make_report(huamu, items[2], Status.DRAFT)
    make_summary(lujiazui, campaign, UnitSummary.Status.ACCEPTED)
    make_summary(huamu, campaign, UnitSummary.Status.DRAFT)

    progress = campaign_completeness(campaign)

    by_name = {p.unit.name: p for p in progress.units}
    assert [p.unit.name for p in progress.units] == ["陆家嘴街道", "花木街道", "张江镇"]
    lu = by_name["陆家嘴街道"].reports
    assert (lu.expected, lu.sent, lu.accepted, lu.on_time, lu.late, lu.missing) == (
        2,
        2,
        1,
        1,
        1,
        0,
    )
    hm = by_name["花木街道"].reports
    assert (hm.expected, hm.sent, hm.on_time, hm.missing) == (2, 1, 1, 1)
    zj = by_name["张江镇"].reports
    assert (zj.expected, zj.sent, zj.missing) == (2, 0, 2)
    assert by_name["陆家嘴街道"].summary.accepted
    assert by_name["花木街道"].summary.missing
    assert by_name["张江镇"].summary.status == "missing"

    assert [p.item.number for p in progress.items] == [1, 2, 3]
    first = progress.items[0]
    assert (first.reports.expected, first.reports.sent, first.reports.missing) == (3, 2, 1)
    assert first.missing_unit_ids == [zhangjiang.pk]
    assert (progress.reports.expected, progress.reports.sent) == (6, 3)
    assert (progress.summaries.expected, progress.summaries.sent) == (3, 1)


def test_reports_of_other_campaigns_do_not_count(
    campaign, items, lujiazui, seed_notice_bytes, pudong, admin
):
    from qualitymonth.campaigns.services import copy_campaign

    other = copy_campaign(campaign, admin, year=2025)
    make_report(lujiazui, other.items.get(number=1), Status.ACCEPTED)
    assert campaign_completeness(campaign).reports.sent == 0


def test_whole_campaign_in_a_fixed_number_of_queries(
    campaign, items, pudong, admin, django_assert_max_num_queries
):
    from qualitymonth.assignments.services import assign_units

    many = [
        OrgUnit.objects.create(name=f"测试街道{n}", kind=OrgUnit.Kind.SUBDISTRICT, parent=pudong)
        for n in range(30)
    ]
    for item in campaign.items.all()[:10]:
        assign_units(item, admin, lead=[], participants=many)
    for unit in many[:10]:
        make_report(unit, items[1], Status.SUBMITTED)
        make_summary(unit, campaign)
    with django_assert_max_num_queries(5):
        progress = campaign_completeness(campaign)
        names = [p.unit.name for p in progress.units]
        titles = [str(p.item) for p in progress.items]
    assert len(names) == 30 and len(titles) == 10


def test_filter_by_unit_kind(campaign, items, zhangjiang):
    make_report(zhangjiang, items[3], Status.SUBMITTED)
    towns = campaign_completeness(campaign, unit_kind=OrgUnit.Kind.TOWN)
    assert [p.unit for p in towns.units] == [zhangjiang]
    assert (towns.reports.expected, towns.reports.sent) == (2, 1)
    assert [p.item.number for p in towns.items] == [1, 3]
    assert unit_kinds(campaign) == [
        (OrgUnit.Kind.SUBDISTRICT, "街道"),
        (OrgUnit.Kind.TOWN, "镇"),
    ]


def test_the_review_loop_shows_in_the_counts(campaign, items, lujiazui, reporter, admin):
    """Through the report services: submitted after the deadline is late; returned still
    counts as sent; accepted counts as accepted."""
    report = reports.start_report(reporter, item=items[1], org_unit=lujiazui)
    reports.save_draft(report, reporter, content="在社区开展质量宣传。")
    unit = campaign_completeness(campaign).unit(lujiazui.pk)
    assert unit.reports.sent == 0 and unit.cells[0].drafts == 1

    report = reports.submit_report(report, reporter)  # today is after 25 September 2024
    unit = campaign_completeness(campaign).unit(lujiazui.pk)
    assert (unit.reports.sent, unit.reports.late) == (1, 1)

    report = reports.return_report(report, admin, "请补充照片。")
    assert campaign_completeness(campaign).unit(lujiazui.pk).reports.sent == 1

    report = reports.submit_report(report, reporter)
    reports.accept_report(report, admin)
    unit = campaign_completeness(campaign).unit(lujiazui.pk)
    assert (unit.reports.sent, unit.reports.accepted, unit.reports.missing) == (1, 1, 1)


def test_due_dates(campaign):
    assert report_due_date(campaign) == REPORT_DUE
    assert summary_due_date(campaign) == SUMMARY_DUE
    campaign.deadlines.filter(kind=Deadline.Kind.SUMMARY).delete()
    assert summary_due_date(campaign) == REPORT_DUE
    Deadline.objects.create(campaign=campaign, kind=Deadline.Kind.OTHER, due_date=SUMMARY_DUE)
    assert summary_due_date(campaign) == SUMMARY_DUE  # the last deadline of the notice
    assert report_due_date(campaign) == REPORT_DUE
    campaign.deadlines.filter(kind=Deadline.Kind.REPORT).delete()
    assert report_due_date(campaign) == SUMMARY_DUE
    campaign.deadlines.all().delete()
    assert summary_due_date(campaign) == campaign.end_date == datetime.date(2024, 9, 30)

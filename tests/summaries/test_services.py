import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qualitymonth.accounts.models import Role
from qualitymonth.assignments.services import assign_units
from qualitymonth.campaigns.models import Deadline, Indicator
from qualitymonth.core.chinese import plain_number
from qualitymonth.core.figures import aggregate
from qualitymonth.core.models import AuditEntry, Notification
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.reports import services as reports
from qualitymonth.summaries import services
from qualitymonth.summaries.models import UnitSummary
from qualitymonth.summaries.queries import summary_due_date
from tests.conftest import make_person
from tests.reports.conftest import photo_bytes

S = UnitSummary.Status


@pytest.fixture
def summary(reporter, campaign, lujiazui, accepted):
    return services.start_summary(reporter, campaign=campaign, org_unit=lujiazui)


# Starting: what the platform fills in ------------------------------------------------------


def test_prefill_counts_accepted_reports_only(
    reporter, campaign, lujiazui, item, accepted, write_report
):
    write_report("draft", "50", title="草稿中的活动")
    write_report("submitted", "40", title="待审核的活动")
    write_report("returned", "30", title="被退回的活动")
    summary = services.start_summary(reporter, campaign=campaign, org_unit=lujiazui)
    assert summary.title == "陆家嘴街道2024年质量月活动书面小结"
    assert summary.status == S.DRAFT and summary.author == reporter
    assert summary.figures == [
        {"name": "参与人数", "unit": "人", "aggregation": "sum", "value": "120", "reports": 1}
    ]
    assert list(summary.reports.all()) == [accepted]
    body = summary.body
    assert body.startswith(
        "根据上海市浦东新区市场监督管理局《关于开展2024年浦东新区“质量月”活动的通知》"
    )
    assert "（浦市监质〔2024〕99号）" in body
    assert "一、活动开展情况" in body and f"（一）{item.title}" in body
    assert "1.质量知识进社区" in body and "9月12日，质量知识进社区，向居民宣传质量知识。" in body
    assert "参与人数合计120人" in body
    for other in ("草稿中的活动", "待审核的活动", "被退回的活动"):
        assert other not in body
    assert AuditEntry.objects.filter(action="summary.started", target_id=str(summary.pk)).exists()


def test_figures_combine_as_each_indicator_says(reporter, campaign, lujiazui, write_report, item):
    write_report("accepted", "120")
    write_report("accepted", "80", title="第二场")
    figures = services.unit_figures(campaign.items.get(pk=item.pk).reports.all())
    assert figures[0]["value"] == "200" and figures[0]["reports"] == 2
    people = item.indicators.get(name="参与人数")
    expected = {"avg": "100", "max": "120", "min": "80"}
    for how, value in expected.items():
        people.aggregation = how
        people.save()
        assert services.unit_figures(item.reports.all())[0]["value"] == value
    assert aggregate([Decimal("1"), Decimal("2")], Indicator.Aggregation.AVERAGE) == (
        Decimal("1.50")
    )
    assert plain_number(Decimal("98.50")) == "98.5"
    assert services.figure_phrase(
        {"name": "合格率", "unit": "%", "aggregation": "avg", "value": "98.5"}
    ) == ("合格率平均98.5%")


def test_one_summary_per_unit_and_campaign(reporter, campaign, lujiazui, accepted):
    first = services.start_summary(reporter, campaign=campaign, org_unit=lujiazui)
    services.save_summary(first, reporter, body="本单位自己写的正文")
    again = services.start_summary(reporter, campaign=campaign, org_unit=lujiazui)
    assert again == first and UnitSummary.objects.count() == 1
    again.refresh_from_db()
    assert again.body == "本单位自己写的正文"  # starting again does not overwrite the text


def test_only_an_assigned_unit_of_a_published_campaign(
    reporter, campaign, seed_campaign, lujiazui, pudong
):
    zhoujiadu = OrgUnit.objects.create(name="周家渡街道", kind="subdistrict", parent=pudong)
    zjd = make_person("zjd", Role.REPORTER, zhoujiadu)
    with pytest.raises(ValidationError, match="没有承担"):
        services.start_summary(zjd, campaign=campaign, org_unit=zhoujiadu)
    with pytest.raises(PermissionDenied):
        services.start_summary(zjd, campaign=campaign, org_unit=lujiazui)
    campaign.status = campaign.Status.DRAFT
    campaign.save()
    with pytest.raises(ValidationError, match="尚未发布"):
        services.start_summary(reporter, campaign=campaign, org_unit=lujiazui)
    assert not UnitSummary.objects.exists()


# The review ----------------------------------------------------------------------------------


def test_the_whole_review_loop(summary, reporter, reviewer, admin):
    services.submit_summary(summary, reporter)
    summary.refresh_from_db()
    assert summary.status == S.SUBMITTED and summary.version == 1 and summary.submitted_at
    assert Notification.objects.filter(recipient=reviewer, kind="summary_submitted").exists()
    with pytest.raises(ValidationError):
        services.save_summary(summary, reporter, body="审核中不能改")
    with pytest.raises(ValidationError):
        services.refresh_figures(summary, reporter)
    with pytest.raises(ValidationError, match="退回原因"):
        services.return_summary(summary, reviewer, "  ")
    services.return_summary(summary, reviewer, "请补充经验做法。")
    summary.refresh_from_db()
    assert summary.status == S.RETURNED and summary.return_reason == "请补充经验做法。"
    note = Notification.objects.get(recipient=reporter, kind="summary_returned")
    assert note.body == "请补充经验做法。" and note.url == f"/summaries/{summary.pk}/"
    services.save_summary(summary, reporter, body=summary.body + "\n三、经验做法\n补充的内容。")
    services.submit_summary(summary, reporter)
    services.accept_summary(summary, reviewer)
    summary.refresh_from_db()
    assert summary.status == S.ACCEPTED and summary.reviewed_by == reviewer
    assert summary.return_reason == ""
    assert Notification.objects.filter(recipient=reporter, kind="summary_accepted").exists()
    with pytest.raises(ValidationError):
        services.save_summary(summary, reporter, title="采用后不能改")
    with pytest.raises(PermissionDenied, match="区级管理员"):
        services.reopen_summary(summary, reviewer, "需要修改")
    with pytest.raises(ValidationError, match="原因"):
        services.reopen_summary(summary, admin, "")
    services.reopen_summary(summary, admin, "数据有误。")
    summary.refresh_from_db()
    assert summary.status == S.RETURNED and summary.return_reason == "数据有误。"
    assert Notification.objects.filter(recipient=reporter, kind="summary_reopened").exists()
    versions = list(summary.versions.values_list("action", flat=True))
    assert versions == ["submitted", "returned", "submitted", "accepted", "reopened"]
    assert "补充的内容。" in summary.versions.get(number=3).snapshot["body"]
    assert "补充的内容。" not in summary.versions.get(number=1).snapshot["body"]
    actions = set(
        AuditEntry.objects.filter(target_id=str(summary.pk)).values_list("action", flat=True)
    )
    assert {
        "summary.started",
        "summary.submitted",
        "summary.returned",
        "summary.accepted",
        "summary.reopened",
        "summary.saved",
    } <= actions
    entry = AuditEntry.objects.get(target_id=str(summary.pk), action="summary.accepted")
    assert entry.before == {"status": "submitted"} and entry.after["status"] == "accepted"


def test_wrong_transitions_are_refused(summary, reporter, reviewer):
    with pytest.raises(ValidationError, match="草稿"):
        services.accept_summary(summary, reviewer)
    with pytest.raises(ValidationError):
        services.return_summary(summary, reviewer, "原因")
    services.submit_summary(summary, reporter)
    with pytest.raises(ValidationError, match="待审核"):
        services.submit_summary(summary, reporter)  # already sent
    summary.refresh_from_db()
    assert summary.status == S.SUBMITTED and summary.version == 1


def test_who_may_write_and_review(summary, reporter, reviewer, pudong, huangpu_admin, admin):
    zhoujiadu = OrgUnit.objects.create(name="周家渡街道", kind="subdistrict", parent=pudong)
    other = make_person("zjd", Role.REPORTER, zhoujiadu)
    for attempt in (
        lambda: services.save_summary(summary, other, body="别人的小结"),
        lambda: services.refresh_figures(summary, other),
        lambda: services.submit_summary(summary, other),
        lambda: services.submit_summary(summary, reviewer),  # reviewers do not write it
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    services.submit_summary(summary, reporter)
    for person in (reporter, other, huangpu_admin):
        with pytest.raises(PermissionDenied):
            services.accept_summary(summary, person)
        with pytest.raises(PermissionDenied):
            services.return_summary(summary, person, "原因")
    services.accept_summary(summary, admin)  # a campaign admin reviews too
    with pytest.raises(PermissionDenied):
        services.reopen_summary(summary, huangpu_admin, "别的区")


def test_submitting_needs_a_title_and_text(summary, reporter):
    services.save_summary(summary, reporter, title="  ", body="")
    with pytest.raises(ValidationError) as error:
        services.submit_summary(summary, reporter)
    assert error.value.messages == ["请填写标题。", "请填写正文。"]


def test_late_after_the_summary_deadline(summary, reporter, campaign):
    # The seed notice asks for summaries by 30 September 2024: long past.
    assert summary_due_date(campaign) == datetime.date(2024, 9, 30)
    services.submit_summary(summary, reporter)
    summary.refresh_from_db()
    assert summary.is_late


def test_on_time_before_the_deadline(summary, reporter, reviewer, campaign):
    campaign.deadlines.all().delete()
    future = datetime.date.today() + datetime.timedelta(days=10)
    Deadline.objects.create(campaign=campaign, kind=Deadline.Kind.SUMMARY, due_date=future)
    Deadline.objects.create(
        campaign=campaign, kind=Deadline.Kind.REPORT, due_date=future.replace(year=2000)
    )
    services.submit_summary(summary, reporter)
    summary.refresh_from_db()
    assert not summary.is_late


def test_summary_due_date_falls_back(campaign):
    campaign.deadlines.all().delete()
    assert summary_due_date(campaign) == campaign.end_date
    Deadline.objects.create(
        campaign=campaign, kind=Deadline.Kind.REPORT, due_date=datetime.date(2024, 9, 20)
    )
    Deadline.objects.create(
        campaign=campaign, kind=Deadline.Kind.OTHER, due_date=datetime.date(2024, 10, 8)
    )
    assert summary_due_date(campaign) == datetime.date(2024, 10, 8)  # the last deadline
    Deadline.objects.create(
        campaign=campaign, kind=Deadline.Kind.SUMMARY, due_date=datetime.date(2024, 10, 1)
    )
    assert summary_due_date(campaign) == datetime.date(2024, 10, 1)


# Photos and figures --------------------------------------------------------------------------


def test_photos_only_from_own_accepted_reports(
    summary, reporter, accepted, write_report, pudong, campaign, admin
):
    own = list(accepted.photos.values_list("pk", flat=True))
    services.save_summary(summary, reporter, photo_ids=[str(own[0])])
    assert list(summary.photos.values_list("pk", flat=True)) == [own[0]]
    unaccepted = write_report("submitted", "10", title="待审核", photos=(3,))
    with pytest.raises(ValidationError, match="只能选用"):
        services.save_summary(summary, reporter, photo_ids=[own[0], unaccepted.photos.get().pk])
    with pytest.raises(ValidationError, match="无效"):
        services.save_summary(summary, reporter, photo_ids=["x"])
    # Another street's accepted photo is not the street's to pick.
    huamu = OrgUnit.objects.create(name="花木街道", kind="subdistrict", parent=pudong)
    item = campaign.items.get(number=2)
    assign_units(item, admin, lead=[], participants=[huamu])
    other_reporter = make_person("huamu", Role.REPORTER, huamu)
    theirs = reports.start_report(other_reporter, item=item, org_unit=huamu)
    reports.save_draft(theirs, other_reporter, content="花木的活动")
    photo = reports.add_photo(theirs, other_reporter, photo_bytes(5), "h.jpg")
    reports.submit_report(theirs, other_reporter)
    reports.accept_report(theirs, admin)
    with pytest.raises(ValidationError, match="只能选用"):
        services.save_summary(summary, reporter, photo_ids=[photo.pk])
    assert list(summary.photos.values_list("pk", flat=True)) == [own[0]]  # nothing changed


def test_refresh_takes_newly_accepted_reports(summary, reporter, reviewer, admin, write_report):
    first_photo = summary.reports.get().photos.first()
    services.save_summary(summary, reporter, photo_ids=[first_photo.pk])
    later = write_report("accepted", "80", title="第二场")
    services.refresh_figures(summary, reporter)
    summary.refresh_from_db()
    assert summary.figures[0]["value"] == "200" and summary.figures[0]["reports"] == 2
    assert summary.reports.count() == 2
    # A report reopened by the admin is no longer accepted: its figures and photos drop out.
    reports.reopen_report(first_photo.report, admin, "核对数据")
    services.refresh_figures(summary, reporter)
    summary.refresh_from_db()
    assert summary.figures[0]["value"] == "80"
    assert list(summary.reports.all()) == [later]
    assert not summary.photos.exists()
    assert AuditEntry.objects.filter(action="summary.figures_refreshed").count() == 2


def test_save_audits_changes_without_copying_the_text(summary, reporter):
    services.save_summary(summary, reporter, body="新的正文")
    entry = AuditEntry.objects.get(action="summary.saved")
    assert entry.after == {"body": "4字"}
    services.save_summary(summary, reporter, body="新的正文")  # nothing changed: no entry
    assert AuditEntry.objects.filter(action="summary.saved").count() == 1

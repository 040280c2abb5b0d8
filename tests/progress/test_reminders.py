"""Reminders to units that have not sent their reports or summary, N days before the
deadline: what they say, who gets them, and that nobody gets one twice."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from qualitymonth.accounts.models import Membership, Role
from qualitymonth.core.models import AuditEntry, Notification
from qualitymonth.progress import services
from qualitymonth.progress.models import ReminderRule, ReminderSent
from qualitymonth.reports.models import Report
from qualitymonth.summaries.models import UnitSummary
from tests.conftest import make_person

from .conftest import make_report, make_summary

Status = Report.Status
Kind = ReminderSent.Kind
# Reports are due on 25 September, summaries on 30 September (see conftest).
SEP = lambda day: datetime.date(2024, 9, day)  # noqa: E731


@pytest.fixture
def rule(campaign, admin):
    return services.set_reminder_rule(campaign, admin, days_before=3, enabled=True)


@pytest.fixture
def people(reporter, huamu_reporter, zhangjiang_reporter):
    return {"陆家嘴街道": reporter, "花木街道": huamu_reporter, "张江镇": zhangjiang_reporter}


@pytest.fixture
def lujiazui_complete(campaign, items, lujiazui):
    make_report(lujiazui, items[1], Status.ACCEPTED)
    make_report(lujiazui, items[2], Status.RETURNED)
    make_summary(lujiazui, campaign, UnitSummary.Status.SUBMITTED)


def inbox(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user).order_by("id"))


def test_reporters_of_units_with_missing_reports_are_reminded(
    campaign, rule, people, items, huamu, lujiazui_complete, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    make_report(huamu, items[1], Status.SUBMITTED)
    make_report(huamu, items[2], Status.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        outcome = services.send_due_reminders(campaign, SEP(23))

    assert outcome.due == {Kind.REPORT: SEP(25)}
    assert sorted(r.org_unit.name for r in outcome.sent) == ["张江镇", "花木街道"]
    assert inbox(people["陆家嘴街道"]) == []  # complete: nothing

    [message] = inbox(people["花木街道"])
    assert message.kind == "reminder_report"
    assert (
        message.title == "催报提醒：2024年浦东新区质量月信息报送截止日期为2024年9月25日（还有2天）"
    )
    assert "花木街道承担的以下 1 个事项还没有报送信息" in message.body
    assert str(items[2]) in message.body and str(items[1]) not in message.body
    assert message.url == "/tasks/"

    [message] = inbox(people["张江镇"])
    assert "以下 2 个事项" in message.body
    assert str(items[1]) in message.body and str(items[3]) in message.body
    assert {m.to[0] for m in mailoutbox} == set()  # fixtures' people have no e-mail


def test_reminders_are_e_mailed_to_reporters_with_an_address(
    campaign, rule, zhangjiang_reporter, mailoutbox, django_capture_on_commit_callbacks
):
    zhangjiang_reporter.email = "zhangjiang@example.com"
    zhangjiang_reporter.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_due_reminders(campaign, SEP(25))
    [mail] = mailoutbox
    assert mail.to == ["zhangjiang@example.com"]
    assert "信息报送截止日期为2024年9月25日（今天）" in mail.subject


def test_a_rerun_sends_nothing_new(campaign, rule, people):
    first = services.send_due_reminders(campaign, SEP(23))
    assert len(first.sent) == 3
    count = Notification.objects.count()

    again = services.send_due_reminders(campaign, SEP(23))
    later = services.send_due_reminders(campaign, SEP(24))
    assert again.sent == [] and later.sent == []
    assert again.already_sent == 3
    assert Notification.objects.count() == count
    assert ReminderSent.objects.count() == 3


def test_two_workers_at_once_send_one_reminder(campaign, rule, people, zhangjiang):
    """Both runs passed the "already sent?" check; the unique claim lets only one notify."""
    args = (campaign, zhangjiang, Kind.REPORT, SEP(25), SEP(23), ["1. 事项"], [people["张江镇"]])
    assert services._send(*args) is not None
    assert services._send(*args) is None
    assert len(inbox(people["张江镇"])) == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        ReminderSent.objects.create(
            campaign=campaign, org_unit=zhangjiang, kind=Kind.REPORT,
            due_date=SEP(25), sent_on=SEP(24),
        )  # fmt: skip


def test_complete_units_get_none(campaign, rule, people, items, lujiazui, huamu, zhangjiang):
    for unit, numbers in ((lujiazui, (1, 2)), (huamu, (1, 2)), (zhangjiang, (1, 3))):
        for number in numbers:
            make_report(unit, items[number], Status.SUBMITTED, late=True)
        make_summary(unit, campaign, UnitSummary.Status.RETURNED)
    assert services.send_due_reminders(campaign, SEP(23)).sent == []
    assert services.send_due_reminders(campaign, SEP(29)).sent == []
    assert Notification.objects.count() == 0


@pytest.mark.parametrize("today", [SEP(1), SEP(21), SEP(26), datetime.date(2024, 10, 8)])
def test_dates_outside_the_window_send_nothing(campaign, rule, people, today):
    """3 days before: reports 22–25 September, summaries 27–30 September."""
    outcome = services.send_due_reminders(campaign, today)
    assert outcome.sent == [] and outcome.due == {}
    assert Notification.objects.count() == 0


def test_summary_reminders_in_the_summary_window(
    campaign, rule, people, items, lujiazui, huamu, zhangjiang
):
    make_summary(lujiazui, campaign, UnitSummary.Status.ACCEPTED)
    make_summary(huamu, campaign, UnitSummary.Status.DRAFT)  # a draft is not sent
    outcome = services.send_due_reminders(campaign, SEP(28))

    assert outcome.due == {Kind.SUMMARY: SEP(30)}
    assert sorted(r.org_unit.name for r in outcome.sent) == ["张江镇", "花木街道"]
    assert inbox(people["陆家嘴街道"]) == []
    [message] = inbox(people["花木街道"])
    assert message.kind == "reminder_summary"
    assert (
        message.title == "催报提醒：2024年浦东新区质量月书面小结截止日期为2024年9月30日（还有2天）"
    )
    assert "花木街道的书面小结还没有提交" in message.body
    assert message.url == f"/summaries/?campaign={campaign.pk}"


def test_both_kinds_when_the_deadlines_fall_together(campaign, rule, people):
    campaign.deadlines.update(due_date=SEP(30))
    outcome = services.send_due_reminders(campaign, SEP(30))
    assert outcome.count(Kind.REPORT) == 3 and outcome.count(Kind.SUMMARY) == 3
    assert len(inbox(people["张江镇"])) == 2


def test_a_moved_deadline_is_reminded_again(campaign, rule, people):
    services.send_due_reminders(campaign, SEP(23))
    campaign.deadlines.filter(kind="report").update(due_date=SEP(27))
    outcome = services.send_due_reminders(campaign, SEP(26))
    assert outcome.count(Kind.REPORT) == 3


def test_every_reminder_is_audited(campaign, rule, people, zhangjiang):
    services.send_due_reminders(campaign, SEP(23))
    entries = AuditEntry.objects.filter(action="reminder.sent")
    assert entries.count() == 3
    entry = entries.get(target_id=str(ReminderSent.objects.get(org_unit=zhangjiang).pk))
    assert entry.actor is None and entry.actor_name == "系统"
    assert entry.org_path == zhangjiang.path
    assert entry.after["kind"] == "report" and entry.after["due_date"] == "2024-09-25"
    assert entry.after["recipients"] == ["zhangjiang_reporter"]
    assert len(entry.after["missing"]) == 2


def test_no_rule_a_disabled_rule_or_a_draft_campaign_send_nothing(campaign, admin, people):
    assert services.send_due_reminders(campaign, SEP(23)).sent == []
    services.set_reminder_rule(campaign, admin, days_before=3, enabled=False)
    assert services.send_due_reminders(campaign, SEP(23)).sent == []
    services.set_reminder_rule(campaign, admin, days_before=3, enabled=True)
    campaign.status = campaign.Status.DRAFT
    campaign.save()
    assert services.send_due_reminders(campaign, SEP(23)).sent == []
    assert Notification.objects.count() == 0


def test_the_admin_chooses_how_many_days_before(campaign, admin, people):
    services.set_reminder_rule(campaign, admin, days_before=7, enabled=True)
    assert len(services.send_due_reminders(campaign, SEP(18)).sent) == 3
    services.set_reminder_rule(campaign, admin, days_before=0, enabled=True)
    assert services.send_due_reminders(campaign, SEP(29)).sent == []
    assert len(services.send_due_reminders(campaign, SEP(30)).sent) == 3  # summaries, on the day


def test_only_the_campaign_admin_sets_the_rule(campaign, reporter, huangpu_admin):
    from django.core.exceptions import PermissionDenied, ValidationError

    for person in (reporter, huangpu_admin):
        with pytest.raises(PermissionDenied):
            services.set_reminder_rule(campaign, person, days_before=3, enabled=True)
    with pytest.raises(ValidationError):
        services.set_reminder_rule(campaign, campaign_admin(campaign), days_before=61, enabled=True)
    assert not ReminderRule.objects.exists()


def campaign_admin(campaign):
    return Membership.objects.get(org_unit=campaign.org_unit, role=Role.CAMPAIGN_ADMIN).user


def test_a_unit_without_a_reporter_is_listed_and_reminded_once_one_is_added(
    campaign, rule, reporter, huamu_reporter, zhangjiang
):
    outcome = services.send_due_reminders(campaign, SEP(23))
    assert outcome.without_reporter == [zhangjiang]
    assert not ReminderSent.objects.filter(org_unit=zhangjiang).exists()

    newcomer = make_person("zhangjiang_new", Role.REPORTER, zhangjiang)
    outcome = services.send_due_reminders(campaign, SEP(24))
    assert [r.org_unit for r in outcome.sent] == [zhangjiang]
    assert len(inbox(newcomer)) == 1


def test_inactive_reporters_and_other_roles_are_not_reminded(
    campaign, rule, zhangjiang, zhangjiang_reporter
):
    left = make_person("left", Role.REPORTER, zhangjiang)
    left.is_active = False
    left.save()
    reviewer = make_person("zj_reviewer", Role.REVIEWER, zhangjiang)
    services.send_due_reminders(campaign, SEP(23))
    assert len(inbox(zhangjiang_reporter)) == 1
    assert inbox(left) == [] and inbox(reviewer) == []
    assert ReminderSent.objects.get(org_unit=zhangjiang).recipient_count == 1


def test_command_runs_every_published_campaign(campaign, rule, people, admin):
    from qualitymonth.campaigns.services import copy_campaign

    draft = copy_campaign(campaign, admin, year=2025)
    services.set_reminder_rule(draft, admin, days_before=3, enabled=True)
    out = io.StringIO()
    call_command("send_reminders", "--date", "2024-09-23", stdout=out)
    text = out.getvalue()
    assert "2024年浦东新区质量月：提醒 3 个单位（信息报送 3，书面小结 0）" in text
    assert "2024年9月23日：共发送 3 条催报提醒。" in text
    assert not ReminderSent.objects.filter(campaign=draft).exists()

    out = io.StringIO()
    call_command("send_reminders", "--date", "2024-09-23", stdout=out)
    assert "共发送 0 条" in out.getvalue() and "3 条此前已提醒" in out.getvalue()


def test_command_names_units_without_reporters(campaign, rule, reporter):
    out = io.StringIO()
    call_command("send_reminders", "--date", "2024-09-23", stdout=out)
    assert "没有填报员、无法提醒的单位：花木街道、张江镇" in out.getvalue()


def test_command_refuses_a_bad_date(db):
    with pytest.raises(CommandError, match="格式不对"):
        call_command("send_reminders", "--date", "2024/9/23")


def test_command_through_the_console_name(campaign, rule, people, capsys):
    from qualitymonth.cli import main

    main(["qualitymonth", "send-reminders", "--date", "2024-09-24"])
    assert "共发送 3 条催报提醒" in capsys.readouterr().out


def test_task_sends_the_reminders(campaign, rule, people, settings):
    from qualitymonth.progress.tasks import send_reminders

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    result = send_reminders.enqueue("2024-09-24")
    assert result.return_value == 3
    assert send_reminders.enqueue("2024-09-24").return_value == 0

"""Chasing late units: the reminder setting and the reminders themselves.

``send_due_reminders`` is run every day (``qualitymonth send-reminders`` from cron or a timer,
or the ``send_reminders`` task). Within N days of a deadline it reminds the reporters of each
unit that has not sent its reports or its summary, through the notification service. Each
reminder is claimed by a ``ReminderSent`` row under a unique constraint in the same transaction
as the notification, so a rerun, or a second worker running at the same moment, sends nothing
new.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from qualitymonth.accounts.models import Membership, Role
from qualitymonth.accounts.scope import scope_of
from qualitymonth.campaigns.models import Campaign
from qualitymonth.core import audit
from qualitymonth.core.chinese import chinese_date
from qualitymonth.core.notifications import notify
from qualitymonth.orgs.models import OrgUnit

from .completeness import UnitProgress, reminder_window
from .models import ReminderRule, ReminderSent
from .queries import campaign_completeness, report_due_date, summary_due_date

MAX_DAYS_BEFORE = 60
Kind = ReminderSent.Kind


# The setting -------------------------------------------------------------------------------


def set_reminder_rule(campaign: Campaign, by, *, days_before: int, enabled: bool) -> ReminderRule:
    """Only the campaign's admins set when its units are reminded (0–60 days before each
    deadline), or turn reminders off."""
    scope_of(by).require("campaign.admin", campaign.org_unit)
    if not 0 <= int(days_before) <= MAX_DAYS_BEFORE:
        raise ValidationError({"days_before": f"提前天数应在 0 到 {MAX_DAYS_BEFORE} 天之间。"})
    with transaction.atomic():
        rule = ReminderRule.objects.select_for_update().filter(campaign=campaign).first()
        before = {"days_before": rule.days_before, "enabled": rule.enabled} if rule else None
        if rule is None:
            rule = ReminderRule(campaign=campaign)
        rule.days_before = int(days_before)
        rule.enabled = bool(enabled)
        rule.updated_by = by
        rule.save()
        after = {"days_before": rule.days_before, "enabled": rule.enabled}
        if before != after:
            audit.record(
                by,
                "reminder_rule.updated" if before else "reminder_rule.created",
                rule,
                org_unit=campaign.org_unit,
                before=before,
                after=after,
            )
    return rule


# The reminders -----------------------------------------------------------------------------


@dataclass
class ReminderOutcome:
    """What one run did for one campaign."""

    campaign: Campaign
    today: datetime.date
    due: dict[str, datetime.date] = field(default_factory=dict)  # kinds within the window
    sent: list[ReminderSent] = field(default_factory=list)
    already_sent: int = 0
    without_reporter: list[OrgUnit] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for r in self.sent if r.kind == kind)


def send_due_reminders(campaign: Campaign, today: datetime.date | None = None) -> ReminderOutcome:
    """Remind each unit of a published campaign that still misses reports or its summary,
    when today is within the admin's N days of the report or summary deadline.

    A unit is reminded at most once per deadline and kind, and only for what it has not sent
    (a draft is not sent). Units without a reporter are listed in the outcome, not recorded, so
    a reporter added later is still reminded.
    """
    today = today or timezone.localdate()
    outcome = ReminderOutcome(campaign, today)
    if campaign.status != Campaign.Status.PUBLISHED:
        return outcome
    rule = ReminderRule.objects.filter(campaign=campaign, enabled=True).first()
    if rule is None:
        return outcome
    for kind, due in (
        (Kind.REPORT, report_due_date(campaign)),
        (Kind.SUMMARY, summary_due_date(campaign)),
    ):
        if reminder_window(due, rule.days_before, today) is not None:
            outcome.due[kind] = due
    if not outcome.due:
        return outcome

    progress = campaign_completeness(campaign)
    items = {p.item_id: p.item for p in progress.items}
    already = set(
        ReminderSent.objects.filter(campaign=campaign).values_list(
            "org_unit_id", "kind", "due_date"
        )
    )
    reporters = _reporters_by_unit([u.unit_id for u in progress.units])
    for unit in progress.units:
        for kind, due in outcome.due.items():
            missing = _missing(unit, kind, items)
            if not missing:
                continue
            if (unit.unit_id, kind, due) in already:
                outcome.already_sent += 1
                continue
            people = reporters.get(unit.unit_id, [])
            if not people:
                if unit.unit not in outcome.without_reporter:
                    outcome.without_reporter.append(unit.unit)
                continue
            record = _send(campaign, unit.unit, kind, due, today, missing, people)
            if record is None:
                outcome.already_sent += 1
            else:
                outcome.sent.append(record)
    return outcome


def send_all_due_reminders(today: datetime.date | None = None) -> list[ReminderOutcome]:
    """Run the reminders of every published campaign (those without a rule send nothing)."""
    today = today or timezone.localdate()
    campaigns = Campaign.objects.filter(status=Campaign.Status.PUBLISHED).select_related("org_unit")
    return [send_due_reminders(campaign, today) for campaign in campaigns.order_by("pk")]


def _missing(unit: UnitProgress, kind: str, items: dict) -> list[str]:
    if kind == Kind.SUMMARY:
        return ["书面小结"] if unit.summary.missing else []
    return [str(items[item_id]) for item_id in unit.missing_item_ids]


def _reporters_by_unit(unit_ids: list[int]) -> dict[int, list]:
    """Each unit's own reporters, in one query."""
    reporters: dict[int, list] = {}
    memberships = Membership.objects.filter(
        role=Role.REPORTER, org_unit_id__in=unit_ids, user__is_active=True
    ).select_related("user")
    for membership in memberships.order_by("user__pinyin", "user_id"):
        reporters.setdefault(membership.org_unit_id, []).append(membership.user)
    return reporters


def reminder_message(
    campaign: Campaign,
    unit: OrgUnit,
    kind: str,
    due: datetime.date,
    today: datetime.date,
    missing: list[str],
) -> tuple[str, str]:
    """The reminder's title and body, as the Quality Division would write them."""
    days_left = (due - today).days
    when = "今天" if days_left == 0 else f"还有{days_left}天"
    deadline = f"{chinese_date(due)}（{when}）"
    if kind == Kind.SUMMARY:
        title = f"催报提醒：{campaign.name}书面小结截止日期为{deadline}"
        body = (
            f"{unit.name}的书面小结还没有提交（草稿不算已报）。\n"
            f"请在{chinese_date(due)}前完成并提交。"
        )
        return title, body
    title = f"催报提醒：{campaign.name}信息报送截止日期为{deadline}"
    lines = "\n".join(f"· {name}" for name in missing)
    body = (
        f"{unit.name}承担的以下 {len(missing)} 个事项还没有报送信息：\n{lines}\n"
        f"请在{chinese_date(due)}前报送；已经在填写的草稿请及时提交。"
    )
    return title, body


def _reminder_url(campaign: Campaign, kind: str) -> str:
    """Where the reporter acts on it: the unit's summary of this campaign, or its tasks."""
    if kind == Kind.SUMMARY:
        return f"{reverse('summaries:mine')}?campaign={campaign.pk}"
    return reverse("assignments:my_tasks")


def _send(
    campaign: Campaign,
    unit: OrgUnit,
    kind: str,
    due: datetime.date,
    today: datetime.date,
    missing: list[str],
    people: list,
) -> ReminderSent | None:
    """Claim the reminder and send it in one transaction; None if it was already claimed."""
    title, body = reminder_message(campaign, unit, kind, due, today, missing)
    try:
        with transaction.atomic():
            record = ReminderSent.objects.create(
                campaign=campaign,
                org_unit=unit,
                kind=kind,
                due_date=due,
                sent_on=today,
                missing=missing,
                recipient_count=len(people),
            )
            notify(people, f"reminder_{kind}", title, body=body, url=_reminder_url(campaign, kind))
            audit.record(
                None,
                "reminder.sent",
                record,
                org_unit=unit,
                after={
                    "kind": kind,
                    "due_date": due.isoformat(),
                    "missing": missing,
                    "recipients": [person.display_name for person in people],
                },
            )
    except IntegrityError:  # another run claimed it first
        return None
    return record

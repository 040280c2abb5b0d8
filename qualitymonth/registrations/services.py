"""Registration and check-in: registering, the waiting list, cancelling by link, checking in,
and the participant figure (签到人数) that check-ins offer the event's report.

Every change takes the event's ``RegistrationSettings`` row as its lock (``select_for_update``
on PostgreSQL; on SQLite the platform's transactions are ``BEGIN IMMEDIATE``, which serialises
writers), then counts: so there are never more confirmed registrations than places, however
many people press the button at the same moment.
"""

from __future__ import annotations

import datetime
import re
import secrets
from dataclasses import dataclass, field
from urllib.parse import urljoin

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from qualitymonth.campaigns.models import Campaign
from qualitymonth.core import audit
from qualitymonth.core.figures import PARTICIPANTS
from qualitymonth.core.privacy import mask_name, mask_phone
from qualitymonth.core.sms import send_sms
from qualitymonth.events.models import Event
from qualitymonth.events.services import may_change

from .models import Registration, RegistrationSettings

Status = Registration.Status

# Letters and digits nobody mixes up when reading a ticket aloud: no 0/O, 1/I/L, 2/Z, 5/S, 8/B.
CODE_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"
CODE_LENGTH = 8
CANCEL_SALT = "qualitymonth.registrations.cancel"
# A cancel link is good until the event starts, and in any case for this long.
CANCEL_LINK_MAX_AGE = 180 * 86400


# Who may organise -------------------------------------------------------------------------


def may_organise(by, event: Event) -> bool:
    """The event's unit's reporters and the campaign's (district's) admins."""
    return may_change(by, event)


def _require_organiser(by, event: Event) -> None:
    if not may_organise(by, event):
        raise PermissionDenied("您没有权限管理这场活动的报名和签到。")


# Settings ---------------------------------------------------------------------------------


def settings_of(event: Event) -> RegistrationSettings:
    """The event's settings (not saved when the organiser has not set any)."""
    found = RegistrationSettings.objects.filter(event=event).first()
    return found or RegistrationSettings(event=event)


def parse_questions(text: str) -> list[dict]:
    """The organiser's extra questions, one a line: ``*年龄段：18岁以下/18-60岁/60岁以上``.

    A leading ``*`` makes the question required; choices after a colon (：or :), separated by
    ``/``, make it a choice; otherwise the answer is free text.
    """
    questions, errors = [], []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        required = line.startswith(("*", "＊"))
        line = line.lstrip("*＊").strip()
        parts = re.split(r"[：:]", line, maxsplit=1)
        label, rest = parts[0].strip(), (parts[1] if len(parts) > 1 else "").strip()
        choices = [c.strip() for c in re.split(r"[/／]", rest) if c.strip()] if rest else []
        if not label:
            errors.append(f"第 {number} 行没有问题内容。")
            continue
        if rest and len(choices) < 2:
            errors.append(f"第 {number} 行“{label}”：选择题至少要有两个选项，用“/”分隔。")
            continue
        questions.append(
            {
                "key": f"q{len(questions) + 1}",
                "label": label[:100],
                "kind": "choice" if choices else "text",
                "choices": [c[:60] for c in choices],
                "required": required,
            }
        )
    if len(questions) > 10:
        errors.append("附加问题最多 10 个。")
    if errors:
        raise ValidationError({"questions": errors})
    return questions


def questions_text(questions: list[dict]) -> str:
    """The questions back as the organiser typed them."""
    lines = []
    for q in questions or []:
        line = ("*" if q.get("required") else "") + q["label"]
        if q.get("kind") == "choice":
            line += "：" + "/".join(q.get("choices", []))
        lines.append(line)
    return "\n".join(lines)


def configure(event: Event, by, **fields) -> RegistrationSettings:
    """Set how the event takes registrations. Raising the capacity moves the waiting list up."""
    _require_organiser(by, event)
    allowed = {"enabled", "capacity", "waiting_list", "opens_at", "closes_at", "questions"}
    if set(fields) - allowed:
        raise ValueError(f"not registration settings: {sorted(set(fields) - allowed)}")
    errors = {}
    if "capacity" in fields and (fields["capacity"] is None or fields["capacity"] < 1):
        errors["capacity"] = "名额至少为 1。"
    opens, closes = fields.get("opens_at"), fields.get("closes_at")
    if opens and closes and closes <= opens:
        errors["closes_at"] = "报名截止时间应晚于开始时间。"
    if fields.get("enabled") and not event.is_public:
        errors["enabled"] = "活动未设为“对市民公开”，市民看不到它，不能开放报名。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        RegistrationSettings.objects.get_or_create(event=event)
        row = RegistrationSettings.objects.select_for_update().get(event=event)
        before = audit.snapshot(row)
        for key, value in fields.items():
            setattr(row, key, value)
        row.save()
        old, new = audit.changes(before, audit.snapshot(row))
        if new:
            audit.record(
                by, "registration.configured", event, before=old, after=new, org_unit=event.org_unit
            )
        _promote(row, timezone.now())
    return row


# Registering ------------------------------------------------------------------------------


def closed_reason(row: RegistrationSettings, now: datetime.datetime) -> str:
    """Why the event takes no registration now, in Chinese; "" when it does."""
    event = row.event
    if event.status == Event.Status.CANCELLED:
        return "活动已取消。"
    if not (event.is_public and event.item.campaign.status == Campaign.Status.PUBLISHED):
        return "这场活动不接受公众报名。"
    if not row.pk or not row.enabled:
        return "这场活动无需报名，或尚未开放报名。"
    if row.opens_at and now < row.opens_at:
        return f"报名将于 {_when(row.opens_at)} 开始。"
    if now >= (row.closes_at or event.starts_at) or now >= event.starts_at:
        return "报名已截止。"
    return ""


@dataclass
class Applicant:
    name: str
    mobile: str
    answers: dict[str, str] = field(default_factory=dict)


def clean_answers(questions: list[dict], given: dict[str, str]) -> dict[str, str]:
    """The answers keyed by question label, checked against the questions."""
    answers, errors = {}, {}
    for q in questions or []:
        value = (given.get(q["key"]) or "").strip()[:200]
        if q.get("required") and not value:
            errors[q["key"]] = f"请回答“{q['label']}”。"
        elif q.get("kind") == "choice" and value and value not in q.get("choices", []):
            errors[q["key"]] = f"“{q['label']}”请从选项中选择。"
        elif value:
            answers[q["label"]] = value
    if errors:
        raise ValidationError(errors)
    return answers


def register(event: Event, applicant: Applicant, *, at: datetime.datetime | None = None):
    """A place for ``applicant``, confirmed while places are left, else on the waiting list (if
    the organiser keeps one). One active registration per mobile number per event."""
    now = at or timezone.now()
    with transaction.atomic():
        row = (
            RegistrationSettings.objects.select_for_update()
            .select_related("event__item__campaign", "event__org_unit")
            .filter(event=event)
            .first()
        )
        if row is None:
            raise ValidationError("这场活动无需报名，或尚未开放报名。")
        event = row.event
        if problem := closed_reason(row, now):
            raise ValidationError(problem)
        answers = clean_answers(row.questions, applicant.answers)
        registrations = Registration.objects.filter(event=event)
        if registrations.filter(mobile=applicant.mobile, status__in=Registration.ACTIVE).exists():
            raise ValidationError(
                "该手机号已报名这场活动。请查看报名成功短信中的电子票链接；"
                "如需更换报名人，请先取消原报名。"
            )
        confirmed = registrations.filter(status=Status.CONFIRMED).count()
        if confirmed < row.capacity:
            status = Status.CONFIRMED
        elif row.waiting_list:
            status = Status.WAITING
        else:
            raise ValidationError("名额已满，这场活动不接受候补。")
        position = (registrations.aggregate(last=Max("position"))["last"] or 0) + 1
        registration = Registration.objects.create(
            event=event,
            name=applicant.name.strip()[:60],
            mobile=applicant.mobile,
            answers=answers,
            status=status,
            position=position,
            code=_new_code(),
            token=secrets.token_urlsafe(24),
        )
        audit.record(
            None,
            "registration.created",
            registration,
            after=_public_snapshot(registration),
            org_unit=event.org_unit,
        )
        if status == Status.CONFIRMED:
            text = (
                f"您已报名“{event.title}”（{_when(event.starts_at)}），签到码 "
                f"{registration.code}。电子票及取消报名：{ticket_url(registration)}"
            )
        else:
            text = (
                f"“{event.title}”名额已满，您在候补名单第 {waiting_place(registration)} 位。"
                f"有人取消时将自动为您转为报名成功并短信通知。查看：{ticket_url(registration)}"
            )
        _sms(registration, f"registration_{status}", text)
    return registration


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Registration.objects.filter(code=code).exists():
            return code


def normalise_code(text: str) -> str:
    """What the organiser typed or scanned, as stored: upper case, no spaces or dashes."""
    return re.sub(r"[^0-9A-Za-z]", "", text or "").upper()[:12]


def waiting_place(registration: Registration) -> int | None:
    """Its place on the waiting list (1 = next to move up), or None when not waiting."""
    if registration.status != Status.WAITING:
        return None
    return (
        Registration.objects.filter(
            event_id=registration.event_id,
            status=Status.WAITING,
            position__lt=registration.position,
        ).count()
        + 1
    )


def places_left(row: RegistrationSettings, confirmed: int) -> int:
    return max(row.capacity - confirmed, 0)


def ticket_url(registration: Registration) -> str:
    path = reverse("portal:ticket", kwargs={"token": registration.token})
    return urljoin(settings.SITE_URL.rstrip("/") + "/", path.lstrip("/"))


def _public_snapshot(registration: Registration) -> dict:
    return {
        "name": mask_name(registration.name),
        "mobile": mask_phone(registration.mobile),
        "status": registration.status,
        "code": registration.code,
    }


def _sms(registration: Registration, kind: str, text: str) -> None:
    send_sms(
        registration.mobile,
        text,
        kind=kind,
        ref=f"registrations.event:{registration.event_id}",
        org_unit=registration.event.org_unit,
    )


def _when(moment: datetime.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


# The waiting list -------------------------------------------------------------------------


def _promote(row: RegistrationSettings, now: datetime.datetime) -> list[Registration]:
    """Move the waiting list up into free places, in order, and tell each person by SMS. Call
    with ``row`` locked."""
    event = row.event
    if event.status == Event.Status.CANCELLED or now >= event.starts_at:
        return []
    confirmed = Registration.objects.filter(event=event, status=Status.CONFIRMED).count()
    free = row.capacity - confirmed
    if free <= 0:
        return []
    promoted = list(
        Registration.objects.select_for_update()
        .filter(event=event, status=Status.WAITING)
        .order_by("position")[:free]
    )
    for registration in promoted:
        registration.status = Status.CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        audit.record(
            None,
            "registration.promoted",
            registration,
            before={"status": Status.WAITING},
            after={"status": Status.CONFIRMED},
            org_unit=event.org_unit,
        )
        _sms(
            registration,
            "registration_promoted",
            f"有名额空出，您候补的“{event.title}”（{_when(event.starts_at)}）已转为报名成功，"
            f"签到码 {registration.code}。电子票：{ticket_url(registration)}",
        )
    return promoted


# Cancelling -------------------------------------------------------------------------------


def cancel_link_token(registration: Registration) -> str:
    return signing.dumps(registration.token, salt=CANCEL_SALT)


def registration_for_cancel_link(signed: str) -> Registration:
    """The registration a cancel link names; a clear Chinese message when it cannot be used."""
    try:
        token = signing.loads(signed, salt=CANCEL_SALT, max_age=CANCEL_LINK_MAX_AGE)
    except signing.SignatureExpired as error:
        raise ValidationError("取消链接已过期。如需取消报名，请联系活动举办单位。") from error
    except signing.BadSignature as error:
        raise ValidationError(
            "取消链接不完整或已失效，请使用报名成功页面或短信中的完整链接。"
        ) from error
    registration = (
        Registration.objects.select_related("event__org_unit", "event__item__campaign")
        .filter(token=token)
        .first()
    )
    if registration is None:
        raise ValidationError("取消链接不完整或已失效，请使用报名成功页面或短信中的完整链接。")
    return registration


def cancel_by_link(signed: str, *, at: datetime.datetime | None = None) -> Registration:
    """Cancel through the link the person was given. A confirmed place that frees up goes to
    the first person on the waiting list at once."""
    now = at or timezone.now()
    registration = registration_for_cancel_link(signed)
    with transaction.atomic():
        row = (
            RegistrationSettings.objects.select_for_update()
            .select_related("event__org_unit")
            .get(event_id=registration.event_id)
        )
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if registration.status == Status.CANCELLED:
            raise ValidationError("这条报名已经取消，无需再次操作。")
        if now >= row.event.starts_at:
            raise ValidationError("活动已开始，不能再在线取消报名。")
        before = registration.status
        registration.status = Status.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at"])
        audit.record(
            None,
            "registration.cancelled",
            registration,
            before={"status": before},
            after={"status": Status.CANCELLED},
            org_unit=row.event.org_unit,
        )
        if before == Status.CONFIRMED:
            _promote(row, now)
    return registration


# Check-in ---------------------------------------------------------------------------------


@dataclass
class CheckIn:
    registration: Registration
    already: bool  # checked in before: nothing changed


def check_in(event: Event, by, code: str, *, method: str = "code") -> CheckIn:
    """Check in the ticket with ``code`` (scanned or typed). Checking a ticket in twice is
    harmless and says when it was first checked in."""
    _require_organiser(by, event)
    code = normalise_code(code)
    if not code:
        raise ValidationError("请输入签到码。")
    with transaction.atomic():
        registration = (
            Registration.objects.select_for_update().filter(event=event, code=code).first()
        )
        if registration is None:
            raise ValidationError(f"签到码 {code} 不是这场活动的报名，请核对。")
        if registration.status == Status.CANCELLED:
            raise ValidationError(f"签到码 {code} 的报名已取消。")
        if registration.status == Status.WAITING:
            raise ValidationError(f"签到码 {code} 仍在候补中，没有获得名额。")
        if registration.checked_in_at:
            return CheckIn(registration, already=True)
        _mark_checked_in(registration, by, method)
    return CheckIn(registration, already=False)


def check_in_many(event: Event, by, registration_ids) -> int:
    """Tick confirmed people as checked in from the list (afterwards, from a paper sheet)."""
    _require_organiser(by, event)
    with transaction.atomic():
        chosen = list(
            Registration.objects.select_for_update().filter(
                event=event,
                pk__in=[int(pk) for pk in registration_ids if str(pk).isdigit()],
                status=Status.CONFIRMED,
                checked_in_at=None,
            )
        )
        for registration in chosen:
            _mark_checked_in(registration, by, "list")
    return len(chosen)


def _mark_checked_in(registration: Registration, by, method: str) -> None:
    registration.checked_in_at = timezone.now()
    registration.checked_in_by = by
    registration.save(update_fields=["checked_in_at", "checked_in_by"])
    audit.record(
        by,
        "registration.checked_in",
        registration,
        after={"checked_in_at": registration.checked_in_at.isoformat(), "method": method},
        org_unit=registration.event.org_unit,
    )


# The participant figure of the event's report ---------------------------------------------


def checked_in_count(event_id: int) -> int:
    return Registration.objects.filter(
        event_id=event_id, status=Status.CONFIRMED, checked_in_at__isnull=False
    ).count()


def report_figures(report) -> list:
    """For ``reports.participation``: a report of an event that took registrations shows
    "签到人数 N" and offers N as its 参与人数 (never replacing a figure the reporter typed)."""
    from qualitymonth.reports.participation import Figure

    if report.event_id is None:
        return []
    if not Registration.objects.filter(event_id=report.event_id).exists():
        return []
    return [
        Figure(
            label="签到人数",
            value=checked_in_count(report.event_id),
            source="活动签到",
            indicator=PARTICIPANTS,
        )
    ]

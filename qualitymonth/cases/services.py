"""Every change to a case: filing, assigning, deciding, replying, closing; and the time-limit
rules. Each function checks the permission and the transition, saves in one transaction, writes
the audit entry and sends the notification. Contact details never enter an audit entry."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from qualitymonth.accounts.scope import scope_of
from qualitymonth.core import audit, photos
from qualitymonth.core.notifications import notify
from qualitymonth.core.workdays import CalendarUnknown, add_working_days
from qualitymonth.reports.evidence import attachment_problem

from . import clock
from .models import (
    Case,
    CaseAttachment,
    CaseDeadline,
    CaseKind,
    CasePhoto,
    CaseStep,
    Milestone,
    StartEvent,
    TimeLimitRule,
)
from .queries import case_staff

MAX_PHOTOS = 6
MAX_FILES = 3
TRACKING_PREFIX = "ZJ"


@dataclass
class Upload:
    name: str
    data: bytes


@dataclass
class CaseInput:
    """What a citizen files; the portal's form fills it."""

    kind: str
    org_unit: object
    subject: str
    description: str
    contact_name: str
    mobile: str
    business_name: str = ""
    business_address: str = ""
    id_number: str = ""
    photos: Sequence[Upload] = field(default_factory=list)
    files: Sequence[Upload] = field(default_factory=list)


# Filing ------------------------------------------------------------------------------------


def submit_case(data: CaseInput, *, received_at: datetime.datetime | None = None) -> Case:
    """File a citizen's case: a tracking number, the deadlines of the rules in force on the day
    of receipt, the photos (checked and stripped of location data) and files, all or nothing.

    Raises ``ValidationError`` naming the first photo or file that cannot be accepted; nothing is
    saved then.
    """
    received_at = received_at or clock.now()
    if len(data.photos) > MAX_PHOTOS:
        raise ValidationError(f"照片最多 {MAX_PHOTOS} 张，您选择了 {len(data.photos)} 张。")
    if len(data.files) > MAX_FILES:
        raise ValidationError(f"附件最多 {MAX_FILES} 个，您选择了 {len(data.files)} 个。")
    processed = []
    for upload in data.photos:
        try:
            processed.append((upload, photos.process_photo(upload.data, upload.name)))
        except photos.PhotoError as error:
            raise ValidationError(error.message) from error
    for upload in data.files:
        if problem := attachment_problem(upload.data, upload.name):
            raise ValidationError(problem)

    with transaction.atomic():
        case = Case(
            kind=data.kind,
            org_unit=data.org_unit,
            subject=data.subject.strip(),
            business_name=data.business_name.strip(),
            business_address=data.business_address.strip(),
            description=data.description.strip(),
            contact_name=data.contact_name.strip(),
            mobile=data.mobile.strip(),
            id_number=data.id_number.strip().upper(),
            received_at=received_at,
        )
        _save_with_tracking_number(case)
        received_on = case.received_on
        for rule in TimeLimitRule.in_force(received_on).filter(kind=case.kind):
            deadline = CaseDeadline(
                case=case,
                rule=rule,
                milestone=rule.milestone,
                working_days=rule.working_days,
                start_event=rule.start_event,
                legal_basis=rule.legal_basis,
            )
            if rule.start_event == StartEvent.RECEIVED:
                _start(deadline, received_on)
            deadline.save()
        for upload, photo in processed:
            _store_photo(case, upload, photo)
        for upload in data.files:
            _store_attachment(case, upload)
        CaseStep.objects.create(
            case=case, kind=CaseStep.Kind.RECEIVED, public=True, at=received_at, actor_name="系统"
        )
        audit.record(
            None,
            "case.received",
            case,
            after=_snapshot(case),
            org_unit=case.org_unit,
            photos=len(processed),
            files=len(data.files),
        )
        notify(
            case_staff(case.org_unit),
            "case_received",
            f"新{case.get_kind_display()}：{case.tracking_number}",
            f"{case.subject}（{case.business_name or '未填经营者'}）",
            url=reverse("cases:detail", args=[case.pk]),
        )
    return case


def _save_with_tracking_number(case: Case) -> None:
    """ZJ + the day of receipt + a 5-digit number of the day: ZJ2024100800012."""
    day = timezone.localtime(case.received_at).strftime("%Y%m%d")
    prefix = f"{TRACKING_PREFIX}{day}"
    for _attempt in range(10):
        last = (
            Case.objects.filter(tracking_number__startswith=prefix)
            .order_by("-tracking_number")
            .values_list("tracking_number", flat=True)
            .first()
        )
        number = int(last[len(prefix) :]) + 1 if last else 1
        case.tracking_number = f"{prefix}{number:05d}"
        try:
            with transaction.atomic():  # a savepoint: a clash with a parallel filing is retried
                case.save()
            return
        except IntegrityError:
            case.pk = None
            continue
    raise RuntimeError("could not allocate a tracking number")


def _start(deadline: CaseDeadline, on: datetime.date) -> None:
    deadline.starts_on = on
    try:
        deadline.due_on = add_working_days(on, deadline.working_days)
    except CalendarUnknown:
        # The holiday calendar does not know the year yet: the deadline is kept without a due
        # date and shown as such, rather than refusing the citizen's case.
        deadline.due_on = None


def _store_photo(case: Case, upload: Upload, processed: photos.ProcessedPhoto) -> None:
    digest = hashlib.sha256(upload.data).hexdigest()
    if case.photos.filter(sha256=digest).exists():
        return
    photo = CasePhoto(
        case=case,
        original_name=upload.name[:255],
        sha256=digest,
        width=processed.width,
        height=processed.height,
        taken_at=processed.taken_at,
    )
    copies = processed.copies(digest[:16])
    for kept in ("public_original", "web", "thumbnail"):  # the original is not kept
        file_name, content = copies[kept]
        getattr(photo, kept).save(file_name, ContentFile(content), save=False)
    photo.save()


def _store_attachment(case: Case, upload: Upload) -> None:
    digest = hashlib.sha256(upload.data).hexdigest()
    if case.attachments.filter(sha256=digest).exists():
        return
    attachment = CaseAttachment(
        case=case, original_name=upload.name[:255], size=len(upload.data), sha256=digest
    )
    suffix = upload.name.rsplit(".", 1)[-1].lower()
    attachment.file.save(f"{digest[:16]}.{suffix}", ContentFile(upload.data), save=False)
    attachment.save()


# Handling ----------------------------------------------------------------------------------


def assign_case(case: Case, by, handler) -> Case:
    """Give the case to a handler who may handle cases of its unit."""
    scope_of(by).require("case.handle", case.org_unit)
    if handler is None or not scope_of(handler).can("case.handle", case.org_unit):
        raise ValidationError("承办人须是本单位负责咨询投诉举报的业务人员或管理员。")
    with transaction.atomic():
        case = _locked(case)
        _require_open(case, "分派")
        before = _snapshot(case)
        case.handler = handler
        case.save(update_fields=["handler", "updated_at"])
        _step(case, by, CaseStep.Kind.ASSIGNED, f"承办人：{handler.display_name}", public=False)
        audit.record(
            by, "case.assigned", case, before=before, after=_snapshot(case), org_unit=case.org_unit
        )
        if handler.pk != getattr(by, "pk", None):
            notify(
                handler,
                "case_assigned",
                f"请办理{case.get_kind_display()} {case.tracking_number}",
                case.subject,
                url=reverse("cases:detail", args=[case.pk]),
            )
    return case


def accept_case(case: Case, by, text: str = "", *, at: datetime.datetime | None = None) -> Case:
    """Accept (受理; for a 举报, open a case, 立案). Meets the decision limit and starts the
    limits counted from acceptance, such as mediation's 45 working days."""
    at = at or clock.now()
    scope_of(by).require("case.handle", case.org_unit)
    with transaction.atomic():
        case = _locked(case)
        _require_status(case, Case.Status.RECEIVED, "受理")
        before = _snapshot(case)
        case.status = Case.Status.ACCEPTED
        case.save(update_fields=["status", "updated_at"])
        _meet(case, Milestone.DECISION, at)
        accepted_on = timezone.localtime(at).date()
        for deadline in case.deadlines.filter(start_event=StartEvent.ACCEPTED, starts_on=None):
            _start(deadline, accepted_on)
            deadline.save(update_fields=["starts_on", "due_on"])
        _step(case, by, CaseStep.Kind.ACCEPTED, text.strip() or "已受理。", public=True, at=at)
        audit.record(
            by, "case.accepted", case, before=before, after=_snapshot(case), org_unit=case.org_unit
        )
    return case


def refuse_case(case: Case, by, reason: str, *, at: datetime.datetime | None = None) -> Case:
    """Refuse (不予受理) with the reason the citizen will read; the case ends there."""
    at = at or clock.now()
    scope_of(by).require("case.handle", case.org_unit)
    if not reason.strip():
        raise ValidationError("请填写不予受理的理由，投诉人会看到。")
    with transaction.atomic():
        case = _locked(case)
        _require_status(case, Case.Status.RECEIVED, "不予受理")
        before = _snapshot(case)
        case.status = Case.Status.REFUSED
        case.decision = reason.strip()
        case.closed_at = at
        case.save(update_fields=["status", "decision", "closed_at", "updated_at"])
        _meet(case, Milestone.DECISION, at)
        case.deadlines.filter(met_at=None).update(cancelled=True)
        _step(case, by, CaseStep.Kind.REFUSED, reason.strip(), public=True, at=at)
        audit.record(
            by, "case.refused", case, before=before, after=_snapshot(case), org_unit=case.org_unit
        )
    return case


def add_note(case: Case, by, text: str) -> CaseStep:
    """An internal record of handling (a call, a visit), not shown to the citizen."""
    scope_of(by).require("case.handle", case.org_unit)
    if not text.strip():
        raise ValidationError("请填写办理记录。")
    with transaction.atomic():
        step = _step(case, by, CaseStep.Kind.NOTE, text.strip(), public=False)
        audit.record(by, "case.note_added", case, org_unit=case.org_unit, step=step.pk)
    return step


def reply_case(case: Case, by, text: str) -> CaseStep:
    """A reply to the citizen, shown on the public follow page."""
    scope_of(by).require("case.handle", case.org_unit)
    if not text.strip():
        raise ValidationError("请填写答复内容。")
    with transaction.atomic():
        case = _locked(case)
        _require_open(case, "答复")
        step = _step(case, by, CaseStep.Kind.REPLY, text.strip(), public=True)
        audit.record(
            by, "case.replied", case, org_unit=case.org_unit, step=step.pk, text=text.strip()
        )
    return step


def close_case(case: Case, by, decision: str, *, at: datetime.datetime | None = None) -> Case:
    """Close (办结) with the decision the citizen will read. An accepted case may close; a
    consultation may close straight away, its answer being the decision."""
    at = at or clock.now()
    scope_of(by).require("case.handle", case.org_unit)
    if not decision.strip():
        raise ValidationError("请填写处理结果，投诉人会看到。")
    with transaction.atomic():
        case = _locked(case)
        if not (
            case.status == Case.Status.ACCEPTED
            or (case.status == Case.Status.RECEIVED and case.kind == CaseKind.CONSULTATION)
        ):
            raise ValidationError(
                f"该件当前状态为“{case.get_status_display()}”，须先受理才能办结。"
            )
        before = _snapshot(case)
        case.status = Case.Status.CLOSED
        case.decision = decision.strip()
        case.closed_at = at
        case.save(update_fields=["status", "decision", "closed_at", "updated_at"])
        _meet(case, Milestone.DECISION, at)
        _meet(case, Milestone.CLOSING, at)
        case.deadlines.filter(met_at=None).update(cancelled=True)
        _step(case, by, CaseStep.Kind.CLOSED, decision.strip(), public=True, at=at)
        audit.record(
            by, "case.closed", case, before=before, after=_snapshot(case), org_unit=case.org_unit
        )
    return case


def reveal_contact(case: Case, by) -> dict[str, str]:
    """The citizen's contact details in full, for the handling staff only; every view is
    recorded in the audit log (who, when, which case)."""
    scope_of(by).require("case.handle", case.org_unit)
    with transaction.atomic():
        audit.record(
            by,
            "case.personal_data_viewed",
            case,
            org_unit=case.org_unit,
            fields="、".join(["联系人", "手机号", "身份证号"]),
        )
    return {
        "contact_name": case.contact_name,
        "mobile": case.mobile,
        "id_number": case.id_number,
    }


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("org_unit").get(pk=case.pk)


def _require_status(case: Case, status: str, action: str) -> None:
    if case.status != status:
        raise ValidationError(f"该件当前状态为“{case.get_status_display()}”，不能{action}。")


def _require_open(case: Case, action: str) -> None:
    if not case.is_open:
        raise ValidationError(f"该件已{case.get_status_display()}，不能{action}。")


def _meet(case: Case, milestone: str, at: datetime.datetime) -> None:
    case.deadlines.filter(milestone=milestone, met_at=None, cancelled=False).update(met_at=at)


def _step(case, by, kind, text, *, public, at=None) -> CaseStep:
    return CaseStep.objects.create(
        case=case,
        kind=kind,
        text=text,
        public=public,
        actor=by if getattr(by, "pk", None) else None,
        actor_name=getattr(by, "display_name", "") or "系统",
        at=at or clock.now(),
    )


def _snapshot(case: Case) -> dict:
    fields = [f.name for f in Case._meta.concrete_fields if f.name not in Case.PERSONAL_FIELDS]
    return audit.snapshot(case, fields)


# Time-limit rules --------------------------------------------------------------------------


def _require_rule_admin(by) -> None:
    # The limits are national regulations, the same for every district: the system
    # administrator keeps them, not a district's admin.
    if not getattr(by, "is_superuser", False):
        raise PermissionDenied("只有系统管理员可以修改办理时限规则。")


def add_rule(
    by,
    *,
    kind: str,
    milestone: str,
    working_days: int,
    start_event: str,
    legal_basis: str,
    effective_from: datetime.date,
    effective_to: datetime.date | None = None,
) -> TimeLimitRule:
    """Add a rule in force from ``effective_from``. The rule in force until then for the same
    kind and milestone ends the day before; cases already received keep the limits they had.
    Any other overlap is refused."""
    _require_rule_admin(by)
    if working_days < 1:
        raise ValidationError("工作日数至少为 1。")
    if effective_to and effective_to < effective_from:
        raise ValidationError("废止日期不能早于施行日期。")
    if not legal_basis.strip():
        raise ValidationError("请填写时限的依据（法律法规条款或本局承诺）。")
    with transaction.atomic():
        same = TimeLimitRule.objects.select_for_update().filter(kind=kind, milestone=milestone)
        for rule in same:
            ends = rule.effective_to or datetime.date.max
            if rule.effective_from < effective_from <= ends and rule.effective_to is None:
                before = audit.snapshot(rule)
                rule.effective_to = effective_from - datetime.timedelta(days=1)
                rule.save(update_fields=["effective_to"])
                audit.record(by, "case_rule.ended", rule, before=before, after=audit.snapshot(rule))
                continue
            new_ends = effective_to or datetime.date.max
            if rule.effective_from <= new_ends and effective_from <= ends:
                raise ValidationError(
                    f"与已有规则“{rule}”（{rule.effective_from} 起）的施行期间重叠。"
                )
        rule = TimeLimitRule.objects.create(
            kind=kind,
            milestone=milestone,
            working_days=working_days,
            start_event=start_event,
            legal_basis=legal_basis.strip(),
            effective_from=effective_from,
            effective_to=effective_to,
        )
        audit.record(by, "case_rule.added", rule, after=audit.snapshot(rule))
    return rule


# Clocks ------------------------------------------------------------------------------------


@dataclass
class ClockNotice:
    case: Case
    deadline: CaseDeadline
    state: str  # "near" | "over"


def check_case_clocks(today: datetime.date | None = None) -> list[ClockNotice]:
    """Tell the handler (or, for an unassigned case, the unit's case staff) of every running
    limit that is near (≤ ``CASE_CLOCK_WARN_DAYS`` working days left) or past. Each deadline is
    announced near at most once and past at most once, however often this runs."""
    today = today or clock.today()
    warn = clock.warn_days()
    sent: list[ClockNotice] = []
    running = (
        CaseDeadline.objects.filter(
            met_at=None,
            cancelled=False,
            due_on__isnull=False,
            case__status__in=Case.OPEN_STATUSES,
        )
        .filter(notified_over_at=None)
        .select_related("case__org_unit", "case__handler")
        .order_by("due_on", "id")
    )
    for deadline in running:
        state = clock.clock_for(
            deadline.get_milestone_display(), deadline.due_on, today, warn
        ).state
        if state not in {"near", "over"}:
            continue
        if state == "near" and deadline.notified_near_at is not None:
            continue
        case = deadline.case
        with transaction.atomic():
            flag = "notified_over_at" if state == "over" else "notified_near_at"
            updated = CaseDeadline.objects.filter(pk=deadline.pk, **{flag: None}).update(
                **{flag: timezone.now()}
            )
            if not updated:  # another run got there first
                continue
            recipients = [case.handler] if case.handler_id else list(case_staff(case.org_unit))
            shown = clock.clock_for(deadline.get_milestone_display(), deadline.due_on, today, warn)
            what = "已超过办理时限" if state == "over" else "即将到期"
            notify(
                recipients,
                f"case_clock_{state}",
                f"{case.get_kind_display()} {case.tracking_number} "
                f"{deadline.get_milestone_display()}{what}",
                f"{shown.text}，期限 {shown.due_text}。依据：{deadline.legal_basis}",
                url=reverse("cases:detail", args=[case.pk]),
            )
        sent.append(ClockNotice(case, deadline, state))
    return sent

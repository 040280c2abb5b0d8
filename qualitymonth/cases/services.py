"""Every change to a case: filing and importing, assigning, deciding, mediating, pausing and
extending clocks, replying, closing; and the time-limit rules. Each function checks the
permission (``accounts.scope``) and the transition, saves in one transaction, writes the audit
entry and sends the notification. Contact details never enter an audit entry.

The steps of a complaint under 《市场监督管理投诉举报处理办法》 (总局令第121号, from 2026-04-15):
received → accepted (第十五条; or refused with a 第十六条 ground) → mediating (on site or
remote, 第二十条; entrusted with both parties' consent, 第十九条) → either an agreement
(调解书 or 调解记录, 第二十四条), or termination on a 第二十三条 ground and, within 7 working
days, telling both parties. A report is checked and then 立案 or 不予立案; a repeated report is
not handled again or, with new facts, merged, its clock restarting (第三十五条); material holding
a complaint and a report is split into two cases (第九条).
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from qualitymonth.accounts.scope import scope_of
from qualitymonth.core import audit, photos
from qualitymonth.core.chinese import chinese_date
from qualitymonth.core.notifications import notify
from qualitymonth.core.workdays import CalendarUnknown, days_between, period_end
from qualitymonth.reports.evidence import attachment_problem

from . import clock, documents, legal
from .models import (
    Case,
    CaseAttachment,
    CaseDeadline,
    CaseKind,
    CasePhoto,
    CaseStep,
    ClockPause,
    Counting,
    Milestone,
    StartEvent,
    TimeLimitRule,
    limit_text,
)
from .queries import case_staff

MAX_PHOTOS = 6
MAX_FILES = 3
TRACKING_PREFIX = "ZJ"
# A 12315 工单号 as the platform prints it: digits, sometimes letters and hyphens.
NUMBER_12315_RE = re.compile(r"^[0-9A-Z-]{6,40}$")


@dataclass
class Upload:
    name: str
    data: bytes


@dataclass
class CaseInput:
    """What a citizen files; the portal's form fills it (and the 12315 import, row by row)."""

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
        case = _create_case(data, received_at)
        for upload, photo in processed:
            _store_photo(case, upload, photo)
        for upload in data.files:
            _store_attachment(case, upload)
        audit.record(
            None,
            "case.received",
            case,
            after=_snapshot(case),
            org_unit=case.org_unit,
            photos=len(processed),
            files=len(data.files),
        )
        _tell_staff(case)
    return case


def _create_case(
    data: CaseInput,
    received_at: datetime.datetime,
    *,
    source: str = Case.Source.PORTAL,
    number_12315: str = "",
    related: Case | None = None,
    received_text: str = "",
) -> Case:
    """A new case with its tracking number, the deadlines of the rules in force on the day it
    was received (those counted from receipt started) and its first step."""
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
        source=source,
        number_12315=number_12315,
        related=related,
    )
    _save_with_tracking_number(case)
    received_on = case.received_on
    for rule in TimeLimitRule.in_force(received_on).filter(kind=case.kind):
        deadline = CaseDeadline(
            case=case,
            rule=rule,
            milestone=rule.milestone,
            days=rule.days,
            counting=rule.counting,
            extension_days=rule.extension_days,
            start_event=rule.start_event,
            legal_basis=rule.legal_basis,
        )
        if rule.start_event == StartEvent.RECEIVED:
            _start(deadline, received_on)
        deadline.save()
    CaseStep.objects.create(
        case=case,
        kind=CaseStep.Kind.RECEIVED,
        text=received_text,
        public=True,
        at=received_at,
        actor_name="系统",
    )
    return case


def _tell_staff(case: Case) -> None:
    notify(
        case_staff(case.org_unit),
        "case_received",
        f"新{case.get_kind_display()}：{case.tracking_number}",
        f"{case.subject}（{case.business_name or '未填经营者'}）",
        url=reverse("cases:detail", args=[case.pk]),
    )


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
            if Case.objects.filter(tracking_number=case.tracking_number).exists():
                case.pk = None
                continue
            raise  # another constraint (a 12315 number taken meanwhile): the caller's to report
    raise RuntimeError("could not allocate a tracking number")


def _start(deadline: CaseDeadline, on: datetime.date) -> None:
    deadline.starts_on = on
    _set_due(deadline)


def _set_due(deadline: CaseDeadline) -> None:
    """The last day of the limit from its start (第四十五条, ``core.workdays.period_end``).

    When the holiday calendar does not know the year: a working-day limit keeps no due date and
    says so, rather than refusing the citizen's case; a calendar-day limit keeps its last day
    unmoved, marked provisional: a holiday could only move it later, so staff who keep to it
    never miss the real one.
    """
    deadline.provisional = False
    try:
        deadline.due_on = period_end(deadline.starts_on, deadline.counted_days, deadline.counting)
    except CalendarUnknown:
        if deadline.counting == Counting.CALENDAR:
            deadline.due_on = deadline.starts_on + datetime.timedelta(days=deadline.counted_days)
            deadline.provisional = True
        else:
            deadline.due_on = None


DUE_FIELDS = ["starts_on", "due_on", "provisional"]


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


@dataclass
class ImportedCase:
    """One row of a 12315 export, checked (``cases.import12315``)."""

    number_12315: str
    received_at: datetime.datetime
    data: CaseInput


def import_cases(rows: Sequence[ImportedCase], by, unit) -> list[Case]:
    """Cases from a 12315 export, for ``unit``, all or nothing. A row whose 工单号 a case
    already carries is skipped, so importing the same file again changes nothing. The clocks
    are those of the rules in force on each 12315 登记 day."""
    scope_of(by).require("case.handle", unit)
    try:
        return _import_cases(rows, by, unit)
    except IntegrityError as error:  # a number recorded or imported by someone else meanwhile
        raise ValidationError(
            "有工单号刚刚被其他人登记或导入，本次没有导入任何件；请重新上传检查后再确认。"
        ) from error


def _import_cases(rows: Sequence[ImportedCase], by, unit) -> list[Case]:
    created = []
    with transaction.atomic():
        taken = set(
            Case.objects.filter(number_12315__in=[r.number_12315 for r in rows]).values_list(
                "number_12315", flat=True
            )
        )
        for row in rows:
            if row.number_12315 in taken:
                continue
            row.data.org_unit = unit
            case = _create_case(
                row.data,
                row.received_at,
                source=Case.Source.IMPORT_12315,
                number_12315=row.number_12315,
                received_text=f"从全国12315平台导入，工单号 {row.number_12315}。",
            )
            audit.record(by, "case.imported_12315", case, after=_snapshot(case), org_unit=unit)
            taken.add(row.number_12315)
            created.append(case)
    return created


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


def record_12315_number(case: Case, by, number: str) -> Case:
    """Record (or correct) the case's 12315 工单号; one number belongs to one case."""
    scope_of(by).require("case.handle", case.org_unit)
    number = re.sub(r"\s+", "", number or "").upper()
    if not NUMBER_12315_RE.match(number):
        raise ValidationError(
            "12315工单号应为 6–40 位数字或字母（可含连字符），请按全国12315平台显示的工单号填写。"
        )
    with transaction.atomic():
        case = _locked(case)
        if case.number_12315 == number:
            return case
        other = Case.objects.filter(number_12315=number).exclude(pk=case.pk).first()
        if other is not None:
            raise ValidationError(f"工单号 {number} 已登记在 {other.tracking_number} 上。")
        before = _snapshot(case)
        case.number_12315 = number
        try:
            with transaction.atomic():
                case.save(update_fields=["number_12315", "updated_at"])
        except IntegrityError as error:  # recorded on another case a moment ago
            raise ValidationError(f"工单号 {number} 已登记在另一件上。") from error
        _step(case, by, CaseStep.Kind.NUMBER_12315, f"已登记到全国12315平台，工单号 {number}。")
        audit.record(
            by,
            "case.number_12315",
            case,
            before=before,
            after=_snapshot(case),
            org_unit=case.org_unit,
        )
    return case


def accept_case(case: Case, by, text: str = "", *, at: datetime.datetime | None = None) -> Case:
    """Accept (受理; for a 举报, open a case, 立案). Meets the decision limit and starts the
    limits counted from acceptance: mediation's 60 days (45 working days for a complaint
    received under the 2020 rules)."""
    at = at or clock.now()
    scope_of(by).require("case.handle", case.org_unit)
    with transaction.atomic():
        case = _locked(case)
        _require_status(case, Case.Status.RECEIVED, "受理")
        before = _snapshot(case)
        case.status = Case.Status.ACCEPTED
        case.accepted_at = at
        fields = ["status", "accepted_at", "updated_at"]
        if case.kind == CaseKind.REPORT:
            case.outcome = Case.Outcome.FILED
            fields.append("outcome")
        case.save(update_fields=fields)
        _meet(case, Milestone.DECISION, at)
        _start_clocks(case, StartEvent.ACCEPTED, at)
        default = "已立案。" if case.kind == CaseKind.REPORT else "已受理。"
        _step(case, by, CaseStep.Kind.ACCEPTED, text.strip() or default, public=True, at=at)
        audit.record(
            by, "case.accepted", case, before=before, after=_snapshot(case), org_unit=case.org_unit
        )
    return case


def refuse_case(
    case: Case, by, reason: str, *, ground: str = "", at: datetime.datetime | None = None
) -> Case:
    """Refuse (不予受理; for a 举报, 不予立案) with the reason the citizen will read; the case ends
    there. A complaint's refusal names its 第十六条 ground and tells the other routes of
    消费者权益保护法 第三十九条 (第十五条)."""
    at = at or clock.now()
    scope_of(by).require("case.handle", case.org_unit)
    if not reason.strip():
        raise ValidationError("请填写不予受理的理由，投诉人会看到。")
    told = reason.strip()
    if case.kind == CaseKind.COMPLAINT:
        if ground not in legal.REFUSAL_GROUNDS:
            raise ValidationError("请选择不予受理的情形（第十六条第（一）至（七）项）。")
        told = f"依据{legal.refusal_text(ground)}。{told}\n您还{legal.OTHER_ROUTES}。"
    else:
        ground = ""
    with transaction.atomic():
        case = _locked(case)
        _require_status(case, Case.Status.RECEIVED, "不予受理")
        before = _snapshot(case)
        case.status = Case.Status.REFUSED
        case.outcome = (
            Case.Outcome.NOT_FILED if case.kind == CaseKind.REPORT else Case.Outcome.REFUSED
        )
        case.refusal_ground = ground
        case.decision = reason.strip()
        case.closed_at = at
        case.save(
            update_fields=[
                "status", "outcome", "refusal_ground", "decision", "closed_at", "updated_at",
            ]
        )  # fmt: skip
        _meet(case, Milestone.DECISION, at)
        case.deadlines.filter(met_at=None).update(cancelled=True)
        _step(case, by, CaseStep.Kind.REFUSED, told, public=True, at=at)
        audit.record(
            by, "case.refused", case, before=before, after=_snapshot(case), org_unit=case.org_unit
        )
    return case


def start_mediation(
    case: Case,
    by,
    *,
    method: str,
    entrusted_to: str = "",
    consent: bool = False,
    at: datetime.datetime | None = None,
) -> Case:
    """Begin mediating an accepted complaint, on site or remote (第二十条), or entrusted to a
    mediation organisation with both parties' consent (第十九条)."""
    at = at or clock.now()
    scope_of(by).require("case.handle", case.org_unit)
    if method not in Case.MediationMethod.values:
        raise ValidationError("请选择调解方式：现场调解或远程调解。")
    entrusted_to = entrusted_to.strip()
    if entrusted_to and not consent:
        raise ValidationError("委托调解须经投诉人和被投诉人同意（第十九条），请确认双方已同意。")
    with transaction.atomic():
        case = _locked(case)
        _require_complaint(case, "调解")
        _require_status(case, Case.Status.ACCEPTED, "开始调解")
        before = _snapshot(case)
        case.status = Case.Status.MEDIATING
        case.mediation_method = method
        case.mediation_entrusted_to = entrusted_to
        case.mediation_started_at = at
        case.save(
            update_fields=[
                "status", "mediation_method", "mediation_entrusted_to", "mediation_started_at",
                "updated_at",
            ]
        )  # fmt: skip
        text = f"组织{case.get_mediation_method_display()}。"
        if entrusted_to:
            text = (
                f"经投诉人和被投诉人同意，委托{entrusted_to}{case.get_mediation_method_display()}。"
            )
        _step(case, by, CaseStep.Kind.MEDIATION, text, public=True, at=at)
        audit.record(
            by, "case.mediation_started", case, before=before, after=_snapshot(case),
            org_unit=case.org_unit,
        )  # fmt: skip
    return case


def record_agreement(
    case: Case, by, *, form: str, text: str, at: datetime.datetime | None = None
) -> Case:
    """The parties agreed: a 调解书, or a 调解记录 where the agreement was carried out at once or
    both parties need no 调解书 (第二十四条). The case closes."""
    at = at or clock.now()
    scope_of(by).require("case.handle", case.org_unit)
    if form not in Case.AgreementForm.values:
        raise ValidationError("请选择制作调解书或调解记录。")
    if not text.strip():
        raise ValidationError("请填写双方达成的调解协议内容。")
    with transaction.atomic():
        case = _locked(case)
        _require_status(case, Case.Status.MEDIATING, "记录调解协议")
        before = _snapshot(case)
        case.status = Case.Status.CLOSED
        case.outcome = Case.Outcome.MEDIATED
        case.agreement_form = form
        case.decision = text.strip()
        case.closed_at = at
        case.save(
            update_fields=[
                "status", "outcome", "agreement_form", "decision", "closed_at", "updated_at",
            ]
        )  # fmt: skip
        _end_mediation_clocks(case, at)
        case.deadlines.filter(met_at=None).update(cancelled=True)
        _step(
            case,
            by,
            CaseStep.Kind.AGREEMENT,
            f"双方达成调解协议（{case.get_agreement_form_display()}）：{text.strip()}",
            public=True,
            at=at,
        )
        audit.record(
            by, "case.mediated", case, before=before, after=_snapshot(case), org_unit=case.org_unit
        )
    return case


def terminate_mediation(
    case: Case, by, *, ground: str, text: str = "", at: datetime.datetime | None = None
) -> Case:
    """End mediation without agreement on a ground of 第二十三条第一款 and start the limit for
    telling both parties (7 working days from this decision). Ground (五), sixty days without
    agreement, is open only once the mediation limit has passed."""
    at = at or clock.now()
    scope_of(by).require("case.handle", case.org_unit)
    if ground not in legal.TERMINATION_GROUNDS:
        raise ValidationError("请选择终止调解的情形（第二十三条第一款第（一）至（八）项）。")
    with transaction.atomic():
        case = _locked(case)
        _require_complaint(case, "终止调解")
        if case.status not in (Case.Status.ACCEPTED, Case.Status.MEDIATING):
            raise ValidationError(f"该件当前状态为“{case.get_status_display()}”，不能终止调解。")
        if ground == "5":
            _require_mediation_expired(case, timezone.localtime(at).date())
        before = _snapshot(case)
        told = f"依据{legal.termination_text(ground)}，终止调解。"
        if text.strip():
            told += f"\n{text.strip()}"
        case.status = Case.Status.TERMINATED
        case.termination_ground = ground
        case.terminated_at = at
        case.decision = text.strip()
        case.save(
            update_fields=[
                "status", "termination_ground", "terminated_at", "decision", "updated_at",
            ]
        )  # fmt: skip
        _end_mediation_clocks(case, at)
        _start_clocks(case, StartEvent.TERMINATED, at)
        _step(case, by, CaseStep.Kind.TERMINATED, told, public=True, at=at)
        audit.record(
            by, "case.mediation_terminated", case, before=before, after=_snapshot(case),
            org_unit=case.org_unit,
        )  # fmt: skip
    return case


def _require_mediation_expired(case: Case, on: datetime.date) -> None:
    running = case.deadlines.filter(
        milestone__in=[Milestone.MEDIATION, Milestone.CLOSING], met_at=None, cancelled=False
    ).exclude(due_on=None)
    for deadline in running:
        if deadline.paused or on <= deadline.due_on:
            raise ValidationError(
                f"调解期限至{chinese_date(deadline.due_on)}届满"
                f"{'（现正暂停计时）' if deadline.paused else ''}，"
                "届满前不能以第（五）项终止调解。"
            )


def tell_parties(case: Case, by, text: str = "", *, at: datetime.datetime | None = None) -> Case:
    """Both parties have been told of the termination (第二十三条: within 7 working days of the
    decision); the case closes with that outcome."""
    at = at or clock.now()
    scope_of(by).require("case.handle", case.org_unit)
    with transaction.atomic():
        case = _locked(case)
        _require_status(case, Case.Status.TERMINATED, "记录告知")
        before = _snapshot(case)
        case.status = Case.Status.CLOSED
        case.outcome = Case.Outcome.TERMINATED
        case.closed_at = at
        case.save(update_fields=["status", "outcome", "closed_at", "updated_at"])
        _meet(case, Milestone.TERMINATION_NOTICE, at)
        case.deadlines.filter(met_at=None).update(cancelled=True)
        told = "已将终止调解决定告知投诉人和被投诉人。"
        _step(
            case,
            by,
            CaseStep.Kind.PARTIES_TOLD,
            f"{told}{text.strip()}" if text.strip() else told,
            public=True,
            at=at,
        )
        audit.record(
            by, "case.parties_told", case, before=before, after=_snapshot(case),
            org_unit=case.org_unit,
        )  # fmt: skip
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
    consultation may close straight away, its answer being the decision. A complaint received
    under Order 121 ends with an agreement or a termination instead."""
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
                f"该件当前状态为“{case.get_status_display()}”，须先受理才能办结"
                "（调解中的投诉以调解协议或终止调解结束）。"
            )
        if case.deadlines.filter(milestone=Milestone.MEDIATION).exists():
            raise ValidationError(
                "按《市场监督管理投诉举报处理办法》受理的投诉，以调解协议或终止调解结束，"
                "不能直接办结。"
            )
        before = _snapshot(case)
        case.status = Case.Status.CLOSED
        case.outcome = case.outcome or Case.Outcome.ANSWERED
        case.decision = decision.strip()
        case.closed_at = at
        case.save(update_fields=["status", "outcome", "decision", "closed_at", "updated_at"])
        _meet(case, Milestone.DECISION, at)
        _meet(case, Milestone.CLOSING, at)
        case.deadlines.filter(met_at=None).update(cancelled=True)
        _step(case, by, CaseStep.Kind.CLOSED, decision.strip(), public=True, at=at)
        audit.record(
            by, "case.closed", case, before=before, after=_snapshot(case), org_unit=case.org_unit
        )
    return case


def split_case(case: Case, by, description: str, *, at: datetime.datetime | None = None) -> Case:
    """Material holding both a complaint and a report is handled as two cases (第九条): the part
    of the other kind becomes a case of its own, received when the material was, so its clock
    is the one it would have had."""
    at = at or clock.now()
    scope_of(by).require("case.handle", case.org_unit)
    other_kind = {CaseKind.COMPLAINT: CaseKind.REPORT, CaseKind.REPORT: CaseKind.COMPLAINT}
    if not description.strip():
        raise ValidationError("请填写另立一件的内容（投诉请求或举报线索）。")
    with transaction.atomic():
        case = _locked(case)
        if case.kind not in other_kind:
            raise ValidationError("只有投诉和举报可以分别处理。")
        _require_open(case, "分别处理")
        kind = other_kind[case.kind]
        label = CaseKind(kind).label
        new = _create_case(
            CaseInput(
                kind=kind,
                org_unit=case.org_unit,
                subject=case.subject,
                description=description,
                contact_name=case.contact_name,
                mobile=case.mobile,
                business_name=case.business_name,
                business_address=case.business_address,
                id_number=case.id_number,
            ),
            case.received_at,
            source=Case.Source.SPLIT,
            related=case,
            received_text=f"由 {case.tracking_number} 中的{label}内容另立（第九条）。",
        )
        new.handler = case.handler
        new.save(update_fields=["handler"])
        _step(
            case,
            by,
            CaseStep.Kind.SPLIT,
            f"依据第九条，其中的{label}内容另立一件办理，受理编号 {new.tracking_number}。",
            public=True,
            at=at,
        )
        audit.record(by, "case.split", case, org_unit=case.org_unit, into=new.tracking_number)
        audit.record(by, "case.received", new, after=_snapshot(new), org_unit=new.org_unit)
    return new


def merge_report(
    case: Case, by, into: Case, *, new_facts: bool, at: datetime.datetime | None = None
) -> Case:
    """A report repeating an earlier one of the same reporter on the same facts and target is
    not handled again; one bringing new facts is merged into the earlier, whose check restarts
    from this report's receipt (第三十五条). ``case`` ends either way."""
    at = at or clock.now()
    scope_of(by).require("case.handle", case.org_unit)
    scope_of(by).require("case.handle", into.org_unit)
    with transaction.atomic():
        case = _locked(case)
        into = _locked(into)
        if case.kind != CaseKind.REPORT or into.kind != CaseKind.REPORT or case.pk == into.pk:
            raise ValidationError("只有两件不同的举报可以合并。")
        if into.received_at > case.received_at:
            raise ValidationError("请把后收到的举报并入先收到的举报。")
        if not _same_reporter(case, into):
            raise ValidationError(
                "两件举报的举报人不同（手机号、身份证号均不一致），不能按第三十五条合并。"
            )
        _require_open(case, "合并")
        before = _snapshot(case)
        restart = None
        if new_facts:
            restart = _restart_check(into, case, by, at)
        case.status = Case.Status.CLOSED
        case.outcome = Case.Outcome.MERGED if new_facts else Case.Outcome.NOT_HANDLED
        case.related = into
        case.closed_at = at
        if new_facts:
            case.decision = (
                f"依据第三十五条，本举报的新事实并入 {into.tracking_number} 一并核查，"
                f"核查期限重新计算至{chinese_date(restart)}。"
            )
        else:
            case.decision = (
                f"与 {into.tracking_number} 为同一举报人就同一事实、同一被举报人的举报，"
                "依据第三十五条不再重复处理。"
            )
        case.save(
            update_fields=["status", "outcome", "related", "closed_at", "decision", "updated_at"]
        )
        case.deadlines.filter(met_at=None).update(cancelled=True)
        _step(case, by, CaseStep.Kind.MERGED, case.decision, public=True, at=at)
        audit.record(
            by, "case.merged", case, before=before, after=_snapshot(case), org_unit=case.org_unit,
            into=into.tracking_number, new_facts=new_facts,
        )  # fmt: skip
    return case


def _same_reporter(one: Case, other: Case) -> bool:
    def digits(text: str) -> str:
        return "".join(ch for ch in text if ch.isdigit())

    same_mobile = bool(digits(one.mobile)) and digits(one.mobile) == digits(other.mobile)
    same_id = bool(one.id_number) and one.id_number == other.id_number
    return same_mobile or same_id


def _restart_check(into: Case, case: Case, by, at) -> datetime.date | None:
    deadline = into.deadlines.filter(
        milestone=Milestone.DECISION, met_at=None, cancelled=False
    ).first()
    if not into.is_open or deadline is None:
        raise ValidationError(
            f"{into.tracking_number} 已作出立案或不予立案决定，新的事实请作为本件单独核查。"
        )
    if deadline.paused:
        raise ValidationError(f"{into.tracking_number} 的核查期限正在暂停计时，请先恢复计时。")
    before = audit.snapshot(deadline)
    deadline.paused_days = 0
    deadline.extended = False
    _start(deadline, case.received_on)
    deadline.save(update_fields=[*DUE_FIELDS, "paused_days", "extended"])
    _step(
        into,
        by,
        CaseStep.Kind.MERGED,
        f"并入 {case.tracking_number} 的新事实（第三十五条），核查期限自"
        f"{chinese_date(case.received_on)}起重新计算。",
        public=True,
        at=at,
    )
    _step(into, by, CaseStep.Kind.NOTE, f"并入的举报内容：{case.description}", public=False, at=at)
    audit.record(
        by, "case.check_restarted", deadline, before=before, after=audit.snapshot(deadline),
        org_unit=into.org_unit, merged=case.tracking_number,
    )  # fmt: skip
    return deadline.due_on


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


def print_document(case: Case, by, name: str) -> tuple[str, bytes]:
    """One of the order's 文书 for this case as .docx (``cases.documents``). It carries the
    citizen's contact details in full, so every print is recorded like a full view."""
    scope_of(by).require("case.handle", case.org_unit)
    document = documents.DOCUMENTS.get(name)
    if document is None or not document.available(case):
        raise ValidationError("该件没有这份文书。")
    content = document.build(case)
    with transaction.atomic():
        audit.record(by, "case.document_printed", case, org_unit=case.org_unit, document=name)
    return f"{document.title}_{case.tracking_number}.docx", content


# Clocks: pauses and extensions -------------------------------------------------------------


def pause_clock(
    deadline: CaseDeadline, by, *, reason: str, note: str = "", on: datetime.date | None = None
) -> CaseDeadline:
    """Stop a running limit from ``on`` (today): testing or appraisal time does not count
    (第二十二条; a report's check: 《市场监督管理行政处罚程序规定》第十八条), and a recusal
    request suspends mediation (第二十一条)."""
    on = on or clock.today()
    case = deadline.case
    scope_of(by).require("case.handle", case.org_unit)
    if (case.kind, deadline.milestone) not in legal.PAUSABLE.get(reason, set()):
        raise ValidationError(
            f"{deadline.get_milestone_display()}不能因“"
            f"{ClockPause.Reason(reason).label if reason in ClockPause.Reason.values else reason}"
            "”暂停计时。"
        )
    with transaction.atomic():
        _locked(case)
        deadline = CaseDeadline.objects.select_for_update().get(pk=deadline.pk)
        _require_open(case, "暂停计时")
        if not deadline.running:
            raise ValidationError("该期限没有在计时，不能暂停。")
        if deadline.paused:
            raise ValidationError("该期限已经暂停计时。")
        if on < deadline.starts_on or on > deadline.due_on:
            raise ValidationError(
                f"暂停日须在起算日（{chinese_date(deadline.starts_on)}）与期限"
                f"（{chinese_date(deadline.due_on)}）之间。"
            )
        pause = ClockPause.objects.create(
            deadline=deadline, reason=reason, note=note.strip()[:500], started_on=on, started_by=by
        )
        deadline.paused_since = on
        deadline.save(update_fields=["paused_since"])
        _step(
            case,
            by,
            CaseStep.Kind.PAUSED,
            f"{deadline.get_milestone_display()}自{chinese_date(on)}起暂停计时："
            f"{pause.get_reason_display()}（{legal.PAUSE_BASIS[reason]}）。",
            public=True,
        )
        audit.record(
            by, "case.clock_paused", case, org_unit=case.org_unit,
            milestone=deadline.milestone, reason=reason, note=pause.note, on=on,
        )  # fmt: skip
    return deadline


def resume_clock(deadline: CaseDeadline, by, *, on: datetime.date | None = None) -> CaseDeadline:
    """Run a paused limit again from ``on`` (today); the days it stood still are added, so
    its end moves by as many days (counted as the limit counts: working days or every day)."""
    on = on or clock.today()
    case = deadline.case
    scope_of(by).require("case.handle", case.org_unit)
    with transaction.atomic():
        _locked(case)
        deadline = CaseDeadline.objects.select_for_update().get(pk=deadline.pk)
        pause = deadline.pauses.filter(ended_on=None).first()
        if pause is None:
            raise ValidationError("该期限没有暂停计时。")
        if on < pause.started_on:
            raise ValidationError(f"恢复日不能早于暂停日（{chinese_date(pause.started_on)}）。")
        try:
            stood = days_between(pause.started_on, on, deadline.counting)
        except CalendarUnknown as error:
            raise ValidationError(error.message) from error
        before = audit.snapshot(deadline)
        pause.ended_on = on
        pause.days = stood
        pause.save(update_fields=["ended_on", "days"])
        deadline.paused_since = None
        deadline.paused_days += stood
        _set_due(deadline)
        deadline.save(update_fields=["paused_since", "paused_days", *DUE_FIELDS])
        due = chinese_date(deadline.due_on) if deadline.due_on else "（待节假日数据更新后确定）"
        _step(
            case,
            by,
            CaseStep.Kind.RESUMED,
            f"{deadline.get_milestone_display()}自{chinese_date(on)}起恢复计时，暂停的 "
            f"{limit_text(stood, deadline.counting)}不计入，期限为{due}。",
            public=True,
        )
        audit.record(
            by, "case.clock_resumed", case, before=before, after=audit.snapshot(deadline),
            org_unit=case.org_unit, milestone=deadline.milestone,
        )  # fmt: skip
    return deadline


def extend_deadline(deadline: CaseDeadline, by, *, approver: str, reason: str) -> CaseDeadline:
    """The one extension a rule allows, approved by the bureau's head (举报 核查: 15 working
    days, 《市场监督管理行政处罚程序规定》第十八条)."""
    case = deadline.case
    scope_of(by).require("case.handle", case.org_unit)
    if not approver.strip() or not reason.strip():
        raise ValidationError("请填写批准延长的负责人和延长的理由。")
    with transaction.atomic():
        _locked(case)
        deadline = CaseDeadline.objects.select_for_update().get(pk=deadline.pk)
        _require_open(case, "延长期限")
        if not deadline.extension_days:
            raise ValidationError(f"{deadline.get_milestone_display()}的时限不能延长。")
        if deadline.extended:
            raise ValidationError("该期限已经延长过一次，不能再延长。")
        if not deadline.running:
            raise ValidationError("该期限没有在计时，不能延长。")
        before = audit.snapshot(deadline)
        deadline.extended = True
        _set_due(deadline)
        deadline.save(update_fields=["extended", *DUE_FIELDS])
        extension = limit_text(deadline.extension_days, deadline.counting)
        due = chinese_date(deadline.due_on) if deadline.due_on else "（待节假日数据更新后确定）"
        _step(
            case,
            by,
            CaseStep.Kind.EXTENDED,
            f"经{approver.strip()}批准，{deadline.get_milestone_display()}延长 {extension}，"
            f"期限为{due}。理由：{reason.strip()}",
            public=False,
        )
        audit.record(
            by, "case.deadline_extended", case, before=before, after=audit.snapshot(deadline),
            org_unit=case.org_unit, approver=approver.strip(), reason=reason.strip(),
        )  # fmt: skip
    return deadline


# Helpers -----------------------------------------------------------------------------------


def _locked(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("org_unit").get(pk=case.pk)


def _require_status(case: Case, status: str, action: str) -> None:
    if case.status != status:
        raise ValidationError(f"该件当前状态为“{case.get_status_display()}”，不能{action}。")


def _require_open(case: Case, action: str) -> None:
    if not case.is_open:
        raise ValidationError(f"该件已{case.get_status_display()}，不能{action}。")


def _require_complaint(case: Case, action: str) -> None:
    if case.kind != CaseKind.COMPLAINT:
        raise ValidationError(f"只有投诉可以{action}。")


def _meet(case: Case, milestone: str, at: datetime.datetime) -> None:
    case.deadlines.filter(milestone=milestone, met_at=None, cancelled=False).update(
        met_at=at, paused_since=None
    )


def _end_mediation_clocks(case: Case, at: datetime.datetime) -> None:
    """Mediation ended (agreement or termination): its limit is met, whichever rules the case
    has (2020: "closing", 45 working days; Order 121: "mediation", 60 days); an open pause ends
    with it."""
    ClockPause.objects.filter(
        deadline__case=case,
        deadline__milestone__in=[Milestone.MEDIATION, Milestone.CLOSING],
        ended_on=None,
    ).update(ended_on=timezone.localtime(at).date())
    _meet(case, Milestone.MEDIATION, at)
    _meet(case, Milestone.CLOSING, at)


def _start_clocks(case: Case, event: str, at: datetime.datetime) -> None:
    on = timezone.localtime(at).date()
    for deadline in case.deadlines.filter(start_event=event, starts_on=None, cancelled=False):
        _start(deadline, on)
        deadline.save(update_fields=DUE_FIELDS)


def _step(case, by, kind, text, *, public=True, at=None) -> CaseStep:
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
    days: int,
    start_event: str,
    legal_basis: str,
    effective_from: datetime.date,
    counting: str = Counting.WORKING,
    extension_days: int = 0,
    effective_to: datetime.date | None = None,
) -> TimeLimitRule:
    """Add a rule in force from ``effective_from``. The rule in force until then for the same
    kind and milestone ends the day before; cases already received keep the limits they had.
    Any other overlap is refused."""
    _require_rule_admin(by)
    if days < 1:
        raise ValidationError("天数至少为 1。")
    if counting not in Counting.values:
        raise ValidationError("请选择按工作日或按日计算。")
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
            days=days,
            counting=counting,
            extension_days=extension_days or 0,
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


def settle_provisional_deadlines() -> int:
    """Give the limits that ended in a year the holiday calendar did not know their final day,
    once an upgraded calendar knows it (a last day on a holiday moves to the next working day).
    Returns how many were settled."""
    settled = 0
    for deadline in CaseDeadline.objects.filter(provisional=True, met_at=None, cancelled=False):
        with transaction.atomic():
            deadline = CaseDeadline.objects.select_for_update().get(pk=deadline.pk)
            if not deadline.provisional or deadline.paused:
                continue
            before = audit.snapshot(deadline)
            _set_due(deadline)
            if deadline.provisional:
                continue
            deadline.save(update_fields=DUE_FIELDS)
            audit.record(
                None, "case.deadline_settled", deadline, before=before,
                after=audit.snapshot(deadline),
            )  # fmt: skip
            settled += 1
    return settled


def check_case_clocks(today: datetime.date | None = None) -> list[ClockNotice]:
    """Tell the handler (or, for an unassigned case, the unit's case staff) of every running
    limit that is near (≤ ``CASE_CLOCK_WARN_DAYS`` working days left) or past. Each deadline is
    announced near at most once and past at most once, however often this runs; a paused limit
    is not announced. Provisional ends are settled first, where the calendar now knows them."""
    today = today or clock.today()
    warn = clock.warn_days()
    settle_provisional_deadlines()
    sent: list[ClockNotice] = []
    running = (
        CaseDeadline.objects.filter(
            met_at=None,
            cancelled=False,
            due_on__isnull=False,
            paused_since__isnull=True,
            case__status__in=Case.OPEN_STATUSES,
        )
        .filter(notified_over_at=None)
        .select_related("case__org_unit", "case__handler")
        .order_by("due_on", "id")
    )
    for deadline in running:
        state = clock.clock_of(deadline, today, warn).state
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
            shown = clock.clock_of(deadline, today, warn)
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

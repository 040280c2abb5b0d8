"""Consultations, complaints, reports and testing requests (咨询 / 投诉 / 举报 / 检测鉴定).

A citizen files a ``Case`` on the portal; the bureau's service staff handle it step by step
(``CaseStep``) within statutory time limits. The limits are data (``TimeLimitRule``), with their
legal basis and the dates they are in force; when a case is received, the rules in force on that
day are copied into its ``CaseDeadline`` rows, so a later change of the rules applies to new
cases only.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qualitymonth.core.privacy import mask_id_number, mask_name, mask_phone


class CaseKind(models.TextChoices):
    CONSULTATION = "consultation", _("咨询")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    TESTING = "testing", _("检测鉴定")


class Milestone(models.TextChoices):
    """What must be done by a deadline."""

    DECISION = "decision", _("受理决定")  # accept or refuse (举报: whether to open a case, 立案)
    CLOSING = "closing", _("办结")


class StartEvent(models.TextChoices):
    """The day a limit is counted from (that day itself not counted)."""

    RECEIVED = "received", _("收到之日")
    ACCEPTED = "accepted", _("受理之日")


class TimeLimitRule(models.Model):
    """A statutory (or committed) time limit for one kind of case and one milestone.

    A case uses the rule in force on the day it was received; a rule is changed by adding a new
    one from a later date (``services.add_rule`` ends the old one the day before).
    """

    kind = models.CharField(_("类型"), max_length=20, choices=CaseKind.choices)
    milestone = models.CharField(_("环节"), max_length=20, choices=Milestone.choices)
    working_days = models.PositiveSmallIntegerField(_("工作日数"))
    start_event = models.CharField(
        _("起算"), max_length=20, choices=StartEvent.choices, default=StartEvent.RECEIVED
    )
    legal_basis = models.TextField(_("依据"))
    effective_from = models.DateField(_("施行日期"))
    effective_to = models.DateField(_("废止日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("办理时限规则")
        verbose_name_plural = _("办理时限规则")
        ordering = ["kind", "milestone", "-effective_from"]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()} · {self.get_milestone_display()} · "
            f"{self.get_start_event_display()}起 {self.working_days} 个工作日"
        )

    @classmethod
    def in_force(cls, day: datetime.date) -> models.QuerySet[TimeLimitRule]:
        return cls.objects.filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=day), effective_from__lte=day
        )


class Case(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("待受理")
        ACCEPTED = "accepted", _("办理中")
        REFUSED = "refused", _("不予受理")
        CLOSED = "closed", _("已办结")

    OPEN_STATUSES = (Status.RECEIVED, Status.ACCEPTED)

    tracking_number = models.CharField(_("受理编号"), max_length=20, unique=True)
    kind = models.CharField(_("类型"), max_length=20, choices=CaseKind.choices)
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("处理单位"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    subject = models.CharField(_("产品或服务"), max_length=200)
    business_name = models.CharField(_("经营者名称"), max_length=200, blank=True)
    business_address = models.CharField(_("经营者地址"), max_length=300, blank=True)
    description = models.TextField(_("情况说明"))
    contact_name = models.CharField(_("联系人"), max_length=60)
    mobile = models.CharField(_("手机号"), max_length=20, db_index=True)
    id_number = models.CharField(_("身份证号"), max_length=18, blank=True)
    received_at = models.DateTimeField(_("收到时间"))
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision = models.TextField(_("处理结果"), blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Never in an audit snapshot: the contact details are personal data.
    PERSONAL_FIELDS = ("contact_name", "mobile", "id_number")

    class Meta:
        verbose_name = _("咨询投诉举报")
        verbose_name_plural = _("咨询投诉举报")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["org_unit", "status"], name="case_unit_status")]

    def __str__(self) -> str:
        return f"{self.tracking_number} {self.get_kind_display()}"

    @property
    def received_on(self) -> datetime.date:
        return timezone.localtime(self.received_at).date()

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def masked_mobile(self) -> str:
        return mask_phone(self.mobile)

    @property
    def masked_name(self) -> str:
        return mask_name(self.contact_name)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)


class CaseDeadline(models.Model):
    """One milestone of one case and its time limit, copied from the rule in force when the
    case was received. ``due_on`` is set once the start event has happened."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    rule = models.ForeignKey(TimeLimitRule, on_delete=models.PROTECT, related_name="+")
    milestone = models.CharField(_("环节"), max_length=20, choices=Milestone.choices)
    working_days = models.PositiveSmallIntegerField(_("工作日数"))
    start_event = models.CharField(_("起算"), max_length=20, choices=StartEvent.choices)
    legal_basis = models.TextField(_("依据"))
    starts_on = models.DateField(_("起算日"), null=True, blank=True)
    due_on = models.DateField(_("期限"), null=True, blank=True, db_index=True)
    met_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # The milestone no longer applies (a refused complaint is never mediated).
    cancelled = models.BooleanField(default=False)
    notified_near_at = models.DateTimeField(null=True, blank=True)
    notified_over_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "milestone"], name="case_deadline_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_milestone_display()}"

    @property
    def running(self) -> bool:
        return self.due_on is not None and self.met_at is None and not self.cancelled


class CaseStep(models.Model):
    """One recorded step of a case: who, when, what. Public steps show on the follow page."""

    class Kind(models.TextChoices):
        RECEIVED = "received", _("收到")
        ACCEPTED = "accepted", _("受理")
        REFUSED = "refused", _("不予受理")
        ASSIGNED = "assigned", _("分派")
        NOTE = "note", _("办理记录")
        REPLY = "reply", _("答复")
        CLOSED = "closed", _("办结")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("环节"), max_length=20, choices=Kind.choices)
    text = models.TextField(_("内容"), blank=True)
    public = models.BooleanField(_("对投诉人公开"), default=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case} · {self.get_kind_display()}"


class CasePhoto(models.Model):
    """A citizen's photo. The uploaded original is not kept: it may carry the position of the
    citizen's home; the full-size copy without location data is the evidence."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    public_original = models.FileField(upload_to="cases/photos/full/")
    web = models.FileField(upload_to="cases/photos/web/")
    thumbnail = models.FileField(upload_to="cases/photos/thumb/")
    original_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    taken_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name or f"照片 {self.pk}"


class CaseAttachment(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="cases/attachments/")
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name

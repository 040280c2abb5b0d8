"""Consultations, complaints, reports and testing requests (咨询 / 投诉 / 举报 / 检测鉴定).

A citizen files a ``Case`` on the portal; the bureau's service staff handle it step by step
(``CaseStep``) within statutory time limits. The limits are data (``TimeLimitRule``), with their
legal basis and the dates they are in force; when a case is received, the rules in force on that
day are copied into its ``CaseDeadline`` rows, so a later change of the rules applies to new
cases only. A limit counts working days or calendar days (``Counting``); a running one can be
paused with a reason (``ClockPause``: testing, a recusal request), and the pause is added back
when it ends.

Complaints and reports are also registered in the national 12315 platform, the system of record
since 《市场监督管理投诉举报处理办法》 (总局令第121号) took effect on 2026-04-15; a case carries its
12315 工单号 (``number_12315``) once it has one.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qualitymonth.core.privacy import mask_id_number, mask_name, mask_phone
from qualitymonth.core.workdays import CALENDAR, WORKING


class CaseKind(models.TextChoices):
    CONSULTATION = "consultation", _("咨询")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    TESTING = "testing", _("检测鉴定")


class Milestone(models.TextChoices):
    """What must be done by a deadline."""

    DECISION = "decision", _("受理决定")  # accept or refuse (举报: whether to open a case, 立案)
    CLOSING = "closing", _("办结")
    MEDIATION = "mediation", _("调解期限")  # a complaint's mediation ends (agreement or not)
    TERMINATION_NOTICE = "termination_notice", _("告知终止调解")


class StartEvent(models.TextChoices):
    """The day a limit is counted from (that day itself not counted)."""

    RECEIVED = "received", _("收到之日")
    ACCEPTED = "accepted", _("受理之日")
    TERMINATED = "terminated", _("终止调解决定之日")


class Counting(models.TextChoices):
    """What a limit counts: working days, or every day (自然日); either way the first day is
    not counted and a last day off moves to the next working day (``core.workdays``)."""

    WORKING = WORKING, _("工作日")
    CALENDAR = CALENDAR, _("日")


class TimeLimitRule(models.Model):
    """A statutory (or committed) time limit for one kind of case and one milestone.

    A case uses the rule in force on the day it was received; a rule is changed by adding a new
    one from a later date (``services.add_rule`` ends the old one the day before).
    ``extension_days``: how much one extension approved by the bureau's head adds (举报 核查:
    15 working days), 0 where the rule allows none.
    """

    kind = models.CharField(_("类型"), max_length=20, choices=CaseKind.choices)
    milestone = models.CharField(_("环节"), max_length=20, choices=Milestone.choices)
    days = models.PositiveSmallIntegerField(_("天数"))
    counting = models.CharField(
        _("计算方式"), max_length=10, choices=Counting.choices, default=Counting.WORKING
    )
    extension_days = models.PositiveSmallIntegerField(_("可延长天数"), default=0)
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
            f"{self.get_start_event_display()}起 {self.limit_text}"
        )

    @property
    def limit_text(self) -> str:
        return limit_text(self.days, self.counting)

    @property
    def extension_text(self) -> str:
        return limit_text(self.extension_days, self.counting) if self.extension_days else ""

    @classmethod
    def in_force(cls, day: datetime.date) -> models.QuerySet[TimeLimitRule]:
        return cls.objects.filter(
            Q(effective_to__isnull=True) | Q(effective_to__gte=day), effective_from__lte=day
        )


def limit_text(days: int, counting: str) -> str:
    """ "7 个工作日" / "60 日"."""
    return f"{days} 个工作日" if counting == Counting.WORKING else f"{days} 日"


class Case(models.Model):
    class Status(models.TextChoices):
        RECEIVED = "received", _("待受理")
        ACCEPTED = "accepted", _("办理中")
        MEDIATING = "mediating", _("调解中")
        # Mediation ended without agreement; the parties are still to be told (第二十三条).
        TERMINATED = "terminated", _("终止调解")
        REFUSED = "refused", _("不予受理")
        CLOSED = "closed", _("已办结")

    class Outcome(models.TextChoices):
        """How a case ended, for the citizen's page and the statistics."""

        REFUSED = "refused", _("不予受理")
        FILED = "filed", _("立案")  # 举报
        NOT_FILED = "not_filed", _("不予立案")  # 举报
        MEDIATED = "mediated", _("调解成功")
        TERMINATED = "terminated", _("终止调解")
        ANSWERED = "answered", _("已办结")
        MERGED = "merged", _("并入同一举报")  # 第三十五条, new facts
        NOT_HANDLED = "not_handled", _("重复举报不再处理")  # 第三十五条, the same facts

    class Source(models.TextChoices):
        PORTAL = "portal", _("网上提交")
        IMPORT_12315 = "12315", _("全国12315平台导入")
        SPLIT = "split", _("分别处理另立")

    class MediationMethod(models.TextChoices):
        ON_SITE = "on_site", _("现场调解")
        REMOTE = "remote", _("远程调解")

    class AgreementForm(models.TextChoices):
        BOOK = "book", _("调解书")
        RECORD = "record", _("调解记录")

    OPEN_STATUSES = (Status.RECEIVED, Status.ACCEPTED, Status.MEDIATING, Status.TERMINATED)

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
    outcome = models.CharField(_("办理结果"), max_length=20, choices=Outcome.choices, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    number_12315 = models.CharField(_("12315工单号"), max_length=40, blank=True, db_index=True)
    source = models.CharField(
        _("来源"), max_length=10, choices=Source.choices, default=Source.PORTAL
    )
    # The decisions' grounds, by item number of the article: 第十六条 (一)–(七) for a refused
    # complaint, 第二十三条 (一)–(八) for a terminated mediation (``cases.legal``).
    refusal_ground = models.CharField(_("不予受理情形"), max_length=2, blank=True)
    termination_ground = models.CharField(_("终止调解情形"), max_length=2, blank=True)
    mediation_method = models.CharField(
        _("调解方式"), max_length=10, choices=MediationMethod.choices, blank=True
    )
    # 委托调解 (第十九条): to whom, with both parties' consent.
    mediation_entrusted_to = models.CharField(_("委托调解组织"), max_length=200, blank=True)
    agreement_form = models.CharField(
        _("调解协议形式"), max_length=10, choices=AgreementForm.choices, blank=True
    )
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    mediation_started_at = models.DateTimeField(_("调解开始时间"), null=True, blank=True)
    terminated_at = models.DateTimeField(_("终止调解时间"), null=True, blank=True)
    related = models.ForeignKey(
        "self",
        verbose_name=_("相关的件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("并入的举报（第三十五条），或分出本件的原件（第九条）。"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Never in an audit snapshot: the contact details are personal data.
    PERSONAL_FIELDS = ("contact_name", "mobile", "id_number")

    class Meta:
        verbose_name = _("咨询投诉举报")
        verbose_name_plural = _("咨询投诉举报")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["org_unit", "status"], name="case_unit_status")]
        constraints = [
            # Importing the same 12315 export twice finds the cases it made the first time.
            models.UniqueConstraint(
                fields=["number_12315"],
                condition=~Q(number_12315=""),
                name="case_number_12315_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_number} {self.get_kind_display()}"

    @property
    def received_on(self) -> datetime.date:
        return timezone.localtime(self.received_at).date()

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def needs_12315(self) -> bool:
        """Complaints and reports are registered in 12315 (第八条); this one has no number yet."""
        return self.kind in (CaseKind.COMPLAINT, CaseKind.REPORT) and not self.number_12315

    @property
    def status_text(self) -> str:
        """The status as the citizen reads it: "已办结（终止调解）"."""
        status = self.get_status_display()
        if self.outcome and self.get_outcome_display() != status:
            return f"{status}（{self.get_outcome_display()}）"
        return status

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
    case was received. ``due_on`` is set once the start event has happened: the last day of
    ``days`` (plus an approved extension and the days the clock was paused) from ``starts_on``.

    ``provisional``: a calendar-day limit ending in a year the holiday calendar does not know
    yet; ``due_on`` is then its last day unmoved, the earliest it can end, until the calendar
    is upgraded and ``services.check_case_clocks`` settles it.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    rule = models.ForeignKey(TimeLimitRule, on_delete=models.PROTECT, related_name="+")
    milestone = models.CharField(_("环节"), max_length=20, choices=Milestone.choices)
    days = models.PositiveSmallIntegerField(_("天数"))
    counting = models.CharField(
        _("计算方式"), max_length=10, choices=Counting.choices, default=Counting.WORKING
    )
    extension_days = models.PositiveSmallIntegerField(_("可延长天数"), default=0)
    extended = models.BooleanField(_("已延长"), default=False)
    paused_days = models.PositiveIntegerField(_("暂停天数"), default=0)
    paused_since = models.DateField(_("暂停自"), null=True, blank=True)
    start_event = models.CharField(_("起算"), max_length=20, choices=StartEvent.choices)
    legal_basis = models.TextField(_("依据"))
    starts_on = models.DateField(_("起算日"), null=True, blank=True)
    due_on = models.DateField(_("期限"), null=True, blank=True, db_index=True)
    provisional = models.BooleanField(default=False)
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

    @property
    def paused(self) -> bool:
        return self.paused_since is not None

    @property
    def limit_text(self) -> str:
        text = limit_text(self.days, self.counting)
        if self.extended:
            text += f"，已延长 {limit_text(self.extension_days, self.counting)}"
        if self.paused_days:
            text += f"，暂停 {limit_text(self.paused_days, self.counting)}不计入"
        return text

    @property
    def counted_days(self) -> int:
        """The days from ``starts_on`` to the last day: the limit, any extension, the pauses."""
        return self.days + (self.extension_days if self.extended else 0) + self.paused_days


class ClockPause(models.Model):
    """A time a limit did not run (testing or appraisal, 第二十二条; a recusal request,
    第二十一条; 《市场监督管理行政处罚程序规定》第十八条 for a report's check). The clock stops
    the day the pause starts and runs again from the day it ends; the days between are added
    to the limit."""

    class Reason(models.TextChoices):
        TESTING = "testing", _("检验、检测、鉴定")
        RECUSAL = "recusal", _("回避申请")

    deadline = models.ForeignKey(CaseDeadline, on_delete=models.CASCADE, related_name="pauses")
    reason = models.CharField(_("暂停原因"), max_length=20, choices=Reason.choices)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    started_on = models.DateField(_("暂停日"))
    ended_on = models.DateField(_("恢复日"), null=True, blank=True)
    days = models.PositiveIntegerField(_("不计入天数"), default=0)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["started_on", "id"]

    def __str__(self) -> str:
        return f"{self.deadline} · {self.get_reason_display()}"


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
        NUMBER_12315 = "number_12315", _("登记12315工单号")
        MEDIATION = "mediation", _("组织调解")
        PAUSED = "paused", _("暂停计时")
        RESUMED = "resumed", _("恢复计时")
        EXTENDED = "extended", _("延长期限")
        AGREEMENT = "agreement", _("达成调解协议")
        TERMINATED = "terminated", _("终止调解")
        PARTIES_TOLD = "parties_told", _("告知双方")
        SPLIT = "split", _("分别处理")
        MERGED = "merged", _("合并举报")

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

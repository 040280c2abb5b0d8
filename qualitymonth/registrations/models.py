"""报名 / 签到: a citizen's place at a public event, and the organiser's settings for it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RegistrationSettings(models.Model):
    """How an event takes registrations. Kept beside the event (not on it) so events without
    registration carry nothing; its row is also the lock every registration takes."""

    event = models.OneToOneField(
        "events.Event",
        verbose_name=_("活动场次"),
        on_delete=models.CASCADE,
        related_name="registration_settings",
    )
    enabled = models.BooleanField(_("开放报名"), default=False)
    capacity = models.PositiveIntegerField(_("名额"), default=30)
    waiting_list = models.BooleanField(_("满额后接受候补"), default=True)
    opens_at = models.DateTimeField(_("报名开始时间"), null=True, blank=True)
    closes_at = models.DateTimeField(
        _("报名截止时间"), null=True, blank=True, help_text=_("不填则到活动开始时截止。")
    )
    # The organiser's extra questions, as data:
    # [{"key": "q1", "label": "年龄段", "kind": "choice", "choices": [...], "required": true}]
    questions = models.JSONField(_("附加问题"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("报名设置")
        verbose_name_plural = _("报名设置")

    def __str__(self) -> str:
        return f"{self.event} 报名设置"


class Registration(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("报名成功")
        WAITING = "waiting", _("候补中")
        CANCELLED = "cancelled", _("已取消")

    ACTIVE = (Status.CONFIRMED, Status.WAITING)

    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("活动场次"),
        on_delete=models.CASCADE,
        related_name="registrations",
    )
    name = models.CharField(_("姓名"), max_length=60)
    mobile = models.CharField(_("手机号码"), max_length=20)
    answers = models.JSONField(_("附加问题回答"), default=dict, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    # The order of registering within the event: the waiting list moves up by it.
    position = models.PositiveIntegerField(_("报名序号"))
    # What the ticket's QR code holds and what the organiser types: 8 characters nobody
    # mixes up (no 0/O, 1/I/L …).
    code = models.CharField(_("签到码"), max_length=12, unique=True)
    # The secret in the ticket and cancel links (the person has no account).
    token = models.CharField(max_length=40, unique=True, editable=False)
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True)
    promoted_at = models.DateTimeField(_("候补转正时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签到操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "mobile"],
                condition=Q(status__in=["confirmed", "waiting"]),
                name="registration_one_active_per_mobile",
            ),
            models.UniqueConstraint(
                fields=["event", "position"], name="registration_unique_position"
            ),
        ]
        indexes = [models.Index(fields=["event", "status"], name="registration_event_status")]

    def __str__(self) -> str:
        return f"{self.event} · {self.code}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

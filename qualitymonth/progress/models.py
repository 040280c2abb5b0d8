from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderRule(models.Model):
    """When a campaign's units are reminded: ``days_before`` days before each deadline.

    A campaign without a rule sends no reminders; the admin turns them on on the 通报 page.
    """

    campaign = models.OneToOneField(
        "campaigns.Campaign",
        verbose_name=_("活动"),
        on_delete=models.CASCADE,
        related_name="reminder_rule",
    )
    days_before = models.PositiveSmallIntegerField(
        _("提前天数"),
        default=3,
        validators=[MaxValueValidator(60)],
        help_text=_("截止日期前几天开始提醒未报单位（0 表示截止当天提醒）。"),
    )
    enabled = models.BooleanField(_("启用催报提醒"), default=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("催报提醒设置")
        verbose_name_plural = _("催报提醒设置")

    def __str__(self) -> str:
        return f"{self.campaign} · 提前{self.days_before}天"


class ReminderSent(models.Model):
    """One reminder sent to one unit for one deadline. The unique constraint is what keeps a
    rerun, or two workers running at once, from reminding the same unit twice."""

    class Kind(models.TextChoices):
        REPORT = "report", _("信息报送")
        SUMMARY = "summary", _("书面小结")

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("活动"),
        on_delete=models.CASCADE,
        related_name="reminders_sent",
    )
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("单位"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    due_date = models.DateField(_("截止日期"))
    sent_on = models.DateField(_("提醒日期"))
    # What was missing when the reminder went out: item numbers/titles, or the summary.
    missing = models.JSONField(_("未报内容"), default=list, blank=True)
    recipient_count = models.PositiveIntegerField(_("提醒人数"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("已发送的催报提醒")
        verbose_name_plural = _("已发送的催报提醒")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "org_unit", "kind", "due_date"],
                name="reminder_sent_once_per_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org_unit} · {self.get_kind_display()} · {self.due_date:%Y-%m-%d}"

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.Model):
    """One dated occurrence of an item, held by a unit: a 质量开放日 on 9月12日 at a factory."""

    class Mode(models.TextChoices):
        OFFLINE = "offline", _("线下")
        ONLINE = "online", _("线上")

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划中")
        HELD = "held", _("已举办")
        CANCELLED = "cancelled", _("已取消")

    item = models.ForeignKey(
        "campaigns.Item",
        verbose_name=_("活动事项"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("举办单位"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    title = models.CharField(_("活动名称"), max_length=200)
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"))
    mode = models.CharField(_("形式"), max_length=10, choices=Mode.choices, default=Mode.OFFLINE)
    address = models.CharField(_("地点"), max_length=255, blank=True)
    street_town = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("所在街镇"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    online_url = models.URLField(_("线上链接"), blank=True)
    audience = models.CharField(_("面向对象"), max_length=120, blank=True)
    is_public = models.BooleanField(
        _("对市民公开"), default=False, help_text=_("公开的活动会出现在市民可见的活动日历中。")
    )
    expected_participants = models.PositiveIntegerField(_("预计参与人数"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    cancel_reason = models.CharField(_("取消原因"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("活动场次")
        verbose_name_plural = _("活动场次")
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def campaign(self):
        return self.item.campaign

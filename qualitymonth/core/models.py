from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditLogImmutable(Exception):
    """Raised on any attempt to change or remove an audit entry."""


class AuditEntryQuerySet(models.QuerySet):
    """The log only grows: rows are inserted, never updated or deleted through the ORM."""

    def update(self, **kwargs):
        # Deleting a user sets ``actor`` to NULL through this method (``on_delete=SET_NULL``);
        # the entry keeps ``actor_name``, so that one change is allowed.
        if kwargs == {"actor": None}:
            return super().update(**kwargs)
        raise AuditLogImmutable("审计记录不能修改。")

    def delete(self):
        raise AuditLogImmutable("审计记录不能删除。")

    delete.queryset_only = True


class AuditEntry(models.Model):
    """One state change: who, when, what, before and after. Written only by ``core.audit``.

    Entries are immutable: saving an existing entry or deleting one raises
    ``AuditLogImmutable``, and so do ``update()`` and ``delete()`` on querysets.
    """

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=80, db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=80, db_index=True)
    target_id = models.CharField(_("对象编号"), max_length=40, blank=True, db_index=True)
    target_repr = models.CharField(_("对象"), max_length=300, blank=True)
    # The path of the org unit that owns the target ("/1/5/"), so an admin sees the changes
    # under their own units; a string rather than a foreign key keeps core free of features.
    org_path = models.CharField(_("所属单位路径"), max_length=255, blank=True, db_index=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    detail = models.JSONField(_("说明"), default=dict, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return (
            f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.target_repr}"
        )

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditLogImmutable("审计记录不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogImmutable("审计记录不能删除。")


class Notification(models.Model):
    """One message in a user's inbox (消息). Created only by ``core.notifications.notify``."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("收件人"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # What the message is about, for filtering and for later per-kind preferences:
    # "report_returned", "task_assigned" …
    kind = models.CharField(_("类型"), max_length=50)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    # A path inside the platform ("/campaigns/3/") or an absolute http(s) address.
    url = models.CharField(_("链接"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The header's unread count and the inbox list, on every page.
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class SmsMessage(models.Model):
    """One text message to a mobile number: the outbox (短信发件箱). Written only by
    ``core.sms.send_sms``; the backend named by ``SMS_BACKEND`` delivers it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("待发送")
        SENT = "sent", _("已发送")
        FAILED = "failed", _("发送失败")

    mobile = models.CharField(_("手机号码"), max_length=20)
    text = models.CharField(_("内容"), max_length=500)
    # What the message is about ("registration_promoted" …), and the object it concerns as a
    # string ("registrations.registration:12"), so core stays free of features.
    kind = models.CharField(_("类型"), max_length=50)
    ref = models.CharField(_("关联对象"), max_length=80, blank=True, db_index=True)
    org_path = models.CharField(_("所属单位路径"), max_length=255, blank=True, db_index=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    backend = models.CharField(_("发送通道"), max_length=120, blank=True)
    provider_id = models.CharField(_("通道回执编号"), max_length=120, blank=True)
    error = models.CharField(_("失败原因"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("短信")
        verbose_name_plural = _("短信发件箱")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        from .privacy import mask_phone

        return f"{mask_phone(self.mobile)} {self.text[:30]}"

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeImport(models.Model):
    """One notice read into a campaign: the original file, what was read and what was not."""

    campaign = models.OneToOneField(
        "campaigns.Campaign",
        verbose_name=_("活动"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notice_import",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    filename = models.CharField(_("文件名"), max_length=255, blank=True)
    original = models.FileField(_("原文件"), upload_to="notices/%Y/%m/", blank=True)
    text = models.TextField(_("识别文本"))
    parsed = models.JSONField(_("识别结果"), default=dict)
    warnings = models.JSONField(_("识别提示"), default=list, blank=True)

    class Meta:
        verbose_name = _("通知导入记录")
        verbose_name_plural = _("通知导入记录")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.filename or str(_("粘贴的通知文本"))

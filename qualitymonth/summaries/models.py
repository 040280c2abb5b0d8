from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qualitymonth.reports.models import Report, Reviewed, ReviewVersion


class UnitSummary(Reviewed):
    """A unit's written summary of its campaign work (书面小结), reviewed like a report."""

    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("活动"),
        on_delete=models.PROTECT,
        related_name="unit_summaries",
    )
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="unit_summaries",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"), blank=True)
    # The figures and reports the platform filled in, as they stood when last refreshed.
    figures = models.JSONField(_("数据"), default=list, blank=True)
    reports = models.ManyToManyField(Report, verbose_name=_("采用的报送"), blank=True)
    photos = models.ManyToManyField(
        "reports.Photo", verbose_name=_("选用的照片"), blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("书面小结")
        verbose_name_plural = _("书面小结")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "org_unit"], name="unit_summary_one_per_unit"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SummaryVersion(ReviewVersion):
    summary = models.ForeignKey(UnitSummary, on_delete=models.CASCADE, related_name="versions")

    def __str__(self) -> str:
        return f"{self.summary} v{self.number}"

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignSummary(models.Model):
    """The 工作总结 of a district's campaign, or of a city's districts for a year.

    Its text is a list of paragraphs, generated from accepted reports and edited by the admin;
    regenerating refreshes the figures and keeps every paragraph a person changed.
    """

    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("活动类型"), max_length=20, default="quality_month")
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("活动"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="work_summaries",
        help_text=_("区级总结所属的活动；市级总结汇总各区的活动，不填。"),
    )
    title = models.CharField(_("标题"), max_length=200)
    signature = models.CharField(_("署名"), max_length=120, blank=True)
    date = models.DateField(_("成文日期"), null=True, blank=True)
    photos = models.ManyToManyField(
        "reports.Photo", verbose_name=_("附件照片"), blank=True, related_name="+"
    )
    generation_started_at = models.DateTimeField(null=True, blank=True)
    generated_at = models.DateTimeField(_("生成时间"), null=True, blank=True)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("工作总结")
        verbose_name_plural = _("工作总结")
        constraints = [
            models.UniqueConstraint(
                fields=["org_unit", "year", "kind"], name="one_work_summary_per_unit_year"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_city(self) -> bool:
        return self.campaign_id is None


class SummaryParagraph(models.Model):
    """One paragraph (or heading) of a work summary: what was generated, and what it says now."""

    class Section(models.TextChoices):
        OVERVIEW = "overview", _("总体情况")
        PRACTICE = "practice", _("主要做法和成效")
        HIGHLIGHTS = "highlights", _("特色亮点")
        PROBLEMS = "problems", _("存在问题")
        PLANS = "plans", _("下一步打算")

    summary = models.ForeignKey(
        CampaignSummary, on_delete=models.CASCADE, related_name="paragraphs"
    )
    key = models.CharField(max_length=120)
    section = models.CharField(max_length=12, choices=Section.choices)
    order = models.PositiveIntegerField(default=0)
    is_heading = models.BooleanField(default=False)
    generated_text = models.TextField(blank=True)
    text = models.TextField(_("内容"), blank=True)
    edited = models.BooleanField(_("已人工修改"), default=False)
    figures_changed = models.BooleanField(
        default=False, help_text=_("人工修改后重新生成时数据有变化，请核对。")
    )

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["summary", "key"], name="summary_paragraph_key")
        ]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def is_manual(self) -> bool:
        """Written by the admin (存在问题, 下一步打算): never generated."""
        return self.section in (self.Section.PROBLEMS, self.Section.PLANS) and not self.is_heading

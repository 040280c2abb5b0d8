from django.db import models
from django.utils.translation import gettext_lazy as _


class Assignment(models.Model):
    """A unit's part in an item: it leads it (牵头) or takes part (参与)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("牵头单位")
        PARTICIPANT = "participant", _("参与单位")

    item = models.ForeignKey(
        "campaigns.Item",
        verbose_name=_("活动事项"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("单位"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    role = models.CharField(_("分工"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("任务分配")
        verbose_name_plural = _("任务分配")
        ordering = ["item", "role", "org_unit__pinyin"]
        constraints = [
            models.UniqueConstraint(fields=["item", "org_unit"], name="assignment_unique_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.org_unit} · {self.get_role_display()}"

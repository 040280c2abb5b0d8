from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgUnit(models.Model):
    """A node of the tree 市 → 区 → 街镇 / 园区 / 委办局 / 企业 / 学校 / 机构.

    ``path`` holds the ids from the root ("/1/5/23/"), so ancestors and descendants are one
    indexed prefix query instead of a walk up and down the tree.
    """

    class Kind(models.TextChoices):
        CITY = "city", _("市")
        DISTRICT = "district", _("区")
        SUBDISTRICT = "subdistrict", _("街道")
        TOWN = "town", _("镇")
        PARK = "park", _("园区")
        AGENCY = "agency", _("委办局")
        DIVISION = "division", _("局内处室")
        ENTERPRISE = "enterprise", _("企业")
        SCHOOL = "school", _("学校")
        INSTITUTE = "institute", _("检测/计量机构")
        OTHER = "other", _("其他")

    name = models.CharField(_("名称"), max_length=120)
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(_("代码"), max_length=40, blank=True)
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("组织机构")
        verbose_name_plural = _("组织机构")
        ordering = ["path", "sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="orgunit_unique_name_in_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
        if path != self.path:
            self.path = path
            type(self).objects.filter(pk=self.pk).update(path=path)

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def descendants(self, include_self: bool = True) -> models.QuerySet["OrgUnit"]:
        units = OrgUnit.objects.filter(path__startswith=self.path)
        return units if include_self else units.exclude(pk=self.pk)

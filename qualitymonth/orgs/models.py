from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qualitymonth.core.chinese import pinyin_key


class OrgUnit(models.Model):
    """A node of the tree 市 → 区 → 街镇 / 园区 / 委办局 / 企业 / 学校 / 机构.

    ``path`` holds the ids from the root ("/1/5/23/"), so ancestors and descendants are one
    indexed prefix query instead of a walk up and down the tree. ``save`` keeps the unit's own
    path; moving a unit with its sub-units is ``services.move_unit``. ``pinyin`` is the sort key
    of the name, kept up to date by ``save`` (bulk writers set it themselves).
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
    credit_code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        blank=True,
        help_text=_("企业的 18 位统一社会信用代码"),
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=60, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    pinyin = models.CharField(max_length=255, editable=False, db_index=True, default="")
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("组织机构")
        verbose_name_plural = _("组织机构")
        ordering = ["path", "sort_order"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="orgunit_unique_name_in_parent",
                violation_error_message=_("上级单位下已有同名单位。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.pinyin = pinyin_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "pinyin"}
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


class UnitImport(models.Model):
    """One upload of units from .xlsx: its rows as read, what each would do, and the outcome.

    Checking and importing run as background tasks; while they run, their progress is in the
    cache (``core.tasks.read_progress``), because the import's own transaction hides this row's
    changes from the page that polls.
    """

    class Status(models.TextChoices):
        CHECKING = "checking", _("正在检查")
        READY = "ready", _("待确认")
        IMPORTING = "importing", _("正在导入")
        DONE = "done", _("已导入")
        FAILED = "failed", _("失败")

    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("导入到"), on_delete=models.CASCADE, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file = models.FileField(_("文件"), upload_to="orgs/imports/%Y/%m/")
    filename = models.CharField(_("文件名"), max_length=255)
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.CHECKING
    )
    total_rows = models.PositiveIntegerField(_("行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    # [{"line", "name", "parent", "kind", …, "action", "problems": [...], "changes": {...}}]
    rows = models.JSONField(_("各行"), default=list, blank=True)
    problem_rows = models.PositiveIntegerField(_("有问题的行数"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("未变"), default=0)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        verbose_name = _("单位导入")
        verbose_name_plural = _("单位导入")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.filename}（{self.get_status_display()}）"

    @property
    def is_running(self) -> bool:
        return self.status in {self.Status.CHECKING, self.Status.IMPORTING}

    @property
    def change_count(self) -> int:
        return self.created_count + self.updated_count

    @property
    def can_confirm(self) -> bool:
        """Confirm is offered only for a checked file without problems that changes something."""
        return self.status == self.Status.READY and not self.problem_rows and self.change_count > 0

import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from qualitymonth.core.chinese import chinese_numeral


class Campaign(models.Model):
    """One year's campaign of one organisation, built from its notice."""

    class Kind(models.TextChoices):
        QUALITY_MONTH = "quality_month", _("质量月")
        CONSUMER_DAY = "consumer_day", _("3·15 国际消费者权益日")
        METROLOGY_DAY = "metrology_day", _("世界计量日")
        FOOD_SAFETY_WEEK = "food_safety_week", _("食品安全宣传周")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        # Out of use (a duplicate, a test): kept and readable by its address, but gone from the
        # switcher and every roll-up, and closed like a draft to reports, events and the public,
        # since all of those ask for PUBLISHED. Only a published campaign is archived, so
        # restoring it publishes it again.
        ARCHIVED = "archived", _("已归档")

    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("组织单位"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    kind = models.CharField(
        _("活动类型"), max_length=30, choices=Kind.choices, default=Kind.QUALITY_MONTH
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("通知标题"), max_length=255)
    issuer = models.CharField(_("发文机关"), max_length=120, blank=True)
    doc_number = models.CharField(_("发文字号"), max_length=60, blank=True)
    recipients = models.CharField(_("主送机关"), max_length=255, blank=True)
    preamble = models.TextField(_("开头语"), blank=True)
    sections = models.JSONField(_("通知正文部分"), default=list, blank=True)
    theme = models.CharField(_("活动主题"), max_length=255, blank=True)
    start_date = models.DateField(_("开始日期"), null=True, blank=True)
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    requirements = models.JSONField(_("活动要求"), default=list, blank=True)
    signing_date = models.DateField(_("成文日期"), null=True, blank=True)
    print_organ = models.CharField(_("印发机关"), max_length=120, blank=True)
    print_date = models.DateField(_("印发日期"), null=True, blank=True)
    upward_recipient = models.CharField(_("上报机关"), max_length=120, blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    archived_at = models.DateTimeField(_("归档时间"), null=True, blank=True)
    copied_from = models.ForeignKey(
        "self", verbose_name=_("复制自"), null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("质量月活动")
        verbose_name_plural = _("质量月活动")
        ordering = ["-year", "-start_date", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """How people name a campaign: "2024年浦东新区质量月"."""
        return f"{self.year}年{self.org_unit.name}{self.get_kind_display()}"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_archived(self) -> bool:
        return self.status == self.Status.ARCHIVED

    def day_counter(self, today: datetime.date | None = None) -> dict | None:
        """Where today stands in the period: before, during (day n of N) or after."""
        if not (self.start_date and self.end_date):
            return None
        today = today or datetime.date.today()
        total = (self.end_date - self.start_date).days + 1
        if today < self.start_date:
            return {"phase": "before", "days": (self.start_date - today).days, "total": total}
        if today > self.end_date:
            return {"phase": "after", "days": (today - self.end_date).days, "total": total}
        return {"phase": "during", "days": (today - self.start_date).days + 1, "total": total}


class Contact(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="contacts")
    department = models.CharField(_("处室"), max_length=60, blank=True)
    name = models.CharField(_("联系人"), max_length=60)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)

    class Meta:
        verbose_name = _("联系人")
        verbose_name_plural = _("联系人")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Deadline(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", _("信息报送")
        SUMMARY = "summary", _("书面小结")
        OTHER = "other", _("其他")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.SUMMARY)
    due_date = models.DateField(_("截止日期"))
    description = models.CharField(_("说明"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("报送截止日期")
        verbose_name_plural = _("报送截止日期")
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.due_date:%Y-%m-%d}"


class Category(models.Model):
    """A numbered group of items: (一) 开展质量宣传 …"""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="categories")
    number = models.PositiveSmallIntegerField(_("序号"))
    title = models.CharField(_("类别名称"), max_length=255)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("活动类别")
        verbose_name_plural = _("活动类别")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.label}{self.title}"

    @property
    def label(self) -> str:
        return f"（{chinese_numeral(self.number)}）"


class Item(models.Model):
    """One numbered activity of the plan."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="items")
    category = models.ForeignKey(
        Category, verbose_name=_("所属类别"), on_delete=models.CASCADE, related_name="items"
    )
    number = models.PositiveSmallIntegerField(_("编号"), null=True, blank=True)
    title = models.CharField(_("事项名称"), max_length=255)
    description = models.TextField(_("事项内容"), blank=True)
    lead_unit_names = models.JSONField(_("牵头部门"), default=list, blank=True)
    co_unit_names = models.JSONField(_("协助部门"), default=list, blank=True)
    time_text = models.CharField(_("活动时间"), max_length=120, blank=True)
    start_date = models.DateField(_("开始日期"), null=True, blank=True)
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("活动事项")
        verbose_name_plural = _("活动事项")
        ordering = ["category__order", "order", "id"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}" if self.number else self.title


class Indicator(models.Model):
    """A figure an item's reports carry, with its unit and how it adds up across reports."""

    class ValueType(models.TextChoices):
        INTEGER = "integer", _("整数")
        DECIMAL = "decimal", _("小数")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("合计")
        AVERAGE = "avg", _("平均")
        MAX = "max", _("最大值")
        MIN = "min", _("最小值")

    item = models.ForeignKey(Item, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("指标名称"), max_length=60)
    unit = models.CharField(_("计量单位"), max_length=20, blank=True)
    value_type = models.CharField(
        _("数值类型"), max_length=10, choices=ValueType.choices, default=ValueType.INTEGER
    )
    aggregation = models.CharField(
        _("汇总方式"), max_length=10, choices=Aggregation.choices, default=Aggregation.SUM
    )
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "name"], name="indicator_unique_name_per_item"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.unit}）" if self.unit else self.name


class Formula(models.Model):
    """A derived figure (派生指标) over the campaign's indicator totals, e.g. 合格率 =
    合格台数 / 检定台数. Names refer to indicators of any item of the campaign; each is the
    total over every item that has an indicator of that name."""

    class Display(models.TextChoices):
        PERCENT = "percent", _("百分比")
        NUMBER = "number", _("数值")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="formulas")
    name = models.CharField(_("名称"), max_length=60)
    expression = models.CharField(_("公式"), max_length=200)
    display = models.CharField(
        _("显示为"), max_length=10, choices=Display.choices, default=Display.PERCENT
    )
    decimals = models.PositiveSmallIntegerField(_("小数位数"), default=1)
    order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("派生指标")
        verbose_name_plural = _("派生指标")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "name"], name="formula_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} = {self.expression}"


# The figures nearly every item's reports carry; a new item starts with these.
DEFAULT_INDICATORS = [
    {"name": "参与人数", "unit": "人"},
    {"name": "活动场次", "unit": "场"},
    {"name": "发放资料份数", "unit": "份"},
    {"name": "媒体报道数", "unit": "篇"},
]

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DistrictKey(models.Model):
    """A district's public key for signing its upward packages (上报包签名公钥), registered at
    its city after the two read its fingerprint to each other over the phone.

    A package is accepted only when signed by its district's key in use. A district has at most
    one; registering a new one (rotation) revokes the old, and a revoked key is kept for the
    record and can never be registered again.
    """

    district = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("区"), on_delete=models.PROTECT, related_name="+"
    )
    public_key = models.TextField(_("公钥"))  # PEM (SubjectPublicKeyInfo)
    fingerprint = models.CharField(_("指纹"), max_length=64, unique=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("吊销人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    revoke_reason = models.CharField(_("吊销原因"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("上报包签名公钥")
        verbose_name_plural = _("上报包签名公钥")
        ordering = ["district__pinyin", "-registered_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district"],
                condition=models.Q(revoked_at=None),
                name="one_key_in_use_per_district",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.district.name}（{self.fingerprint}）"


class UpwardPackage(models.Model):
    """A district's upward package (上报包) received by a city: the file as uploaded, what it
    was checked to contain and, once imported, the campaign it became.

    An imported campaign is one with a package (``campaign.upward_package``). Importing a
    corrected package for the same district, year and kind replaces the earlier import: its
    campaign is deleted and this row stays, marked replaced, for the record.
    """

    class Status(models.TextChoices):
        VERIFIED = "verified", _("已校验，待导入")
        IMPORTED = "imported", _("已导入")
        REPLACED = "replaced", _("已被替换")

    city = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("接收单位"), on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("上报单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("活动类型"), max_length=30)
    title = models.CharField(_("活动名称"), max_length=255)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.VERIFIED
    )
    campaign = models.OneToOneField(
        "campaigns.Campaign",
        verbose_name=_("导入的活动"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="upward_package",
    )
    file = models.FileField(_("上报包文件"), upload_to="upward/packages/%Y/")
    filename = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("SHA-256 校验值"), max_length=64)
    size = models.PositiveBigIntegerField(_("大小"))
    format_version = models.PositiveSmallIntegerField(_("格式版本"))
    generated_at = models.DateTimeField(_("导出时间"), null=True, blank=True)
    report_count = models.PositiveIntegerField(_("采用信息数"), default=0)
    photo_count = models.PositiveIntegerField(_("照片数"), default=0)
    # What the pages show without opening the file: the figures' totals by indicator name.
    totals = models.JSONField(_("指标合计"), default=dict, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("导入时间"), null=True, blank=True)
    signing_key = models.ForeignKey(
        DistrictKey,
        verbose_name=_("签名密钥"),
        null=True,  # packages received before format 3 were not signed
        blank=True,
        on_delete=models.PROTECT,
        related_name="packages",
    )
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("替换为"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("上报包")
        verbose_name_plural = _("上报包")
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year", "kind"],
                condition=models.Q(status="imported"),
                name="one_imported_package_per_district_year_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.sha256[:12]}）"

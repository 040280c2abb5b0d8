import logging
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from qualitymonth.core.chinese import plain_number

log = logging.getLogger(__name__)


class Reviewed(models.Model):
    """What units send in for review (a report, a unit summary): its state and review fields.
    ``review.py`` is the only code that moves them."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("待审核")
        RETURNED = "returned", _("已退回")
        ACCEPTED = "accepted", _("已采用")

    # Which state may follow which; services ask ``can_become`` and nothing else sets status.
    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED},
        Status.SUBMITTED: {Status.RETURNED, Status.ACCEPTED},
        Status.RETURNED: {Status.SUBMITTED},
        Status.ACCEPTED: {Status.RETURNED},  # reopened by a campaign admin, with a reason
    }

    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(_("版本"), default=0)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    is_late = models.BooleanField(_("逾期报送"), default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回原因"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def can_become(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    @property
    def is_editable(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.RETURNED}


class Report(Reviewed):
    """A unit's report of an event, or of item work that is no single event (信息报送)."""

    item = models.ForeignKey(
        "campaigns.Item",
        verbose_name=_("活动事项"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    event = models.ForeignKey(
        "events.Event",
        verbose_name=_("活动场次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    org_unit = models.ForeignKey(
        "orgs.OrgUnit",
        verbose_name=_("报送单位"),
        on_delete=models.PROTECT,
        related_name="reports",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("填报人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    # A retry of the same "new report" request (a weak phone connection) finds this report
    # instead of creating a second one.
    client_token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("标题"), max_length=200)
    content = models.TextField(_("活动内容"), blank=True)
    effect = models.TextField(_("活动成效"), blank=True)
    starred = models.BooleanField(_("亮点"), default=False)

    class Meta:
        verbose_name = _("信息报送")
        verbose_name_plural = _("信息报送")
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.title


class ReportValue(models.Model):
    """One indicator's figure in a report; kept as rows so totals are one query."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(
        "campaigns.Indicator", on_delete=models.PROTECT, related_name="values"
    )
    value = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="report_value_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name}：{plain_number(self.value)}"


class Photo(models.Model):
    """A photo of a report: the original (admins only), a copy without GPS for everyone else,
    a web-size copy and a thumbnail."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    original = models.FileField(upload_to="reports/photos/original/")
    public_original = models.FileField(upload_to="reports/photos/public/")
    web = models.FileField(upload_to="reports/photos/web/")
    thumbnail = models.FileField(upload_to="reports/photos/thumb/")
    original_name = models.CharField(max_length=255, blank=True)
    original_format = models.CharField(max_length=10)
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    taken_at = models.DateTimeField(null=True, blank=True)
    phash = models.CharField(max_length=32, db_index=True)
    gps_latitude = models.FloatField(null=True, blank=True)
    gps_longitude = models.FloatField(null=True, blank=True)
    camera = models.CharField(max_length=120, blank=True)
    caption = models.CharField(_("说明"), max_length=200, blank=True)
    # Evidence checks shown to the reviewer.
    taken_outside_period = models.BooleanField(default=False)
    same_as = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            # The same upload sent twice (a retry) is one photo.
            models.UniqueConstraint(fields=["report", "sha256"], name="photo_unique_upload"),
        ]

    def __str__(self) -> str:
        return self.original_name or f"照片 {self.pk}"

    def web_bytes(self) -> bytes | None:
        """The web-size copy, for documents and packages; None (and a log line) when its file
        is gone, which must not stop the document."""
        try:
            with self.web.open("rb") as file:
                return file.read()
        except (OSError, ValueError):
            log.warning("Photo %s has no web copy", self.pk)
            return None


class PhotoBand(models.Model):
    """One band of a photo's perceptual hash, indexed, to find the same picture quickly."""

    photo = models.ForeignKey(Photo, on_delete=models.CASCADE, related_name="bands")
    band = models.PositiveSmallIntegerField()
    value = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["band", "value"], name="photo_band_lookup")]

    def __str__(self) -> str:
        return f"{self.photo_id}:{self.band}={self.value}"


class Attachment(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="reports/attachments/")
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["report", "sha256"], name="attachment_unique_upload"),
        ]

    def __str__(self) -> str:
        return self.original_name


class Link(models.Model):
    """Media coverage of the event: a news article, a WeChat post."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="links")
    url = models.URLField(_("链接"), max_length=500)
    title = models.CharField(_("标题"), max_length=200, blank=True)

    def __str__(self) -> str:
        return self.title or self.url


class ReviewVersion(models.Model):
    """What a reviewed document said at a submission, return, acceptance or reopening."""

    number = models.PositiveIntegerField()
    action = models.CharField(max_length=20)
    snapshot = models.JSONField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["number", "id"]


class ReportVersion(ReviewVersion):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="versions")

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"

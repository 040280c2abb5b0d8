from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from qualitymonth.core.chinese import pinyin_key


class User(AbstractUser):
    """A person who logs in. Chinese names are one string, not first and last name."""

    full_name = models.CharField(_("姓名"), max_length=60, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    pinyin = models.CharField(max_length=255, blank=True, db_index=True, editable=False)
    must_change_password = models.BooleanField(
        _("下次登录须修改密码"),
        default=False,
        help_text=_("管理员设置或重置的密码只用于首次登录。"),
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["pinyin", "username"]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        self.pinyin = pinyin_key(self.display_name)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "pinyin"}
        super().save(*args, **kwargs)

    @property
    def display_name(self) -> str:
        return self.full_name or self.username


class Role(models.TextChoices):
    CAMPAIGN_ADMIN = "campaign_admin", _("区级管理员")
    REVIEWER = "reviewer", _("审核员")
    REPORTER = "reporter", _("单位填报员")
    CITY_VIEWER = "city_viewer", _("市级用户")
    SERVICE_STAFF = "service_staff", _("业务人员")


class Duty(models.TextChoices):
    """The named duties of service staff (业务人员)."""

    CASES = "cases", _("咨询投诉举报")
    METROLOGY = "metrology", _("计量强检服务")
    SPOT_CHECK = "spot_check", _("监督抽查")
    EVALUATION = "evaluation", _("放心消费评审")


class Membership(models.Model):
    """A person's role in one org unit, reaching its sub-units too unless ``covers_sub_units``
    is off (a street's reporter reports for the street only, unless given its sub-units).

    A person may hold roles in several units (a street's reporter who also reviews for a park).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    org_unit = models.ForeignKey(
        "orgs.OrgUnit", verbose_name=_("单位"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=30, choices=Role.choices)
    duties = models.JSONField(_("职责"), default=list, blank=True)
    covers_sub_units = models.BooleanField(
        _("含下级单位"),
        default=True,
        help_text=_("例如街道的填报员也为街道下属单位填报。"),
    )

    class Meta:
        verbose_name = _("角色分配")
        verbose_name_plural = _("角色分配")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "org_unit", "role"], name="membership_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.org_unit} · {self.get_role_display()}"

    def reaches(self, unit) -> bool:
        if self.covers_sub_units:
            return unit.path.startswith(self.org_unit.path)
        return unit.pk == self.org_unit_id

    def reach(self) -> models.Q:
        """The org units this role reaches, as a filter on OrgUnit."""
        if self.covers_sub_units:
            return models.Q(path__startswith=self.org_unit.path)
        return models.Q(pk=self.org_unit_id)

    def get_duties_display(self) -> str:
        labels = dict(Duty.choices)
        return "、".join(str(labels.get(duty, duty)) for duty in self.duties)


class LoginLock(models.Model):
    """Failed logins of one username from any address: the per-account login limit
    (``accounts/lockout.py``), beside django-axes' limit per username and address.

    Usernames are kept as typed, known or not, so the lock tells nobody which accounts exist.
    A row whose window has passed and whose lock has lifted is swept by the next failure.
    """

    username = models.CharField(max_length=255, unique=True)
    failures = models.PositiveIntegerField(default=0)
    window_started_at = models.DateTimeField()
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("登录锁定")
        verbose_name_plural = _("登录锁定")

    def __str__(self) -> str:
        return self.username

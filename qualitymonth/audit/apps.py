from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The audit log pages; the entries themselves are ``core.AuditEntry``."""

    name = "qualitymonth.audit"
    verbose_name = _("审计日志")

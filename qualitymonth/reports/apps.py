from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "qualitymonth.reports"
    verbose_name = _("信息报送")

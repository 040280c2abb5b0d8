from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    name = "qualitymonth.progress"
    verbose_name = _("报送进度")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UpwardConfig(AppConfig):
    name = "qualitymonth.upward"
    verbose_name = _("上报包")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "qualitymonth.cases"
    verbose_name = _("咨询投诉举报")

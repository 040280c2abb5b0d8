from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkSummariesConfig(AppConfig):
    name = "qualitymonth.worksummaries"
    verbose_name = _("工作总结")

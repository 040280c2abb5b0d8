from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SummariesConfig(AppConfig):
    name = "qualitymonth.summaries"
    verbose_name = _("书面小结")

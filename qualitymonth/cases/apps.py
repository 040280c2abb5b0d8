from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "qualitymonth.cases"
    verbose_name = _("咨询投诉举报")

    def ready(self):
        from qualitymonth.reports import participation

        from .statistics import report_figures

        # The report of the item that takes complaints and reports (item 20) shows the cases
        # by kind and outcome and the clocks' on-time rates, and offers the counts.
        participation.register(report_figures)

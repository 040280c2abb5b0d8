from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrationsConfig(AppConfig):
    name = "qualitymonth.registrations"
    verbose_name = _("报名与签到")

    def ready(self):
        from qualitymonth.reports import participation

        from .services import report_figures

        # The event's report shows "签到人数 N" and offers it as 参与人数.
        participation.register(report_figures)

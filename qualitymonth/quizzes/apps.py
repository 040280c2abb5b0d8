from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "qualitymonth.quizzes"
    verbose_name = _("知识问答与竞赛")

    def ready(self):
        from qualitymonth.reports import participation

        from .queries import report_figures

        participation.register(report_figures)

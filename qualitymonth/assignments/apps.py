from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssignmentsConfig(AppConfig):
    name = "qualitymonth.assignments"
    verbose_name = _("任务分配")

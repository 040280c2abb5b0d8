from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "qualitymonth.campaigns"
    verbose_name = _("质量月活动")

from django.contrib import admin
from django.urls import include, path

from qualitymonth.campaigns import views as campaign_views

urlpatterns = [
    path("", campaign_views.home, name="home"),
    path("accounts/", include("qualitymonth.accounts.urls")),
    path("campaigns/", include("qualitymonth.campaigns.urls")),
    path("notices/", include("qualitymonth.notices.urls")),
    path("orgs/", include("qualitymonth.orgs.urls")),
    path("inbox/", include("qualitymonth.core.urls")),
    path("audit/", include("qualitymonth.audit.urls")),
    path("", include("qualitymonth.assignments.urls")),
    path("", include("qualitymonth.events.urls")),
    path("reports/", include("qualitymonth.reports.urls")),
    path("summaries/", include("qualitymonth.summaries.urls")),
    path("", include("qualitymonth.progress.urls")),
    path("", include("qualitymonth.dashboard.urls")),
    path("", include("qualitymonth.worksummaries.urls")),
    path("django-admin/", admin.site.urls),
    path("cases/", include("qualitymonth.cases.urls")),
    path("portal/", include("qualitymonth.portal.urls")),
    path("captcha/", include("qualitymonth.core.captcha_urls")),
    path("upward/", include("qualitymonth.upward.urls")),
    path("registrations/", include("qualitymonth.registrations.urls")),
    path("", include("qualitymonth.quizzes.urls")),
]

# A database too busy to answer in time gets the 503 "busy" page, anything else the 500 page.
handler500 = "qualitymonth.core.errors.server_error"

from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("cases/", views.case_kinds, name="case_kinds"),
    path("cases/new/<str:kind>/", views.case_new, name="case_new"),
    path("cases/submitted/", views.case_submitted, name="case_submitted"),
    path("cases/follow/", views.case_follow, name="case_follow"),
]

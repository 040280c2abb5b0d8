from django.urls import path

from . import views

app_name = "dashboard"
urlpatterns = [
    path("campaigns/<int:pk>/dashboard/", views.campaign_dashboard, name="campaign"),
    path("campaigns/<int:pk>/dashboard/reports/", views.campaign_drill, name="drill"),
    path("campaigns/<int:pk>/dashboard/<str:group>.xlsx", views.campaign_export, name="export"),
    path("campaigns/<int:pk>/formulas/", views.formulas, name="formulas"),
    path(
        "campaigns/<int:pk>/formulas/<int:formula_pk>/delete/",
        views.formula_delete,
        name="formula_delete",
    ),
    path("city/", views.city_home, name="city_home"),
    path("city/<int:pk>/<int:year>/", views.city_dashboard, name="city"),
    path("city/<int:pk>/<int:year>/reports/", views.city_drill, name="city_drill"),
    path("city/<int:pk>/<int:year>/<str:group>.xlsx", views.city_export, name="city_export"),
]

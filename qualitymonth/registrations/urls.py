from django.urls import path

from . import views

app_name = "registrations"
urlpatterns = [
    path("events/<int:event_pk>/", views.manage, name="manage"),
    path("events/<int:event_pk>/checkin/", views.checkin, name="checkin"),
    path("events/<int:event_pk>/checkin/list/", views.checkin_many, name="checkin_many"),
    path("events/<int:event_pk>/export.xlsx", views.export, name="export"),
]

from django.urls import path

from . import views

app_name = "events"
urlpatterns = [
    path("campaigns/<int:pk>/events/", views.calendar_view, name="calendar"),
    path("campaigns/<int:pk>/events/new/", views.event_new, name="new"),
    path("campaigns/<int:pk>/events.ics", views.ical, name="ical"),
    path("events/<int:event_pk>/", views.event_detail, name="detail"),
    path("events/<int:event_pk>/edit/", views.event_edit, name="edit"),
    path("events/<int:event_pk>/status/", views.event_status, name="status"),
]

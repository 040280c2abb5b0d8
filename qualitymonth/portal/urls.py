from django.urls import path

from . import event_views, views

app_name = "portal"

urlpatterns = [
    path("", event_views.home, name="home"),
    path("events/", event_views.event_list, name="events"),
    path("events/<int:pk>/", event_views.event_detail, name="event"),
    path("tickets/<str:token>/", event_views.ticket, name="ticket"),
    path("tickets/cancel/<str:signed>/", event_views.ticket_cancel, name="ticket_cancel"),
    path("cases/", views.case_kinds, name="case_kinds"),
    path("cases/new/<str:kind>/", views.case_new, name="case_new"),
    path("cases/submitted/", views.case_submitted, name="case_submitted"),
    path("cases/follow/", views.case_follow, name="case_follow"),
]

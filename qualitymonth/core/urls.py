from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read-all/", views.read_all, name="inbox_read_all"),
    path("<int:pk>/", views.open_notification, name="notification_open"),
    path("<int:pk>/read/", views.read, name="notification_read"),
]

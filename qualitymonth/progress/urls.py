from django.urls import path

from . import views

app_name = "progress"
urlpatterns = [
    path("campaigns/<int:pk>/progress/", views.board, name="board"),
    path("campaigns/<int:pk>/progress.xlsx", views.export, name="export"),
    path("campaigns/<int:pk>/progress/units/<int:unit_pk>/", views.unit_detail, name="unit"),
    path("campaigns/<int:pk>/progress/reminders/", views.reminder_rule, name="reminder_rule"),
]

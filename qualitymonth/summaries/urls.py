from django.urls import path

from . import views

app_name = "summaries"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("start/", views.start, name="start"),
    path("review/", views.queue, name="queue"),
    path("<int:pk>/", views.summary_detail, name="detail"),
    path("<int:pk>/edit/", views.summary_edit, name="edit"),
    path("<int:pk>/autosave/", views.autosave, name="autosave"),
    path("<int:pk>/review/", views.review_action, name="review"),
    path("<int:pk>/versions/", views.compare_versions, name="compare"),
    path("<int:pk>/download/", views.download, name="download"),
]

from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.mine, name="mine"),
    path("new/", views.report_new, name="new"),
    path("review/", views.queue, name="queue"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/edit/", views.report_edit, name="edit"),
    path("<int:pk>/autosave/", views.autosave, name="autosave"),
    path("<int:pk>/review/", views.review_action, name="review"),
    path("<int:pk>/versions/", views.compare_versions, name="compare"),
    path("photos/<int:pk>/<str:size>/", views.photo_file, name="photo"),
]

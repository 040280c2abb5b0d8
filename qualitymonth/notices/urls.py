from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("import/", views.upload, name="upload"),
    path("review/<int:pk>/", views.review, name="review"),
]

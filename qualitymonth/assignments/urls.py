from django.urls import path

from . import views

app_name = "assignments"
urlpatterns = [
    path("tasks/", views.tasks, name="my_tasks"),
    path("campaigns/<int:pk>/items/<int:item_pk>/assign/", views.assign, name="assign"),
]

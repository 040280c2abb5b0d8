from django.urls import path

from . import views

app_name = "upward"
urlpatterns = [
    path("campaigns/<int:pk>/", views.send, name="send"),
    path("received/", views.received, name="received"),
    path("keys/", views.keys, name="keys"),
    path("received/<int:pk>/", views.detail, name="detail"),
    path("received/<int:pk>/<str:name>", views.document, name="document"),
]

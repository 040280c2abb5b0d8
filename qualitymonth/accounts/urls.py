from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("people/", views.people_list, name="people"),
    path("people/new/", views.person_new, name="person_new"),
    path("people/import/", views.people_import_view, name="people_import"),
    path("people/template.xlsx", views.people_template, name="people_template"),
    path("people/<int:pk>/", views.person_detail, name="person"),
    path("people/<int:pk>/action/", views.person_action, name="person_action"),
]

from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("switch/", views.switch, name="switch"),
    path("<int:pk>/", views.overview, name="overview"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/plan/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/archive/", views.archive, name="archive"),
    path("<int:pk>/restore/", views.restore, name="restore"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/copy/", views.copy, name="copy"),
    path("<int:pk>/categories/<int:category_pk>/", views.category_action, name="category_action"),
    path("<int:pk>/items/<int:item_pk>/", views.item_detail, name="item_detail"),
    path("<int:pk>/items/<int:item_pk>/edit/", views.item_edit, name="item_edit"),
    path("<int:pk>/items/<int:item_pk>/action/", views.item_action, name="item_action"),
]

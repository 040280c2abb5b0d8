from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list_view, name="list"),
    path("export/", views.case_export, name="export"),
    path("import-12315/", views.import_12315, name="import_12315"),
    path("rules/", views.rules, name="rules"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/contact/", views.case_contact, name="contact"),
    path("<int:pk>/documents/<str:name>/", views.case_document, name="document"),
    path("<int:pk>/<str:action>/", views.case_action, name="action"),
    path("photos/<int:pk>/<str:size>/", views.case_photo, name="photo"),
    path("attachments/<int:pk>/", views.case_attachment, name="attachment"),
]

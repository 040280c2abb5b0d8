"""Mounted at the site root: the public pages under /portal/quizzes/, the back office under
/quizzes/, one namespace."""

from django.urls import path

from . import portal_views, views

app_name = "quizzes"

urlpatterns = [
    # public (portal)
    path("portal/quizzes/", portal_views.public_list, name="public_list"),
    path("portal/quizzes/<int:pk>/", portal_views.quiz_page, name="public_quiz"),
    path("portal/quizzes/answer/<uuid:token>/", portal_views.attempt_page, name="attempt"),
    path("portal/quizzes/result/<uuid:token>/", portal_views.result_page, name="result"),
    # back office
    path("quizzes/", views.quiz_list, name="list"),
    path("quizzes/banks/new/", views.bank_new, name="bank_new"),
    path("quizzes/banks/template/", views.bank_template, name="bank_template"),
    path("quizzes/banks/<int:pk>/", views.bank_detail, name="bank"),
    path("quizzes/banks/<int:pk>/import/", views.bank_import_view, name="bank_import"),
    path("quizzes/banks/<int:pk>/export/", views.bank_export, name="bank_export"),
    path("quizzes/new/", views.quiz_new, name="new"),
    path("quizzes/new/<int:item_pk>/", views.quiz_new, name="new_for_item"),
    path("quizzes/<int:pk>/", views.quiz_detail, name="detail"),
    path("quizzes/<int:pk>/edit/", views.quiz_edit, name="edit"),
    path("quizzes/<int:pk>/export/", views.quiz_export, name="export"),
    path("quizzes/<int:pk>/reveal/", views.quiz_reveal, name="reveal"),
    path("quizzes/<int:pk>/<str:action>/", views.quiz_status, name="status"),
]

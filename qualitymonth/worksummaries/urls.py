from django.urls import path

from . import views

app_name = "worksummaries"
urlpatterns = [
    path("campaigns/<int:pk>/work-summary/", views.campaign_summary, name="campaign"),
    path("city/<int:pk>/<int:year>/work-summary/", views.city_summary, name="city"),
    path("work-summaries/<int:pk>/progress/", views.generation_progress, name="progress"),
    path("work-summaries/<int:pk>/details/", views.details, name="details"),
    path("work-summaries/<int:pk>/photos/", views.photos, name="photos"),
    path("work-summaries/<int:pk>/download.docx", views.download_docx, name="docx"),
    path("work-summaries/<int:pk>/annex.xlsx", views.download_xlsx, name="xlsx"),
    path("work-summaries/paragraphs/<int:pk>/", views.paragraph, name="paragraph"),
]

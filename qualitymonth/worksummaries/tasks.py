from django.contrib.auth import get_user_model
from django_tasks import task

from qualitymonth.core.tasks import clear_progress, report_progress

from . import services
from .models import CampaignSummary


def progress_key(summary: CampaignSummary) -> str:
    return f"worksummaries.generate:{summary.pk}"


@task
def generate_summary(summary_id: int, user_id: int) -> None:
    summary = CampaignSummary.objects.get(pk=summary_id)
    by = get_user_model().objects.get(pk=user_id)
    key = progress_key(summary)

    def progress(done: int, total: int, phase: str) -> None:
        report_progress(key, processed=done, total=total, phase=phase)

    try:
        services.generate(summary, by, progress=progress)
    finally:
        clear_progress(key)

"""Background work of progress: the daily reminders, for deployments that schedule tasks."""

import datetime

from django_tasks import task

from . import services


@task
def send_reminders(date: str | None = None) -> int:
    """Send the due reminders of every published campaign; ``date`` (YYYY-MM-DD) stands for
    today. Returns how many reminders went out."""
    today = datetime.date.fromisoformat(date) if date else None
    return sum(len(outcome.sent) for outcome in services.send_all_due_reminders(today))

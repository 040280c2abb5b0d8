"""Reads for the organiser: an event's registrations and their counts."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from qualitymonth.core.privacy import mask_name, mask_phone
from qualitymonth.core.sms import SmsMessage
from qualitymonth.events.models import Event

from .models import Registration


def registrations_of(event: Event) -> QuerySet[Registration]:
    return Registration.objects.filter(event=event).select_related("checked_in_by")


def counts(event: Event) -> dict[str, int]:
    return Registration.objects.filter(event=event).aggregate(
        confirmed=Count("pk", filter=Q(status=Registration.Status.CONFIRMED)),
        waiting=Count("pk", filter=Q(status=Registration.Status.WAITING)),
        cancelled=Count("pk", filter=Q(status=Registration.Status.CANCELLED)),
        checked_in=Count(
            "pk",
            filter=Q(status=Registration.Status.CONFIRMED, checked_in_at__isnull=False),
        ),
    )


def masked_rows(registrations) -> list[dict]:
    """The list as organisers see and export it: names and mobile numbers masked."""
    return [
        {
            "registration": r,
            "name": mask_name(r.name),
            "mobile": mask_phone(r.mobile),
        }
        for r in registrations
    ]


def sms_of(event: Event) -> QuerySet[SmsMessage]:
    return SmsMessage.objects.filter(ref=f"registrations.event:{event.pk}")

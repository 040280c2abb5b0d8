"""Public reads for the portal: the current campaign and the public events of every unit."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from qualitymonth.campaigns.models import Campaign, Category
from qualitymonth.events.models import Event
from qualitymonth.orgs.models import OrgUnit


def current_campaign(today: datetime.date | None = None) -> Campaign | None:
    """The published campaign under way today, else the next one, else the latest."""
    today = today or timezone.localdate()
    published = Campaign.objects.filter(status=Campaign.Status.PUBLISHED).select_related("org_unit")
    return (
        published.filter(start_date__lte=today, end_date__gte=today).order_by("-start_date").first()
        or published.filter(start_date__gt=today).order_by("start_date").first()
        or published.order_by("-end_date", "-id").first()
    )


def public_events() -> QuerySet[Event]:
    """Public events of published campaigns, from every unit, with their confirmed count."""
    return (
        Event.objects.filter(is_public=True, item__campaign__status=Campaign.Status.PUBLISHED)
        .select_related("item__category", "item__campaign", "org_unit", "street_town")
        .select_related("registration_settings")
        .annotate(
            confirmed_count=Count(
                "registrations", filter=Q(registrations__status="confirmed"), distinct=True
            )
        )
        .order_by("starts_at", "id")
    )


def between(events: QuerySet[Event], first: datetime.date, days: int) -> QuerySet[Event]:
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    return events.filter(starts_at__gte=start, starts_at__lt=start + datetime.timedelta(days=days))


def public_streets() -> QuerySet[OrgUnit]:
    """Streets and towns that hold or host public events, for the filter."""
    events = public_events().values("street_town_id")
    return OrgUnit.objects.filter(pk__in=events).order_by("pinyin")


def public_categories() -> QuerySet[Category]:
    """Category titles of published campaigns with public events (one per title)."""
    return Category.objects.filter(items__events__in=public_events().values("pk")).distinct()

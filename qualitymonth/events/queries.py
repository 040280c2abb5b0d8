"""Events a person may see, and the calendar's month and week grids."""

from __future__ import annotations

import calendar
import datetime

from django.db.models import QuerySet
from django.utils import timezone

from qualitymonth.accounts.scope import scope_of
from qualitymonth.assignments.models import Assignment
from qualitymonth.campaigns.models import Campaign, Item
from qualitymonth.orgs.models import OrgUnit

from .models import Event


def visible_events(user, campaign: Campaign) -> QuerySet[Event]:
    """The campaign's events held by units the user's roles reach."""
    return (
        Event.objects.filter(item__campaign=campaign, org_unit__in=scope_of(user).units("org.view"))
        .select_related("item", "org_unit", "street_town")
        .order_by("starts_at", "id")
    )


def event_units(user, campaign: Campaign) -> QuerySet[OrgUnit]:
    """The units whose events the user sees, for the calendar's filter."""
    return OrgUnit.objects.filter(
        pk__in=visible_events(user, campaign).values("org_unit_id")
    ).order_by("pinyin")


def plannable_items(user, campaign: Campaign) -> QuerySet[Item]:
    """Items the user may plan events for: all of them for the admin, else their units' items."""
    scope = scope_of(user)
    items = campaign.items.select_related("category").order_by("category__order", "order")
    if scope.can("campaign.admin", campaign.org_unit):
        return items
    assigned = Assignment.objects.filter(org_unit__in=scope.units("unit.report"))
    return items.filter(pk__in=assigned.values("item_id"))


def holding_units(user, campaign: Campaign) -> QuerySet[OrgUnit]:
    scope = scope_of(user)
    if scope.can("campaign.admin", campaign.org_unit):
        return OrgUnit.objects.filter(path__startswith=campaign.org_unit.path)
    return scope.units("unit.report")


def streets_and_towns(campaign: Campaign) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(
        path__startswith=campaign.org_unit.path,
        kind__in=[OrgUnit.Kind.SUBDISTRICT, OrgUnit.Kind.TOWN],
    ).order_by("pinyin")


def local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment).date()


def month_grid(events, year: int, month: int) -> list[list[tuple[datetime.date, list[Event]]]]:
    """Weeks (Monday first, as Chinese calendars show them) of days with their events."""
    by_day: dict[datetime.date, list[Event]] = {}
    for event in events:
        by_day.setdefault(local_date(event.starts_at), []).append(event)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    return [[(day, by_day.get(day, [])) for day in week] for week in weeks]


def day_range(first: datetime.date, days: int) -> tuple[datetime.datetime, datetime.datetime]:
    """The aware datetimes bounding ``days`` local days from ``first``."""
    start = timezone.make_aware(datetime.datetime.combine(first, datetime.time.min))
    return start, start + datetime.timedelta(days=days)

"""Reads of the audit log, each limited to what the user may see.

A campaign admin sees the entries filed under their admin units and everything below them
(``org_path`` starts with the unit's path); a superuser sees every entry, including those
filed under no unit.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from qualitymonth.accounts.scope import scope_of
from qualitymonth.core.chinese import pinyin_key
from qualitymonth.core.models import AuditEntry

from .display import action_label, target_type_label

SYSTEM_ACTOR = "system"


def can_view_audit(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    scope = scope_of(user)
    return scope.is_superuser or scope.units("audit.view").exists()


def _root_paths(user) -> list[str]:
    """The tops of the user's audit units: the set is closed under sub-units, so a unit is a
    top when its parent is not in it."""
    units = list(scope_of(user).units("audit.view").values_list("pk", "parent_id", "path"))
    ids = {pk for pk, _parent, _path in units}
    return sorted(path for _pk, parent, path in units if parent not in ids and path)


def visible_entries(user) -> QuerySet[AuditEntry]:
    if not getattr(user, "is_authenticated", False):
        return AuditEntry.objects.none()
    if scope_of(user).is_superuser:
        return AuditEntry.objects.all()
    condition = Q(pk__in=[])
    for path in _root_paths(user):
        condition |= Q(org_path__startswith=path)
    return AuditEntry.objects.filter(condition)


@dataclass
class Filters:
    actor: str = ""  # a user id, or SYSTEM_ACTOR for entries without a person
    action: str = ""
    target_type: str = ""
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    text: str = ""


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def filter_entries(entries: QuerySet[AuditEntry], filters: Filters) -> QuerySet[AuditEntry]:
    """Entries matching every filter given; dates are whole days in the local time zone."""
    if filters.actor == SYSTEM_ACTOR:
        entries = entries.filter(actor=None)
    elif filters.actor:
        entries = entries.filter(actor_id=filters.actor)
    if filters.action:
        entries = entries.filter(action=filters.action)
    if filters.target_type:
        entries = entries.filter(target_type=filters.target_type)
    if filters.date_from:
        entries = entries.filter(created_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        next_day = filters.date_to + datetime.timedelta(days=1)
        entries = entries.filter(created_at__lt=_day_start(next_day))
    if text := filters.text.strip():
        entries = entries.filter(
            Q(target_repr__icontains=text)
            | Q(actor_name__icontains=text)
            | Q(action__icontains=text)
            | Q(target_id=text)
        )
    return entries.order_by("-created_at", "-id")


def filter_choices(entries: QuerySet[AuditEntry]) -> dict[str, list[tuple[str, str]]]:
    """The people, actions and object types that occur in the user's entries, for the filters."""
    base = entries.order_by()
    actors: dict[str, str] = {}
    for actor_id, name in base.values_list("actor_id", "actor_name").distinct():
        key = str(actor_id) if actor_id else SYSTEM_ACTOR
        actors.setdefault(key, name or "系统")
    actions = sorted(set(base.values_list("action", flat=True).distinct()))
    target_types = sorted(set(base.values_list("target_type", flat=True).distinct()))
    return {
        "actors": _by_label(actors.items()),
        "actions": _by_label((action, action_label(action)) for action in actions),
        "target_types": _by_label((kind, target_type_label(kind)) for kind in target_types),
    }


def _by_label(pairs) -> list[tuple[str, str]]:
    return sorted(pairs, key=lambda pair: pinyin_key(pair[1]))

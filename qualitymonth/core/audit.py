"""The audit log: every service that changes state records who, what, before and after."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from django.db import models

from .models import AuditEntry


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """A JSON-safe picture of a model's concrete fields, for the before/after of an entry."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        data[field.attname] = _json_safe(getattr(instance, field.attname))
    return data


def _json_safe(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.datetime | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dict | list | str | int | float | bool) or value is None:
        return value
    return str(value)


def record(
    actor,
    action: str,
    target: models.Model,
    *,
    before: dict | None = None,
    after: dict | None = None,
    org_unit=None,
    **detail: Any,
) -> AuditEntry:
    """Write one audit entry; call it inside the service's transaction.

    ``org_unit`` is the unit that owns the target (a campaign's organisation, a report's unit),
    so the entry shows in that unit's admins' audit log.
    """
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=_actor_name(actor),
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk or ""),
        target_repr=str(target)[:300],
        org_path=getattr(org_unit, "path", "") or "",
        before=before,
        after=after,
        detail={key: _json_safe(value) for key, value in detail.items()},
    )


def changes(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that differ, so entries stay readable."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}


def _actor_name(actor) -> str:
    if actor is None or not getattr(actor, "pk", None):
        return "系统"
    return getattr(actor, "display_name", None) or actor.get_username()


def delete_counted(actor, action: str, rows: models.QuerySet, target: models.Model, **entry) -> int:
    """Delete ``rows`` (and what cascades from them) with one entry on ``target`` saying how
    many, when there were any: for deletions too many to record one by one. Returns how many."""
    _total, deleted = rows.delete()
    count = deleted.get(rows.model._meta.label, 0)
    if count:
        record(actor, action, target, before={"count": count}, **entry)
    return count

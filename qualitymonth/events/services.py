"""Planning, changing, holding and cancelling events. A unit plans events only for items it
is assigned to; the campaign admin may plan for any unit of the campaign."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from qualitymonth.accounts.scope import scope_of
from qualitymonth.assignments.models import Assignment
from qualitymonth.campaigns.models import Campaign, Item
from qualitymonth.core import audit
from qualitymonth.core.validation import check_fields
from qualitymonth.orgs.models import OrgUnit

from .models import Event

EVENT_FIELDS = [
    "title",
    "starts_at",
    "ends_at",
    "mode",
    "address",
    "street_town",
    "online_url",
    "audience",
    "is_public",
    "expected_participants",
]


ENDS_BEFORE_START = "结束时间不能早于开始时间。"


def may_plan(by, item: Item, org_unit: OrgUnit) -> bool:
    """The unit's reporter for an item assigned to the unit, or the campaign's admin."""
    scope = scope_of(by)
    if scope.can("campaign.admin", item.campaign.org_unit):
        return org_unit.path.startswith(item.campaign.org_unit.path)
    return (
        scope.can("unit.report", org_unit)
        and Assignment.objects.filter(item=item, org_unit=org_unit).exists()
    )


def may_change(by, event: Event) -> bool:
    scope = scope_of(by)
    return scope.can("campaign.admin", event.item.campaign.org_unit) or scope.can(
        "unit.report", event.org_unit
    )


def _validate(fields: dict[str, Any], item: Item) -> None:
    errors = {}
    starts, ends = fields.get("starts_at"), fields.get("ends_at")
    if starts and ends and ends < starts:
        errors["ends_at"] = ENDS_BEFORE_START
    mode = fields.get("mode") or Event.Mode.OFFLINE
    if mode == Event.Mode.ONLINE and not fields.get("online_url"):
        errors["online_url"] = "线上活动请填写链接。"
    if mode == Event.Mode.OFFLINE and not fields.get("address"):
        errors["address"] = "线下活动请填写地点。"
    if item.campaign.status != Campaign.Status.PUBLISHED:
        errors["item"] = "活动尚未发布，不能安排场次。"
    if errors:
        raise ValidationError(errors)


def plan_event(by, *, item: Item, org_unit: OrgUnit, **fields: Any) -> Event:
    if not may_plan(by, item, org_unit):
        raise ValidationError({"item": "贵单位没有承担这个事项，不能为它安排活动。"})
    _validate(fields, item)
    with transaction.atomic():
        event = Event.objects.create(
            item=item,
            org_unit=org_unit,
            created_by=by,
            **{key: fields[key] for key in EVENT_FIELDS if key in fields},
        )
        audit.record(by, "event.planned", event, after=audit.snapshot(event), org_unit=org_unit)
    return event


def update_event(event: Event, by, **changes: Any) -> Event:
    _require_change(by, event)
    unknown = set(changes) - set(EVENT_FIELDS)
    if unknown:
        raise ValueError(f"not event fields: {sorted(unknown)}")
    _validate({**{k: getattr(event, k) for k in EVENT_FIELDS}, **changes}, event.item)
    with transaction.atomic():
        before = audit.snapshot(event)
        for key, value in changes.items():
            setattr(event, key, value)
        event.save()
        old, new = audit.changes(before, audit.snapshot(event))
        if new:
            audit.record(by, "event.updated", event, before=old, after=new, org_unit=event.org_unit)
    return event


def _require_change(by, event: Event) -> None:
    if not may_change(by, event):
        raise PermissionDenied("您没有权限修改这场活动。")


def set_status(event: Event, by, status: str, reason: str = "") -> Event:
    """Mark an event held, or cancel it with a reason; a cancelled event can be planned again."""
    _require_change(by, event)
    if status == Event.Status.CANCELLED and not reason.strip():
        raise ValidationError({"cancel_reason": "请填写取消原因。"})
    with transaction.atomic():
        before = {"status": event.status}
        event.status = status
        event.cancel_reason = reason.strip() if status == Event.Status.CANCELLED else ""
        event.save(update_fields=["status", "cancel_reason", "updated_at"])
        audit.record(
            by,
            f"event.{status}",
            event,
            before=before,
            after={"status": status, "reason": event.cancel_reason},
            org_unit=event.org_unit,
        )
    return event


# Imported from a district's upward package ---------------------------------------------------

IMPORTED_FIELDS = ["item", "org_unit", "status", *EVENT_FIELDS]


def import_events(
    campaign: Campaign, by, rows: list[dict[str, Any]], *, sha256: str = ""
) -> list[Event]:
    """The events of a district's upward package, for its imported ``campaign``, in the order
    of ``rows`` (``item``, ``org_unit``, ``status`` and event fields). Each keeps the rules of
    an event (required fields, lengths, choices, an end not before the start, an item of this
    campaign); the first problem raises ``ValidationError`` naming the event, and nothing is
    kept. Where and online links are not asked for: the package carries what the district
    recorded.

    Called by ``upward`` for a city user importing the package: the user needs
    ``upward.receive`` on the district's city (`Scope.require_import_for`). One audit entry,
    with the count.
    """
    scope_of(by).require_import_for(campaign.org_unit)
    events = []
    for row in rows:
        unknown = set(row) - set(IMPORTED_FIELDS)
        if unknown:
            raise ValueError(f"not event fields: {sorted(unknown)}")
        event = Event(**row)
        where = f"活动场次“{event.title}”"
        check_fields(event, where)
        if event.item.campaign_id != campaign.pk:
            raise ValidationError(f"{where}的活动事项不属于{campaign.name}。")
        if event.ends_at < event.starts_at:
            raise ValidationError(f"{where}的{ENDS_BEFORE_START}")
        events.append(event)
    with transaction.atomic():
        Event.objects.bulk_create(events)
        audit.record(
            by,
            "event.imported",
            campaign,
            org_unit=campaign.org_unit,
            after={"events": len(events)},
            sha256=sha256,
        )
    return events


def delete_imported_events(campaign: Campaign, by, *, sha256: str = "") -> int:
    """Delete the events of an imported ``campaign`` whose package is being replaced (with
    their registrations); how many. Its reports go first (``reports.services``).

    Called by ``campaigns.services.delete_imported_campaign``: the user needs
    ``upward.receive`` on the district's city (`Scope.require_import_for`). One audit entry,
    with the count."""
    scope_of(by).require_import_for(campaign.org_unit)
    with transaction.atomic():
        return audit.delete_counted(
            by,
            "event.deleted_with_campaign",
            Event.objects.filter(item__campaign=campaign),
            campaign,
            org_unit=campaign.org_unit,
            sha256=sha256,
        )

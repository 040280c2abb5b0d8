"""Assigning items to units: who leads, who takes part. Newly assigned units' reporters are
told through the notification service."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from qualitymonth.accounts.models import Membership, Role
from qualitymonth.accounts.scope import scope_of
from qualitymonth.campaigns.models import Item
from qualitymonth.core import audit
from qualitymonth.core.notifications import notify
from qualitymonth.orgs.models import OrgUnit

from .models import Assignment


def assign_units(
    item: Item, by, *, lead: Iterable[OrgUnit], participants: Iterable[OrgUnit]
) -> dict[str, list[str]]:
    """Make ``lead`` and ``participants`` the item's units, exactly.

    A unit named in both leads. Units must belong to the campaign's organisation. Returns the
    names added and removed, for the message shown to the admin.
    """
    campaign = item.campaign
    scope_of(by).require("campaign.admin", campaign.org_unit)
    wanted: dict[int, tuple[OrgUnit, str]] = {
        unit.pk: (unit, Assignment.Role.PARTICIPANT) for unit in participants
    }
    wanted.update({unit.pk: (unit, Assignment.Role.LEAD) for unit in lead})
    outside = [u.name for u, _ in wanted.values() if not u.path.startswith(campaign.org_unit.path)]
    if outside:
        raise ValidationError(f"这些单位不属于{campaign.org_unit.name}：{'、'.join(outside)}")
    with transaction.atomic():
        current = {a.org_unit_id: a for a in item.assignments.select_related("org_unit")}
        before = _described(current.values())
        removed = [a for pk, a in current.items() if pk not in wanted]
        Assignment.objects.filter(pk__in=[a.pk for a in removed]).delete()
        changed = []
        for pk, (_unit, role) in wanted.items():
            if pk in current and current[pk].role != role:
                current[pk].role = role
                changed.append(current[pk])
        Assignment.objects.bulk_update(changed, ["role"])
        added = Assignment.objects.bulk_create(
            Assignment(item=item, org_unit=unit, role=role)
            for pk, (unit, role) in wanted.items()
            if pk not in current
        )
        if added or removed or changed:
            after = _described(item.assignments.select_related("org_unit"))
            audit.record(
                by,
                "item.assigned",
                item,
                before=before,
                after=after,
                org_unit=campaign.org_unit,
            )
    if added and campaign.is_published:
        tell_units(item, [a.org_unit for a in added])
    return {
        "added": [a.org_unit.name for a in added],
        "removed": [a.org_unit.name for a in removed],
    }


def _described(assignments: Iterable[Assignment]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {Assignment.Role.LEAD: [], Assignment.Role.PARTICIPANT: []}
    for assignment in assignments:
        result[assignment.role].append(assignment.org_unit.name)
    return {role: sorted(names) for role, names in result.items()}


def tell_units(item: Item, units: list[OrgUnit]) -> None:
    """Tell the reporters of newly assigned units, once per person."""
    reporters = {
        m.user
        for m in Membership.objects.filter(org_unit__in=units, role=Role.REPORTER).select_related(
            "user"
        )
    }
    if reporters:
        campaign = item.campaign
        notify(
            reporters,
            "item_assigned",
            f"新任务：{item}",
            body=f"{campaign.name}的活动事项“{item.title}”已分配给贵单位，请在“我的任务”中查看。",
            url=reverse("assignments:my_tasks"),
        )


def import_assignments(
    campaign, by, rows: Iterable[tuple[Item, OrgUnit, str]], *, sha256: str = ""
) -> list[Assignment]:
    """Who led and took part in each item of a campaign imported from a district's upward
    package, as the district assigned them. Each unit must belong to the district and each
    role be a role; the first problem raises ``ValidationError`` and nothing is kept. Nobody is
    told: the work was assigned, and done, in the district's own deployment.

    Called by ``upward`` for a city user importing the package: the user needs
    ``upward.receive`` on the district's city (`Scope.require_import_for`). One audit entry,
    with the count.
    """
    scope_of(by).require_import_for(campaign.org_unit)
    unique: dict[tuple[int, int], Assignment] = {}
    for item, unit, role in rows:
        if not unit.path.startswith(campaign.org_unit.path):
            raise ValidationError(f"任务分配中的“{unit.name}”不属于{campaign.org_unit.name}。")
        if role not in Assignment.Role.values:
            raise ValidationError(f"任务分配中“{unit.name}”的分工“{role}”无效。")
        unique[item.pk, unit.pk] = Assignment(item=item, org_unit=unit, role=role)
    with transaction.atomic():
        created = Assignment.objects.bulk_create(unique.values())
        audit.record(
            by,
            "assignment.imported",
            campaign,
            org_unit=campaign.org_unit,
            after={"assignments": len(created)},
            sha256=sha256,
        )
    return created

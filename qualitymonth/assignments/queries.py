"""Reads of assignments: an item's units, a campaign's plan of units, a reporter's tasks."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from qualitymonth.accounts.models import Role
from qualitymonth.accounts.scope import scope_of
from qualitymonth.campaigns.models import Campaign, Item
from qualitymonth.orgs.models import OrgUnit

from .models import Assignment


def assignable_units(campaign: Campaign) -> QuerySet[OrgUnit]:
    """The units below the campaign's organisation, in pinyin order within each kind."""
    return (
        OrgUnit.objects.filter(path__startswith=campaign.org_unit.path)
        .exclude(pk=campaign.org_unit_id)
        .order_by("kind", "pinyin")
    )


def units_by_role(item: Item) -> dict[str, list[OrgUnit]]:
    result: dict[str, list[OrgUnit]] = {role: [] for role in Assignment.Role.values}
    for assignment in item.assignments.select_related("org_unit").order_by("org_unit__pinyin"):
        result[assignment.role].append(assignment.org_unit)
    return result


@dataclass
class CampaignTasks:
    campaign: Campaign
    assignments: list[Assignment] = field(default_factory=list)


def my_tasks(user) -> list[CampaignTasks]:
    """The items assigned to the units the user reports for (and their sub-units), per
    published campaign, newest campaign first."""
    scope = scope_of(user)
    if Role.REPORTER not in scope.roles:
        return []
    assignments = (
        Assignment.objects.filter(
            org_unit__in=scope.units("unit.report"),
            item__campaign__status=Campaign.Status.PUBLISHED,
        )
        .select_related("item__category", "item__campaign__org_unit", "org_unit")
        .prefetch_related("item__campaign__deadlines")
        .order_by(
            "-item__campaign__year",
            "item__campaign_id",
            "item__category__order",
            "item__order",
            "org_unit__pinyin",
        )
    )
    grouped: dict[int, CampaignTasks] = {}
    for assignment in assignments:
        campaign = assignment.item.campaign
        grouped.setdefault(campaign.pk, CampaignTasks(campaign)).assignments.append(assignment)
    return list(grouped.values())

"""Reads of campaigns that are more than a ``get``, each scoped to what the user may see."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from qualitymonth.accounts.scope import scope_of
from qualitymonth.orgs.models import OrgUnit

from .models import Campaign, Category, Item


def visible_campaigns(user) -> QuerySet[Campaign]:
    """Published campaigns around the user's units, and every campaign the user administers."""
    scope = scope_of(user)
    if not getattr(user, "is_authenticated", False):
        return Campaign.objects.none()
    published = Q(status=Campaign.Status.PUBLISHED) & Q(
        org_unit__in=OrgUnit.objects.filter(scope.campaign_org_filter())
    )
    administered = Q(org_unit__in=scope.units("campaign.admin"))
    return Campaign.objects.filter(published | administered).select_related("org_unit")


def campaign_plan(campaign: Campaign) -> list[Category]:
    """Categories with their items and each item's indicators, in plan order: three queries."""
    items = Item.objects.order_by("order", "id").prefetch_related("indicators")
    return list(
        campaign.categories.order_by("order", "id").prefetch_related(
            Prefetch("items", queryset=items)
        )
    )

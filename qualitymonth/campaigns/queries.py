"""Reads of campaigns that are more than a ``get``, each scoped to what the user may see."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from qualitymonth.accounts.scope import scope_of
from qualitymonth.core.chinese import to_simplified
from qualitymonth.orgs.models import OrgUnit

from .models import Campaign, Category, Item


def visible_campaigns(user) -> QuerySet[Campaign]:
    """Published campaigns around the user's units, and every campaign the user administers.

    Archived ones are among them: they stay readable by their address. What people work in,
    the switcher and the landing page, is ``working_campaigns``.
    """
    scope = scope_of(user)
    if not getattr(user, "is_authenticated", False):
        return Campaign.objects.none()
    published = Q(status__in=[Campaign.Status.PUBLISHED, Campaign.Status.ARCHIVED]) & Q(
        org_unit__in=OrgUnit.objects.filter(scope.campaign_org_filter())
    )
    administered = Q(org_unit__in=scope.units("campaign.admin"))
    return Campaign.objects.filter(published | administered).select_related("org_unit")


def working_campaigns(user) -> QuerySet[Campaign]:
    """The campaigns of the switcher: the visible ones that are not archived."""
    return visible_campaigns(user).exclude(status=Campaign.Status.ARCHIVED)


def default_campaign(user) -> Campaign | None:
    """Where a person lands without a choice of their own: their latest published campaign
    (else their latest draft). When its organisation has several of that year and kind (a
    notice imported twice), the one people work in: the most reports, then the earliest
    published, so an empty copy published later never takes the place of the real one."""
    campaigns = working_campaigns(user)
    latest = campaigns.filter(status=Campaign.Status.PUBLISHED).first() or campaigns.first()
    if latest is None:
        return None
    rivals = campaigns.filter(
        org_unit=latest.org_unit_id, year=latest.year, kind=latest.kind, status=latest.status
    )
    return (
        rivals.annotate(reports=Count("items__reports"))
        .order_by("-reports", "published_at", "id")
        .first()
    )


def campaign_plan(campaign: Campaign) -> list[Category]:
    """Categories with their items and each item's indicators, in plan order: three queries."""
    items = Item.objects.order_by("order", "id").prefetch_related("indicators")
    return list(
        campaign.categories.order_by("order", "id").prefetch_related(
            Prefetch("items", queryset=items)
        )
    )


# One notice, one campaign ----------------------------------------------------------------------

_OPENING = str.maketrans(dict.fromkeys("〔[【〖", "("))
_CLOSING = str.maketrans(dict.fromkeys("〕]】〗", ")"))
_IGNORED_RE = re.compile(r"[\s“”‘’\"'「」『』]+")


def comparable(text: str) -> str:
    """A notice's words as compared, not as shown: simplified characters, half-width forms,
    one kind of bracket, no spaces or quotes. 浦市监质[2024] 99号, 浦市監質（2024）99號 and
    浦市监质〔2024〕99号 are the same number."""
    text = unicodedata.normalize("NFKC", to_simplified(text or ""))
    text = text.translate(_OPENING).translate(_CLOSING)
    return _IGNORED_RE.sub("", text).casefold()


@dataclass(frozen=True)
class Duplicate:
    """An existing campaign built from the same notice, and what gave it away."""

    campaign: Campaign
    reason: str


def duplicate_campaigns(
    org_unit: OrgUnit,
    *,
    year: int | None,
    title: str,
    issuer: str = "",
    doc_number: str = "",
    exclude: Campaign | None = None,
) -> list[Duplicate]:
    """The organisation's campaigns (not archived) built from the same notice: the same
    发文字号, or the same 发文机关, year and title, each compared as ``comparable`` text.
    Another organisation's campaign is never a duplicate."""
    number = comparable(doc_number)
    # without a title, issuer and year alone would make every campaign of the year a duplicate
    heading = (comparable(issuer), year, comparable(title)) if comparable(title) else None
    others = Campaign.objects.filter(org_unit=org_unit).exclude(status=Campaign.Status.ARCHIVED)
    if exclude is not None:
        others = others.exclude(pk=exclude.pk)
    found = []
    for other in others.select_related("org_unit").order_by("created_at", "id"):
        if number and comparable(other.doc_number) == number:
            found.append(Duplicate(other, "发文字号相同"))
        elif heading == (comparable(other.issuer), other.year, comparable(other.title)):
            found.append(Duplicate(other, "发文机关、年度和标题相同"))
    return found


def duplicates_of(campaign: Campaign) -> list[Duplicate]:
    return duplicate_campaigns(
        campaign.org_unit,
        year=campaign.year,
        title=campaign.title,
        issuer=campaign.issuer,
        doc_number=campaign.doc_number,
        exclude=campaign,
    )

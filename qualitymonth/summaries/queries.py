"""Reads of unit summaries: who sees which, the review list, what a unit may still write."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet

from qualitymonth.accounts.scope import scope_of
from qualitymonth.assignments.models import Assignment
from qualitymonth.campaigns.models import Campaign, Deadline
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.reports import review
from qualitymonth.reports.models import Photo, Report

from .models import UnitSummary


def summary_due_date(campaign: Campaign) -> datetime.date | None:
    """Summaries are due by the notice's 书面小结 deadline, else its last deadline, else the end
    of the campaign."""
    return review.due_date(campaign, Deadline.Kind.SUMMARY)


def visible_summaries(user) -> QuerySet[UnitSummary]:
    """Summaries of the units the user's roles reach: their own unit's, or all under an admin,
    reviewer or city viewer — the same reach as reports."""
    return UnitSummary.objects.filter(org_unit__in=scope_of(user).units("org.view")).select_related(
        "campaign__org_unit", "org_unit", "author", "reviewed_by"
    )


def review_list(user, status: str | None = UnitSummary.Status.SUBMITTED) -> QuerySet[UnitSummary]:
    """Summaries of the units the user reviews, waiting first; ``status=None`` for all."""
    summaries = (
        UnitSummary.objects.filter(org_unit__in=scope_of(user).units("report.review"))
        .exclude(campaign__status=Campaign.Status.ARCHIVED)  # let go of: none to review
        .select_related("campaign__org_unit", "org_unit", "author")
    )
    if status:
        summaries = summaries.filter(status=status)
    return summaries.order_by("submitted_at", "id")


def accepted_reports(campaign: Campaign, org_unit: OrgUnit) -> QuerySet[Report]:
    """The unit's accepted reports of the campaign, in plan order: what its summary draws on."""
    return (
        Report.objects.filter(
            item__campaign=campaign, org_unit=org_unit, status=Report.Status.ACCEPTED
        )
        .select_related("item__category", "event")
        .order_by("item__category__order", "item__order", "item_id", "event__starts_at", "id")
    )


def selectable_photos(summary: UnitSummary) -> QuerySet[Photo]:
    """The photos a summary may show: those of the unit's own accepted reports of the
    campaign."""
    return (
        Photo.objects.filter(
            report__item__campaign_id=summary.campaign_id,
            report__org_unit_id=summary.org_unit_id,
            report__status=Report.Status.ACCEPTED,
        )
        .select_related("report")
        .order_by("report__item__category__order", "report__item__order", "report_id", "id")
    )


@dataclass
class UnitSummaryRow:
    """One line of a reporter's list: a campaign and unit, and its summary if started."""

    campaign: Campaign
    org_unit: OrgUnit
    summary: UnitSummary | None

    @property
    def due(self) -> datetime.date | None:
        return summary_due_date(self.campaign)


def my_summaries(user, campaign: Campaign | None = None) -> list[UnitSummaryRow]:
    """Each published campaign and unit the user reports for that has assigned items, with the
    summary it has, newest campaign first: five queries however many there are."""
    pairs = (
        Assignment.objects.filter(
            org_unit__in=scope_of(user).units("unit.report"),
            item__campaign__status=Campaign.Status.PUBLISHED,
        )
        .values_list("item__campaign_id", "org_unit_id")
        .distinct()
    )
    if campaign is not None:
        pairs = pairs.filter(item__campaign=campaign)
    pairs = set(pairs)
    if not pairs:
        return []
    campaigns = {
        c.pk: c
        for c in Campaign.objects.filter(pk__in={c for c, _u in pairs})
        .select_related("org_unit")
        .prefetch_related("deadlines")
    }
    units = {u.pk: u for u in OrgUnit.objects.filter(pk__in={u for _c, u in pairs})}
    summaries = {
        (s.campaign_id, s.org_unit_id): s
        for s in UnitSummary.objects.filter(
            campaign_id__in=campaigns, org_unit_id__in=units
        ).select_related("author")
    }
    rows = [UnitSummaryRow(campaigns[c], units[u], summaries.get((c, u))) for c, u in pairs]
    rows.sort(key=lambda row: (-row.campaign.year, -row.campaign.pk, row.org_unit.pinyin))
    return rows

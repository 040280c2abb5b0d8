from django.db.models import QuerySet

from qualitymonth.accounts.scope import scope_of
from qualitymonth.campaigns.models import Campaign

from .models import Report


def visible_reports(user) -> QuerySet[Report]:
    """Reports of the units the user's roles reach: their own unit's, or all under an admin,
    reviewer or city viewer."""
    return Report.objects.filter(org_unit__in=scope_of(user).units("org.view")).select_related(
        "item__campaign", "org_unit", "event", "author"
    )


def review_queue(user) -> QuerySet[Report]:
    return (
        Report.objects.filter(
            org_unit__in=scope_of(user).units("report.review"), status=Report.Status.SUBMITTED
        )
        .exclude(item__campaign__status=Campaign.Status.ARCHIVED)  # let go of: none to review
        .select_related("item__campaign", "org_unit", "author")
        .order_by("submitted_at", "id")
    )

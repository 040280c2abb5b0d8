"""Real photos on reports in any state, through the reports service."""

import itertools

from qualitymonth.accounts.models import Membership, Role, User
from qualitymonth.demo.pictures import sample_photo
from qualitymonth.reports import services as reports
from qualitymonth.reports.models import Photo, Report

_seeds = itertools.count(1)


def add_photo(report: Report) -> Photo:
    """A photo taken on the report's day, added as its unit's reporter would (the report is
    opened for the moment and put back in its state)."""
    author, _ = User.objects.get_or_create(username=f"photographer{report.org_unit_id}")
    Membership.objects.get_or_create(user=author, org_unit=report.org_unit, role=Role.REPORTER)
    status = report.status
    Report.objects.filter(pk=report.pk).update(status=Report.Status.DRAFT)
    report.refresh_from_db()
    seed = next(_seeds)
    photo = reports.add_photo(
        report, author, sample_photo(seed, "2024:09:10 10:00:00", (320, 240)), f"IMG_{seed}.JPG"
    )
    Report.objects.filter(pk=report.pk).update(status=status)
    return photo

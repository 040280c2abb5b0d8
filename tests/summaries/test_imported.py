"""Unit summaries go with their campaign when a corrected upward package replaces it, through
the summaries app's own service."""

import pytest
from django.core.exceptions import PermissionDenied

from qualitymonth.core.models import AuditEntry
from qualitymonth.summaries.models import UnitSummary
from qualitymonth.summaries.services import delete_imported_summaries, start_summary


def test_the_campaigns_summaries_are_deleted_and_audited_once(
    reporter, campaign, lujiazui, accepted, admin, city_viewer
):
    start_summary(reporter, campaign=campaign, org_unit=lujiazui)
    with pytest.raises(PermissionDenied):  # the district's admin receives nothing at the city
        delete_imported_summaries(campaign, admin)
    assert delete_imported_summaries(campaign, city_viewer, sha256="ab" * 32) == 1
    assert not UnitSummary.objects.exists()
    entry = AuditEntry.objects.get(action="summary.deleted_with_campaign")
    assert entry.before == {"count": 1} and entry.detail == {"sha256": "ab" * 32}


def test_nothing_to_delete_is_not_audited(campaign, city_viewer):
    assert delete_imported_summaries(campaign, city_viewer) == 0
    assert not AuditEntry.objects.filter(action="summary.deleted_with_campaign").exists()

"""The world of a street writing its summary: the published campaign and the street's event
and draft report (from tests/reports), a reviewer, and reports put in any state."""

import pytest

from qualitymonth.accounts.models import Role
from qualitymonth.reports import services as reports
from tests.conftest import make_person
from tests.reports import conftest as report_fixtures
from tests.reports.conftest import photo_bytes

# The report tests' world, shared: the published campaign, the street's item and event.
campaign = report_fixtures.campaign
item = report_fixtures.item
event = report_fixtures.event


@pytest.fixture
def reviewer(pudong):
    return make_person("reviewer", Role.REVIEWER, pudong)


@pytest.fixture
def write_report(reporter, reviewer, item, lujiazui, event):
    """A report of the street's event in the state asked for, with its people count and
    photos."""

    def write(state: str, people: str, *, title: str = "质量知识进社区", photos=()):
        report = reports.start_report(reporter, item=item, org_unit=lujiazui, event=event)
        reports.save_draft(
            report,
            reporter,
            title=title,
            content=f"{title}，向居民宣传质量知识。",
            effect="居民反响良好。",
            figures={item.indicators.get(name="参与人数").pk: people},
        )
        for seed in photos:
            reports.add_photo(report, reporter, photo_bytes(seed), f"IMG_{seed}.jpg")
        if state in {"submitted", "returned", "accepted"}:
            report = reports.submit_report(report, reporter)
        if state == "returned":
            report = reports.return_report(report, reviewer, "请补充照片。")
        if state == "accepted":
            report = reports.accept_report(report, reviewer)
        return report

    return write


@pytest.fixture
def accepted(write_report, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return write_report("accepted", "120", photos=(1, 2))

"""The accepted reports of a district's upward package, with their figures and photos, checked
and kept by the reports app's own service, and deleted with their imported campaign."""

import datetime
import zoneinfo
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qualitymonth.core.models import AuditEntry
from qualitymonth.reports.models import Photo, Report, ReportValue
from qualitymonth.reports.services import (
    delete_files,
    delete_imported_reports,
    import_accepted_reports,
)
from tests.campaigns import conftest as campaign_fixtures
from tests.campaigns.conftest import SHA256

from .conftest import photo_bytes

# The campaigns tests' imported plan, shared.
imported = campaign_fixtures.imported
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def stored_files(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


@pytest.fixture
def row(imported, lujiazui):
    item = imported.items["item-2"]
    return {
        "item": item,
        "event": None,
        "org_unit": lujiazui,
        "title": "质量知识进社区",
        "content": "在社区开展宣传。",
        "effect": "居民反响良好。",
        "starred": True,
        "submitted_at": datetime.datetime(2024, 9, 12, 18, tzinfo=SHANGHAI),
        "reviewed_at": datetime.datetime(2024, 9, 13, 9, tzinfo=SHANGHAI),
        "is_late": False,
        "values": {
            imported.indicators["item-2", "参与人数"]: "120.00",
            imported.indicators["item-2", "满意度"]: "92.50",
        },
        "photos": [
            ("photos/001.jpg", "陆家嘴街道 9月12日 质量知识进社区", photo_bytes(1)),
            ("photos/002.jpg", "同一张照片再次出现", photo_bytes(1)),
        ],
    }


def test_reports_are_kept_accepted_with_figures_and_photos_and_audited_once(
    imported, row, city_viewer, media
):
    files: list = []
    [report] = import_accepted_reports(
        imported.campaign, city_viewer, [row], files=files, sha256=SHA256
    )
    report.refresh_from_db()
    assert report.status == Report.Status.ACCEPTED and report.starred
    assert report.reviewed_at.day == 13
    assert {v.indicator.name: str(v.value) for v in report.values.all()} == {
        "参与人数": "120.00",
        "满意度": "92.50",
    }
    [photo] = report.photos.all()  # the same picture twice in a report is one photo
    assert photo.caption == "陆家嘴街道 9月12日 质量知识进社区"
    assert photo.uploaded_by == city_viewer and photo.bands.count() > 0
    assert len(files) == 4 and all(f.storage.exists(f.name) for f in files)

    [entry] = AuditEntry.objects.filter(action="report.imported")
    assert entry.after == {"reports": 1, "values": 2, "photos": 1}
    assert entry.detail == {"sha256": SHA256}


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("参与人数", "-5.00", "报送《质量知识进社区》的指标“参与人数”：不能是负数。"),
        ("参与人数", "12.50", "报送《质量知识进社区》的指标“参与人数”：请填写整数。"),
        ("满意度", "9.125", "报送《质量知识进社区》的指标“满意度”：最多保留两位小数。"),
    ],
)
def test_a_figure_a_reporter_could_not_enter_is_refused_before_any_file_is_written(
    imported, row, city_viewer, media, name, text, message
):
    row["values"][imported.indicators["item-2", name]] = text
    files: list = []
    with pytest.raises(ValidationError) as caught:
        import_accepted_reports(imported.campaign, city_viewer, [row], files=files)
    assert caught.value.messages == [message]
    assert not Report.objects.exists() and not ReportValue.objects.exists()
    assert files == [] and stored_files(media) == []


def test_a_figure_of_another_items_indicator_is_refused(imported, row, city_viewer, media):
    row["values"] = {imported.indicators["item-19", "检定台数"]: "3"}
    with pytest.raises(ValidationError, match="“检定台数”不是它的活动事项的指标"):
        import_accepted_reports(imported.campaign, city_viewer, [row], files=[])


def test_an_unreadable_photo_is_refused_and_the_files_written_are_handed_back(
    imported, row, city_viewer, media
):
    row["photos"] = [row["photos"][0], ("photos/002.jpg", "", b"\xff\xd8 not a photo")]
    files: list = []
    with pytest.raises(ValidationError) as caught:
        import_accepted_reports(imported.campaign, city_viewer, [row], files=files)
    assert caught.value.messages[0].startswith(
        "报送《质量知识进社区》的照片 photos/002.jpg 无法读取："
    )
    assert not Photo.objects.exists()
    # The first photo's copies were written; the caller removes them as its transaction fails.
    assert len(files) == 4 and len(stored_files(media)) == 4
    delete_files(files)
    assert stored_files(media) == []


def test_deleting_the_reports_removes_their_files_once_committed(
    imported, row, city_viewer, admin, media, django_capture_on_commit_callbacks
):
    import_accepted_reports(imported.campaign, city_viewer, [row], files=[])
    with pytest.raises(PermissionDenied):
        delete_imported_reports(imported.campaign, admin)
    with django_capture_on_commit_callbacks(execute=True):
        assert delete_imported_reports(imported.campaign, city_viewer, sha256=SHA256) == 1
    assert not Report.objects.exists() and not Photo.objects.exists()
    assert stored_files(media) == []
    entry = AuditEntry.objects.get(action="report.deleted_with_campaign")
    assert entry.before == {"count": 1} and entry.detail["files"] == 4


def test_only_a_user_receiving_at_the_districts_city_imports(imported, row, admin, media):
    with pytest.raises(PermissionDenied):
        import_accepted_reports(imported.campaign, admin, [row], files=[])
    assert not Report.objects.exists()

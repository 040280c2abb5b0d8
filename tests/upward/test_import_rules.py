"""What the importing apps' own rules make of a package that passed every checksum: a row
against them refuses the whole package with a Chinese message, audited, and leaves every table
and the media folder as they were; a unit's malformed credit code is left blank and said; each
app audits its rows once, with the counts and the package's checksum."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from qualitymonth.campaigns.models import Campaign
from qualitymonth.core.models import AuditEntry
from qualitymonth.events.models import Event
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.reports.models import Photo, Report
from qualitymonth.upward import services
from qualitymonth.upward.models import UpwardPackage
from qualitymonth.upward.package import PackageError
from tests.campaigns.conftest import RATE

from .conftest import rebuilt, stored

REFUSED = "上报包中有数据不符合本平台的规则，没有导入："


def _event(manifest: dict, title: str) -> dict:
    return next(event for event in manifest["events"] if event["title"] == title)


def _starred(manifest: dict) -> dict:
    return next(report for report in manifest["reports"] if report["starred"])


def _first_indicator(manifest: dict) -> dict:
    return manifest["campaign"]["categories"][0]["items"][0]["indicators"][0]


def _add_formula(manifest, files):
    manifest["campaign"]["formulas"].append(dict(RATE))  # over indicators Pudong has not


def _end_before_start(manifest, files):
    _event(manifest, "质量知识进社区")["ends_at"] = "2024-09-12T08:00:00+08:00"


def _negative_people(manifest, files):
    _starred(manifest)["values"]["参与人数"] = "-120.00"


def _value_type(manifest, files):
    _first_indicator(manifest)["value_type"] = "text"


def _broken_second_photo(manifest, files):
    files["photos/002.jpg"] = b"\xff\xd8 not a photo any more"


# Each: a change a district platform with other rules could make, and what the city reads.
INVALID = {
    "formula of an unknown indicator": (
        _add_formula,
        "派生指标“合格率”：没有名为“合格台数”的指标，请核对指标名称",
    ),
    "event ending before it starts": (
        _end_before_start,
        "活动场次“质量知识进社区”的结束时间不能早于开始时间",
    ),
    "negative figure of an integer indicator": (
        _negative_people,
        "报送《质量知识进社区》的指标“参与人数”：不能是负数",
    ),
    "indicator of an unknown value type": (_value_type, "的数值类型：值 'text' 不是有效选项"),
    # The first photo's four copies are written before the second fails: they must go too.
    "unreadable photo": (_broken_second_photo, "报送《质量知识进社区》的照片 photos/002.jpg"),
}


@pytest.mark.parametrize("case", INVALID)
def test_a_row_against_an_apps_rules_refuses_the_package_and_leaves_nothing(
    district_campaign, exported, city, city_viewer, settings, case
):
    change, problem = INVALID[case]
    services.delete_campaign_rows(district_campaign)
    row = services.receive_package(rebuilt(exported.data, change), "p.zip", city_viewer, city)
    media = Path(settings.MEDIA_ROOT)
    before = stored(media)

    with pytest.raises(PackageError) as caught:
        services.import_package(row, city_viewer)

    message = caught.value.message
    assert message.startswith(REFUSED) and problem in message, message
    assert caught.value.code == "invalid"
    before["rows"]["core.AuditEntry"] += 1  # the refusal, and nothing else
    assert stored(media) == before
    refusal = AuditEntry.objects.latest("id")
    assert refusal.action == "upward.refused" and refusal.detail["reason"] == message
    row.refresh_from_db()
    assert row.status == UpwardPackage.Status.VERIFIED


def test_a_refused_correction_leaves_the_earlier_import_whole(
    district_campaign, exported, city, city_viewer, settings, django_capture_on_commit_callbacks
):
    services.delete_campaign_rows(district_campaign)
    first = services.import_file(exported.data, "first.zip", city_viewer, city)
    bad = services.receive_package(
        rebuilt(exported.data, _negative_people), "second.zip", city_viewer, city
    )
    media = Path(settings.MEDIA_ROOT)
    before = stored(media)

    # Deleting the earlier import's photo files waits for a commit that never comes.
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PackageError):
        services.import_package(bad, city_viewer)

    before["rows"]["core.AuditEntry"] += 1
    assert stored(media) == before
    first.refresh_from_db()
    assert first.status == UpwardPackage.Status.IMPORTED and first.campaign is not None
    photos = Photo.objects.filter(report__item__campaign=first.campaign)
    assert photos.count() == 2 and all(p.web.storage.exists(p.web.name) for p in photos)


def test_an_aggregation_not_allowed_is_refused_on_arrival(
    district_campaign, exported, city, city_viewer, settings
):
    services.delete_campaign_rows(district_campaign)

    def median(manifest, files):
        _first_indicator(manifest)["aggregation"] = "median"

    data = rebuilt(exported.data, median)
    media = Path(settings.MEDIA_ROOT)
    before = stored(media)
    with pytest.raises(PackageError) as caught:
        services.import_file(data, "p.zip", city_viewer, city)
    assert caught.value.message == (
        "清单文件 manifest.json 格式不正确：campaign.categories[0].items[0].indicators[0]"
        ".aggregation 无效。"
    )
    before["rows"]["core.AuditEntry"] += 1
    assert stored(media) == before


def test_a_malformed_credit_code_is_left_blank_and_the_city_user_is_told(
    district_campaign, exported, city, city_viewer, lujiazui, client
):
    def bad_code(manifest, files):
        street = next(unit for unit in manifest["units"] if unit["name"] == "陆家嘴街道")
        street["credit_code"] = "11310115MB2F34567X"

    services.delete_campaign_rows(district_campaign)
    lujiazui.name = "陆家嘴街道（旧）"  # so the city creates the street anew
    lujiazui.save()
    client.force_login(city_viewer)
    client.post(reverse("upward:received"), {"city": city.pk, "file": _upload(exported, bad_code)})
    row = UpwardPackage.objects.get()
    page = client.post(
        reverse("upward:detail", kwargs={"pk": row.pk}), {"action": "import"}, follow=True
    )

    created = OrgUnit.objects.get(name="陆家嘴街道")
    assert created.credit_code == "" and created.kind == "subdistrict"
    note = "单位“陆家嘴街道”的统一社会信用代码“11310115MB2F34567X”有误（"
    assert note in page.content.decode()
    entry = AuditEntry.objects.get(action="upward.imported")
    assert entry.detail["notes"][0].startswith(note)


def _upload(exported, change) -> SimpleUploadedFile:
    data = rebuilt(exported.data, change)
    return SimpleUploadedFile("p.zip", data, content_type="application/zip")


def test_each_app_audits_its_rows_once_with_the_packages_checksum(
    district_campaign, exported, city, city_viewer
):
    services.delete_campaign_rows(district_campaign)
    row = services.import_file(exported.data, "p.zip", city_viewer, city)

    def entry(action: str) -> AuditEntry:
        [only] = AuditEntry.objects.filter(action=action, detail__sha256=row.sha256)
        assert only.actor == city_viewer and only.org_path == row.district.path
        return only

    items = row.campaign.items.count()
    assert entry("campaign.imported").detail["items"] == items == 20
    assert entry("event.imported").after == {"events": 2}
    assert entry("report.imported").after == {"reports": 3, "values": 5, "photos": 2}
    # Every unit was known: nothing created, nothing to audit.
    assert not AuditEntry.objects.filter(action="org.units_imported_from_package").exists()


def test_a_replaced_import_goes_through_its_apps_files_and_all(
    district_campaign, exported, city, city_viewer, django_capture_on_commit_callbacks
):
    services.delete_campaign_rows(district_campaign)
    first = services.import_file(exported.data, "first.zip", city_viewer, city)
    campaign_pk = first.campaign_id
    old_files = [p.web for p in Photo.objects.filter(report__item__campaign_id=campaign_pk)]
    assert len(old_files) == 2 and all(f.storage.exists(f.name) for f in old_files)

    with django_capture_on_commit_callbacks(execute=True):
        second = services.import_file(exported.data, "again.zip", city_viewer, city)

    assert not Campaign.objects.filter(pk=campaign_pk).exists()
    assert not any(f.storage.exists(f.name) for f in old_files)
    new_files = [p.web for p in Photo.objects.filter(report__item__campaign=second.campaign)]
    assert len(new_files) == 2 and all(f.storage.exists(f.name) for f in new_files)
    deleted = {
        entry.action: entry
        for entry in AuditEntry.objects.filter(target_id=str(campaign_pk))
        if entry.detail.get("sha256") == first.sha256
    }
    assert deleted["campaign.deleted"].detail["reports"] == 3
    assert deleted["report.deleted_with_campaign"].before == {"count": 3}
    assert deleted["report.deleted_with_campaign"].detail["files"] == 8
    assert deleted["event.deleted_with_campaign"].before == {"count": 2}


def test_the_manifest_is_read_tolerantly(district_campaign, exported, city, city_viewer):
    """Optional keys may be missing: an older or newer writer leaves them out."""

    def without_optional(manifest, files):
        for key in ("issuer", "doc_number", "theme"):
            manifest["campaign"].pop(key)
        for unit in manifest["units"]:
            unit.pop("credit_code")
        for event in manifest["events"]:
            event.pop("audience")
            event.pop("street_town")
        for report in manifest["reports"]:
            report.pop("accepted_at")

    services.delete_campaign_rows(district_campaign)
    row = services.import_file(rebuilt(exported.data, without_optional), "p.zip", city_viewer, city)
    assert row.campaign.doc_number == "" and row.notes == []
    assert Report.objects.filter(item__campaign=row.campaign, reviewed_at=None).count() == 3
    assert not Event.objects.filter(item__campaign=row.campaign, street_town__isnull=False)

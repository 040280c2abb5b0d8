"""District A (Pudong) exports its package; the city imports it; the city sees A's figures.

One test database stands for two deployments: after the export, Pudong's campaign and its
reports are deleted (as if they had only ever lived in the district's own deployment), then the
city user imports the package.
"""

import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from qualitymonth.accounts.models import Role
from qualitymonth.campaigns.models import Campaign
from qualitymonth.core.figures import HEADLINE
from qualitymonth.core.models import AuditEntry
from qualitymonth.dashboard.queries import build_dashboard, district_campaigns
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.reports.models import Photo, Report
from qualitymonth.upward import package, services
from qualitymonth.upward.models import UpwardPackage
from qualitymonth.upward.package import PackageError
from qualitymonth.upward.queries import registered_keys
from tests.conftest import make_person

GROUPS = ("category", "item", "unit", "street")


def figures(campaign: Campaign) -> dict:
    """What the dashboard shows of a campaign, keyed by names that survive the trip."""
    dashboard = build_dashboard([campaign], GROUPS)
    return {
        "headline": dashboard.headline,
        "values": dashboard.total.values,
        "derived": {name: dashboard.total.derived[name] for name, _, _ in dashboard.formulas},
        "items": {
            row.label: (row.reports_accepted, row.events_held, row.values)
            for row in dashboard.tables["item"]
            if row.reports_accepted or row.events_registered
        },
        "units": {
            row.label: [row.headline(figure) for figure in HEADLINE] + [row.values]
            for row in dashboard.tables["unit"]
        },
        "streets": {row.label: row.values for row in dashboard.tables["street"]},
    }


def as_other_deployment(campaign: Campaign) -> None:
    """The district's campaign lived only in the district's deployment."""
    services.delete_campaign_rows(campaign)


def test_round_trip_the_city_sees_the_district_as_if_it_reported_here(
    district_campaign, exported, admin, city, pudong, city_viewer, client
):
    before = figures(district_campaign)
    # the returned report stays home; the held event without a report travels
    assert dict((figure.key, value) for figure, value in before["headline"]) == {
        "units_assigned": 1,
        "units_reported": 1,
        "events_registered": 2,
        "events_held": 2,
        "reports_accepted": 3,
    }

    with zipfile.ZipFile(io.BytesIO(exported.data)) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
    assert names == {
        "manifest.json",
        "signature.json",
        "summary.docx",
        "annex.xlsx",
        "photos/001.jpg",
        "photos/002.jpg",
    }
    assert manifest["format"] == "qualitymonth.upward-package"
    assert manifest["version"] == package.VERSION
    assert manifest["unit"] == {
        "name": "浦东新区",
        "kind": "district",
        "credit_code": "",
        "ancestors": ["上海市"],
    }
    assert len(manifest["reports"]) == 3
    assert manifest["figures"]["totals"]["参与人数"] == "245.00"
    assert manifest["photos"][0]["caption"].startswith("陆家嘴街道 9月12日")

    as_other_deployment(district_campaign)
    assert district_campaigns(city, 2024, "quality_month") == []

    row = services.import_file(exported.data, exported.filename, city_viewer, city)

    assert row.status == UpwardPackage.Status.IMPORTED
    assert row.sha256 == package.sha256(exported.data)
    assert row.report_count == 3 and row.photo_count == 2
    [imported] = district_campaigns(city, 2024, "quality_month")
    assert imported == row.campaign and imported.org_unit == pudong
    assert imported.doc_number == "浦市监质〔2024〕99号"
    assert figures(imported) == before
    starred = Report.objects.get(item__campaign=imported, starred=True)
    assert starred.event.title == "质量知识进社区"
    photos = Photo.objects.filter(report__item__campaign=imported)
    assert photos.count() == 2
    assert all(p.web.storage.exists(p.web.name) for p in photos)
    assert photos.first().caption.startswith("陆家嘴街道")

    # The city dashboard page shows Pudong's figure.
    client.force_login(city_viewer)
    page = client.get(reverse("dashboard:city", kwargs={"pk": city.pk, "year": 2024}))
    assert page.status_code == 200
    assert "浦东新区" in page.content.decode() and "245" in page.content.decode()

    entry = AuditEntry.objects.get(action="upward.imported")
    assert entry.after["sha256"] == row.sha256


def test_missing_reporting_units_are_created_under_the_district(
    district_campaign, exported, city, city_viewer, lujiazui
):
    as_other_deployment(district_campaign)
    lujiazui.name = "陆家嘴街道（旧）"
    lujiazui.save()
    services.import_file(exported.data, "p.zip", city_viewer, city)
    created = OrgUnit.objects.get(name="陆家嘴街道")
    assert created.parent.name == "浦东新区" and created.kind == "subdistrict"
    assert Report.objects.filter(org_unit=created).count() == 3


def test_reimporting_a_corrected_package_replaces_the_earlier_import(
    district_campaign, exported, admin, city, city_viewer
):
    from qualitymonth.reports import services as reports

    # The district corrects a figure (reopen, fix, accept again) and sends a new package.
    report = Report.objects.get(item__campaign=district_campaign, starred=True)
    reports.reopen_report(report, admin, "参与人数有误")
    report.refresh_from_db()
    reports.save_draft(
        report, report.author, figures={report.item.indicators.get(name="参与人数").pk: "150"}
    )
    reports.submit_report(report, report.author)
    reports.accept_report(report, admin)
    corrected = services.export_package(district_campaign, admin)

    as_other_deployment(district_campaign)
    first = services.import_file(exported.data, "first.zip", city_viewer, city)
    first_campaign_pk = first.campaign_id
    second = services.import_file(corrected.data, "second.zip", city_viewer, city)

    first.refresh_from_db()
    assert first.status == UpwardPackage.Status.REPLACED and first.replaced_by == second
    assert not Campaign.objects.filter(pk=first_campaign_pk).exists()
    [current] = district_campaigns(city, 2024, "quality_month")
    assert current == second.campaign
    assert figures(current)["values"]["参与人数"] == 275
    assert Report.objects.filter(item__campaign__org_unit__name="浦东新区").count() == 3
    entry = AuditEntry.objects.get(action="upward.imported", target_id=str(second.pk))
    assert entry.before["sha256"] == first.sha256 and entry.after["sha256"] == second.sha256
    assert AuditEntry.objects.filter(action="upward.replaced", target_id=str(first.pk)).exists()


def _flip(data: bytes, member: str, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = source.read(info)
            target.writestr(info.filename, change(body) if info.filename == member else body)
    return out.getvalue()


@pytest.mark.parametrize(
    ("member", "message"),
    [
        ("photos/002.jpg", "文件 photos/002.jpg 的校验值不符，上报包可能已被改动。"),
        (
            "manifest.json",
            "上报包的签名与内容不符：上报包在区级导出后被改动过，或签名是伪造的，已拒绝导入。"
            "请浦东新区重新导出上报包后再上传。",
        ),
    ],
)
def test_a_package_with_one_byte_changed_is_refused_and_audited(
    district_campaign, exported, city, city_viewer, member, message
):
    as_other_deployment(district_campaign)

    def change(body):
        at = 600 if member.endswith(".jpg") else body.index("居民".encode())
        return body[:at] + bytes([body[at] ^ 1]) + body[at + 1 :]

    tampered = _flip(exported.data, member, change)
    with pytest.raises(PackageError) as caught:
        services.import_file(tampered, "tampered.zip", city_viewer, city)
    assert caught.value.message == message
    assert not UpwardPackage.objects.exists()
    assert district_campaigns(city, 2024, "quality_month") == []
    entry = AuditEntry.objects.get(action="upward.refused")
    assert entry.detail["reason"] == message and entry.detail["filename"] == "tampered.zip"


def test_a_district_running_here_needs_no_package(district_campaign, exported, city, city_viewer):
    with pytest.raises(PackageError) as caught:
        services.import_file(exported.data, "p.zip", city_viewer, city)
    assert caught.value.code == "native"
    assert "市级已能直接看到" in caught.value.message


def test_a_package_of_another_citys_district_is_refused(district_campaign, exported, db):
    """北京市 registered no key of 浦东新区: it cannot tell Pudong's package from a forgery."""
    other = OrgUnit.objects.create(name="北京市", kind=OrgUnit.Kind.CITY)
    viewer = make_person("beijing", Role.CITY_VIEWER, other)
    with pytest.raises(PackageError) as caught:
        services.import_file(exported.data, "p.zip", viewer, other)
    assert caught.value.code == "unknown_key"
    assert "如浦东新区确属本市" in caught.value.message


def test_who_may_send_and_receive(district_campaign, exported, reporter, admin, city, city_viewer):
    with pytest.raises(PermissionDenied):
        services.export_package(district_campaign, reporter)
    with pytest.raises(PermissionDenied):
        services.import_file(exported.data, "p.zip", admin, city)  # a district admin
    city_admin = make_person("city_admin", Role.CAMPAIGN_ADMIN, city)
    as_other_deployment(district_campaign)
    assert services.import_file(exported.data, "p.zip", city_admin, city).campaign is not None


def test_pages_send_upload_check_import_and_list(
    district_campaign, admin, reporter, city, city_viewer, client, pudong_key
):
    send = reverse("upward:send", kwargs={"pk": district_campaign.pk})
    client.force_login(reporter)
    assert client.get(send).status_code == 403
    client.force_login(admin)
    overview = client.get(reverse("campaigns:overview", kwargs={"pk": district_campaign.pk}))
    assert send in overview.content.decode()
    page = client.get(send)
    assert page.status_code == 200 and 'data-indicator="参与人数">245</dd>' in page.content.decode()
    assert pudong_key.fingerprint in page.content.decode()  # the key that will sign
    assert client.get(reverse("upward:received")).status_code == 403
    download = client.post(send)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    data = b"".join(download.streaming_content)
    assert package.read_package(data, registered_keys(city)).key == pudong_key.fingerprint

    as_other_deployment(district_campaign)
    client.force_login(city_viewer)
    received = reverse("upward:received")
    bad = client.post(received, {"city": city.pk, "file": _upload(b"not a zip", "x.zip")})
    assert "不是 .zip 压缩包" in bad.content.decode()
    response = client.post(received, {"city": city.pk, "file": _upload(data, "pudong.zip")})
    row = UpwardPackage.objects.get()
    assert response.status_code == 302 and row.status == UpwardPackage.Status.VERIFIED
    detail = reverse("upward:detail", kwargs={"pk": row.pk})
    assert "质量知识进社区" not in client.get(detail).content.decode()
    assert client.post(detail, {"action": "import"}).status_code == 302
    row.refresh_from_db()
    assert row.status == UpwardPackage.Status.IMPORTED
    listing = client.get(received).content.decode()
    assert f'href="{received}"' in listing  # the city's navigation
    assert "浦东新区" in listing and row.sha256[:16] in listing and "city_viewer" in listing
    docx = client.get(reverse("upward:document", kwargs={"pk": row.pk, "name": "summary.docx"}))
    assert b"".join(docx.streaming_content).startswith(b"PK")


def _upload(data: bytes, name: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/zip")

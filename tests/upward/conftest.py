import datetime
import io
import json
import zipfile
import zoneinfo
from pathlib import Path

import pytest
from django.apps import apps
from PIL import Image, ImageDraw

from qualitymonth.assignments.services import assign_units
from qualitymonth.campaigns.services import publish_campaign, save_formula
from qualitymonth.events.services import plan_event, set_status
from qualitymonth.reports import services as reports
from qualitymonth.reports.models import Photo
from qualitymonth.upward import keys, package, services, signing
from qualitymonth.upward.management.commands._actor import SystemOperator
from qualitymonth.worksummaries.services import choose_photos, current_summary

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def photo_bytes(seed: int) -> bytes:
    image = Image.new("RGB", (480, 360), (40 * seed % 255, 120, 200))
    draw = ImageDraw.Draw(image)
    for n in range(6):
        x, y = (n * 97 * seed) % 480, (n * 53 * (seed + 2)) % 360
        draw.rectangle([x, y, x + 90, y + 60], fill=((n * 40 + seed * 70) % 255, n * 40, 30))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


@pytest.fixture
def key_dir(tmp_path, monkeypatch) -> Path:
    """The folder the district deployment keeps its private keys in, for this test only."""
    folder = tmp_path / "upward-keys"
    monkeypatch.setenv(keys.KEY_DIR_VARIABLE, str(folder))
    return folder


def register_district_key(district, at=None):
    """The district's signing key (made in the key folder unless it is there already), with
    its public key registered at the city of ``at`` (another deployment's district of the same
    name), or of the district itself, as the system operator."""
    key = keys.load(district.name) or keys.create(district.name)
    return services.register_key(
        at or district,
        signing.public_pem(key),
        signing.fingerprint(key.public_key()),
        SystemOperator(),
    )


@pytest.fixture
def pudong_key(key_dir, pudong):
    """Pudong's key, registered at 上海市."""
    return register_district_key(pudong)


@pytest.fixture
def district_campaign(
    seed_campaign, admin, reporter, lujiazui, pudong, pudong_key, settings, tmp_path
):
    """Pudong's 2024 campaign with two accepted reports (one starred, with an event and two
    photos), a returned one that must not travel, a held event without a report and a
    derived figure."""
    settings.MEDIA_ROOT = tmp_path
    campaign = publish_campaign(seed_campaign, admin)
    item2, item5 = campaign.items.get(number=2), campaign.items.get(number=5)
    for item in (item2, item5):
        assign_units(item, admin, lead=[], participants=[lujiazui])
    start = datetime.datetime(2024, 9, 12, 9, tzinfo=SHANGHAI)
    event = plan_event(
        reporter,
        item=item2,
        org_unit=lujiazui,
        title="质量知识进社区",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        address="陆家嘴环路1000号",
        street_town=lujiazui,
    )
    set_status(event, reporter, "held")
    other = plan_event(
        reporter,
        item=item5,
        org_unit=lujiazui,
        title="计量服务进市场",
        starts_at=start + datetime.timedelta(days=3),
        ends_at=start + datetime.timedelta(days=3, hours=2),
        address="浦东南路100号",
    )
    set_status(other, reporter, "held")

    def report(item, event, figures, *, photos=(), accept=True):
        r = reports.start_report(reporter, item=item, org_unit=lujiazui, event=event)
        indicators = {i.name: i.pk for i in item.indicators.all()}
        reports.save_draft(
            r,
            reporter,
            content=f"{item.title}：在社区开展宣传。",
            effect="居民反响良好。",
            figures={indicators[name]: value for name, value in figures.items()},
        )
        for seed in photos:
            reports.add_photo(r, reporter, photo_bytes(seed), f"{seed}.jpg")
        reports.submit_report(r, reporter)
        if accept:
            reports.accept_report(r, admin)
        else:
            reports.return_report(r, admin, "请补充照片")
        return r

    starred = report(item2, event, {"参与人数": "120", "发放资料份数": "300"}, photos=(1, 2))
    reports.star_report(starred, admin, True)
    report(item2, None, {"参与人数": "80"})
    report(item5, None, {"参与人数": "45", "活动场次": "3"})
    report(item5, None, {"参与人数": "999"}, accept=False)
    save_formula(campaign, admin, name="人均资料", expression="发放资料份数 / 参与人数")
    return campaign


@pytest.fixture
def exported(district_campaign, admin):
    """Pudong's package, its summary's photo annex holding both photos of the starred report."""
    summary = current_summary(district_campaign, admin)
    photo_ids = Photo.objects.filter(report__item__campaign=district_campaign)
    choose_photos(summary, admin, list(photo_ids.values_list("pk", flat=True)))
    return services.export_package(district_campaign, admin)


def rebuilt(data: bytes, change, key=None) -> bytes:
    """The package with ``change(manifest, files)`` applied, every checksum and figure made
    to match again and signed with ``key`` (by default Pudong's own): signed by Pudong, what a
    district platform with other rules would send, which only the importing apps' own rules
    can catch; signed otherwise, a forgery."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(files.pop(package.MANIFEST))
    del files[package.SIGNATURE]
    change(manifest, files)
    manifest["figures"] = package.compute_figures(manifest)
    return package.build_package(manifest, files, key or keys.load("浦东新区"))


def stored(media_root: Path) -> dict:
    """How many rows every model has, and every file in the media folder."""
    return {
        "rows": {
            model._meta.label: model._default_manager.count()
            for model in apps.get_models(include_auto_created=True)
        },
        "files": sorted(
            str(path.relative_to(media_root)) for path in media_root.rglob("*") if path.is_file()
        ),
    }

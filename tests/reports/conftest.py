import datetime
import io
import zoneinfo

import lxml.html
import pytest
from PIL import Image, ImageDraw

from qualitymonth.assignments.services import assign_units
from qualitymonth.campaigns.services import publish_campaign
from qualitymonth.events.services import plan_event
from qualitymonth.reports import services

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def photo_bytes(
    seed: int = 1, *, taken: str | None = "2024:09:12 10:00:00", size=(1200, 900)
) -> bytes:
    """A real JPEG a phone might send: shapes that differ by seed, and a capture time."""
    image = Image.new("RGB", size, (40 * seed % 255, 120, 200))
    draw = ImageDraw.Draw(image)
    for n in range(12):
        x = (n * 97 * seed) % size[0]
        y = (n * 53 * (seed + 2)) % size[1]
        draw.rectangle(
            [x, y, x + 150, y + 100], fill=((n * 40 + seed * 70) % 255, (n * 90) % 255, 30)
        )
        draw.ellipse(
            [y % size[0], x % size[1], y % size[0] + 120, x % size[1] + 120],
            fill=(250, 250 - n * 10, seed * 30 % 255),
        )
    exif = Image.Exif()
    if taken:
        exif.get_ifd(0x8769)[0x9003] = taken  # DateTimeOriginal
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif.tobytes())
    return buffer.getvalue()


@pytest.fixture
def campaign(seed_campaign, admin, lujiazui):
    campaign = publish_campaign(seed_campaign, admin)
    assign_units(campaign.items.get(number=2), admin, lead=[], participants=[lujiazui])
    return campaign


@pytest.fixture
def item(campaign):
    return campaign.items.get(number=2)


@pytest.fixture
def event(reporter, item, lujiazui):
    start = datetime.datetime(2024, 9, 12, 9, tzinfo=SHANGHAI)
    return plan_event(
        reporter,
        item=item,
        org_unit=lujiazui,
        title="质量知识进社区",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        address="陆家嘴环路1000号",
    )


@pytest.fixture
def draft(reporter, item, lujiazui, event, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    report = services.start_report(reporter, item=item, org_unit=lujiazui, event=event)
    services.save_draft(
        report,
        reporter,
        content="在社区开展质量知识宣传。",
        effect="居民反响良好。",
        figures={item.indicators.get(name="参与人数").pk: "120"},
    )
    return report


def shown_fields(response) -> dict[str, str]:
    """What each text field of the page shows, by name, as the browser fills it in (which
    drops a newline that opens a textarea)."""
    page = lxml.html.fromstring(response.content.decode())
    shown = {}
    for field in page.xpath("//input[@type='text'] | //textarea"):
        value = field.value or ""
        shown[field.name] = value.removeprefix("\n") if field.tag == "textarea" else value
    return shown


def shown_errors(response) -> dict[str, str]:
    """The error shown next to each field of the page, by field name."""
    page = lxml.html.fromstring(response.content.decode())
    return {
        box.get("id").removeprefix("id_").removesuffix("_errors"): box.text_content().strip()
        for box in page.xpath("//*[@class='field-errors']")
        if box.text_content().strip()
    }

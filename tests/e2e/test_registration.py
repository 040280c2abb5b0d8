"""Issue 6's registration story at phone width: a citizen registers for a full event and lands
on the waiting list; another cancels through their link and the first moves up, which their
ticket page shows; the organiser checks the ticket in by typing its code, and another by
scanning its QR with the phone camera (Chromium's fake camera playing a picture of the QR)."""

import datetime
import os

import pytest
import segno
from django.core.cache import cache
from django.utils import timezone
from playwright.sync_api import expect

from qualitymonth.campaigns.models import Campaign
from qualitymonth.demo.loader import DEMO_PASSWORD, load_demo
from qualitymonth.events.services import plan_event
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.registrations import services
from qualitymonth.registrations.models import Registration
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE


def full_event(title: str, capacity: int = 1):
    """A public event of 陆家嘴街道 in three days, open for registration, already full."""
    campaign = Campaign.objects.get(doc_number="浦市监质〔2024〕99号")
    organiser = campaign.org_unit.memberships.get(role="campaign_admin").user
    lujiazui = OrgUnit.objects.get(name="陆家嘴街道")
    start = timezone.localtime() + datetime.timedelta(days=3)
    event = plan_event(
        organiser,
        item=campaign.items.get(number=18),
        org_unit=lujiazui,
        title=title,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        address="陆家嘴街道社区文化活动中心",
        street_town=lujiazui,
        is_public=True,
    )
    services.configure(event, organiser, enabled=True, capacity=capacity, waiting_list=True)
    return event


def test_a_citizen_on_the_waiting_list_moves_up_when_another_cancels_and_is_checked_in(
    phone_page, browser, live_server, log_in, captcha_test_mode
):
    cache.clear()
    load_demo()
    event = full_event("质量开放日：走进计量检测所")
    earlier = services.register(event, services.Applicant("赵先到", "13900001111"))

    # A citizen finds the event from the portal's landing page and registers: it is full.
    citizen = phone_page
    citizen.goto(f"{live_server.url}/portal/")
    citizen.locator("#take-part").get_by_role("link", name="活动报名").click()
    citizen.get_by_role("link", name="质量开放日：走进计量检测所").click()
    expect(citizen.locator("#places")).to_contain_text("名额已满")
    expect(citizen.locator("#waiting-list-note")).to_contain_text("进入候补名单")
    citizen.get_by_label("姓名").fill("王小明")
    citizen.get_by_label("手机号码").fill("13812341234")
    citizen.get_by_label("验证码").fill(captcha_test_mode)
    citizen.get_by_role("button", name="报名候补").click()
    expect(citizen.get_by_role("heading", name="候补中")).to_be_visible()
    expect(citizen.locator("#ticket-status")).to_contain_text("候补第 1 位")
    expect(citizen.locator("svg.ticket-qr")).to_have_count(0)
    ticket_url = citizen.url
    assert citizen.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The one who registered first cancels through their link, on their own phone.
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    other = context.new_page()
    other.goto(f"{live_server.url}/portal/tickets/{earlier.token}/")
    other.get_by_role("link", name="取消报名").click()
    other.get_by_role("button", name="确认取消报名").click()
    expect(other.get_by_role("heading", name="报名已取消")).to_be_visible()
    context.close()

    # The waiting citizen looks at their ticket again: confirmed, with the code and the QR.
    citizen.goto(ticket_url)
    expect(citizen.get_by_role("heading", name="报名成功")).to_be_visible()
    expect(citizen.locator("svg.ticket-qr")).to_be_visible()
    code = citizen.locator("#ticket-code").inner_text().strip()
    mine = Registration.objects.get(mobile="13812341234")
    assert code == mine.code and mine.status == "confirmed"

    # At the door, the street's organiser checks the ticket in by typing the code.
    organiser_context = browser.new_context(viewport=PHONE, locale="zh-CN")
    organiser = organiser_context.new_page()
    log_in(organiser, "lujiazui", DEMO_PASSWORD)
    organiser.goto(f"{live_server.url}/events/{event.pk}/")
    organiser.get_by_role("link", name="报名与签到").click()
    expect(organiser.locator("#registration-list")).to_contain_text("138****1234")
    expect(organiser.locator("#registration-list")).not_to_contain_text("13812341234")
    organiser.get_by_role("link", name="扫码签到").click()
    organiser.get_by_label("签到码").fill(code.lower())
    organiser.get_by_role("button", name="签到", exact=True).click()
    expect(organiser.locator("#checkin-result")).to_contain_text("签到成功：王**")
    expect(organiser.locator("#checkin-count strong")).to_have_text("1")
    assert citizen.js_errors == []
    organiser_context.close()

    citizen.reload()
    expect(citizen.locator("#checked-in")).to_contain_text("签到")


def qr_video(path, text: str, width: int = 640, height: int = 480, frames: int = 3) -> None:
    """A short YUV4MPEG2 video of the QR code on white, for Chromium's fake camera."""
    rows = [list(row) for row in segno.make_qr(text, error="m").matrix_iter(scale=8, border=4)]
    size = len(rows)
    top, left = (height - size) // 2, (width - size) // 2
    luma = bytearray(b"\xff" * (width * height))
    for y, row in enumerate(rows):
        offset = (top + y) * width + left
        luma[offset : offset + size] = bytes(0 if dark else 255 for dark in row)
    chroma = b"\x80" * (width * height // 4)
    with open(path, "wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            video.write(b"FRAME\n" + bytes(luma) + chroma + chroma)


@pytest.fixture
def camera_browser(browser, tmp_path):
    """A Chromium of this test only (launched through the shared fixture's Playwright), whose
    camera plays ``tmp_path / "qr.y4m"``; the shared browser keeps its plain arguments."""
    video = tmp_path / "qr.y4m"
    launched = []

    def launch():
        launched.append(
            browser.browser_type.launch(
                executable_path=CHROMIUM,
                args=[
                    *CHROMIUM_ARGS,
                    "--use-fake-device-for-media-stream",
                    "--use-fake-ui-for-media-stream",
                    f"--use-file-for-fake-video-capture={video}",
                ],
            )
        )
        return launched[-1]

    yield video, launch
    for each in launched:
        each.close()


def test_the_organiser_scans_a_ticket_with_the_phone_camera(camera_browser, live_server):
    cache.clear()
    load_demo()
    event = full_event("小小质量官：计量体验", capacity=5)
    registration = services.register(event, services.Applicant("李扫码", "13700002222"))
    video, launch = camera_browser
    qr_video(video, registration.code)
    assert os.path.getsize(video) > 0

    browser = launch()
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    context.grant_permissions(["camera"], origin=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("lujiazui")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(f"{live_server.url}/registrations/events/{event.pk}/checkin/")
    page.get_by_role("button", name="打开摄像头扫码").click()
    expect(page.locator("#scan-video")).to_be_visible()
    expect(page.locator("#checkin-result")).to_contain_text("签到成功：李**")
    registration.refresh_from_db()
    assert registration.checked_in_at is not None

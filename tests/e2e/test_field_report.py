"""Issue 4's story at phone width: a street reports an event with photos and figures; the
reviewer sends it back; the street fixes it; the reviewer accepts it."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from qualitymonth.assignments.services import assign_units
from qualitymonth.campaigns.models import Campaign
from qualitymonth.campaigns.services import set_deadlines, update_campaign
from qualitymonth.demo.loader import DEMO_PASSWORD, load_demo
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.reports.models import Report
from tests.reports.conftest import photo_bytes


def test_a_street_reports_an_event_and_the_reviewer_returns_then_accepts(
    phone_page, desktop_page, live_server, log_in, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo()
    campaign = Campaign.objects.get(doc_number="浦市监质〔2024〕99号")
    admin = campaign.org_unit.memberships.get(role="campaign_admin").user
    lujiazui = OrgUnit.objects.get(name="陆家嘴街道")
    assign_units(campaign.items.get(number=2), admin, lead=[], participants=[lujiazui])
    # This year's campaign, running now, so the street can be on time.
    today = timezone.localdate()
    update_campaign(
        campaign,
        admin,
        start_date=today - datetime.timedelta(days=5),
        end_date=today + datetime.timedelta(days=20),
    )
    set_deadlines(
        campaign,
        admin,
        [
            {"kind": "report", "due_date": today + datetime.timedelta(days=20), "description": ""},
        ],
    )
    photos = []
    for seed in (1, 2):
        path = tmp_path / f"IMG_000{seed}.JPG"
        path.write_bytes(photo_bytes(seed, taken=today.strftime("%Y:%m:%d 10:00:00")))
        photos.append(str(path))

    phone = phone_page
    log_in(phone, "lujiazui", DEMO_PASSWORD)
    phone.get_by_role("link", name="我的任务").click()
    task = phone.locator(".task").filter(has_text="广泛开展质量公益宣传活动")
    task.get_by_role("link", name="安排活动").click()

    # Plan the event.
    phone.get_by_label("活动名称").fill("质量知识进社区")
    phone.get_by_label("开始时间").fill(f"{today:%Y-%m-%d}T09:00")
    phone.get_by_label("结束时间").fill(f"{today:%Y-%m-%d}T11:00")
    phone.get_by_label("地点").fill("陆家嘴环路1000号")
    phone.get_by_role("button", name="保存").click()
    expect(phone.locator(".message.success")).to_contain_text("活动已安排")

    # Report it with two photos and figures.
    phone.get_by_role("link", name="报送本场活动").click()
    phone.get_by_role("button", name="开始填写").click()
    phone.get_by_label("活动内容").fill("在社区开展质量知识宣传，发放资料。")
    phone.get_by_label("参与人数（人）").fill("120")
    phone.get_by_label("发放资料份数（份）").fill("300")
    phone.get_by_label("添加照片").set_input_files(photos)
    phone.get_by_role("button", name="提交审核").click()
    expect(phone.locator("#report-status")).to_have_text("待审核")
    expect(phone.locator(".photo-grid img")).to_have_count(2)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    report = Report.objects.get(title="质量知识进社区")

    # The reviewer sends it back.
    desk = desktop_page
    log_in(desk, "reviewer", DEMO_PASSWORD)
    desk.get_by_role("link", name="待审核").click()
    desk.get_by_role("link", name="质量知识进社区").click()
    desk.get_by_label("退回原因").fill("请补充活动成效。")
    desk.get_by_role("button", name="退回修改").click()
    expect(desk.locator("#report-status")).to_have_text("已退回")

    # The reporter fixes it and sends it again.
    phone.goto(f"{live_server.url}/reports/{report.pk}/edit/")
    expect(phone.locator("#return-reason")).to_contain_text("请补充活动成效")
    phone.get_by_label("活动成效").fill("居民质量意识明显提高。")
    phone.get_by_role("button", name="提交审核").click()
    expect(phone.locator("#report-status")).to_have_text("待审核")

    # The reviewer accepts it.
    desk.goto(f"{live_server.url}/reports/{report.pk}/")
    desk.get_by_role("button", name="采用").click()
    expect(desk.locator("#report-status")).to_have_text("已采用")
    report.refresh_from_db()
    assert report.status == Report.Status.ACCEPTED and report.photos.count() == 2
    assert not report.is_late
    assert not report.photos.filter(taken_outside_period=True).exists()
    assert [v.action for v in report.versions.all()] == [
        "submitted",
        "returned",
        "submitted",
        "accepted",
    ]

    # The completeness view shows the street's report in on time, none late.
    desk.get_by_role("link", name="报送进度").click()
    row = desk.locator(f'#ranking tr[data-unit="{lujiazui.pk}"]')
    expect(row).to_contain_text("陆家嘴街道")
    expect(row.locator("td").nth(5)).to_have_text("1")  # 按时
    expect(row.locator("td").nth(6)).to_have_text("0")  # 逾期
    assert phone.js_errors == [] and desk.js_errors == []

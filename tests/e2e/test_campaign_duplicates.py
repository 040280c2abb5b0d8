"""One notice, one campaign: the admin who imports the notice again is sent to the campaign
that already runs it; a campaign put out of use leaves the city's page."""

import re

from playwright.sync_api import expect

from qualitymonth.accounts.models import User
from qualitymonth.campaigns.models import Campaign
from qualitymonth.campaigns.services import publish_campaign
from qualitymonth.demo.loader import DEMO_PASSWORD, SEED_DOC_NUMBER, load_demo
from qualitymonth.notices.reader import read_notice
from qualitymonth.notices.services import import_notice
from tests.conftest import SEED_NOTICE


def test_importing_the_notice_again_leads_to_the_campaign_that_runs_it(
    desktop_page, live_server, log_in
):
    campaign = load_demo()["campaign"]
    page = desktop_page
    log_in(page, "admin", DEMO_PASSWORD)
    page.get_by_role("link", name="导入通知").click()
    page.get_by_label("通知文件").set_input_files(str(SEED_NOTICE))
    page.get_by_role("button", name="识别通知").click()

    expect(page.locator("#upload-errors")).to_contain_text(
        f"不能导入：浦东新区已有同一份通知的活动 2024年浦东新区质量月（{SEED_DOC_NUMBER}，已发布"
    )
    existing = page.locator("#duplicates").get_by_role("link", name="2024年浦东新区质量月")
    existing.click()
    expect(page).to_have_url(f"{live_server.url}/campaigns/{campaign.pk}/")
    expect(page.locator("#item-count")).to_contain_text("共 20 项")
    assert Campaign.objects.filter(doc_number=SEED_DOC_NUMBER).count() == 1
    assert page.js_errors == []


def test_an_archived_campaign_leaves_the_city_page(desktop_page, live_server, log_in):
    demo = load_demo()
    admin = User.objects.get(username="admin")
    data = SEED_NOTICE.read_bytes()
    trial = import_notice(
        read_notice(data, SEED_NOTICE.name),
        org_unit=demo["campaign"].org_unit,
        by=admin,
        allow_duplicate=True,
    ).campaign
    publish_campaign(trial, admin, allow_duplicate=True)
    page = desktop_page

    def city_page():
        log_in(page, "city", DEMO_PASSWORD)
        page.get_by_role("link", name="全市看板").click()
        expect(page.locator("h1")).to_contain_text("全市数据看板")

    def log_out():
        page.get_by_role("button", name="退出").click()

    city_page()
    notes = page.locator("#counted-campaigns")
    expect(notes).to_contain_text("浦东新区有2个2024年质量月活动，市级统计采用：")
    expect(notes.locator(f'a[href="/campaigns/{trial.pk}/"]')).to_have_count(1)
    expect(page.locator("#districts-reported")).to_have_text("1")
    expect(page.locator(".kpi").first).to_contain_text("15 个区暂无数据")
    log_out()

    log_in(page, "admin", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/campaigns/{trial.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="归档").click()
    expect(page.locator(".message.success")).to_contain_text("活动已归档")
    expect(page.locator("#archived-banner")).to_contain_text("已归档")
    switcher = page.locator("#campaign-switcher option")
    expect(switcher.filter(has_text=re.compile("2024年浦东新区质量月"))).to_have_count(1)
    log_out()

    city_page()
    expect(page.locator("#counted-campaigns")).to_have_count(0)
    expect(page.locator(f'a[href="/campaigns/{trial.pk}/"]')).to_have_count(0)
    expect(page.locator("#districts-reported")).to_have_text("1")
    expect(page.locator(".kpi").first).to_contain_text("15 个区暂无数据")
    assert page.js_errors == []

"""The campaign admin's first task: turn the notice into a campaign, from the demo."""

from playwright.sync_api import expect

from qualitymonth.campaigns.models import Campaign
from qualitymonth.demo.loader import DEMO_PASSWORD, load_demo
from tests.conftest import SEED_NOTICE

NEW_TITLE = "加强食品安全知识媒体宣传（《食安360》质量月特别节目）"


def test_admin_imports_corrects_and_publishes_the_seed_notice(desktop_page, live_server, log_in):
    load_demo()
    page = desktop_page
    log_in(page, "admin", DEMO_PASSWORD)
    expect(page.locator(".user .role")).to_contain_text("区级管理员")
    expect(page.locator("#campaign-switcher")).to_contain_text("2024年浦东新区质量月")

    # The demo already runs this notice: a second campaign of it must be meant, twice over.
    page.get_by_role("link", name="导入通知").click()
    page.get_by_label("通知文件").set_input_files(str(SEED_NOTICE))
    page.get_by_role("button", name="识别通知").click()
    expect(page.locator("#upload-errors")).to_contain_text("已有同一份通知的活动")
    page.get_by_label("确认另建一个活动，不是重复导入").check()
    page.get_by_label("通知文件").set_input_files(str(SEED_NOTICE))
    page.get_by_role("button", name="识别通知").click()

    expect(page.get_by_role("heading", name="核对导入结果")).to_be_visible()
    expect(page.get_by_text("识别到 20 个活动事项")).to_be_visible()
    expect(page.locator("#duplicates")).to_contain_text("同一份通知已经有活动了")
    title = page.locator("#review-item-3").get_by_label("事项名称")
    expect(title).to_have_value("加强食品安全知识媒体宣传")
    title.fill(NEW_TITLE)
    page.get_by_label("确认另建一个活动，不是重复导入").check()
    page.get_by_role("button", name="保存并发布").click()

    expect(page.locator(".message.success")).to_contain_text("活动已发布")
    expect(page.locator(".plan-item")).to_have_count(20)
    expect(page.locator("#item-count")).to_contain_text("共 20 项")
    expect(page.get_by_role("link", name=NEW_TITLE)).to_be_visible()
    assert page.js_errors == []

    imported = Campaign.objects.exclude(notice_import=None).latest("created_at")
    assert imported.is_published
    assert imported.items.get(number=3).title == NEW_TITLE


def test_the_page_frame_works_at_phone_width(phone_page, live_server, log_in):
    load_demo()
    page = phone_page
    log_in(page, "lujiazui", DEMO_PASSWORD)
    expect(page.locator(".user .role")).to_contain_text("单位填报员 · 陆家嘴街道")
    expect(page.locator("#item-count")).to_contain_text("共 20 项")
    expect(page.locator(".site-footer")).to_be_visible()
    # Nothing sticks out sideways on a 375 px phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # Scripts and styles come from the platform itself, not a CDN.
    assert page.evaluate("typeof window.htmx") == "object"
    origins = page.evaluate(
        "[...document.querySelectorAll('script[src], link[href]')]"
        ".map(e => new URL(e.src || e.href).origin)"
    )
    assert origins and set(origins) == {live_server.url}
    # A reporter has no import or edit buttons, and the import page is refused.
    expect(page.get_by_role("link", name="导入通知")).to_have_count(0)
    expect(page.get_by_role("link", name="编辑活动信息")).to_have_count(0)
    assert page.js_errors == []
    response = page.goto(f"{live_server.url}/notices/import/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="没有权限")).to_be_visible()

"""Real pages in Chromium under the content security policy, and the inbox on a phone."""

from playwright.sync_api import expect

from qualitymonth.accounts.models import User
from qualitymonth.core.notifications import mark_all_read, notify
from qualitymonth.demo.loader import DEMO_PASSWORD, load_demo

# Recorded from the page's first script on, before any of the platform's own.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(
    `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`
  );
});
"""


def watch(page) -> None:
    page.context.add_init_script(WATCH_VIOLATIONS)


def assert_clean(page) -> None:
    """No policy violation, no script error, htmx running without its injected <style>."""
    page.wait_for_load_state("load")
    assert page.evaluate("window.__cspViolations") == [], page.url
    assert page.js_errors == [], page.url
    assert page.evaluate("typeof window.htmx") == "object", page.url
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert page.evaluate("document.querySelectorAll('style').length") == 0, page.url


def test_the_admins_pages_run_under_the_policy(desktop_page, live_server, log_in):
    load_demo()
    page = desktop_page
    watch(page)
    response = page.goto(f"{live_server.url}/accounts/login/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert_clean(page)

    log_in(page, "admin", DEMO_PASSWORD)
    expect(page.locator("#item-count")).to_contain_text("共 20 项")  # the campaign overview
    assert_clean(page)

    # Every page the navigation offers the admin, and an item of the plan.
    links = page.locator(".site-nav a").evaluate_all("links => links.map(a => a.href)")
    assert any(link.endswith("/audit/") for link in links)
    links.append(page.locator(".plan-item a").first.evaluate("a => a.href"))
    for link in links:
        page.goto(link)
        assert_clean(page)

    page.goto(f"{live_server.url}/audit/")
    expect(page.locator(".audit-entry").first).to_be_visible()
    page.get_by_label("操作", exact=True).select_option(label="新建活动")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("#audit-count")).to_contain_text("共 1 条记录")
    assert_clean(page)


def test_a_reporter_reads_messages_on_a_phone(phone_page, live_server, log_in):
    load_demo()
    reporter = User.objects.get(username="lujiazui")
    mark_all_read(reporter)  # the demo's own messages (assigned items)
    notify(
        reporter,
        "task_assigned",
        "新任务：事项 2 质量开放日",
        body="请在9月30日前报送。",
        email=False,
    )
    notify(reporter, "report_returned", "信息报送被退回", url="/campaigns/", email=False)
    page = phone_page
    watch(page)
    log_in(page, "lujiazui", DEMO_PASSWORD)
    badge = page.locator("#inbox-badge")
    expect(badge).to_contain_text("2")

    page.get_by_role("link", name="消息").click()
    expect(page.locator(".notification.unread")).to_have_count(2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    assert_clean(page)

    # Marking one read updates it and the counts in place, without leaving the page.
    url = page.url
    first = page.locator(".notification").filter(has_text="新任务")
    first.get_by_role("button", name="标为已读").click()
    expect(page.locator(".notification.unread")).to_have_count(1)
    expect(badge).to_contain_text("1")
    expect(page.locator("#inbox-summary")).to_contain_text("1 条未读消息")
    assert page.url == url

    page.get_by_role("button", name="全部标为已读").click()
    expect(page.locator(".notification.unread")).to_have_count(0)
    expect(badge).to_be_hidden()
    expect(page.locator("#inbox-summary")).to_contain_text("没有未读消息")
    assert_clean(page)

"""A street types its figures on the phone, gets some wrong, and sees what it typed kept next to
each error, as it types and after pressing the button; fixed, the figures read as written."""

from playwright.sync_api import expect

from qualitymonth.reports.models import Report
from tests.reports import conftest as report_fixtures

# The street's world of tests/reports: its campaign, item, event and a draft report whose
# 参与人数 is 120.
campaign = report_fixtures.campaign
item = report_fixtures.item
event = report_fixtures.event
draft = report_fixtures.draft

PASSWORD = "Strong-Password-1"  # tests.conftest.make_person's


def test_typed_figures_are_kept_beside_their_errors(phone_page, live_server, log_in, draft):
    phone = phone_page
    log_in(phone, "reporter", PASSWORD)
    phone.goto(f"{live_server.url}/reports/{draft.pk}/edit/")
    people = phone.get_by_label("参与人数（人）")
    handouts = phone.get_by_label("发放资料份数（份）")
    expect(people).to_have_value("120")  # not 120.00

    # As it types: the autosave puts the error next to the field and leaves the input alone.
    with phone.expect_response(lambda response: "/autosave/" in response.url):
        people.fill("-5")
    errors = phone.locator(".field").filter(has=people).locator(".errorlist")
    expect(errors).to_have_text("参与人数：不能是负数。")
    expect(people).to_have_value("-5")

    # Pressing the button: the page comes back with every field as typed and each error beside it.
    handouts.fill("300份")
    phone.get_by_label("活动内容").fill("在社区开展质量知识宣传，发放资料。")
    phone.get_by_role("button", name="提交审核").click()
    expect(phone.locator(".field").filter(has=handouts).locator(".errorlist")).to_have_text(
        "发放资料份数：请填写数字。"
    )
    expect(errors).to_have_text("参与人数：不能是负数。")
    expect(people).to_have_value("-5")
    expect(handouts).to_have_value("300份")
    expect(phone.get_by_label("活动内容")).to_have_value("在社区开展质量知识宣传，发放资料。")
    draft.refresh_from_db()
    assert draft.status == Report.Status.DRAFT
    assert draft.values.get(indicator__name="参与人数").value == 120  # what was saved stays
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

    # Fixed, it is sent, and the figures read as they were written.
    people.fill("86")
    handouts.fill("1,200")
    phone.get_by_role("button", name="提交审核").click()
    expect(phone.locator("#report-status")).to_have_text("待审核")
    expect(phone.locator("#figures dd")).to_have_text(["86 人", "1200 份"])
    assert phone.js_errors == []

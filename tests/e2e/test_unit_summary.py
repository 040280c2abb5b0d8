"""A street writes its summary on the phone: the draft is saved as it types and as it ticks
photos, survives a reload, is submitted; the reviewer accepts it and downloads the .docx."""

import io

import docx
from playwright.sync_api import expect

from qualitymonth.summaries.models import UnitSummary
from tests.summaries import conftest as summary_fixtures

# The street's world of tests/summaries: its campaign, item, event and an accepted report with
# two photos.
campaign = summary_fixtures.campaign
item = summary_fixtures.item
event = summary_fixtures.event
reviewer = summary_fixtures.reviewer
write_report = summary_fixtures.write_report
accepted = summary_fixtures.accepted

PASSWORD = "Strong-Password-1"  # tests.conftest.make_person's


def test_a_street_writes_its_summary_and_the_reviewer_accepts_it(
    phone_page, desktop_page, log_in, reporter, reviewer, accepted, campaign
):
    phone = phone_page
    log_in(phone, "reporter", PASSWORD)
    phone.get_by_role("link", name="我的任务").click()
    phone.get_by_role("link", name="撰写本单位书面小结").click()
    phone.get_by_role("button", name="开始撰写").click()
    expect(phone.get_by_label("标题")).to_have_value("陆家嘴街道2024年质量月活动书面小结")
    expect(phone.get_by_label("正文")).to_contain_text("一、活动开展情况")
    expect(phone.locator("#figures")).to_contain_text("120")

    # Typing and ticking a photo are saved without pressing a button.
    body = phone.get_by_label("正文")
    with phone.expect_response(lambda response: "/autosave/" in response.url):
        body.fill(body.input_value() + "\n三、下一步打算\n继续做好质量宣传。")
    expect(phone.locator("#autosave-status")).to_contain_text("已自动保存")
    with phone.expect_response(lambda response: "/autosave/" in response.url):
        phone.locator("#photo-choice input[type=checkbox]").first.check()
    summary = UnitSummary.objects.get()
    assert summary.photos.count() == 1
    phone.reload()
    expect(phone.get_by_label("正文")).to_contain_text("继续做好质量宣传。")
    expect(phone.locator("#photo-choice input[type=checkbox]").first).to_be_checked()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375

    phone.once("dialog", lambda dialog: dialog.accept())
    phone.get_by_role("button", name="提交审核").click()
    expect(phone.locator("#summary-status")).to_have_text("待审核")

    desk = desktop_page
    log_in(desk, "reviewer", PASSWORD)
    desk.get_by_role("link", name="小结审核").click()
    desk.get_by_role("link", name=summary.title).click()
    desk.get_by_role("button", name="采用").click()
    expect(desk.locator("#summary-status")).to_have_text("已采用")
    with desk.expect_download() as download:
        desk.locator("#download").click()
    document = docx.Document(io.BytesIO(open(download.value.path(), "rb").read()))
    texts = [p.text for p in document.paragraphs]
    assert "继续做好质量宣传。" in texts
    assert len(document.inline_shapes) == 1
    assert not phone.js_errors and not desk.js_errors

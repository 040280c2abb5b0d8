"""The Quality Division at the end of the month: the admin opens the dashboard, drills from a
category total down to one report, generates the work summary in the background, edits a
paragraph in place and downloads the .docx with the edit in it."""

import io

import docx
from playwright.sync_api import expect

from qualitymonth.worksummaries.models import CampaignSummary
from tests.dashboard import conftest as dashboard_fixtures

PASSWORD = "Strong-Password-1"  # tests.conftest.make_person's
# Accepted reports of five units on items 1, 2 and 19 (tests/dashboard).
world = dashboard_fixtures.world
THREADS = {"default": {"BACKEND": "qualitymonth.core.tasks.ThreadBackend"}}


def test_admin_drills_down_then_compiles_and_downloads_the_summary(
    desktop_page,
    log_in,
    live_server,
    admin,
    world,
    settings,
):
    settings.TASKS = THREADS  # real background threads, as in the embedded deployment
    page = desktop_page
    log_in(page, "admin", PASSWORD)
    page.goto(f"{live_server.url}/campaigns/{world.campaign.pk}/")
    page.get_by_role("link", name="数据看板").first.click()
    expect(page.get_by_role("heading", name="数据看板")).to_be_visible()
    expect(page.locator(".kpis")).to_contain_text("96.8%")  # 合格率 of the whole campaign

    # The category (一)'s 4 accepted reports, then the item, then one report.
    categories = page.locator("#by-category tbody tr")
    first = categories.filter(has_text="（一）")
    first.get_by_role("link", name="4", exact=True).click()
    expect(page.locator("h1")).to_contain_text("（一）")
    expect(page.locator(".report-list tbody tr")).to_have_count(4)
    page.locator("table.figures").first.get_by_role("link", name="2", exact=True).first.click()
    expect(page.locator(".report-list tbody tr")).to_have_count(2)
    report = world.reports["花木1"]
    page.get_by_role("link", name=report.title).click()
    expect(page).to_have_url(f"{live_server.url}/reports/{report.pk}/")
    expect(page.locator("body")).to_contain_text(report.content)

    # The work summary, generated in the background with a progress bar.
    page.goto(f"{live_server.url}/campaigns/{world.campaign.pk}/dashboard/")
    page.get_by_role("link", name="工作总结").first.click()
    page.get_by_role("button", name="生成工作总结").click()
    expect(page.locator(".work-summary")).to_contain_text("一、总体情况", timeout=30_000)
    expect(page.locator(".work-summary")).to_contain_text("参与人数215人")

    # Edit the overview in place.
    overview = page.locator(".summary-paragraph", has_text="参与人数215人")
    overview.get_by_role("link", name="编辑").click()
    box = page.locator("form.summary-paragraph textarea")
    box.fill("2024年9月，我局精心组织质量月活动，全区参与群众215人次，成效明显。")
    page.locator("form.summary-paragraph").get_by_role("button", name="保存").click()
    edited = page.locator(".summary-paragraph", has_text="成效明显")
    expect(edited).to_contain_text("已修改")

    # Regenerating keeps the edit.
    page.get_by_role("button", name="重新生成数据").click()
    expect(page.locator(".work-summary")).to_contain_text("成效明显", timeout=30_000)

    with page.expect_download() as download:
        page.get_by_role("link", name="下载 Word（.docx）").click()
    assert download.value.suggested_filename.endswith("工作总结.docx")
    document = docx.Document(io.BytesIO(open(download.value.path(), "rb").read()))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == CampaignSummary.objects.get().title
    assert "2024年9月，我局精心组织质量月活动，全区参与群众215人次，成效明显。" in texts
    assert not page.js_errors

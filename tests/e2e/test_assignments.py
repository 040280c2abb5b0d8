"""Issue 3's story: the admin brings units in from Excel and gives item 2 to every street and
town; a street's reporter then finds item 2 under 我的任务 and cannot open another street."""

from openpyxl import Workbook
from playwright.sync_api import expect

from qualitymonth.demo.loader import DEMO_PASSWORD, load_demo
from qualitymonth.orgs.importing import HEADERS
from qualitymonth.orgs.models import OrgUnit

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def units_file(path) -> str:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    sheet.append(
        ["前滩国际商务区", "浦东新区", "园区", "", "", "前滩大道", "吴经理", "13912345678"]
    )
    sheet.append(["世博地区开发管理委员会", "浦东新区", "委办局", "", "", "", "", "021-58881234"])
    workbook.save(path)
    return str(path)


def test_admin_assigns_item_2_to_all_streets_and_a_reporter_sees_it(
    desktop_page, phone_page, live_server, log_in, settings, tmp_path
):
    settings.TASKS = IMMEDIATE  # the import finishes inside the confirming request
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo()
    page = desktop_page
    log_in(page, "admin", DEMO_PASSWORD)

    # Units from Excel.
    page.get_by_role("link", name="组织机构").click()
    page.get_by_role("link", name="从 Excel 导入").click()
    page.get_by_label("单位表（.xlsx）").set_input_files(units_file(tmp_path / "units.xlsx"))
    page.get_by_role("button", name="上传并检查").click()
    expect(page.locator("#import-summary")).to_contain_text("新增 2 个单位")
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("#import-result")).to_contain_text("导入完成", timeout=20_000)
    assert OrgUnit.objects.filter(name="前滩国际商务区", kind="park").exists()

    # Item 2 to all 36 streets and towns.
    page.get_by_role("link", name="活动概览").click()
    page.get_by_role("link", name="广泛开展质量公益宣传活动").click()
    expect(page.locator("#item-units")).to_contain_text("未分配")
    page.get_by_role("link", name="分配单位").click()
    page.get_by_role("button", name="全部街镇设为参与单位").click()
    expect(page.locator(".message.success")).to_contain_text("新增 36 个单位")
    expect(page.locator("#item-units")).to_contain_text("陆家嘴街道")
    assert page.js_errors == []

    # The Lujiazui reporter, on a phone.
    phone = phone_page
    log_in(phone, "lujiazui", DEMO_PASSWORD)
    phone.get_by_role("link", name="我的任务").click()
    tasks = phone.locator(".task")
    expect(tasks.filter(has_text="广泛开展质量公益宣传活动")).to_have_count(1)
    expect(tasks.filter(has_text="广泛开展质量公益宣传活动")).to_contain_text("参与单位")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert phone.js_errors == []

    # Another street's page is not theirs to open.
    zhoujiadu = OrgUnit.objects.get(name="周家渡街道")
    response = phone.goto(f"{live_server.url}/orgs/{zhoujiadu.pk}/")
    assert response.status in {403, 404}
    expect(phone.locator("body")).not_to_contain_text("周家渡街道")

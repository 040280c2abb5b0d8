"""The campaign admin brings the district's parks and enterprises in from Excel."""

import pytest
from django.db import connections
from django.db.backends.signals import connection_created
from openpyxl import Workbook
from playwright.sync_api import expect

from qualitymonth.demo.loader import DEMO_PASSWORD, load_demo
from qualitymonth.orgs.importing import HEADERS
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.orgs.validators import make_credit_code

THREADS = {"default": {"BACKEND": "qualitymonth.core.tasks.ThreadBackend"}}
GOOD_CODE = make_credit_code("91", "310115", "QM000901")


def units_file(path, bad_code: bool):
    rows = [
        [
            "上海医谷测试医疗器械有限公司",
            "上海国际医学园区",
            "企业",
            "",
            "",
            "",
            "周工",
            "13812345678",
        ],
        ["上海国际医学园区", "浦东新区", "园区", "YXYQ", "", "康新公路3399号", "", ""],
        ["川沙经济园区", "浦东新区", "园区", "", "", "", "", "021-58381234"],
        ["上海川沙测试电子有限公司", "川沙经济园区", "企业", "", "", "", "", ""],
        ["上海张江测试芯片有限公司", "张江高科技园区", "园区", "", "", "", "", ""],
    ]
    rows[0][4] = "91310115QM0009015X" if bad_code else GOOD_CODE
    rows[4][2] = "企业"
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "单位"
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return str(path)


@pytest.fixture
def readers_do_not_wait_for_the_import(live_server):
    """The test database is SQLite in memory with a shared cache, where a connection cannot
    read a table another connection is writing; the real database (WAL) lets readers read.
    Give the live server's connections that behaviour, so pages load while an import writes:
    the connection it shares with the tests, if any, and those its threads open."""

    def read_uncommitted(sender=None, connection=None, **kwargs):
        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA read_uncommitted = 1")

    for shared in [*live_server.thread.connections_override.values(), *connections.all()]:
        read_uncommitted(connection=shared)
    connection_created.connect(read_uncommitted)
    yield
    connection_created.disconnect(read_uncommitted)


def test_admin_imports_units_from_excel_fixing_a_bad_row_first(
    readers_do_not_wait_for_the_import, desktop_page, live_server, log_in, settings, tmp_path
):
    settings.TASKS = THREADS  # real background threads, as in the embedded deployment
    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo()
    if not OrgUnit.objects.filter(name="张江高科技园区").exists():
        pudong = OrgUnit.objects.get(name="浦东新区")
        OrgUnit.objects.create(name="张江高科技园区", kind=OrgUnit.Kind.PARK, parent=pudong)
    page = desktop_page
    log_in(page, "admin", DEMO_PASSWORD)

    page.get_by_role("link", name="组织机构").click()
    expect(page.get_by_role("heading", name="组织机构")).to_be_visible()
    page.get_by_role("link", name="从 Excel 导入").click()

    # First try: one enterprise's credit code is wrong. The preview names it; nothing is saved.
    page.get_by_label("单位表（.xlsx）").set_input_files(units_file(tmp_path / "单位.xlsx", True))
    page.get_by_role("button", name="上传并检查").click()
    problems = page.locator("#import-problems")
    expect(problems).to_contain_text("上海医谷测试医疗器械有限公司")
    expect(problems).to_contain_text("统一社会信用代码")
    expect(problems).to_contain_text("不符")
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    assert not OrgUnit.objects.filter(name="上海国际医学园区").exists()

    # The fixed file, uploaded from the same page: a clean preview, then confirm.
    page.get_by_label("单位表（.xlsx）").set_input_files(units_file(tmp_path / "单位2.xlsx", False))
    page.get_by_role("button", name="上传并检查").click()
    expect(page.locator("#import-summary")).to_contain_text("新增 5 个单位")
    expect(page.locator("#import-changes")).to_contain_text("上海国际医学园区")
    page.get_by_role("button", name="确认导入").click()

    # The page polls the background import until it finishes, then shows the outcome.
    expect(page.locator("#import-result")).to_contain_text(
        "导入完成：新增 5 个单位", timeout=20_000
    )
    expect(page.locator("#import-progress")).to_have_count(0)

    page.get_by_role("link", name="查看组织机构").click()
    tree = page.locator("#org-tree")
    expect(tree.get_by_role("link", name="上海国际医学园区", exact=True)).to_be_visible()
    expect(tree.get_by_role("link", name="川沙经济园区", exact=True)).to_be_visible()
    # Enterprises sit folded inside their parks; unfold one.
    park = OrgUnit.objects.get(name="上海国际医学园区")
    page.locator(f"#unit-{park.pk} > details > summary").click()
    expect(tree.get_by_role("link", name="上海医谷测试医疗器械有限公司")).to_be_visible()
    assert page.js_errors == []

    company = OrgUnit.objects.get(name="上海医谷测试医疗器械有限公司")
    assert company.parent == park and company.credit_code == GOOD_CODE
    assert company.path == f"{park.path}{company.pk}/"

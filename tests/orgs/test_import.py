"""Units from .xlsx: upload, preview with each row's problems, confirm, one transaction."""

import io
from urllib.parse import quote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qualitymonth.core import tasks as core_tasks
from qualitymonth.core.models import AuditEntry
from qualitymonth.core.xlsx import XlsxError
from qualitymonth.orgs import services
from qualitymonth.orgs.importing import HEADERS
from qualitymonth.orgs.models import OrgUnit, UnitImport
from qualitymonth.orgs.validators import make_credit_code
from tests.core.hostile_xlsx import EXPECTED, hostile

from .conftest import workbook_bytes, xlsx_upload

ZHENHUA = make_credit_code("91", "310115", "QM000301")
WEIDIANZI = make_credit_code("91", "310115", "QM000302")

GOOD_ROWS = [
    [
        "上海振华测试重工有限公司",
        "金桥测试园区",
        "企业",
        "",
        ZHENHUA,
        "东方路1号",
        "王工",
        "13812345678",
    ],
    ["金桥测试园区", "浦东新区", "园区", "JQ", "", "金桥路1号", "", "021-50301234"],
    ["上海微电子测试有限公司", "张江高科技园区", "企业", "", WEIDIANZI, "", "", ""],
    ["上海市测试中学", "浦东新区", "学校", "", "", "", "李老师", "68824341"],
    ["陆家嘴街道", "浦东新区", "街道", "LJZ", "", "", "陆联络", "021-58880000"],
]


def upload(client, rows=GOOD_ROWS, name="单位.xlsx", **kwargs):
    return client.post(reverse("orgs:import"), {"file": xlsx_upload(rows, name=name, **kwargs)})


def latest():
    return UnitImport.objects.latest("id")


def snapshot():
    return sorted(
        OrgUnit.objects.values_list(
            "id",
            "name",
            "parent_id",
            "path",
            "kind",
            "code",
            "credit_code",
            "address",
            "contact_name",
            "contact_phone",
        )
    )


@pytest.fixture
def logged_in(client, admin, zhangjiang, lujiazui):
    client.force_login(admin)
    return client


def test_a_good_file_is_previewed_then_imported_in_one_go(logged_in, pudong, zhangjiang):
    before = snapshot()
    response = upload(logged_in)
    unit_import = latest()
    assert response.status_code == 302
    assert response.url == reverse("orgs:import_detail", args=[unit_import.pk])
    # Checked, nothing saved yet.
    assert unit_import.status == UnitImport.Status.READY
    assert (unit_import.created_count, unit_import.updated_count) == (4, 1)
    assert unit_import.problem_rows == 0 and unit_import.can_confirm
    assert snapshot() == before
    page = logged_in.get(response.url).content.decode()
    assert "新增 4 个单位，更新 1 个" in page
    assert "确认导入" in page
    assert "138****5678" in page and "13812345678" not in page  # phones masked in lists

    logged_in.post(reverse("orgs:import_confirm", args=[unit_import.pk]))
    unit_import.refresh_from_db()
    assert unit_import.status == UnitImport.Status.DONE
    park = OrgUnit.objects.get(name="金桥测试园区")
    company = OrgUnit.objects.get(name="上海振华测试重工有限公司")
    assert park.parent == pudong and park.code == "JQ" and park.contact_phone == "021-50301234"
    assert company.parent == park and company.path == f"{park.path}{company.pk}/"
    assert company.credit_code == ZHENHUA and company.pinyin.startswith("shang hai zhen hua")
    assert OrgUnit.objects.get(name="上海微电子测试有限公司").parent == zhangjiang
    lujiazui = OrgUnit.objects.get(name="陆家嘴街道")
    assert (lujiazui.code, lujiazui.contact_name) == ("LJZ", "陆联络")
    entry = AuditEntry.objects.get(action="org.units_imported")
    assert entry.detail["created"] == 4 and entry.detail["updated"] == 1
    assert entry.before == {str(lujiazui.pk): {"code": "", "contact_name": "", "contact_phone": ""}}
    assert entry.after[str(company.pk)]["credit_code"] == ZHENHUA
    page = logged_in.get(reverse("orgs:import_detail", args=[unit_import.pk])).content.decode()
    assert "导入完成：新增 4 个单位，更新 1 个，0 个不变" in page
    assert reverse("orgs:unit", args=[company.pk]) in page


def test_importing_the_same_file_twice_changes_nothing_the_second_time(logged_in):
    upload(logged_in)
    logged_in.post(reverse("orgs:import_confirm", args=[latest().pk]))
    after_first = snapshot()
    audit_count = AuditEntry.objects.count()

    upload(logged_in)
    second = latest()
    assert (second.created_count, second.updated_count, second.unchanged_count) == (0, 0, 5)
    assert not second.can_confirm
    page = logged_in.get(reverse("orgs:import_detail", args=[second.pk])).content.decode()
    assert "文件中的单位与系统完全一致" in page and "确认导入" not in page
    response = logged_in.post(reverse("orgs:import_confirm", args=[second.pk]), follow=True)
    assert "现在不能导入" in response.content.decode()
    assert snapshot() == after_first
    assert AuditEntry.objects.count() == audit_count


def test_a_file_with_bad_rows_names_each_problem_and_saves_nothing(logged_in):
    before = snapshot()
    rows = [
        *GOOD_ROWS[:2],
        ["", "浦东新区", "企业", "", "", "", "", ""],
        ["上海坏码公司", "浦东新区", "企业", "", "91310115MA1K3BTP2C", "", "", ""],
        ["上海坏电话公司", "浦东新区", "企业", "", "", "", "", "12345"],
        ["上海无上级公司", "不存在的园区", "企业", "", "", "", "", ""],
        ["上海怪类型公司", "浦东新区", "工厂", "", "", "", "", ""],
        ["金桥测试园区", "浦东新区", "园区", "", "", "", "", ""],
        ["上海越权公司", "上海市", "企业", "", "", "", "", ""],
    ]
    upload(logged_in, rows)
    unit_import = latest()
    assert unit_import.status == UnitImport.Status.READY
    assert unit_import.problem_rows == 7 and not unit_import.can_confirm
    page = logged_in.get(reverse("orgs:import_detail", args=[unit_import.pk])).content.decode()
    for text in (
        "缺少单位名称",
        "校验码（第 18 位）不符",
        "联系电话“12345”格式不正确",
        "找不到上级单位“不存在的园区”",
        "单位类型“工厂”不正确",
        "与第 3 行重复",
        "不在您的管理范围内",
    ):
        assert text in page, text
    assert 'id="row-4"' in page and 'id="row-10"' in page
    assert "确认导入" not in page
    assert "重新上传" in page
    logged_in.post(reverse("orgs:import_confirm", args=[unit_import.pk]))
    unit_import.refresh_from_db()
    assert unit_import.status == UnitImport.Status.READY
    assert snapshot() == before


def test_rows_that_went_wrong_after_the_preview_save_nothing(logged_in, admin, pudong):
    upload(logged_in)
    unit_import = latest()
    # Between preview and confirm someone else creates a unit with the same credit code.
    services.create_unit(pudong, admin, name="抢先公司", kind="enterprise", credit_code=ZHENHUA)
    before = snapshot()
    logged_in.post(reverse("orgs:import_confirm", args=[unit_import.pk]))
    unit_import.refresh_from_db()
    assert unit_import.status == UnitImport.Status.READY
    assert "预览之后组织机构有了变化" in unit_import.error
    assert unit_import.problem_rows == 1
    assert snapshot() == before


def test_a_failure_while_writing_leaves_nothing_half_saved(logged_in, monkeypatch):
    upload(logged_in)
    unit_import = latest()
    before = snapshot()

    def broken_audit(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.audit, "record", broken_audit)
    logged_in.post(reverse("orgs:import_confirm", args=[unit_import.pk]))
    unit_import.refresh_from_db()
    assert unit_import.status == UnitImport.Status.FAILED
    assert unit_import.error.startswith("导入失败，没有保存任何单位")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("单位.csv", "单位名称,上级单位\n甲,浦东新区\n".encode(), "不是 Excel 工作簿（.xlsx）"),
        ("单位.xlsx", b"\xd0\xcf\x11\xe0 an old .xls file", "不是 Excel 工作簿（.xlsx）"),
        ("单位.xlsx", b"PK\x03\x04 broken zip", "文件可能已损坏"),
        ("单位.xlsx", workbook_bytes([], headers=HEADERS), "没有数据行"),
        ("单位.xlsx", workbook_bytes([], headers=None), "没有找到表头"),
        (
            "单位.xlsx",
            workbook_bytes([["甲", "浦东新区"]], headers=["名称", "上级"]),
            "没有找到表头",
        ),
    ],
)
def test_files_that_cannot_be_read_get_a_clear_message(logged_in, name, content, message):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = logged_in.post(reverse("orgs:import"), {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not UnitImport.objects.exists()


def test_the_template_example_row_alone_is_not_an_import(logged_in):
    example = [services.EXAMPLE_ROW[header] for header in HEADERS]
    response = upload(logged_in, [example])
    assert "只有模板的示例行" in response.content.decode()


def test_files_over_10_mb_or_20000_rows_are_refused(logged_in, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("单位.xlsx", b"PK" + b"0" * (10 * 1024 * 1024 + 1))
    response = logged_in.post(reverse("orgs:import"), {"file": big})
    assert "超过 10 MB 上限" in response.content.decode()

    monkeypatch.setattr(services, "MAX_IMPORT_ROWS", 3)
    rows = [[f"公司{n}", "浦东新区", "企业", "", "", "", "", ""] for n in range(4)]
    response = upload(logged_in, rows)
    assert "表格超过 3 行上限" in response.content.decode()
    assert not UnitImport.objects.exists()


def test_a_large_file_is_checked_and_imported_in_the_background_with_progress(
    logged_in, pudong, monkeypatch
):
    seen: list[tuple[str, int, int]] = []
    report = core_tasks.report_progress

    def spy(key, *, processed, total, phase=""):
        seen.append((phase, processed, total))
        report(key, processed=processed, total=total, phase=phase)

    monkeypatch.setattr(services, "report_progress", spy)
    rows = [["浦东测试园区", "浦东新区", "园区", "", "", "", "", ""]]
    rows += [
        [f"上海测试企业{n:04d}有限公司", "浦东测试园区", "企业", f"E{n:04d}", "", "", "", ""]
        for n in range(1, 5000)
    ]
    upload(logged_in, rows)
    unit_import = latest()
    assert unit_import.total_rows == 5000 and unit_import.created_count == 5000
    checking = [processed for phase, processed, _total in seen if phase == "checking"]
    assert checking[0] == 0 and checking[-1] == 5000
    assert checking == sorted(checking) and len(set(checking)) > 10

    seen.clear()
    logged_in.post(reverse("orgs:import_confirm", args=[unit_import.pk]))
    unit_import.refresh_from_db()
    assert unit_import.status == UnitImport.Status.DONE
    saving = [processed for phase, processed, _total in seen if phase == "saving"]
    assert saving == sorted(saving) and len(saving) > 5 and saving[-1] == 5000
    assert {total for _phase, _processed, total in seen} == {5000}
    park = OrgUnit.objects.get(name="浦东测试园区")
    assert park.children.count() == 4999
    assert not park.children.exclude(path__startswith=park.path).exists()
    assert not OrgUnit.objects.filter(pinyin="").exists()
    # The polled progress is gone once the work is done; the page shows the result.
    assert core_tasks.read_progress(services.progress_key(unit_import)) is None


def test_the_progress_endpoint_polls_while_running_and_refreshes_when_done(logged_in):
    upload(logged_in)
    unit_import = latest()
    UnitImport.objects.filter(pk=unit_import.pk).update(status=UnitImport.Status.IMPORTING)
    core_tasks.report_progress(
        services.progress_key(unit_import), processed=2, total=5, phase="saving"
    )
    url = reverse("orgs:import_progress", args=[unit_import.pk])
    response = logged_in.get(url, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'hx-trigger="every 1s"' in body and "2 / 5 行" in body and "正在保存" in body
    page = logged_in.get(reverse("orgs:import_detail", args=[unit_import.pk])).content.decode()
    assert 'id="import-progress"' in page
    UnitImport.objects.filter(pk=unit_import.pk).update(status=UnitImport.Status.DONE)
    response = logged_in.get(url, headers={"HX-Request": "true"})
    assert response.headers["HX-Refresh"] == "true"


def test_the_template_downloads_with_headers_dropdown_example_and_notes(logged_in):
    response = logged_in.get(reverse("orgs:import_template"))
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert "attachment" in disposition and quote("单位导入模板.xlsx") in disposition
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["单位", "说明"]
    sheet = workbook["单位"]
    assert [cell.value for cell in sheet[1]] == HEADERS
    assert sheet["A2"].value.startswith("（示例）")
    validations = sheet.data_validations.dataValidation
    assert any("园区" in v.formula1 and "C2" in str(v.sqref) for v in validations)
    assert sheet.column_dimensions["A"].width >= 30
    assert "填写说明" in workbook["说明"]["A1"].value


def test_an_export_reimports_as_unchanged(logged_in, admin, pudong, zhangjiang, lujiazui):
    bureau = services.create_unit(pudong, admin, name="浦东新区市场监督管理局", kind="agency")
    education = services.create_unit(pudong, admin, name="浦东新区教育局", kind="agency")
    division = services.create_unit(
        bureau, admin, name="质量处", kind="division", contact_phone="13812345678"
    )
    services.create_unit(education, admin, name="质量处", kind="division")
    services.create_unit(division, admin, name="计量科", kind="division")
    services.update_unit(zhangjiang, admin, contact_name="张联络", contact_phone="021-50801234")
    services.create_unit(
        zhangjiang, admin, name="上海甲公司", kind="enterprise", credit_code=ZHENHUA
    )
    response = logged_in.get(reverse("orgs:export"))
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(content))["单位"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == HEADERS
    assert rows[1][:3] == [
        "浦东新区",
        "上海市",
        "区",
    ]  # the top unit first, parents before children
    # 质量处 is not unique: its child names it by path, which the import reads back.
    assert next(row for row in rows if row[0] == "计量科")[1] == "浦东新区市场监督管理局/质量处"
    park_row = next(row for row in rows if row[0] == "张江高科技园区")
    assert park_row[7] == "021-****1234"  # phones masked in the export
    assert "上海市" not in [row[0] for row in rows]  # nothing outside the scope

    before = snapshot()
    from django.core.files.uploadedfile import SimpleUploadedFile

    logged_in.post(reverse("orgs:import"), {"file": SimpleUploadedFile("组织机构.xlsx", content)})
    unit_import = latest()
    assert unit_import.problem_rows == 0, unit_import.rows
    assert unit_import.unchanged_count == OrgUnit.objects.exclude(name="上海市").count()
    assert (unit_import.created_count, unit_import.updated_count) == (0, 0)
    assert snapshot() == before


def test_an_import_cut_off_by_a_restart_stops_waiting(logged_in):
    import datetime

    from django.utils import timezone

    upload(logged_in)
    unit_import = latest()
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    UnitImport.objects.filter(pk=unit_import.pk).update(
        status=UnitImport.Status.IMPORTING, updated_at=long_ago
    )
    response = logged_in.get(
        reverse("orgs:import_progress", args=[unit_import.pk]), headers={"HX-Request": "true"}
    )
    assert response.headers["HX-Refresh"] == "true"
    page = logged_in.get(reverse("orgs:import_detail", args=[unit_import.pk])).content.decode()
    assert "处理被中断" in page and "上传并检查" in page
    unit_import.refresh_from_db()
    assert unit_import.status == UnitImport.Status.FAILED


@pytest.mark.parametrize("name", list(EXPECTED))
def test_a_hostile_workbook_gets_a_chinese_message_and_nothing_is_kept(logged_in, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = hostile(tuple(HEADERS))[name]
    with pytest.raises(XlsxError) as raised:
        services.read_units_file(data)
    assert EXPECTED[name] in raised.value.message
    before = snapshot()
    response = logged_in.post(
        reverse("orgs:import"), {"file": SimpleUploadedFile("单位.xlsx", data)}
    )
    assert response.status_code == 200
    assert EXPECTED[name] in response.content.decode()
    assert not UnitImport.objects.exists()
    assert snapshot() == before

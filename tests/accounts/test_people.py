import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import Workbook

from qualitymonth.accounts import services
from qualitymonth.accounts.models import Membership, Role, User
from qualitymonth.core.models import AuditEntry, Notification
from tests.core.hostile_xlsx import EXPECTED, hostile


def test_admin_creates_a_person_with_a_temporary_password(admin, lujiazui):
    person, password = services.create_person(
        admin,
        username="lj02",
        full_name="张三",
        org_unit=lujiazui,
        role=Role.REPORTER,
        phone="13800138000",
    )
    assert person.check_password(password) and person.must_change_password
    assert person.memberships.get().org_unit == lujiazui
    entry = AuditEntry.objects.get(action="person.created")
    assert entry.org_path == lujiazui.path and "password" not in str(entry.after)


def test_a_person_can_be_created_with_a_password_they_already_know(admin, lujiazui):
    person, password = services.create_person(
        admin,
        username="lj03",
        full_name="李四",
        org_unit=lujiazui,
        role=Role.REPORTER,
        password="QualityMonth-2024",
    )
    assert password == "QualityMonth-2024" and person.check_password(password)
    assert not person.must_change_password


def test_bad_phone_and_taken_username_are_refused(admin, lujiazui, reporter):
    with pytest.raises(ValidationError) as error:
        services.create_person(
            admin,
            username="REPORTER",
            full_name="重名",
            org_unit=lujiazui,
            role=Role.REPORTER,
            phone="123",
        )
    assert set(error.value.message_dict) == {"username", "phone"}
    assert User.objects.filter(full_name="重名").count() == 0


def test_admins_manage_only_people_wholly_in_their_units(
    admin, reporter, huangpu_admin, city_viewer, lujiazui
):
    assert services.can_manage(admin, reporter)
    assert not services.can_manage(huangpu_admin, reporter)
    assert not services.can_manage(admin, city_viewer)
    with pytest.raises(PermissionDenied):
        services.reset_password(city_viewer, admin)
    # A reporter who also serves the city is managed there, not by the district.
    Membership.objects.create(
        user=reporter, org_unit=city_viewer.memberships.get().org_unit, role=Role.CITY_VIEWER
    )
    assert not services.can_manage(admin, reporter)


def test_reset_password_deactivate_and_roles(admin, reporter, pudong):
    password = services.reset_password(reporter, admin)
    reporter.refresh_from_db()
    assert reporter.check_password(password) and reporter.must_change_password
    assert Notification.objects.filter(recipient=reporter, kind="password_reset").exists()
    services.add_membership(
        reporter, admin, org_unit=pudong, role=Role.SERVICE_STAFF, duties=["metrology"]
    )
    assert reporter.memberships.get(role=Role.SERVICE_STAFF).duties == ["metrology"]
    with pytest.raises(ValidationError):
        services.add_membership(
            reporter, admin, org_unit=pudong, role=Role.SERVICE_STAFF, duties=["nonsense"]
        )
    services.remove_membership(reporter.memberships.get(role=Role.SERVICE_STAFF), admin)
    with pytest.raises(ValidationError):  # the last role stays; deactivate instead
        services.remove_membership(reporter.memberships.get(), admin)
    services.set_active(reporter, admin, False)
    reporter.refresh_from_db()
    assert not reporter.is_active
    with pytest.raises(ValidationError):
        services.set_active(admin, admin, False)
    assert {e.action for e in AuditEntry.objects.all()} >= {
        "person.password_reset",
        "person.role_added",
        "person.role_removed",
        "person.deactivated",
    }


def test_a_temporary_password_must_be_changed_first(client, admin, reporter):
    password = services.reset_password(reporter, admin)
    assert client.login(username="reporter", password=password)
    assert client.get(reverse("assignments:my_tasks")).url == reverse("accounts:password_change")
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": password,
            "new_password1": "Quality-Month-2025!",
            "new_password2": "Quality-Month-2025!",
        },
    )
    assert response.status_code == 302
    reporter.refresh_from_db()
    assert not reporter.must_change_password
    assert client.get(reverse("assignments:my_tasks")).status_code == 200


def test_people_list_is_scoped_and_masks_phones(client, admin, reporter, huangpu_admin):
    reporter.phone = "13812345678"
    reporter.save()
    client.force_login(admin)
    page = client.get(reverse("accounts:people")).content.decode()
    assert "reporter" in page and "138****5678" in page and "13812345678" not in page
    assert "huangpu_admin" not in page
    client.force_login(reporter)
    assert client.get(reverse("accounts:people")).status_code == 403


def test_guessing_another_districts_person_is_not_found(client, huangpu_admin, reporter):
    client.force_login(huangpu_admin)
    assert client.get(reverse("accounts:person", kwargs={"pk": reporter.pk})).status_code == 404
    response = client.post(
        reverse("accounts:person_action", kwargs={"pk": reporter.pk}), {"action": "deactivate"}
    )
    assert response.status_code == 404
    reporter.refresh_from_db()
    assert reporter.is_active


def workbook(
    rows, headers=("用户名", "姓名", "手机号", "电子邮箱", "单位", "角色", "职责")
) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    buffer.seek(0)
    buffer.name = "people.xlsx"
    return buffer


def post_people(client, file):
    return client.post(reverse("accounts:people_import"), {"file": file})


def test_people_import_previews_then_creates_everyone(client, admin, lujiazui, pudong, reporter):
    client.force_login(admin)
    rows = [
        ("lj02", "张三", "13800138000", "", "陆家嘴街道", "单位填报员", ""),
        ("lj02", "张三", "13800138000", "", "浦东新区", "审核员", ""),
        (
            "svc01",
            "李四",
            "021-68824341",
            "li@example.cn",
            "浦东新区",
            "业务人员",
            "计量强检服务、监督抽查",
        ),
        ("reporter", "reporter", "", "", "陆家嘴街道", "单位填报员", ""),
    ]
    response = post_people(client, workbook(rows))
    assert "新建 2 人，增加角色 1 个，无变化 1 行，有问题 0 行。" in response.content.decode()
    assert not User.objects.filter(username="lj02").exists()  # nothing before confirming
    response = client.post(reverse("accounts:people_import"), {"confirm": "1"})
    issued = dict((p.username, pw) for p, pw in response.context["people"])
    assert set(issued) == {"lj02", "svc01"}
    assert User.objects.get(username="lj02").memberships.count() == 2
    assert User.objects.get(username="svc01").memberships.get().duties == [
        "metrology",
        "spot_check",
    ]
    assert User.objects.get(username="svc01").check_password(issued["svc01"])
    # The same file again changes nothing.
    response = post_people(client, workbook(rows))
    assert "新建 0 人，增加角色 0 个，无变化 4 行，有问题 0 行。" in response.content.decode()


def test_people_import_with_bad_rows_saves_nothing(client, admin, huangpu_admin):
    client.force_login(admin)
    rows = [
        ("ok01", "王五", "13800138000", "", "陆家嘴街道", "单位填报员", ""),
        ("x", "", "12345", "not-an-email", "黄浦区", "组长", "扫地"),
        ("huangpu_admin", "冒名", "", "", "陆家嘴街道", "单位填报员", ""),
    ]
    page = post_people(client, workbook(rows)).content.decode()
    problems = [
        "用户名须为",
        "缺少姓名",
        "电子邮箱“not-an-email”格式不正确",
        "单位“黄浦区”不存在",
        "角色“组长”不正确",
        "职责“扫地”不正确",
        "已被其他单位的人员使用",
    ]
    for problem in problems:
        assert problem in page
    assert "确认导入" not in page
    response = client.post(reverse("accounts:people_import"), {"confirm": "1"})
    assert not User.objects.filter(username="ok01").exists()
    assert response.status_code in {200, 302}


def test_people_import_refuses_what_is_not_a_workbook(client, admin):
    client.force_login(admin)
    bad = io.BytesIO(b"name,unit\n")
    bad.name = "people.xlsx"
    response = post_people(client, bad)
    assert "不是 Excel 工作簿" in response.content.decode()
    response = post_people(client, workbook([], headers=("名字", "部门")))
    assert "没有找到表头" in response.content.decode()


def test_people_template_downloads(client, admin):
    from openpyxl import load_workbook

    client.force_login(admin)
    response = client.get(reverse("accounts:people_template"))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert [c.value for c in book.active[1]] == [
        "用户名",
        "姓名",
        "手机号",
        "电子邮箱",
        "单位",
        "角色",
        "职责",
        "含下级单位",
    ]
    assert "说明" in book.sheetnames


@pytest.mark.parametrize("name", list(EXPECTED))
def test_a_hostile_workbook_gets_a_chinese_message_and_nothing_is_kept(client, admin, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qualitymonth.accounts import people_import
    from qualitymonth.accounts.views import IMPORT_SESSION_KEY
    from qualitymonth.core.xlsx import XlsxError

    data = hostile(tuple(people_import.HEADERS))[name]
    with pytest.raises(XlsxError) as raised:
        people_import.read_file(data, admin)
    assert EXPECTED[name] in raised.value.message
    people = User.objects.count()
    client.force_login(admin)
    response = post_people(client, SimpleUploadedFile("人员.xlsx", data))
    assert response.status_code == 200
    assert EXPECTED[name] in response.content.decode()
    assert "确认导入" not in response.content.decode()
    assert IMPORT_SESSION_KEY not in client.session
    assert User.objects.count() == people

"""Writes to the tree: scope checked, paths kept, every change in the audit log."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qualitymonth.core.models import AuditEntry
from qualitymonth.orgs import services
from qualitymonth.orgs.models import OrgUnit

from ..conftest import make_person


def test_create_unit_saves_contacts_and_pinyin_and_records_the_audit(admin, pudong):
    unit = services.create_unit(
        pudong,
        admin,
        name="北蔡镇",
        kind=OrgUnit.Kind.TOWN,
        address=" 上海市浦东新区沪南路1000号 ",
        contact_name="王联络",
        contact_phone="０２１－６８８２４３４１",
    )
    assert unit.path == f"{pudong.path}{unit.pk}/"
    assert unit.pinyin == "bei cai zhen"
    assert unit.address == "上海市浦东新区沪南路1000号"
    assert unit.contact_phone == "021-68824341"
    entry = AuditEntry.objects.get(action="org.unit_created")
    assert entry.actor == admin and entry.target_id == str(unit.pk)
    assert entry.org_path == unit.path
    assert entry.after["name"] == "北蔡镇" and entry.after["parent_id"] == pudong.pk


def test_units_sort_by_pinyin(admin, pudong):
    for name in ("曹路镇", "北蔡镇", "白莲泾"):
        services.create_unit(pudong, admin, name=name, kind=OrgUnit.Kind.TOWN)
    names = list(pudong.children.order_by("pinyin").values_list("name", flat=True))
    assert names == ["白莲泾", "北蔡镇", "曹路镇"]


def test_renaming_keeps_the_pinyin_up_to_date(admin, lujiazui):
    services.update_unit(lujiazui, admin, name="长宁新村")
    lujiazui.refresh_from_db()
    assert lujiazui.pinyin == "chang ning xin cun"
    lujiazui.name = "曹路"
    lujiazui.save(update_fields=["name"])
    lujiazui.refresh_from_db()
    assert lujiazui.pinyin == "cao lu"


def test_bad_credit_code_and_phone_are_refused(admin, pudong):
    with pytest.raises(ValidationError) as error:
        services.create_unit(
            pudong,
            admin,
            name="上海甲公司",
            kind=OrgUnit.Kind.ENTERPRISE,
            credit_code="91310115MA1K3BTP2C",
            contact_phone="12345",
        )
    assert "第 18 位" in error.value.message_dict["credit_code"][0]
    assert "格式不正确" in error.value.message_dict["contact_phone"][0]
    assert not OrgUnit.objects.filter(name="上海甲公司").exists()
    assert not AuditEntry.objects.exists()


def test_a_name_is_unique_under_its_parent(admin, pudong, lujiazui):
    with pytest.raises(ValidationError) as error:
        services.create_unit(pudong, admin, name="陆家嘴街道", kind=OrgUnit.Kind.SUBDISTRICT)
    assert "上级单位下已有同名单位" in str(error.value)


def test_update_records_only_what_changed(admin, lujiazui):
    services.update_unit(lujiazui, admin, contact_name="李联络", code="LJZ")
    entry = AuditEntry.objects.get(action="org.unit_updated")
    assert entry.before == {"code": "", "contact_name": ""}
    assert entry.after == {"code": "LJZ", "contact_name": "李联络"}
    services.update_unit(lujiazui, admin, contact_name="李联络")
    assert AuditEntry.objects.filter(action="org.unit_updated").count() == 1


def test_moving_a_unit_moves_its_descendants_paths(admin, pudong, lujiazui):
    park = services.create_unit(pudong, admin, name="陆家嘴金融贸易区", kind=OrgUnit.Kind.PARK)
    company = services.create_unit(lujiazui, admin, name="上海甲公司", kind="enterprise")
    lab = services.create_unit(company, admin, name="甲公司实验室", kind="other")
    services.move_unit(company, park, admin)
    for unit in (company, lab):
        unit.refresh_from_db()
    assert company.parent == park
    assert company.path == f"{park.path}{company.pk}/"
    assert lab.path == f"{company.path}{lab.pk}/"
    assert set(park.descendants()) == {park, company, lab}
    assert list(lujiazui.descendants(include_self=False)) == []
    entry = AuditEntry.objects.get(action="org.unit_moved")
    assert entry.before["parent_id"] == lujiazui.pk and entry.after["parent_id"] == park.pk


def test_a_unit_cannot_move_below_itself(admin, pudong, lujiazui):
    child = services.create_unit(lujiazui, admin, name="小区", kind="other")
    with pytest.raises(ValidationError):
        services.move_unit(lujiazui, child, admin)
    with pytest.raises(ValidationError):
        services.move_unit(lujiazui, lujiazui, admin)
    lujiazui.refresh_from_db()
    assert lujiazui.parent == pudong


def test_writes_outside_the_scope_are_refused(
    admin, reporter, huangpu_admin, pudong, huangpu, lujiazui
):
    with pytest.raises(PermissionDenied):
        services.create_unit(pudong, reporter, name="甲", kind="other")
    with pytest.raises(PermissionDenied):
        services.create_unit(pudong, huangpu_admin, name="甲", kind="other")
    with pytest.raises(PermissionDenied):
        services.update_unit(lujiazui, huangpu_admin, contact_name="黄浦")
    # Moving needs the new parent in scope too: Pudong's admin cannot move a street to Huangpu.
    with pytest.raises(PermissionDenied):
        services.move_unit(lujiazui, huangpu, admin)
    assert not AuditEntry.objects.exists()


def test_a_district_admin_cannot_move_their_own_district(admin, pudong, huangpu):
    with pytest.raises(PermissionDenied):
        services.move_unit(pudong, huangpu, admin)


def test_only_a_system_administrator_makes_the_top_of_a_tree(admin, pudong):
    with pytest.raises(PermissionDenied):
        services.create_unit(None, admin, name="江苏省", kind="other")
    root = make_person("root")
    root.is_superuser = True
    root.save()
    province = services.create_unit(None, root, name="江苏省", kind="other")
    assert province.parent is None and province.path == f"/{province.pk}/"
    assert AuditEntry.objects.get(action="org.unit_created").target_id == str(province.pk)


def test_the_shipped_tree_lists_parents_first():
    units = services.shanghai_units()
    assert units[0].path == ("上海市",)
    assert sum(unit.kind == OrgUnit.Kind.DISTRICT for unit in units) == 16
    assert (
        sum(unit.path[:2] == ("上海市", "浦东新区") and len(unit.path) == 3 for unit in units) == 36
    )
    seen = set()
    for unit in units:
        assert len(unit.path) == 1 or unit.path[:-1] in seen
        seen.add(unit.path)


def test_superusers_manage_everything(pudong):
    root = make_person("root")
    root.is_superuser = True
    root.save()
    unit = services.create_unit(pudong, root, name="甲", kind="other")
    assert unit.pk

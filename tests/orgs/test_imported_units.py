"""The units of a district's upward package, found in the city's tree or created under the
district by the orgs app's own service."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qualitymonth.core.models import AuditEntry
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.orgs.services import resolve_imported_units
from qualitymonth.orgs.validators import make_credit_code

SHA256 = "9f" * 32
GOOD_CODE = make_credit_code("91", "310115", "QM000102")
BAD_CODE = "91310115QM0001020"


def test_known_units_are_found_and_missing_ones_created_under_the_district(
    pudong, lujiazui, city_viewer
):
    result = resolve_imported_units(
        pudong,
        city_viewer,
        [
            {"key": "unit-9", "path": [], "kind": "district"},
            {"key": "unit-1", "path": ["陆家嘴街道"], "kind": "subdistrict"},
            {
                "key": "unit-3",
                "path": ["张江高科技园区", "上海微电子装备（集团）股份有限公司"],
                "kind": "enterprise",
                "credit_code": GOOD_CODE,
            },
        ],
        sha256=SHA256,
    )
    units = result.units
    assert units["unit-9"] == pudong and units["unit-1"] == lujiazui
    company = units["unit-3"]
    assert company.kind == "enterprise" and company.credit_code == GOOD_CODE
    assert company.parent.name == "张江高科技园区" and company.parent.kind == "other"
    assert company.parent.parent == pudong and company.path.startswith(pudong.path)
    assert result.notes == []

    [entry] = AuditEntry.objects.filter(action="org.units_imported_from_package")
    assert entry.detail == {"created": 2, "notes": [], "sha256": SHA256}
    assert set(entry.after) == {str(company.pk), str(company.parent_id)}
    assert entry.actor == city_viewer and entry.org_path == pudong.path


def test_finding_every_unit_changes_nothing_and_audits_nothing(pudong, lujiazui, city_viewer):
    entries = [{"key": "u", "path": ["陆家嘴街道"], "kind": "subdistrict"}]
    assert resolve_imported_units(pudong, city_viewer, entries).units == {"u": lujiazui}
    assert not AuditEntry.objects.exists()


def test_a_malformed_credit_code_is_left_blank_and_said(pudong, city_viewer):
    result = resolve_imported_units(
        pudong,
        city_viewer,
        [{"key": "u", "path": ["某公司"], "kind": "enterprise", "credit_code": BAD_CODE}],
    )
    assert result.units["u"].credit_code == ""
    [note] = result.notes
    assert note.startswith(f"单位“某公司”的统一社会信用代码“{BAD_CODE}”有误（")
    assert note.endswith("已留空。")
    entry = AuditEntry.objects.get(action="org.units_imported_from_package")
    assert entry.detail["notes"] == [note]


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"path": [""], "kind": "subdistrict"}, "单位“”的名称：此字段不能为空。"),
        ({"path": ["某星球"], "kind": "planet"}, "单位“某星球”的类型：值 'planet' 不是有效选项。"),
    ],
)
def test_a_unit_against_the_rules_is_refused_naming_it(pudong, city_viewer, entry, message):
    with pytest.raises(ValidationError) as caught:
        resolve_imported_units(pudong, city_viewer, [{"key": "u", **entry}])
    assert caught.value.messages == [message]


def test_only_a_user_receiving_at_the_districts_city_resolves(pudong, admin):
    with pytest.raises(PermissionDenied):
        resolve_imported_units(pudong, admin, [{"key": "u", "path": ["某公司"], "kind": "other"}])
    assert not OrgUnit.objects.filter(name="某公司").exists()

"""The tree pages: campaign admins within their scope; everyone else is refused."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qualitymonth.core.models import AuditEntry
from qualitymonth.orgs import services
from qualitymonth.orgs.models import OrgUnit, UnitImport

from .conftest import xlsx_upload


@pytest.fixture
def streets(admin, pudong):
    return [
        services.create_unit(pudong, admin, name=name, kind=OrgUnit.Kind.TOWN)
        for name in ("曹路镇", "北蔡镇", "白莲泾")
    ]


def pages(unit, unit_import=None):
    urls = [
        reverse("orgs:tree"),
        reverse("orgs:tree") + "?q=北蔡",
        reverse("orgs:unit", args=[unit.pk]),
        reverse("orgs:unit_edit", args=[unit.pk]),
        reverse("orgs:unit_new"),
        reverse("orgs:export"),
        reverse("orgs:import"),
        reverse("orgs:import_template"),
    ]
    if unit_import:
        urls += [
            reverse("orgs:import_detail", args=[unit_import.pk]),
            reverse("orgs:import_progress", args=[unit_import.pk]),
        ]
    return urls


@pytest.fixture
def pudong_import(client, admin, streets):
    client.force_login(admin)
    rows = [["上海甲公司", "北蔡镇", "企业", "", "", "", "", ""]]
    client.post(reverse("orgs:import"), {"file": xlsx_upload(rows)})
    client.logout()
    return UnitImport.objects.get()


def test_pages_need_a_login(client, lujiazui):
    for url in pages(lujiazui):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url, url


def test_the_admin_opens_every_page(client, admin, lujiazui, pudong_import):
    client.force_login(admin)
    for url in pages(lujiazui, pudong_import):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("person", ["reporter", "city_viewer"])
def test_people_who_do_not_manage_units_are_refused(
    request, client, person, lujiazui, pudong_import
):
    client.force_login(request.getfixturevalue(person))
    for url in pages(lujiazui, pudong_import):
        assert client.get(url).status_code == 403, url
    response = client.post(reverse("orgs:import_confirm", args=[pudong_import.pk]))
    assert response.status_code == 403
    response = client.post(
        reverse("orgs:unit_edit", args=[lujiazui.pk]), {"name": "改名", "kind": "town"}
    )
    assert response.status_code == 403
    lujiazui.refresh_from_db()
    assert lujiazui.name == "陆家嘴街道"


def test_another_districts_admin_cannot_reach_pudong_by_guessing_ids(
    client, huangpu_admin, huangpu, pudong, lujiazui, pudong_import
):
    client.force_login(huangpu_admin)
    for url in [
        reverse("orgs:unit", args=[lujiazui.pk]),
        reverse("orgs:unit", args=[pudong.pk]),
        reverse("orgs:unit_edit", args=[lujiazui.pk]),
        reverse("orgs:import_detail", args=[pudong_import.pk]),
        reverse("orgs:import_progress", args=[pudong_import.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("orgs:import_confirm", args=[pudong_import.pk])).status_code == 404
    response = client.post(
        reverse("orgs:unit_edit", args=[lujiazui.pk]), {"name": "黄浦改名", "kind": "town"}
    )
    assert response.status_code == 404
    # Creating below a Pudong unit: the id is not among the choices.
    response = client.post(
        reverse("orgs:unit_new"), {"name": "越界单位", "kind": "other", "parent": lujiazui.pk}
    )
    assert response.status_code == 200
    assert not OrgUnit.objects.filter(name="越界单位").exists()
    # The tree, search and export show Huangpu only.
    tree = client.get(reverse("orgs:tree")).content.decode()
    assert "黄浦区" in tree and "浦东新区" not in tree and "陆家嘴" not in tree
    search = client.get(reverse("orgs:tree"), {"q": "陆家嘴"}).content.decode()
    assert "找到 0 个单位" in search
    assert UnitImport.objects.get().status == UnitImport.Status.READY


def test_the_nav_link_shows_for_admins_only(client, admin, reporter):
    client.force_login(admin)
    assert 'href="/orgs/"' in client.get(reverse("campaigns:list")).content.decode()
    client.force_login(reporter)
    assert 'href="/orgs/"' not in client.get(reverse("campaigns:list")).content.decode()


def test_the_tree_is_folded_and_sorted_by_pinyin(client, admin, pudong, streets):
    services.create_unit(streets[1], admin, name="北蔡社区", kind=OrgUnit.Kind.OTHER)
    client.force_login(admin)
    page = client.get(reverse("orgs:tree")).content.decode()
    assert page.index("白莲泾") < page.index("北蔡镇") < page.index("曹路镇")
    assert f'<li id="unit-{pudong.pk}"><details open>' in page  # the district is open
    assert f'<li id="unit-{streets[1].pk}"><details><summary>' in page  # a town is folded
    assert "1 个下级单位" in page


def test_search_finds_by_name_code_and_contact_as_a_flat_list(client, admin, pudong, streets):
    services.update_unit(streets[0], admin, code="CL-01", contact_name="曹联络")
    client.force_login(admin)
    for text in ("曹路", "cl-01", "曹联络"):
        page = client.get(reverse("orgs:tree"), {"q": text}).content.decode()
        assert "找到 1 个单位" in page and "曹路镇" in page, text
        assert "浦东新区" in page  # where it sits
        assert "org-tree" not in page


def test_the_unit_page_shows_fields_children_and_contacts(client, admin, pudong, streets):
    services.update_unit(
        pudong, admin, address="世纪大道2001号", contact_name="陈联络", contact_phone="021-68824341"
    )
    client.force_login(admin)
    page = client.get(reverse("orgs:unit", args=[pudong.pk])).content.decode()
    assert "世纪大道2001号" in page and "陈联络" in page and "021-68824341" in page
    assert page.index("白莲泾") < page.index("北蔡镇") < page.index("曹路镇")
    assert "3 个直属" in page


def test_the_admin_creates_and_edits_a_unit_with_checks(client, admin, pudong, streets):
    client.force_login(admin)
    form = {
        "name": "上海甲公司",
        "kind": "enterprise",
        "parent": streets[1].pk,
        "credit_code": "91310115MA1K3BTP2C",
        "contact_phone": "12345",
    }
    page = client.post(reverse("orgs:unit_new"), form).content.decode()
    assert "校验码（第 18 位）不符" in page and "联系电话“12345”格式不正确" in page
    form |= {"credit_code": "91310115ma1k3btp2b", "contact_phone": "13812345678"}
    response = client.post(reverse("orgs:unit_new"), form)
    unit = OrgUnit.objects.get(name="上海甲公司")
    assert response.url == reverse("orgs:unit", args=[unit.pk])
    assert unit.credit_code == "91310115MA1K3BTP2B" and unit.parent == streets[1]

    # Moving it re-parents it and rewrites its path.
    edit = {"name": "上海甲公司", "kind": "enterprise", "parent": streets[0].pk}
    edit |= {"credit_code": unit.credit_code, "contact_phone": "13812345678"}
    response = client.post(reverse("orgs:unit_edit", args=[unit.pk]), edit)
    unit.refresh_from_db()
    assert unit.parent == streets[0] and unit.path.startswith(streets[0].path)
    assert AuditEntry.objects.filter(action="org.unit_moved", target_id=str(unit.pk)).exists()


def test_the_top_of_the_scope_cannot_be_moved_in_its_form(client, admin, pudong):
    client.force_login(admin)
    page = client.get(reverse("orgs:unit_edit", args=[pudong.pk])).content.decode()
    assert "不能移动" in page
    response = client.post(
        reverse("orgs:unit_edit", args=[pudong.pk]),
        {"name": "浦东新区", "kind": "district", "contact_name": "陈联络"},
    )
    pudong.refresh_from_db()
    assert response.status_code == 302 and pudong.contact_name == "陈联络"


def test_the_tree_page_query_count_does_not_grow_with_units(client, admin, pudong):
    client.force_login(admin)
    client.get(reverse("orgs:tree"))  # the first request of a session does more
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("orgs:tree"))
    for n in range(30):
        services.create_unit(pudong, admin, name=f"单位{n}", kind="other")
    with CaptureQueriesContext(connection) as large:
        client.get(reverse("orgs:tree"))
    assert len(large) == len(small)

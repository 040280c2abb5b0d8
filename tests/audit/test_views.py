"""The audit log pages: who sees which entries, the filters, the readable changes, the export."""

import datetime
import io
from contextlib import contextmanager
from unittest import mock

import pytest
from openpyxl import load_workbook

from qualitymonth.core import audit
from qualitymonth.core.models import AuditEntry
from tests.conftest import make_person

LIST = "/audit/"
EXPORT = "/audit/export/"
UTC = datetime.UTC


@contextmanager
def at(moment: datetime.datetime):
    """Entries recorded inside are dated ``moment``."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


@pytest.fixture
def entries(admin, reporter, huangpu_admin, pudong, lujiazui, huangpu):
    """Changes in Pudong, in Lujiazui (a street of Pudong), in Huangpu and under no unit."""
    with at(datetime.datetime(2024, 9, 1, 2, 0, tzinfo=UTC)):  # 10:00 in Shanghai
        audit.record(
            admin,
            "orgunit.updated",
            pudong,
            before={"name": "浦东新区市场监管局", "code": "310115"},
            after={"name": "浦东新区", "code": "310115"},
            org_unit=pudong,
        )
    with at(datetime.datetime(2024, 9, 10, 8, 30, tzinfo=UTC)):
        audit.record(
            reporter,
            "orgunit.updated",
            lujiazui,
            before={"short_name": ""},
            after={"short_name": "陆家嘴"},
            org_unit=lujiazui,
        )
    with at(datetime.datetime(2024, 9, 20, 1, 0, tzinfo=UTC)):
        audit.record(admin, "person.password_reset", reporter, org_unit=lujiazui, reason="忘记密码")
        audit.record(
            huangpu_admin,
            "orgunit.created",
            huangpu,
            after={"name": "黄浦区外滩街道"},
            org_unit=huangpu,
        )
        audit.record(None, "system.started", pudong)  # filed under no unit
    return AuditEntry.objects.all()


def page_of(client, user, query: str = "") -> str:
    client.force_login(user)
    response = client.get(f"{LIST}{query}")
    assert response.status_code == 200
    return response.content.decode()


def shown(page: str) -> int:
    return page.count('class="audit-entry card"')


# Who may see what -----------------------------------------------------------------------------


def test_reporters_and_city_viewers_are_refused(client, reporter, city_viewer, entries):
    for person in (reporter, city_viewer):
        client.force_login(person)
        assert client.get(LIST).status_code == 403
        assert client.get(EXPORT).status_code == 403
        assert "审计日志" not in client.get("/inbox/").content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client, entries):
    response = client.get(LIST)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_a_pudong_admin_sees_pudong_and_its_streets_only(client, admin, entries):
    page = page_of(client, admin)
    assert shown(page) == 3
    assert "浦东新区" in page and "陆家嘴" in page
    assert "黄浦区外滩街道" not in page and "system.started" not in page
    assert f'href="{LIST}">审计日志</a>' in page  # the navigation link


def test_a_huangpu_admin_never_sees_pudong(client, huangpu_admin, entries):
    page = page_of(client, huangpu_admin)
    assert shown(page) == 1
    assert "黄浦区外滩街道" in page and "浦东新区" not in page.split("<main")[1]
    # Guessing Pudong's people or actions in the filters finds nothing either.
    admin_id = entries.filter(actor_name="admin").first().actor_id
    page = page_of(client, huangpu_admin, f"?actor={admin_id}")
    assert shown(page) == 1 and "选择一个有效的选项" in page


def test_a_superuser_sees_everything(client, entries):
    root = make_person("root")
    root.is_superuser = True
    root.save()
    assert shown(page_of(client, root)) == 5


def test_the_log_has_no_way_to_change_it(client, admin, entries):
    client.force_login(admin)
    assert client.post(LIST).status_code == 405
    assert client.post(EXPORT).status_code == 405
    page = client.get(LIST).content.decode()
    assert 'method="post"' not in page.split("<main")[1]


# Filters --------------------------------------------------------------------------------------


def test_filter_by_person(client, admin, reporter, entries):
    page = page_of(client, admin, f"?actor={reporter.pk}")
    assert shown(page) == 1 and "陆家嘴" in page


def test_filter_by_action_and_object_type(client, admin, entries):
    assert shown(page_of(client, admin, "?action=person.password_reset")) == 1
    assert shown(page_of(client, admin, "?target_type=orgs.orgunit")) == 2
    assert shown(page_of(client, admin, "?target_type=accounts.user")) == 1


def test_filter_by_date_range_in_local_days(client, admin, entries):
    assert shown(page_of(client, admin, "?date_from=2024-09-10&date_to=2024-09-10")) == 1
    assert shown(page_of(client, admin, "?date_from=2024-09-10")) == 2
    assert shown(page_of(client, admin, "?date_to=2024-09-01")) == 1
    page = page_of(client, admin, "?date_from=2024-09-20&date_to=2024-09-01")
    assert "结束日期不能早于开始日期。" in page


def test_free_text_search(client, admin, entries):
    assert shown(page_of(client, admin, "?q=陆家嘴")) == 1
    assert shown(page_of(client, admin, "?q=reporter")) == 2  # by name, and as the target
    assert shown(page_of(client, admin, "?q=不存在的内容")) == 0


def test_the_filters_offer_what_occurs_in_ones_own_entries(client, admin, entries):
    page = page_of(client, admin)
    assert '<option value="orgunit.updated">修改单位</option>' in page
    assert '<option value="person.password_reset">人员：重置密码</option>' in page
    assert "orgunit.created" not in page  # only Huangpu's


# Reading an entry -----------------------------------------------------------------------------


def test_changes_are_shown_side_by_side_with_field_names(client, admin, entries):
    page = page_of(client, admin, "?target_type=orgs.orgunit&date_to=2024-09-01")
    assert "2024年9月1日 10:00:00" in page  # local time
    assert "修改单位" in page
    row = page.split('<tr class="changed">')[1].split("</tr>")[0]
    assert "名称" in row and "浦东新区市场监管局" in row and "浦东新区" in row
    # The unchanged code is listed too, without the change mark.
    assert '<tr>\n        <th scope="row">代码</th>' in page
    reset = page_of(client, admin, "?action=person.password_reset")
    assert "原因：忘记密码" in reset


def test_pages_of_fifty_newest_first(client, admin, pudong):
    for number in range(60):
        audit.record(admin, "orgunit.updated", pudong, org_unit=pudong, step=number)
    first = page_of(client, admin)
    assert shown(first) == 50
    assert first.index("step：59") < first.index("step：58")
    second = page_of(client, admin, "?page=2")
    assert shown(second) == 10 and "step：0" in second


def test_the_list_page_query_count_does_not_grow(
    client, admin, pudong, django_assert_max_num_queries
):
    for number in range(50):
        audit.record(admin, "orgunit.updated", pudong, org_unit=pudong, step=number)
    client.force_login(admin)
    with django_assert_max_num_queries(20):
        client.get(LIST)


# Export ---------------------------------------------------------------------------------------


def read_export(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert (
        "filename*=utf-8''%E5%AE%A1%E8%AE%A1%E6%97%A5%E5%BF%97" in response["Content-Disposition"]
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.title == "审计日志" and sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    if sheet.max_row > 1:
        assert sheet["A2"].number_format == "yyyy-mm-dd hh:mm:ss"
    return list(sheet.iter_rows(values_only=True))


def test_export_of_the_filtered_list(client, admin, entries):
    client.force_login(admin)
    rows = read_export(client.get(f"{EXPORT}?target_type=orgs.orgunit"))
    assert rows[0] == (
        "操作时间",
        "操作人",
        "操作",
        "对象类型",
        "对象",
        "对象编号",
        "修改内容",
        "说明",
    )
    assert len(rows) == 3
    oldest = rows[-1]
    assert oldest[0] == datetime.datetime(2024, 9, 1, 10, 0)  # Asia/Shanghai wall-clock time
    assert oldest[1:4] == ("admin", "修改单位", "组织机构")
    assert "名称：浦东新区市场监管局 → 浦东新区" in oldest[6]


def test_export_is_scoped_like_the_list(client, huangpu_admin, entries):
    client.force_login(huangpu_admin)
    rows = read_export(client.get(EXPORT))
    assert [row[4] for row in rows[1:]] == ["黄浦区"]


def test_too_large_an_export_asks_to_narrow_the_range(client, admin, entries, monkeypatch):
    monkeypatch.setattr("qualitymonth.audit.views.EXPORT_LIMIT", 2)
    client.force_login(admin)
    response = client.get(f"{EXPORT}?q=&date_from=2024-09-01", follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == f"{LIST}?q=&date_from=2024-09-01"
    assert "筛选结果共 3 条，超过单次导出上限 2 条，请缩小日期范围后再导出。" in page

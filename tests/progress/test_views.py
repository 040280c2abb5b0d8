"""The 通报 page, its workbook, a unit's reports and who may see them."""

import io
import re
from urllib.parse import unquote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qualitymonth.core.models import AuditEntry
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.progress.models import ReminderRule
from qualitymonth.reports.models import Report
from qualitymonth.summaries.models import UnitSummary

from .conftest import make_report, make_summary

Status = Report.Status


@pytest.fixture
def world(campaign, items, lujiazui, huamu, zhangjiang):
    """陆家嘴 sent everything on time and its summary; 花木 one item, late; 张江 nothing."""
    make_report(lujiazui, items[1], Status.ACCEPTED, title="陆家嘴质量宣传")
    make_report(lujiazui, items[2], Status.SUBMITTED, title="陆家嘴质量开放日")
    make_report(huamu, items[1], Status.SUBMITTED, late=True, title="花木质量宣传")
    make_report(zhangjiang, items[3], Status.DRAFT, title="张江草稿")
    make_summary(lujiazui, campaign, UnitSummary.Status.SUBMITTED)
    return campaign


def board_url(campaign, **query):
    url = reverse("progress:board", args=[campaign.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def ranking_rows(html: str) -> list[list[str]]:
    table = html.split('id="ranking"')[1].split("</table>")[0]
    rows = re.findall(r"<tr data-unit.*?</tr>", table, re.S)
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in rows
    ]


def test_admin_sees_the_units_ranked(client, admin, world):
    client.force_login(admin)
    response = client.get(board_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    for header in ("单位", "应报事项", "已报", "已采用", "按时", "逾期", "未报", "书面小结状态"):
        assert f"<th nowrap>{header}</th>" in html
    rows = ranking_rows(html)
    assert [row[1].split()[0] for row in rows] == ["陆家嘴街道", "花木街道", "张江镇"]
    #          rank, unit, expected, sent, accepted, on time, late, missing, rate, summary
    assert rows[0][0] == "1" and rows[0][2:] == ["2", "2", "1", "2", "0", "0", "100%", "待审核"]
    assert rows[1][2:] == ["2", "1", "0", "0", "1", "1", "50%", "未报"]
    assert rows[2][2:] == ["2", "0", "0", "0", "0", "2", "0%", "未报"]
    assert "张江镇" in html.split('id="items"')[1]  # missing unit of item 1


def test_reviewer_of_the_organisation_sees_it(client, reviewer, world):
    client.force_login(reviewer)
    response = client.get(board_url(world))
    assert response.status_code == 200
    assert 'id="ranking"' in response.content.decode()
    assert "保存提醒设置" not in response.content.decode()  # only admins set reminders


def test_others_are_refused(client, reporter, city_viewer, huangpu_admin, world):
    client.force_login(reporter)
    assert client.get(board_url(world)).status_code == 403
    client.force_login(city_viewer)
    assert client.get(board_url(world)).status_code == 403
    client.force_login(huangpu_admin)
    assert client.get(board_url(world)).status_code == 404
    assert client.get(reverse("progress:export", args=[world.pk])).status_code == 404
    client.logout()
    assert client.get(board_url(world)).status_code == 302


def test_a_street_reviewer_may_not_see_the_district_ranking(client, lujiazui, world):
    from qualitymonth.accounts.models import Role
    from tests.conftest import make_person

    client.force_login(make_person("street_reviewer", Role.REVIEWER, lujiazui))
    assert client.get(board_url(world)).status_code == 403


def test_filter_by_unit_kind(client, admin, world):
    client.force_login(admin)
    html = client.get(board_url(world, kind=OrgUnit.Kind.TOWN)).content.decode()
    assert [row[1].split()[0] for row in ranking_rows(html)] == ["张江镇"]
    assert '<option value="town" selected>镇</option>' in html
    assert "kind=town" in html.split('id="export"')[1].split(">")[0]


def test_export_reads_back_with_chinese_headers(client, admin, world):
    client.force_login(admin)
    response = client.get(reverse("progress:export", args=[world.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    disposition = unquote(response["Content-Disposition"])
    assert "2024年浦东新区质量月报送进度通报" in disposition and ".xlsx" in disposition
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["报送进度通报", "说明"]
    rows = list(workbook["报送进度通报"].iter_rows(values_only=True))
    assert rows[0] == (
        "排名", "单位", "单位类型", "应报事项", "已报", "已采用", "按时", "逾期", "未报",
        "完成率", "按时率", "报送篇数", "书面小结状态",
    )  # fmt: skip
    assert rows[1] == (1, "陆家嘴街道", "街道", 2, 2, 1, 2, 0, 0, "100%", "100%", 2, "待审核")
    assert rows[2] == (2, "花木街道", "街道", 2, 1, 0, 0, 1, 1, "50%", "0%", 1, "未报")
    assert rows[3][:2] == (3, "张江镇") and rows[3][-1] == "未报"
    notes = [row[0] for row in workbook["说明"].iter_rows(values_only=True)]
    assert "信息报送截止日期：2024年9月25日" in notes


def test_export_follows_the_filter(client, admin, world):
    client.force_login(admin)
    response = client.get(reverse("progress:export", args=[world.pk]) + "?kind=subdistrict")
    assert "（街道）" in unquote(response["Content-Disposition"])
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    names = [row[1] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
    assert names == ["陆家嘴街道", "花木街道"]


def test_a_unit_row_links_to_its_reports(client, admin, world, lujiazui):
    client.force_login(admin)
    url = reverse("progress:unit", args=[world.pk, lujiazui.pk])
    assert f'href="{url}"' in client.get(board_url(world)).content.decode()
    html = client.get(url).content.decode()
    reports = html.split('id="unit-reports"')[1]
    assert "陆家嘴质量宣传" in reports and "陆家嘴质量开放日" in reports
    assert "花木质量宣传" not in reports
    assert "应报 2 项，已报 2 项" in html


def test_a_unit_without_items_is_not_found(client, admin, world, pudong):
    other = OrgUnit.objects.create(name="金桥镇", kind=OrgUnit.Kind.TOWN, parent=pudong)
    client.force_login(admin)
    assert client.get(reverse("progress:unit", args=[world.pk, other.pk])).status_code == 404


def test_unit_page_refused_to_a_reporter(client, reporter, world, lujiazui):
    client.force_login(reporter)
    url = reverse("progress:unit", args=[world.pk, lujiazui.pk])
    assert client.get(url).status_code == 403


def test_nav_links_the_current_campaign_for_admins_and_reviewers(
    client, admin, reviewer, reporter, world
):
    link = f'href="{board_url(world)}"'
    for person, shown in ((admin, True), (reviewer, True), (reporter, False)):
        client.force_login(person)
        client.get(reverse("campaigns:overview", args=[world.pk]))  # makes it current
        html = client.get(reverse("campaigns:overview", args=[world.pk])).content.decode()
        assert (link in html) is shown, person


def test_board_queries_do_not_grow_with_units(client, admin, world, pudong):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from qualitymonth.assignments.services import assign_units

    client.force_login(admin)
    client.get(board_url(world))  # the session settles
    with CaptureQueriesContext(connection) as few:
        client.get(board_url(world))
    many = [
        OrgUnit.objects.create(name=f"测试镇{n}", kind=OrgUnit.Kind.TOWN, parent=pudong)
        for n in range(25)
    ]
    for item in world.items.filter(number__gt=3)[:8]:
        assign_units(item, admin, lead=[], participants=many)
    for unit in many[:10]:
        make_report(unit, world.items.get(number=4), Status.SUBMITTED)
        make_summary(unit, world)
    with CaptureQueriesContext(connection) as lots:
        response = client.get(board_url(world))
    assert len(ranking_rows(response.content.decode())) == 28
    assert len(lots.captured_queries) == len(few.captured_queries) <= 25


def test_admin_sets_the_reminder_rule(client, admin, world):
    client.force_login(admin)
    url = reverse("progress:reminder_rule", args=[world.pk])
    response = client.post(url, {"days_before": "5", "enabled": "on"}, follow=True)
    assert "截止日期前 5 天起提醒" in response.content.decode()
    rule = ReminderRule.objects.get(campaign=world)
    assert (rule.days_before, rule.enabled) == (5, True)
    entry = AuditEntry.objects.get(action="reminder_rule.created")
    assert entry.after == {"days_before": 5, "enabled": True}

    client.post(url, {"days_before": "5"})
    rule.refresh_from_db()
    assert rule.enabled is False
    assert AuditEntry.objects.get(action="reminder_rule.updated").before == {
        "days_before": 5,
        "enabled": True,
    }


def test_a_wrong_number_of_days_is_refused(client, admin, world):
    client.force_login(admin)
    url = reverse("progress:reminder_rule", args=[world.pk])
    response = client.post(url, {"days_before": "-1", "enabled": "on"}, follow=True)
    assert not ReminderRule.objects.exists()
    assert 'class="message error"' in response.content.decode()
    response = client.post(url, {"days_before": "99", "enabled": "on"}, follow=True)
    assert not ReminderRule.objects.exists()


def test_a_reviewer_may_not_set_reminders(client, reviewer, world):
    client.force_login(reviewer)
    url = reverse("progress:reminder_rule", args=[world.pk])
    assert client.post(url, {"days_before": "3", "enabled": "on"}).status_code == 403
    assert not ReminderRule.objects.exists()

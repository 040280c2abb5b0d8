"""The dashboard pages as each person opens them: figures, drill-down, workbooks, formulas."""

import io
import re

import openpyxl
import pytest
from django.urls import reverse

from qualitymonth.accounts.models import Role
from qualitymonth.core.models import AuditEntry
from tests.conftest import make_person

pytestmark = pytest.mark.django_db


def page(client, user, url, status=200):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == status
    return response


def test_admin_sees_totals_charts_and_every_table(client, admin, world):
    url = reverse("dashboard:campaign", args=[world.campaign.pk])
    html = page(client, admin, url).content.decode()
    assert "合格率" in html and "96.8%" in html
    assert re.search(r'采用信息</span><strong data-figure="reports_accepted">6</strong>', html)
    for title in ("按活动类别", "按活动事项", "按单位", "按街镇", "每日趋势", "各类别占比"):
        assert title in html
    assert html.count("<svg") >= 4  # drawn on the server, no script needed
    assert "cdn" not in html.lower()


def test_every_figure_links_to_the_reports_behind_it(client, admin, world):
    url = reverse("dashboard:campaign", args=[world.campaign.pk])
    html = page(client, admin, url).content.decode()
    category = world.items[1].category_id
    drill = reverse("dashboard:drill", args=[world.campaign.pk]) + f"?category={category}"
    assert f'href="{drill}"' in html
    listing = page(client, admin, drill).content.decode()
    for key in ("陆家嘴1", "花木1", "张江2", "检测公司2"):
        assert reverse("reports:detail", args=[world.reports[key].pk]) in listing
    for key in ("计量所19a", "draft", "submitted", "returned"):
        assert reverse("reports:detail", args=[world.reports[key].pk]) not in listing
    # and further down: the item, then the figure of one indicator
    narrower = page(client, admin, f"{drill}&item={world.items[1].pk}&indicator=发放资料份数")
    assert list(narrower.context["page"]) == [world.reports["陆家嘴1"]]


def test_a_malformed_drill_down_is_not_found(client, admin, world):
    base = reverse("dashboard:drill", args=[world.campaign.pk])
    page(client, admin, base + "?category=abc", status=404)
    page(client, admin, base + "?day=2024-13-01", status=404)
    page(client, admin, base + "?category=999999", status=404)


@pytest.mark.parametrize("group", ["category", "item", "unit", "street", "day", "all"])
def test_every_table_exports_to_xlsx(client, admin, world, group):
    url = reverse("dashboard:export", args=[world.campaign.pk, group])
    response = page(client, admin, url)
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    main = workbook["主要指标"]
    figures = {row[0]: row[2] for row in main.iter_rows(min_row=2, values_only=True)}
    assert figures["参与人数"] == 215 and figures["合格率"] == "96.8%"
    assert figures["采用信息"] == 6 and figures["报送单位"] == 5
    if group != "all":
        sheet = workbook.worksheets[1]
        header = [cell.value for cell in sheet[1]]
        accepted = header.index("采用信息（篇）")
        last = [cell.value for cell in sheet[sheet.max_row]]
        assert last[0] == "合计" and last[accepted] == 6
    else:
        assert len(workbook.sheetnames) == 7  # 主要指标, five tables, 说明


def test_who_may_see_the_dashboard(client, world, reporter, huangpu_admin, city_viewer, pudong):
    url = reverse("dashboard:campaign", args=[world.campaign.pk])
    page(client, reporter, url, status=403)  # a street's reporter: not theirs to analyse
    page(client, huangpu_admin, url, status=404)  # another district's campaign: not even found
    page(client, city_viewer, url)  # the city office sees every district
    page(client, make_person("rv", Role.REVIEWER, pudong), url)
    export = reverse("dashboard:export", args=[world.campaign.pk, "all"])
    page(client, reporter, export, status=403)


def test_city_dashboard_by_district(client, world, city_viewer, city, huangpu, reporter):
    url = reverse("dashboard:city", args=[city.pk, 2024])
    response = page(client, city_viewer, url)
    rows = response.context["dashboard"].tables["district"]
    assert [(r.label, r.reports_accepted) for r in rows] == [("浦东新区", 6)]
    assert [d.name for d in response.context["silent_districts"]] == ["黄浦区"]
    home = page(client, city_viewer, reverse("dashboard:city_home"), status=302)
    assert home["Location"] == url
    page(client, reporter, url, status=404)
    drill = reverse("dashboard:city_drill", args=[city.pk, 2024])
    listing = page(client, city_viewer, f"{drill}?district={world.campaign.org_unit_id}")
    assert len(listing.context["page"]) == 6


def test_admin_defines_a_formula_checked_against_the_indicators(client, admin, world):
    client.force_login(admin)
    url = reverse("dashboard:formulas", args=[world.campaign.pk])
    bad = client.post(
        url,
        {"name": "人均资料", "expression": "发放资料 / 人数", "display": "number", "decimals": 1},
    )
    assert "没有名为“发放资料”的指标" in bad.content.decode()
    good = client.post(
        url,
        {
            "name": "人均资料",
            "expression": "发放资料份数 / 参与人数",
            "display": "number",
            "decimals": 2,
        },
    )
    assert good.status_code == 302
    assert AuditEntry.objects.filter(action="formula.saved").count() == 1
    dashboard = page(client, admin, reverse("dashboard:campaign", args=[world.campaign.pk]))
    assert "1.40" in dashboard.content.decode()  # 300 / 215 over the whole campaign
    formula = world.campaign.formulas.get(name="人均资料")
    client.post(reverse("dashboard:formula_delete", args=[world.campaign.pk, formula.pk]))
    assert not world.campaign.formulas.filter(name="人均资料").exists()
    assert AuditEntry.objects.filter(action="formula.deleted").exists()


def test_only_admins_define_formulas(client, world, pudong):
    reviewer = make_person("rv", Role.REVIEWER, pudong)
    page(client, reviewer, reverse("dashboard:formulas", args=[world.campaign.pk]), status=403)


OTHER_DISTRICTS = (
    "徐汇区 长宁区 静安区 普陀区 虹口区 杨浦区 闵行区 宝山区 嘉定区 金山区 松江区 青浦区 奉贤区 "
    "崇明区"
).split()


def test_the_city_counts_a_district_with_two_campaigns_once(
    client, world, city, huangpu, city_viewer
):
    from qualitymonth.orgs.models import OrgUnit
    from qualitymonth.worksummaries.services import source_campaigns, start_city_summary

    from .test_queries import second_campaign

    for name in OTHER_DISTRICTS:  # Shanghai's 16 districts, with 浦东新区 and 黄浦区
        OrgUnit.objects.create(name=name, kind=OrgUnit.Kind.DISTRICT, parent=city)
    copy = second_campaign(world.campaign.org_unit, doc_number="浦市监质〔2024〕99号")
    url = reverse("dashboard:city", args=[city.pk, 2024])
    response = page(client, city_viewer, url)
    html = response.content.decode()
    assert re.search(r'id="districts-reported">1</strong><small>15 个区暂无数据', html)
    assert len(response.context["silent_districts"]) == 15
    assert "浦东新区有2个2024年质量月活动，市级统计采用：" in html
    counted = reverse("campaigns:overview", args=[world.campaign.pk])
    assert html.index(counted) < html.index(reverse("campaigns:overview", args=[copy.pk]))
    assert "采用信息6篇" in html and "采用信息0篇" in html
    rows = response.context["dashboard"].tables["district"]
    counted = [(r.label, r.reports_accepted, r.campaign) for r in rows]
    assert counted == [("浦东新区", 6, world.campaign)]

    # The drill-down, the workbook and the city work summary count the same campaign once.
    drill = page(client, city_viewer, reverse("dashboard:city_drill", args=[city.pk, 2024]))
    assert drill.context["page"].paginator.count == 6
    workbook = reverse("dashboard:city_export", args=[city.pk, 2024, "district"])
    export = page(client, city_viewer, workbook)
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(export.streaming_content))).worksheets[1]
    header = [cell.value for cell in sheet[1]]
    total = [cell.value for cell in sheet[sheet.max_row]]
    assert total[0] == "合计" and total[header.index("采用信息（篇）")] == 6
    assert source_campaigns(start_city_summary(None, city, 2024)) == [world.campaign]

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qualitymonth.campaigns import services
from qualitymonth.campaigns.models import Campaign
from qualitymonth.core.models import AuditEntry


@pytest.fixture
def published(seed_campaign, admin):
    return services.publish_campaign(seed_campaign, admin)


def url(name, campaign, **kwargs):
    return reverse(f"campaigns:{name}", kwargs={"pk": campaign.pk, **kwargs})


def test_pages_need_a_login(client, published):
    response = client.get(url("overview", published))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_overview_shows_theme_period_counter_plan_and_deadline(client, reporter, published):
    client.force_login(reporter)
    page = client.get(url("overview", published)).content.decode()
    assert "加快培育新质生产力，助推浦东高质量发展" in page
    assert "2024年9月1日至9月30日" in page
    assert "活动已结束" in page  # today is after September 2024
    assert page.count('class="plan-item"') == 20
    assert "（五）优化质量服务，推动全社会质量共治" in page
    assert "2024年9月30日" in page
    assert "编辑活动信息" not in page  # a reporter does not edit


def test_item_page_shows_description_units_and_indicators(client, reporter, published):
    client.force_login(reporter)
    item = published.items.get(number=19)
    page = client.get(url("item_detail", published, item_pk=item.pk)).content.decode()
    assert "组织开展计量强检上门服务" in page
    assert "计量器具上门集中强检服务" in page
    assert "参与人数" in page and "发放资料份数" in page


def test_the_overview_query_count_does_not_grow_with_items(client, admin, published):
    client.force_login(admin)
    with CaptureQueriesContext(connection) as queries:
        client.get(url("overview", published))
    assert len(queries) < 25


def test_drafts_are_hidden_from_everyone_but_admins(client, reporter, city_viewer, seed_campaign):
    for person in (reporter, city_viewer):
        client.force_login(person)
        assert client.get(url("overview", seed_campaign)).status_code == 404


def test_reporter_cannot_reach_admin_pages(client, reporter, published):
    client.force_login(reporter)
    item = published.items.first()
    for name, kwargs in [
        ("edit", {}),
        ("plan_edit", {}),
        ("copy", {}),
        ("item_edit", {"item_pk": item.pk}),
    ]:
        assert client.get(url(name, published, **kwargs)).status_code == 403
    response = client.post(url("item_action", published, item_pk=item.pk), {"action": "delete"})
    assert response.status_code == 403
    assert published.items.filter(pk=item.pk).exists()
    assert client.get(reverse("notices:upload")).status_code == 403


def test_another_districts_admin_cannot_guess_ids(client, huangpu_admin, seed_campaign):
    client.force_login(huangpu_admin)
    item = seed_campaign.items.first()
    assert client.get(url("overview", seed_campaign)).status_code == 404
    assert client.get(url("item_edit", seed_campaign, item_pk=item.pk)).status_code == 404
    assert client.post(url("publish", seed_campaign)).status_code == 404
    seed_campaign.refresh_from_db()
    assert seed_campaign.status == Campaign.Status.DRAFT


def test_admin_edits_an_item_and_its_indicators(client, admin, published):
    client.force_login(admin)
    item = published.items.get(number=19)
    indicators = list(item.indicators.all())
    data = {
        "category": item.category_id,
        "number": 19,
        "title": "计量强检上门服务",
        "description": item.description,
        "lead_unit_names": "浦东新区计量质量检测所",
        "co_unit_names": "各街镇、各市场",
        "time_text": "9月中旬",
        "start_date": "2024-09-11",
        "end_date": "2024-09-20",
        "indicators-TOTAL_FORMS": len(indicators) + 1,
        "indicators-INITIAL_FORMS": len(indicators),
    }
    for n, indicator in enumerate(indicators):
        data.update(
            {
                f"indicators-{n}-id": indicator.pk,
                f"indicators-{n}-name": indicator.name,
                f"indicators-{n}-unit": indicator.unit,
                f"indicators-{n}-value_type": "integer",
                f"indicators-{n}-aggregation": "sum",
            }
        )
    data["indicators-3-DELETE"] = "on"
    data.update(
        {
            f"indicators-{len(indicators)}-name": "检定台数",
            f"indicators-{len(indicators)}-unit": "台",
            f"indicators-{len(indicators)}-value_type": "integer",
            f"indicators-{len(indicators)}-aggregation": "sum",
        }
    )
    response = client.post(url("item_edit", published, item_pk=item.pk), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    assert item.title == "计量强检上门服务"
    assert item.co_unit_names == ["各街镇", "各市场"]
    assert item.start_date == datetime.date(2024, 9, 11)
    assert [i.name for i in item.indicators.all()] == [
        "参与人数",
        "活动场次",
        "发放资料份数",
        "检定台数",
    ]
    assert AuditEntry.objects.filter(action="item.updated", target_id=str(item.pk)).exists()


def test_bad_item_dates_are_refused_with_a_message(client, admin, published):
    client.force_login(admin)
    item = published.items.get(number=1)
    data = {
        "category": item.category_id,
        "number": 1,
        "title": item.title,
        "start_date": "2024-09-20",
        "end_date": "2024-09-01",
        "indicators-TOTAL_FORMS": 0,
        "indicators-INITIAL_FORMS": 0,
    }
    response = client.post(url("item_edit", published, item_pk=item.pk), data)
    assert response.status_code == 200
    assert "结束日期不能早于开始日期。" in response.content.decode()
    item.refresh_from_db()
    assert item.start_date is None


def test_plan_editing_through_the_page(client, admin, published):
    client.force_login(admin)
    plan = url("plan_edit", published)
    client.post(plan, {"action": "add_category", "category-title": "其他工作"})
    category = published.categories.get(title="其他工作")
    assert category.label == "（六）"
    client.post(
        plan, {"action": "add_item", "item-category": category.pk, "item-title": "质量知识竞赛"}
    )
    new = published.items.get(title="质量知识竞赛")
    assert new.number == 21
    client.post(url("category_action", published, category_pk=category.pk), {"action": "up"})
    client.post(plan, {"action": "renumber"})
    new.refresh_from_db()
    assert new.number == 17  # now after (四)'s last item, 16
    first = published.items.get(number=1)
    client.post(url("item_action", published, item_pk=first.pk), {"action": "delete"})
    assert published.items.count() == 20
    page = client.get(plan).content.decode()
    assert "质量知识竞赛" in page


def test_campaign_edit_and_copy(client, admin, published):
    client.force_login(admin)
    response = client.post(url("copy", published), {"year": 2025})
    new = Campaign.objects.get(year=2025)
    assert response.url == url("overview", new)
    assert new.items.count() == 20 and not new.is_published
    assert new.start_date == datetime.date(2025, 9, 1)
    page = client.get(url("edit", new)).content.decode()
    assert "陈择源" in page  # the contact came along


def test_campaign_switcher_and_home(client, admin, published):
    client.force_login(admin)
    response = client.get(reverse("home"))
    assert response.url == url("overview", published)
    page = client.get(url("overview", published)).content.decode()
    assert 'id="campaign-switcher"' in page and "2024年浦东新区质量月" in page
    assert "区级管理员 · 浦东新区" in page
    assert client.get(reverse("campaigns:switch") + f"?campaign={published.pk}").url == url(
        "overview", published
    )
    assert client.get(reverse("campaigns:switch") + "?campaign=999999").status_code == 404


# Archiving, restoring, deleting, and a notice published twice ---------------------------------


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_admin_archives_then_restores_a_campaign(client, admin, reporter, published):
    client.force_login(admin)
    response = client.post(url("archive", published), follow=True)
    assert "活动已归档" in messages_of(response)[0]
    page = response.content.decode()
    assert 'id="archived-banner"' in page and "恢复活动" in page
    assert f'<option value="{published.pk}"' not in page  # gone from the switcher

    # Still readable by its address, with the banner, for the street's reporter too.
    client.force_login(reporter)
    page = client.get(url("overview", published)).content.decode()
    assert "已归档" in page and "2024年浦东新区质量月" in page and "恢复活动" not in page
    assert client.get(reverse("home")).url == reverse("campaigns:list")  # nothing to work in

    client.force_login(admin)
    response = client.post(url("restore", published), follow=True)
    assert messages_of(response) == ["活动已恢复。"]
    assert f'<option value="{published.pk}" selected' in response.content.decode()


def test_only_the_campaign_admin_archives_or_deletes(client, reporter, huangpu_admin, published):
    client.force_login(reporter)
    assert client.post(url("archive", published)).status_code == 403
    assert client.post(url("delete", published)).status_code == 403
    client.force_login(huangpu_admin)
    assert client.post(url("archive", published)).status_code == 404
    published.refresh_from_db()
    assert published.is_published


def test_deleting_a_campaign_with_reports_is_refused_with_the_count(
    client, admin, published, lujiazui
):
    from tests.dashboard.conftest import add_report

    add_report(lujiazui, published.items.get(number=1), {"参与人数": 10})
    client.force_login(admin)
    response = client.post(url("delete", published), follow=True)
    assert messages_of(response) == [
        "2024年浦东新区质量月已有1条信息报送，不能删除。不再使用的活动请归档。"
    ]
    assert Campaign.objects.filter(pk=published.pk).exists()


def test_deleting_an_empty_published_campaign(client, admin, published):
    client.force_login(admin)
    response = client.post(url("delete", published), follow=True)
    assert messages_of(response) == ["已删除2024年浦东新区质量月。"]
    assert not Campaign.objects.filter(pk=published.pk).exists()


def test_publishing_a_second_campaign_of_the_notice_needs_the_box_ticked(
    client, admin, published, pudong, seed_notice_bytes
):
    from qualitymonth.notices.reader import read_notice
    from qualitymonth.notices.services import import_notice

    second = import_notice(
        read_notice(seed_notice_bytes, "n.txt"), org_unit=pudong, by=admin, allow_duplicate=True
    ).campaign
    client.force_login(admin)
    page = client.get(url("overview", second)).content.decode()
    assert f'href="{url("overview", published)}"' in page  # the existing one, linked
    assert 'name="allow_duplicate"' in page and "确认另建一个活动，不是重复导入" in page

    response = client.post(url("publish", second), follow=True)
    assert messages_of(response)[0].startswith("不能发布：浦东新区已有同一份通知的活动")
    second.refresh_from_db()
    assert second.is_draft

    response = client.post(url("publish", second), {"allow_duplicate": "1"}, follow=True)
    second.refresh_from_db()
    assert second.is_published
    # Two of the same name in the switcher are told apart.
    options = re.findall(r"<option value=\"\d+\"[^>]*>([^<]*)</option>", response.content.decode())
    twins = [o for o in options if o.startswith("2024年浦东新区质量月")]
    assert len(twins) == 2 and len(set(twins)) == 2
    assert all("浦市监质〔2024〕99号" in o for o in twins)


def test_home_lands_on_the_campaign_with_reports_not_the_empty_copy(
    client, admin, reporter, published, pudong, lujiazui, seed_notice_bytes
):
    from qualitymonth.notices.reader import read_notice
    from qualitymonth.notices.services import import_notice
    from tests.dashboard.conftest import add_report

    add_report(lujiazui, published.items.get(number=1), {"参与人数": 10})
    copy = import_notice(
        read_notice(seed_notice_bytes, "n.txt"), org_unit=pudong, by=admin, allow_duplicate=True
    ).campaign
    services.publish_campaign(copy, admin, allow_duplicate=True)
    client.force_login(reporter)
    assert client.get(reverse("home")).url == url("overview", published)

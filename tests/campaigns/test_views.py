import datetime

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

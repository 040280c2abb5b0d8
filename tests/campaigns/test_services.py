import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qualitymonth.campaigns import services
from qualitymonth.campaigns.models import Campaign, Indicator
from qualitymonth.core.models import AuditEntry

D = datetime.date


@pytest.fixture
def campaign(pudong, admin):
    return services.create_campaign(
        pudong,
        admin,
        fields={
            "year": 2024,
            "title": "关于开展2024年“质量月”活动的通知",
            "start_date": D(2024, 9, 1),
            "end_date": D(2024, 9, 30),
        },
        categories=[
            {
                "title": "开展质量宣传",
                "items": [{"number": 1, "title": "启动仪式"}, {"number": 2, "title": "公益宣传"}],
            },
            {
                "title": "强化质量监管",
                "items": [{"number": 3, "title": "监督抽查", "start_date": D(2024, 9, 10)}],
            },
        ],
        contacts=[{"department": "质量处", "name": "陈择源", "phone": "68824341", "email": ""}],
        deadlines=[{"kind": "summary", "due_date": D(2024, 9, 30), "description": "书面小结"}],
    )


def titles(campaign):
    return [
        (item.number, item.title) for item in campaign.items.order_by("category__order", "order")
    ]


def test_a_new_campaign_is_a_draft_with_default_indicators_and_audited(campaign, admin):
    assert campaign.status == Campaign.Status.DRAFT
    assert campaign.categories.count() == 2
    item = campaign.items.get(number=1)
    assert [i.name for i in item.indicators.all()] == [
        "参与人数",
        "活动场次",
        "发放资料份数",
        "媒体报道数",
    ]
    assert item.indicators.get(name="参与人数").unit == "人"
    entry = AuditEntry.objects.get(action="campaign.created")
    assert entry.actor == admin and entry.target_id == str(campaign.pk)


def test_only_the_campaign_admin_may_change_it(campaign, reporter, huangpu_admin):
    for outsider in (reporter, huangpu_admin):
        with pytest.raises(PermissionDenied):
            services.update_campaign(campaign, outsider, theme="x")
        with pytest.raises(PermissionDenied):
            services.publish_campaign(campaign, outsider)
        with pytest.raises(PermissionDenied):
            services.add_item(campaign.categories.first(), outsider, title="x")
    campaign.refresh_from_db()
    assert campaign.theme == "" and campaign.status == Campaign.Status.DRAFT


def test_update_records_before_and_after(campaign, admin):
    services.update_campaign(campaign, admin, theme="加快培育新质生产力")
    entry = AuditEntry.objects.get(action="campaign.updated")
    assert entry.before == {"theme": ""}
    assert entry.after == {"theme": "加快培育新质生产力"}


def test_period_must_be_in_order(campaign, admin):
    with pytest.raises(ValidationError):
        services.update_campaign(campaign, admin, end_date=D(2024, 8, 1))
    campaign.refresh_from_db()
    assert campaign.end_date == D(2024, 9, 30)


def test_publishing_needs_a_period_and_items(pudong, admin):
    empty = services.create_campaign(
        pudong, admin, fields={"year": 2025, "title": ""}, categories=[]
    )
    with pytest.raises(ValidationError) as error:
        services.publish_campaign(empty, admin)
    assert "请填写通知标题。" in error.value.messages
    assert "活动至少需要一个活动事项。" in error.value.messages
    empty.refresh_from_db()
    assert empty.status == Campaign.Status.DRAFT


def test_publish(campaign, admin):
    services.publish_campaign(campaign, admin)
    campaign.refresh_from_db()
    assert campaign.is_published and campaign.published_at
    assert AuditEntry.objects.filter(
        action="campaign.published", target_id=str(campaign.pk)
    ).exists()
    with pytest.raises(ValidationError):
        services.delete_draft_campaign(campaign, admin)


def test_add_move_and_renumber_items(campaign, admin):
    first, second = campaign.categories.order_by("order")
    new = services.add_item(first, admin, title="质量开放日")
    assert new.number == 4  # after the campaign's last number
    assert new.indicators.count() == 4
    assert titles(campaign) == [
        (1, "启动仪式"),
        (2, "公益宣传"),
        (4, "质量开放日"),
        (3, "监督抽查"),
    ]
    services.move_item(new, admin, -1)
    services.move_item(campaign.items.get(title="启动仪式"), admin, -1)  # already first: no-op
    services.renumber_items(campaign, admin)
    assert titles(campaign) == [
        (1, "启动仪式"),
        (2, "质量开放日"),
        (3, "公益宣传"),
        (4, "监督抽查"),
    ]
    services.move_category(second, admin, -1)
    services.renumber_items(campaign, admin)
    assert titles(campaign) == [
        (1, "监督抽查"),
        (2, "启动仪式"),
        (3, "质量开放日"),
        (4, "公益宣传"),
    ]
    assert [c.number for c in campaign.categories.order_by("order")] == [1, 2]
    assert campaign.categories.order_by("order").first().label == "（一）"


def test_moving_an_item_to_another_category(campaign, admin):
    second = campaign.categories.order_by("order")[1]
    item = campaign.items.get(title="启动仪式")
    services.update_item(item, admin, category=second)
    assert list(second.items.order_by("order").values_list("title", flat=True)) == [
        "监督抽查",
        "启动仪式",
    ]


def test_a_category_with_items_is_not_deleted(campaign, admin):
    category = campaign.categories.first()
    with pytest.raises(ValidationError):
        services.delete_category(category, admin)
    assert campaign.categories.count() == 2


def test_set_indicators_keeps_ids_of_renamed_ones(campaign, admin):
    item = campaign.items.get(number=3)
    people = item.indicators.get(name="参与人数")
    services.set_indicators(
        item,
        admin,
        [
            {
                "id": people.pk,
                "name": "受检单位数",
                "unit": "家",
                "value_type": "integer",
                "aggregation": "sum",
            },
            {"name": "合格率", "unit": "%", "value_type": "decimal", "aggregation": "avg"},
        ],
    )
    assert [(i.pk == people.pk, i.name) for i in item.indicators.all()] == [
        (True, "受检单位数"),
        (False, "合格率"),
    ]
    assert item.indicators.get(name="合格率").value_type == Indicator.ValueType.DECIMAL
    with pytest.raises(ValidationError):
        services.set_indicators(
            item,
            admin,
            [{"name": "x", "unit": "", "value_type": "integer", "aggregation": "sum"}] * 2,
        )
    assert item.indicators.count() == 2


def test_copy_last_years_campaign(campaign, admin):
    services.publish_campaign(campaign, admin)
    campaign.doc_number = "浦市监质〔2024〕99号"
    campaign.save()
    new = services.copy_campaign(campaign, admin, 2025)
    assert new.status == Campaign.Status.DRAFT and new.copied_from == campaign
    assert new.year == 2025 and new.title == "关于开展2025年“质量月”活动的通知"
    assert (new.start_date, new.end_date) == (D(2025, 9, 1), D(2025, 9, 30))
    assert new.doc_number == ""
    assert titles(new) == titles(campaign)
    assert new.items.get(number=3).start_date == D(2025, 9, 10)
    assert new.deadlines.get().due_date == D(2025, 9, 30)
    assert new.contacts.get().name == "陈择源"
    assert Indicator.objects.filter(item__campaign=new).count() == 12
    # The old campaign is untouched.
    assert campaign.items.count() == 3 and campaign.year == 2024


def test_day_counter(campaign):
    assert campaign.day_counter(D(2024, 8, 25)) == {"phase": "before", "days": 7, "total": 30}
    assert campaign.day_counter(D(2024, 9, 1)) == {"phase": "during", "days": 1, "total": 30}
    assert campaign.day_counter(D(2024, 9, 30)) == {"phase": "during", "days": 30, "total": 30}
    assert campaign.day_counter(D(2024, 10, 3)) == {"phase": "after", "days": 3, "total": 30}

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from qualitymonth.campaigns import services
from qualitymonth.campaigns.models import Campaign, Indicator
from qualitymonth.core.models import AuditEntry

from .conftest import ISSUER, NUMBER, TITLE, runnable

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


# One notice, one campaign --------------------------------------------------------------------


def refused_as_duplicate(action) -> services.DuplicateCampaign:
    with pytest.raises(services.DuplicateCampaign) as error:
        action()
    return error.value


def test_the_same_doc_number_is_refused_naming_the_campaign(first, pudong, admin):
    second = runnable(pudong, admin, doc_number="浦市監質[2024] 99 號", title="另一个标题")
    error = refused_as_duplicate(lambda: services.publish_campaign(second, admin))
    assert [d.campaign for d in error.duplicates] == [first]
    assert error.duplicates[0].reason == "发文字号相同"
    message = error.messages[0]
    assert message.startswith("不能发布：浦东新区已有同一份通知的活动 2024年浦东新区质量月")
    assert NUMBER in message and services.CONFIRM_DUPLICATE in message
    second.refresh_from_db()
    assert second.is_draft
    assert not AuditEntry.objects.filter(action="campaign.published", target_id=str(second.pk))


@pytest.mark.parametrize(
    "title, issuer",
    [
        (TITLE, ISSUER),
        ('关于开展 2024 年"质量月"活动的通知', "上海市浦东新区 市场监督管理局"),
        ("關於開展２０２４年「質量月」活動的通知", "上海市浦東新區市場監督管理局"),
    ],
)
def test_the_same_issuer_year_and_title_is_refused_whatever_the_writing(
    first, pudong, admin, title, issuer
):
    second = runnable(pudong, admin, title=title, issuer=issuer)  # no doc number
    error = refused_as_duplicate(lambda: services.publish_campaign(second, admin))
    assert error.duplicates[0].campaign == first
    assert error.duplicates[0].reason == "发文机关、年度和标题相同"


def test_another_year_or_issuer_is_not_a_duplicate(first, pudong, admin):
    next_year = runnable(pudong, admin, year=2025, title=TITLE.replace("2024", "2025"))
    other_issuer = runnable(pudong, admin, issuer="浦东新区质量工作领导小组办公室")
    for campaign in (next_year, other_issuer):
        assert services.publish_campaign(campaign, admin).is_published


def test_a_second_campaign_is_published_when_the_admin_says_so(first, pudong, admin):
    second = runnable(pudong, admin, doc_number=NUMBER)
    services.publish_campaign(second, admin, allow_duplicate=True)
    second.refresh_from_db()
    assert second.is_published
    entry = AuditEntry.objects.get(action="campaign.published", target_id=str(second.pk))
    assert entry.detail == {"duplicate_confirmed": True, "duplicate_of": [first.pk]}
    assert entry.before == {"status": "draft"} and entry.after == {"status": "published"}
    # A publication without a duplicate says nothing about one.
    entry = AuditEntry.objects.get(action="campaign.published", target_id=str(first.pk))
    assert entry.detail == {}


def test_another_organisations_campaign_of_the_same_notice_is_not_a_duplicate(
    first, huangpu, huangpu_admin
):
    theirs = runnable(huangpu, huangpu_admin, doc_number=NUMBER)
    assert services.publish_campaign(theirs, huangpu_admin).is_published


def test_an_archived_campaign_is_no_longer_a_duplicate(first, pudong, admin):
    services.archive_campaign(first, admin)
    second = runnable(pudong, admin, doc_number=NUMBER)
    assert services.publish_campaign(second, admin).is_published


# Archiving, restoring, deleting --------------------------------------------------------------


def test_archive_and_restore_are_audited_with_before_and_after(first, admin):
    services.archive_campaign(first, admin)
    first.refresh_from_db()
    assert first.is_archived and first.archived_at is not None
    archived = AuditEntry.objects.get(action="campaign.archived", target_id=str(first.pk))
    assert archived.actor == admin and archived.org_path == first.org_unit.path
    assert archived.before == {"status": "published", "archived_at": None}
    assert archived.after["status"] == "archived" and archived.after["archived_at"]

    services.restore_campaign(first, admin)
    first.refresh_from_db()
    assert first.is_published and first.archived_at is None
    restored = AuditEntry.objects.get(action="campaign.restored", target_id=str(first.pk))
    assert restored.before["status"] == "archived"
    assert restored.after == {"status": "published", "archived_at": None}


def test_an_archived_campaign_takes_no_reports_or_events(first, admin, lujiazui, reporter):
    from qualitymonth.assignments.services import assign_units
    from qualitymonth.events.services import plan_event
    from qualitymonth.reports.services import start_report

    item = first.items.get()
    assign_units(item, admin, lead=[lujiazui], participants=[])
    assert start_report(reporter, item=item, org_unit=lujiazui).pk  # open while published
    services.archive_campaign(first, admin)
    first.refresh_from_db()
    item = first.items.get()
    with pytest.raises(ValidationError, match="不能报送"):
        start_report(reporter, item=item, org_unit=lujiazui)
    with pytest.raises(ValidationError, match="不能安排场次"):
        plan_event(reporter, item=item, org_unit=lujiazui, title="启动仪式", address="陆家嘴")


def test_only_a_published_campaign_is_archived_and_only_an_archived_one_restored(
    campaign, first, admin
):
    with pytest.raises(ValidationError, match="草稿不再需要时可以直接删除"):
        services.archive_campaign(campaign, admin)
    with pytest.raises(ValidationError, match="没有归档"):
        services.restore_campaign(first, admin)
    services.archive_campaign(first, admin)
    with pytest.raises(ValidationError, match="请点击“恢复”"):
        services.publish_campaign(first, admin)


def test_restoring_beside_a_campaign_of_the_same_notice_needs_the_admins_word(first, pudong, admin):
    services.archive_campaign(first, admin)
    second = services.publish_campaign(runnable(pudong, admin, doc_number=NUMBER), admin)
    error = refused_as_duplicate(lambda: services.restore_campaign(first, admin))
    assert error.messages[0].startswith("不能恢复：") and error.duplicates[0].campaign == second
    services.restore_campaign(first, admin, allow_duplicate=True)
    entry = AuditEntry.objects.get(action="campaign.restored")
    assert entry.detail == {"duplicate_confirmed": True, "duplicate_of": [second.pk]}


def test_a_campaign_without_reports_is_deleted_published_or_draft(campaign, first, admin):
    for doomed in (campaign, first):
        pk, snapshot = doomed.pk, audit_snapshot(doomed)
        services.delete_campaign(doomed, admin)
        assert not Campaign.objects.filter(pk=pk).exists()
        entry = AuditEntry.objects.get(action="campaign.deleted", target_id=str(pk))
        assert entry.before == snapshot and entry.actor == admin


def audit_snapshot(campaign):
    from qualitymonth.core import audit

    return audit.snapshot(Campaign.objects.get(pk=campaign.pk))


def test_a_campaign_with_reports_is_not_deleted_and_the_count_is_named(first, admin, lujiazui):
    from tests.dashboard.conftest import add_report

    item = first.items.get()
    add_report(lujiazui, item, {"参与人数": 10})
    add_report(lujiazui, item, {}, status="draft")
    with pytest.raises(ValidationError) as error:
        services.delete_campaign(first, admin)
    assert error.value.messages == [
        "2024年浦东新区质量月已有2条信息报送，不能删除。不再使用的活动请归档。"
    ]
    assert Campaign.objects.filter(pk=first.pk).exists()
    assert not AuditEntry.objects.filter(action="campaign.deleted").exists()


def test_a_campaign_with_events_is_not_deleted_and_nothing_is_lost(first, admin, lujiazui):
    from tests.dashboard.conftest import add_event

    add_event(lujiazui, first.items.get(), 5)
    with pytest.raises(ValidationError) as error:
        services.delete_campaign(first, admin)
    assert "活动场次1条" in error.value.messages[0]
    assert first.items.get().pk  # the plan is still there
    assert not AuditEntry.objects.filter(action="campaign.deleted").exists()


def test_archive_restore_and_delete_are_the_campaign_admins_alone(
    first, admin, reporter, huangpu_admin
):
    for outsider in (reporter, huangpu_admin):
        with pytest.raises(PermissionDenied):
            services.archive_campaign(first, outsider)
        with pytest.raises(PermissionDenied):
            services.delete_campaign(first, outsider)
    services.archive_campaign(first, admin)
    for outsider in (reporter, huangpu_admin):
        with pytest.raises(PermissionDenied):
            services.restore_campaign(first, outsider)
    first.refresh_from_db()
    assert first.is_archived
    assert (
        AuditEntry.objects.filter(action__startswith="campaign.").exclude(actor=admin).count() == 0
    )


@pytest.mark.django_db(transaction=True)
def test_two_archived_copies_restored_at_the_same_moment_make_one_campaign(pudong, admin):
    """Each copy's check passes while the other is still archived; the lock on the
    organisation's campaigns lets only the first come back."""
    copies = []
    for _ in range(2):
        copy = services.publish_campaign(runnable(pudong, admin, doc_number=NUMBER), admin)
        copies.append(services.archive_campaign(copy, admin))
    barrier = threading.Barrier(2)
    outcomes = []

    def restore(copy):
        try:
            barrier.wait(timeout=10)
            outcomes.append(services.restore_campaign(copy, admin))
        except services.DuplicateCampaign as refused:
            outcomes.append(refused)
        finally:
            connection.close()

    threads = [threading.Thread(target=restore, args=(copy,)) for copy in copies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(type(outcome).__name__ for outcome in outcomes) == [
        "Campaign",
        "DuplicateCampaign",
    ]
    assert Campaign.objects.filter(status=Campaign.Status.PUBLISHED).count() == 1

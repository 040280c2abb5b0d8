"""A district's campaign as the city imports it from an upward package: built and checked by
the campaigns app's own service, audited once, deleted whole when a corrected package
replaces it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qualitymonth.accounts.models import Role
from qualitymonth.campaigns.models import Campaign, Category, Formula, Indicator, Item
from qualitymonth.campaigns.services import create_imported_campaign, delete_imported_campaign
from qualitymonth.core.models import AuditEntry
from tests.conftest import make_person

from .conftest import SHA256, imported_plan


def test_the_plan_is_published_with_its_items_and_indicators_by_key(imported, pudong):
    campaign = imported.campaign
    assert campaign.org_unit == pudong and campaign.status == Campaign.Status.PUBLISHED
    assert campaign.published_at is not None
    assert campaign.doc_number == "浦市监质〔2024〕99号"
    assert imported.items["item-19"].title == "计量强检上门服务"
    indicator = imported.indicators["item-2", "满意度"]
    assert indicator.pk and indicator.item == imported.items["item-2"]
    assert indicator.value_type == "decimal"
    assert [f.expression for f in campaign.formulas.all()] == ["合格台数 / 检定台数"]
    assert [d.description for d in campaign.deadlines.all()] == ["书面小结"]


def test_one_audit_entry_with_the_counts_and_the_package(imported, city_viewer):
    [entry] = AuditEntry.objects.filter(action="campaign.imported")
    assert entry.actor == city_viewer and entry.target_id == str(imported.campaign.pk)
    assert entry.detail == {
        "sha256": SHA256,
        "categories": 1,
        "items": 2,
        "indicators": 4,
        "formulas": 1,
        "deadlines": 1,
    }
    assert entry.org_path == imported.campaign.org_unit.path


def _indicator(plan: dict) -> dict:
    return plan["categories"][0]["items"][0]["indicators"][0]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda plan: _indicator(plan).update(aggregation="median"),
            "活动事项“质量知识进社区”的指标“参与人数”的汇总方式：值 'median' 不是有效选项。",
        ),
        (
            lambda plan: _indicator(plan).update(name="满意度"),
            "活动事项“质量知识进社区”的指标“满意度”重复。",
        ),
        (
            lambda plan: plan["derived"][0].update(expression="合格台数 / 抽检台数"),
            "派生指标“合格率”：没有名为“抽检台数”的指标，请核对指标名称。",
        ),
        (
            lambda plan: plan["derived"].append(dict(plan["derived"][0])),
            "派生指标“合格率”：已有名为“合格率”的派生指标。",
        ),
        (
            lambda plan: plan["derived"][0].update(decimals=9),
            "派生指标“合格率”的小数位数不能超过 4 位。",
        ),
        (
            lambda plan: plan["fields"].update(end_date=datetime.date(2024, 8, 1)),
            "结束日期不能早于开始日期。",
        ),
        (lambda plan: plan["fields"].update(title=""), "活动的通知标题：此字段不能为空。"),
        (
            lambda plan: plan["deadlines"][0].update(kind="someday"),
            "截止日期“书面小结”的类型：值 'someday' 不是有效选项。",
        ),
    ],
)
def test_a_row_against_the_rules_is_refused_naming_it_and_nothing_is_kept(
    pudong, city_viewer, change, message
):
    plan = imported_plan()
    change(plan)
    with pytest.raises(ValidationError) as caught:
        create_imported_campaign(pudong, city_viewer, **plan, sha256=SHA256)
    assert caught.value.messages == [message]
    for model in (Campaign, Category, Item, Indicator, Formula, AuditEntry):
        assert not model.objects.exists(), model


def test_only_a_user_receiving_at_the_districts_city_imports(pudong, city, admin):
    # The district's own admin holds upward.receive on her district, not on the city.
    with pytest.raises(PermissionDenied):
        create_imported_campaign(pudong, admin, **imported_plan())
    city_admin = make_person("city_admin", Role.CAMPAIGN_ADMIN, city)
    assert create_imported_campaign(pudong, city_admin, **imported_plan()).campaign.pk


def test_deleting_an_imported_campaign_takes_its_plan_and_is_audited(imported, city_viewer, admin):
    campaign = imported.campaign
    with pytest.raises(PermissionDenied):
        delete_imported_campaign(campaign, admin)
    delete_imported_campaign(campaign, city_viewer, sha256=SHA256)
    assert not Campaign.objects.exists() and not Indicator.objects.exists()
    entry = AuditEntry.objects.get(action="campaign.deleted")
    assert entry.before["title"] == campaign.title
    assert entry.detail == {"sha256": SHA256, "summaries": 0, "reports": 0, "events": 0}

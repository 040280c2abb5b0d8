"""The rules migrations: 0004 adds the rules of 总局令第121号 from 2026-04-15 and ends the 2020
ones on 2026-04-14, changing no deadline a case already has; what the migrations seed is what
``default_rules`` restores."""

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from qualitymonth.cases import services
from qualitymonth.cases.default_rules import default_rules, ensure_default_rules
from qualitymonth.cases.models import Milestone, TimeLimitRule
from tests.cases.conftest import file_case

D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
BEFORE = [("cases", "0003_order_121_schema")]
AFTER = [("cases", "0004_order_121_rules")]
RULE_FIELDS = (
    "kind", "milestone", "days", "counting", "extension_days", "start_event", "legal_basis",
    "effective_from", "effective_to",
)  # fmt: skip
DEADLINE_FIELDS = (
    "id", "rule_id", "milestone", "days", "counting", "start_event", "legal_basis", "starts_on",
    "due_on", "met_at", "cancelled",
)  # fmt: skip


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_order_121_migration_changes_no_deadline_a_case_already_has():
    apps = _migrate(BEFORE)  # as a database was before this release
    rule_model = apps.get_model("cases", "TimeLimitRule")
    deadline_model = apps.get_model("cases", "CaseDeadline")
    case_model = apps.get_model("cases", "Case")
    unit_model = apps.get_model("orgs", "OrgUnit")
    deadline_model.objects.all().delete()
    case_model.objects.all().delete()
    rule_model.objects.all().delete()
    start = D(2020, 1, 1)
    decision_rule = rule_model.objects.create(
        kind="complaint", milestone="decision", days=7, start_event="received",
        legal_basis="《市场监督管理投诉举报处理暂行办法》第十四条", effective_from=start,
    )  # fmt: skip
    closing_rule = rule_model.objects.create(
        kind="complaint", milestone="closing", days=45, start_event="accepted",
        legal_basis="《市场监督管理投诉举报处理暂行办法》第二十一条", effective_from=start,
    )  # fmt: skip
    testing_rule = rule_model.objects.create(
        kind="testing", milestone="decision", days=7, start_event="received",
        legal_basis="本局服务承诺", effective_from=start,
    )  # fmt: skip
    unit = unit_model.objects.create(name="浦东新区市场监督管理局", kind="agency")
    case = case_model.objects.create(
        tracking_number="ZJ2026032000001", kind="complaint", org_unit=unit, subject="电动自行车",
        description="电池无法充电", contact_name="张三", mobile="13812341234",
        received_at=datetime.datetime(2026, 3, 20, 10, tzinfo=SHANGHAI), status="accepted",
    )  # fmt: skip
    deadline_model.objects.create(
        case=case, rule=decision_rule, milestone="decision", days=7, start_event="received",
        legal_basis=decision_rule.legal_basis, starts_on=D(2026, 3, 20), due_on=D(2026, 3, 31),
        met_at=datetime.datetime(2026, 3, 25, 9, tzinfo=SHANGHAI),
    )  # fmt: skip
    deadline_model.objects.create(
        case=case, rule=closing_rule, milestone="closing", days=45, start_event="accepted",
        legal_basis=closing_rule.legal_basis, starts_on=D(2026, 3, 25), due_on=D(2026, 6, 1),
    )  # fmt: skip
    deadlines_before = list(deadline_model.objects.order_by("id").values(*DEADLINE_FIELDS))

    apps = _migrate(AFTER)

    deadline_model = apps.get_model("cases", "CaseDeadline")
    assert list(deadline_model.objects.order_by("id").values(*DEADLINE_FIELDS)) == (
        deadlines_before
    )
    rule_model = apps.get_model("cases", "TimeLimitRule")
    ended = rule_model.objects.get(pk=decision_rule.pk)
    assert ended.effective_to == D(2026, 4, 14)
    assert rule_model.objects.get(pk=closing_rule.pk).effective_to == D(2026, 4, 14)
    assert rule_model.objects.get(pk=testing_rule.pk).effective_to is None  # not replaced
    new = rule_model.objects.get(kind="complaint", milestone="mediation")
    assert (new.days, new.counting, new.effective_from) == (60, "calendar", D(2026, 4, 15))

    # Running it again (a reapplied migration) adds nothing and ends nothing more.
    _migrate(BEFORE)
    _migrate(AFTER)
    assert TimeLimitRule.objects.filter(effective_from=D(2026, 4, 15)).count() == 5
    assert TimeLimitRule.objects.get(pk=decision_rule.pk).effective_to == D(2026, 4, 14)


def test_the_migrations_seed_exactly_the_default_rules(db):
    seeded = sorted(TimeLimitRule.objects.values_list(*RULE_FIELDS))
    expected = sorted(tuple(rule[name] for name in RULE_FIELDS) for rule in default_rules())
    assert seeded == expected
    assert TimeLimitRule.in_force(D(2026, 4, 14)).get(kind="complaint", milestone="closing")
    assert not TimeLimitRule.in_force(D(2026, 4, 15)).filter(kind="complaint", milestone="closing")


def test_ensure_default_rules_restores_a_flushed_table_once(db):
    TimeLimitRule.objects.all().delete()
    ensure_default_rules()
    ensure_default_rules()
    assert TimeLimitRule.objects.count() == len(default_rules())


def test_cases_received_on_either_side_of_15_april_2026(bureau, service):
    def at(day):
        return datetime.datetime(2026, 4, day, 10, tzinfo=SHANGHAI)

    old = file_case(bureau, received_at=at(14))
    new = file_case(bureau, received_at=at(15))
    services.accept_case(old, service, at=at(20))
    services.accept_case(new, service, at=at(20))
    # Received the day before: 45 working days from acceptance (Labour Day, the Dragon Boat
    # Festival not counted).
    assert old.deadlines.get(milestone=Milestone.CLOSING).due_on == D(2026, 6, 25)
    assert not old.deadlines.filter(milestone=Milestone.MEDIATION).exists()
    # Received on the day: 60 days; the 60th, 19 June, is the Dragon Boat Festival (19–21
    # June), so the period ends on Monday the 22nd.
    assert new.deadlines.get(milestone=Milestone.MEDIATION).due_on == D(2026, 6, 22)

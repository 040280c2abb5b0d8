"""The demo: Shanghai's districts, Pudong's streets and towns, a person for every role, the 2024
Pudong Quality Month campaign imported from its real notice, and sample work marked 【示例】.

The demo changes a database only through the features' services, in steps it runs once per
database (see ``ledger``), and it touches only what it created itself: a second run, after any
amount of real use, changes nothing and tells nobody anything. Its sample work goes only into
its own campaign; when that campaign is gone, or Pudong already had a 2024 Quality Month
campaign of its own when the demo came to import one, the sample work is left out with a note.
While the demo runs, notifications reach only the people it created.
"""

from __future__ import annotations

from importlib import resources

from django.db import transaction
from django.db.models import Q

from qualitymonth.assignments.services import assign_units
from qualitymonth.campaigns import services as campaign_services
from qualitymonth.campaigns.models import Campaign
from qualitymonth.core.notifications import only_to
from qualitymonth.notices import services as notice_services
from qualitymonth.notices.reader import read_notice

from . import world
from .cases import load_sample_cases
from .ledger import Ledger, Skip, needed
from .quizzes import load_sample_quizzes
from .registrations import load_sample_registrations
from .samples import load_samples
from .world import DEMO_ACCOUNTS, DEMO_PASSWORD, PUDONG

__all__ = ["DEMO_PASSWORD", "load_demo"]

SEED_NOTICE = "pudong-2024-quality-month-notice.txt"
SEED_DOC_NUMBER = "浦市监质〔2024〕99号"
SEED_YEAR = 2024
CAMPAIGN = "campaign"


def load_demo() -> dict:
    """Load what this database has not seen of the demo yet; returns, for printing, the demo's
    accounts (as they are now), its campaign (None when it has none) and the notes on what was
    left out this time."""
    ledger = Ledger()
    with transaction.atomic(), only_to(ledger.made_by_demo):
        world.load_world(ledger)
        ledger.step(CAMPAIGN, lambda: _import_campaign(ledger))
        ledger.step("assignments", lambda: _assign(ledger))
        ledger.step("samples", lambda: load_samples(ledger, _campaign(ledger, "示例信息报送")))
        ledger.step("cases", lambda: load_sample_cases(ledger))
        ledger.step("quizzes", lambda: load_sample_quizzes(ledger, _campaign(ledger, "示例问答")))
        ledger.step(
            "registrations",
            lambda: load_sample_registrations(ledger, _campaign(ledger, "示例报名活动")),
        )
    accounts = [(a, world.person(ledger, a.username)) for a in DEMO_ACCOUNTS]
    return {
        "accounts": [(account, user) for account, user in accounts if user is not None],
        "superuser": world.person(ledger, world.SUPERUSER),
        "campaign": ledger.made(CAMPAIGN, Campaign),
        "notes": ledger.notes,
    }


def _campaign(ledger: Ledger, what: str) -> Campaign:
    return needed(
        ledger.made(CAMPAIGN, Campaign), f"未载入{what}：演示数据的活动已被删除，或从未导入。"
    )


def _import_campaign(ledger: Ledger) -> None:
    pudong = world.unit(ledger, PUDONG)
    admin = world.person(ledger, "admin")
    if pudong is None or admin is None:
        raise Skip("未导入演示活动：没有演示数据的浦东新区或区级管理员 admin。")
    theirs = Campaign.objects.filter(
        Q(doc_number=SEED_DOC_NUMBER) | Q(year=SEED_YEAR, kind=Campaign.Kind.QUALITY_MONTH),
        org_unit=pudong,
    ).first()
    if theirs is not None:
        raise Skip(
            f"未导入演示活动，也不载入示例：浦东新区已有“{theirs.title}”（不是演示数据导入的）。"
        )
    data = resources.files("qualitymonth.notices").joinpath("data", SEED_NOTICE).read_bytes()
    record = notice_services.import_notice(
        read_notice(data, SEED_NOTICE), org_unit=pudong, by=admin, original=data
    )
    campaign = campaign_services.publish_campaign(record.campaign, admin)
    ledger.remember(campaign, CAMPAIGN)


def _assign(ledger: Ledger) -> None:
    """A few items already assigned, so reporters have tasks and the quiz and contest have
    organisers; item 2 is left for the newcomer to assign to all streets and towns."""
    campaign = _campaign(ledger, "事项分配")
    gone = "未分配事项：演示数据的区级管理员、质量处或计量质量检测所已被删除。"
    admin = needed(world.person(ledger, "admin"), gone)
    division = needed(world.unit(ledger, world.DIVISION), gone)
    institute = needed(world.unit(ledger, world.INSTITUTE), gone)
    streets = world.streets_and_towns(ledger)
    items = {item.number: item for item in campaign.items.all()}
    for number, lead, participants in [
        (11, [division], []),
        (17, [division], []),
        (18, [division], streets),
        (19, [institute], streets),
    ]:
        assign_units(items[number], admin, lead=lead, participants=participants)
        for assignment in items[number].assignments.all():
            ledger.remember(assignment)

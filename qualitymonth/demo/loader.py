"""The demo: Shanghai's districts, Pudong's streets and towns, a person for every role, and the
2024 Pudong Quality Month campaign imported from its real notice. Loading twice changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from django.db import transaction

from qualitymonth.accounts.models import Membership, Role, User
from qualitymonth.assignments.models import Assignment
from qualitymonth.assignments.services import assign_units
from qualitymonth.campaigns import services as campaign_services
from qualitymonth.campaigns.models import Campaign
from qualitymonth.demo.cases import load_sample_cases
from qualitymonth.demo.quizzes import load_sample_quizzes
from qualitymonth.demo.registrations import load_sample_registrations
from qualitymonth.demo.samples import load_samples
from qualitymonth.notices import services as notice_services
from qualitymonth.notices.reader import read_notice
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.orgs.services import ensure_unit, load_demo_units, load_shanghai

DEMO_PASSWORD = "QualityMonth-2024"
SEED_NOTICE = "pudong-2024-quality-month-notice.txt"
SEED_DOC_NUMBER = "浦市监质〔2024〕99号"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    unit: str  # a unit name under Pudong, or a district / the city


DEMO_ACCOUNTS = [
    DemoAccount("admin", "陈择源", Role.CAMPAIGN_ADMIN, "浦东新区"),
    DemoAccount("reviewer", "王审核", Role.REVIEWER, "浦东新区"),
    DemoAccount("lujiazui", "李填报", Role.REPORTER, "陆家嘴街道"),
    DemoAccount("zhoujiadu", "周填报", Role.REPORTER, "周家渡街道"),
    DemoAccount("service", "赵业务", Role.SERVICE_STAFF, "浦东新区市场监督管理局"),
    DemoAccount("city", "孙市级", Role.CITY_VIEWER, "上海市"),
]


def load_demo() -> dict:
    """Load (or find) the demo world; returns the accounts and the campaign for printing."""
    with transaction.atomic():
        units = load_shanghai()
        pudong = units["浦东新区"]
        bureau = ensure_unit(
            "浦东新区市场监督管理局", OrgUnit.Kind.AGENCY, pudong, short_name="浦东市场监管局"
        )
        ensure_unit("质量处", OrgUnit.Kind.DIVISION, bureau)
        load_demo_units(pudong)  # parks, enterprises, schools, the metrology institute
        for account in DEMO_ACCOUNTS:
            _ensure_account(account, _find_unit(account.unit, units))
        superuser = _ensure_superuser()
        admin = User.objects.get(username="admin")
        campaign = _ensure_campaign(pudong, admin)
        _ensure_assignments(campaign, admin)
        load_samples(campaign, User.objects.get(username="reviewer"))
        load_sample_cases(bureau)
        load_sample_quizzes(campaign, admin)
        load_sample_registrations(campaign)
    return {"accounts": DEMO_ACCOUNTS, "superuser": superuser, "campaign": campaign}


def _find_unit(name: str, units: dict[str, OrgUnit]) -> OrgUnit:
    if name == "上海市":
        return units["city"]
    if name in units:
        return units[name]
    return OrgUnit.objects.get(name=name, path__startswith=units["浦东新区"].path)


def _ensure_account(account: DemoAccount, unit: OrgUnit) -> User:
    user, created = User.objects.get_or_create(
        username=account.username, defaults={"full_name": account.full_name}
    )
    if created:  # a password changed since the last load is kept
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, org_unit=unit, role=account.role)
    return user


def _ensure_superuser() -> User:
    user, created = User.objects.get_or_create(
        username="sysadmin",
        defaults={"full_name": "系统管理员", "is_superuser": True, "is_staff": True},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _ensure_assignments(campaign: Campaign, admin: User) -> None:
    """A few items already assigned, so reporters have tasks; item 2 is left for the newcomer
    to assign to all streets and towns."""
    if Assignment.objects.filter(item__campaign=campaign).exists():
        return
    pudong = campaign.org_unit
    streets = list(pudong.children.filter(kind__in=[OrgUnit.Kind.SUBDISTRICT, OrgUnit.Kind.TOWN]))
    division = OrgUnit.objects.get(name="质量处", path__startswith=pudong.path)
    institute = OrgUnit.objects.get(name="浦东新区计量质量检测所", parent=pudong)
    items = {item.number: item for item in campaign.items.all()}
    assign_units(items[17], admin, lead=[division], participants=[])
    assign_units(items[18], admin, lead=[division], participants=streets)
    assign_units(items[19], admin, lead=[institute], participants=streets)


def _ensure_campaign(pudong: OrgUnit, admin: User) -> Campaign:
    existing = Campaign.objects.filter(org_unit=pudong, doc_number=SEED_DOC_NUMBER).first()
    if existing:
        return existing
    data = resources.files("qualitymonth.notices").joinpath("data", SEED_NOTICE).read_bytes()
    record = notice_services.import_notice(
        read_notice(data, SEED_NOTICE), org_unit=pudong, by=admin, original=data
    )
    return campaign_services.publish_campaign(record.campaign, admin)

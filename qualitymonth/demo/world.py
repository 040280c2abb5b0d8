"""The demo's world: the system administrator, Shanghai's districts and Pudong's streets and
towns, the bureau and a handful of Pudong's parks, enterprises, schools and its metrology
institute, and a person for every role.

The demo builds its tree only from its own root: a unit whose place is already taken by a unit
of the same name that the demo did not create is left alone, and nothing is built below it.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass, field

from qualitymonth.accounts.models import Duty, Role, User
from qualitymonth.accounts.services import create_person
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.orgs.services import ShippedUnit, create_unit, shanghai_units
from qualitymonth.orgs.validators import make_credit_code

from .ledger import Ledger, Skip

DEMO_PASSWORD = "QualityMonth-2024"
SAMPLE = "【示例】"  # begins the title of every piece of sample work
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")

CITY = ("上海市",)
PUDONG = (*CITY, "浦东新区")
BUREAU = (*PUDONG, "浦东新区市场监督管理局")
DIVISION = (*BUREAU, "质量处")
INSTITUTE = (*PUDONG, "浦东新区计量质量检测所")


# Demo credit codes: real structure (9 1 = market regulation / enterprise, 310115 = Pudong) with
# a "QM" organisation-code body no registry issues, so they cannot be mistaken for real ones.
def _demo_code(serial: int) -> str:
    return make_credit_code("91", "310115", f"QM{serial:06d}")


_PARKS = [
    ("张江高科技园区", "上海市浦东新区张江高科技园区"),
    ("金桥经济技术开发区", "上海市浦东新区金桥经济技术开发区"),
    ("外高桥保税区", "上海市浦东新区外高桥保税区"),
    ("陆家嘴金融贸易区", "上海市浦东新区陆家嘴金融贸易区"),
]
# (name, parent: a park or "" for the district itself, serial of the demo credit code)
_ENTERPRISES = [
    ("上海振华重工（集团）股份有限公司", "", 101),
    ("上海微电子装备（集团）股份有限公司", "张江高科技园区", 102),
    ("上海华虹宏力半导体制造有限公司", "张江高科技园区", 103),
    ("上汽通用汽车有限公司", "金桥经济技术开发区", 104),
    ("上海外高桥造船有限公司", "外高桥保税区", 105),
]
# Where each enterprise hangs in the tree, by name: the quiz's contest results name them.
ENTERPRISES = {
    name: (*PUDONG, park, name) if park else (*PUDONG, name) for name, park, _ in _ENTERPRISES
}
_SCHOOLS = ["上海市建平中学", "上海市进才中学", "华东师范大学第二附属中学"]

# The bureau and its Quality Division, then the parks, enterprises (with valid demo credit
# codes), schools and the metrology institute, parents first.
DEMO_UNITS = [
    ShippedUnit(BUREAU, OrgUnit.Kind.AGENCY, {"short_name": "浦东市场监管局"}),
    ShippedUnit(DIVISION, OrgUnit.Kind.DIVISION),
    *(ShippedUnit((*PUDONG, name), OrgUnit.Kind.PARK, {"address": at}) for name, at in _PARKS),
    *(
        ShippedUnit(ENTERPRISES[name], OrgUnit.Kind.ENTERPRISE, {"credit_code": _demo_code(serial)})
        for name, _park, serial in _ENTERPRISES
    ),
    *(ShippedUnit((*PUDONG, name), OrgUnit.Kind.SCHOOL) for name in _SCHOOLS),
    ShippedUnit(INSTITUTE, OrgUnit.Kind.INSTITUTE),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    full_name: str
    role: str
    unit: tuple[str, ...]
    duties: list[str] = field(default_factory=list)


DEMO_ACCOUNTS = [
    DemoAccount("admin", "陈择源", Role.CAMPAIGN_ADMIN, PUDONG),
    DemoAccount("reviewer", "王审核", Role.REVIEWER, PUDONG),
    DemoAccount("lujiazui", "李填报", Role.REPORTER, (*PUDONG, "陆家嘴街道")),
    DemoAccount("zhoujiadu", "周填报", Role.REPORTER, (*PUDONG, "周家渡街道")),
    DemoAccount("service", "赵业务", Role.SERVICE_STAFF, BUREAU, [Duty.CASES]),
    DemoAccount("city", "孙市级", Role.CITY_VIEWER, CITY),
]
SUPERUSER = "sysadmin"


def unit(ledger: Ledger, path: tuple[str, ...]) -> OrgUnit | None:
    """The demo's unit shipped at ``path`` (by its names when the demo created it)."""
    return ledger.made("unit:" + "/".join(path), OrgUnit)


def person(ledger: Ledger, username: str) -> User | None:
    """The demo's account created as ``username`` (it may have been renamed since)."""
    return ledger.made(f"user:{username}", User)


def streets_and_towns(ledger: Ledger) -> list[OrgUnit]:
    """The demo's streets and towns of Pudong, in the shipped order."""
    found = [unit(ledger, u.path) for u in shanghai_units() if u.path[:-1] == PUDONG]
    return [street for street in found if street is not None]


def load_world(ledger: Ledger) -> None:
    ledger.step("sysadmin", lambda: _superuser(ledger))
    ledger.step("units", lambda: _units(ledger))
    ledger.step("accounts", lambda: _accounts(ledger))


def _superuser(ledger: Ledger) -> None:
    if User.objects.filter(username__iexact=SUPERUSER).exists():
        raise Skip(f"未建立系统管理员：已有用户 {SUPERUSER}（不是演示数据建立的）。")
    # No service makes the first system administrator; this is what ``createsuperuser`` does.
    user = User.objects.create_superuser(SUPERUSER, password=DEMO_PASSWORD, full_name="系统管理员")
    ledger.remember(user, f"user:{SUPERUSER}")


def _units(ledger: Ledger) -> None:
    by = _superuser_or_skip(ledger, "未建立组织机构")
    for shipped in [*shanghai_units(), *DEMO_UNITS]:
        parent = unit(ledger, shipped.path[:-1]) if len(shipped.path) > 1 else None
        if len(shipped.path) > 1 and parent is None:
            continue  # its parent is not the demo's: it was noted there
        if OrgUnit.objects.filter(parent=parent, name=shipped.name).exists():
            ledger.note(
                f"已有单位“{'/'.join(shipped.path)}”（不是演示数据建立的）："
                "演示数据不改动它，也不在它下面建立单位。"
            )
            continue
        created = create_unit(parent, by, name=shipped.name, kind=shipped.kind, **shipped.fields)
        ledger.remember(created, "unit:" + "/".join(shipped.path))


def _accounts(ledger: Ledger) -> None:
    by = _superuser_or_skip(ledger, "未建立演示账号")
    for account in DEMO_ACCOUNTS:
        make_person(
            ledger,
            by,
            username=account.username,
            full_name=account.full_name,
            org_unit=unit(ledger, account.unit),
            role=account.role,
            duties=account.duties,
            password=DEMO_PASSWORD,
        )


def _superuser_or_skip(ledger: Ledger, what: str) -> User:
    by = person(ledger, SUPERUSER)
    if by is None:
        raise Skip(f"{what}：没有演示数据的系统管理员 {SUPERUSER}。")
    return by


def make_person(
    ledger: Ledger, by: User, *, username: str, org_unit: OrgUnit | None, **fields
) -> User | None:
    """A demo account through the people service, unless its user name is taken or its unit is
    not the demo's (then a note, and None)."""
    if org_unit is None:
        ledger.note(f"未建立演示账号 {username}：它的单位不是演示数据建立的。")
        return None
    if User.objects.filter(username__iexact=username).exists():
        ledger.note(f"未建立演示账号 {username}：已有同名用户（不是演示数据建立的）。")
        return None
    created, _password = create_person(by, username=username, org_unit=org_unit, **fields)
    return ledger.remember(created, f"user:{username}")

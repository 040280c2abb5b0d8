"""The world of the case stories: Shanghai, Pudong and its market-supervision bureau, whose
service person 赵业务 (``service``) handles cases, and the clock the cases read, set by a test."""

import datetime
import zoneinfo

from qualitymonth.accounts.models import Duty, Membership, Role
from qualitymonth.cases import clock
from qualitymonth.cases.default_rules import ensure_default_rules
from qualitymonth.orgs.models import OrgUnit
from tests.conftest import make_person

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
BUREAU = "浦东新区市场监督管理局"


def set_clock(monkeypatch, *args) -> None:
    """The cases' now (``clock.now``) is this moment, in Shanghai, for the live server too."""
    moment = datetime.datetime(*args, tzinfo=SHANGHAI)
    monkeypatch.setattr(clock, "now", lambda: moment)


def set_up_case_desk():
    """The bureau and its service person; the rules the migrations seed (an earlier browser
    test's flush removed them). Returns the service person."""
    from django.core.cache import cache

    cache.clear()
    ensure_default_rules()
    city = OrgUnit.objects.create(name="上海市", kind=OrgUnit.Kind.CITY)
    pudong = OrgUnit.objects.create(name="浦东新区", kind=OrgUnit.Kind.DISTRICT, parent=city)
    bureau = OrgUnit.objects.create(name=BUREAU, kind=OrgUnit.Kind.AGENCY, parent=pudong)
    staff = make_person("service")
    staff.full_name = "赵业务"
    staff.save()
    Membership.objects.create(
        user=staff, org_unit=bureau, role=Role.SERVICE_STAFF, duties=[Duty.CASES]
    )
    return staff

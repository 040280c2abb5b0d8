import datetime
import zoneinfo

import pytest

from qualitymonth.accounts.models import Duty, Membership, Role
from qualitymonth.cases import services
from qualitymonth.cases.models import CaseKind
from qualitymonth.orgs.models import OrgUnit
from tests.conftest import make_person

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(year, month, day, hour=10) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def bureau(pudong) -> OrgUnit:
    return OrgUnit.objects.create(
        name="浦东新区市场监督管理局", kind=OrgUnit.Kind.AGENCY, parent=pudong
    )


def make_case_staff(username: str, unit: OrgUnit):
    user = make_person(username)
    Membership.objects.create(
        user=user, org_unit=unit, role=Role.SERVICE_STAFF, duties=[Duty.CASES]
    )
    return user


@pytest.fixture
def service(bureau):
    """赵业务: service staff of the bureau with the 咨询投诉举报 duty."""
    return make_case_staff("service", bureau)


@pytest.fixture
def other_service(bureau):
    """Service staff of the same bureau without the cases duty (metrology only)."""
    user = make_person("metrology")
    Membership.objects.create(
        user=user, org_unit=bureau, role=Role.SERVICE_STAFF, duties=[Duty.METROLOGY]
    )
    return user


def file_case(bureau, *, kind=CaseKind.COMPLAINT, received_at=None, **overrides):
    data = services.CaseInput(
        kind=kind,
        org_unit=bureau,
        subject=overrides.pop("subject", "电动自行车"),
        business_name=overrides.pop("business_name", "某某车行"),
        business_address=overrides.pop("business_address", "浦东新区某路1号"),
        description=overrides.pop("description", "买后三天电池无法充电，商家拒绝退换。"),
        contact_name=overrides.pop("contact_name", "张三丰"),
        mobile=overrides.pop("mobile", "13812341234"),
        id_number=overrides.pop("id_number", "11010519491231002X"),
        **overrides,
    )
    return services.submit_case(data, received_at=received_at or at(2024, 9, 27))


@pytest.fixture
def complaint(bureau, service):
    """A complaint received on Friday 27 September 2024, before the National Day holiday."""
    return file_case(bureau)

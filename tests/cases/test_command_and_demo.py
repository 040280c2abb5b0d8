import datetime
import io

from django.core.management import call_command

from qualitymonth.accounts.models import Duty, Membership, Role
from qualitymonth.cases.models import Case
from qualitymonth.core.models import Notification
from qualitymonth.demo.cases import load_sample_cases
from tests.conftest import make_person


def test_check_case_clocks_command_reports_and_never_repeats(complaint, service):
    out = io.StringIO()
    call_command("check_case_clocks", "--date", "2024-10-14", stdout=out)
    assert complaint.tracking_number in out.getvalue()
    assert "已超期 1 件" in out.getvalue()
    out = io.StringIO()
    call_command("check_case_clocks", "--date", "2024-10-15", stdout=out)
    assert "已超期 0 件" in out.getvalue()
    assert Notification.objects.filter(kind="case_clock_over").count() == 1


def test_the_demo_cases_load_once(bureau):
    user = make_person("service")
    Membership.objects.create(user=user, org_unit=bureau, role=Role.SERVICE_STAFF)
    load_sample_cases(bureau)
    load_sample_cases(bureau)
    assert Case.objects.count() == 3
    assert all(case.subject.startswith("【示例】") for case in Case.objects.all())
    assert Membership.objects.get(user=user).duties == [Duty.CASES]
    statuses = sorted(Case.objects.values_list("status", flat=True))
    assert statuses == ["accepted", "closed", "received"]
    accepted = Case.objects.get(status="accepted")
    closing = accepted.deadlines.get(milestone="closing")
    assert closing.starts_on == datetime.date(2024, 10, 8)

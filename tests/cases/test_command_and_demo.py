import io

from django.core.management import call_command

from qualitymonth.core.models import Notification


def test_check_case_clocks_command_reports_and_never_repeats(complaint, service):
    out = io.StringIO()
    call_command("check_case_clocks", "--date", "2024-10-14", stdout=out)
    assert complaint.tracking_number in out.getvalue()
    assert "已超期 1 件" in out.getvalue()
    out = io.StringIO()
    call_command("check_case_clocks", "--date", "2024-10-15", stdout=out)
    assert "已超期 0 件" in out.getvalue()
    assert Notification.objects.filter(kind="case_clock_over").count() == 1

import datetime

from qualitymonth.accounts.models import Duty, Membership, User
from qualitymonth.cases.models import Case
from qualitymonth.core.models import Notification
from qualitymonth.demo.models import DemoRecord
from qualitymonth.events.models import Event
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.orgs.validators import check_credit_code
from qualitymonth.quizzes.models import Quiz
from qualitymonth.registrations.models import Registration
from qualitymonth.reports.models import Photo, Report
from qualitymonth.summaries.models import UnitSummary

from .conftest import changed, database_picture, run_demo


def test_the_demo_loads_once_and_a_second_run_changes_nothing(
    db, media, mailoutbox, django_capture_on_commit_callbacks
):
    out = run_demo(django_capture_on_commit_callbacks)
    for username in ("admin", "reviewer", "lujiazui", "service", "city", "sysadmin"):
        assert username in out
    assert "QualityMonth-2024" in out and "演示数据已就绪" in out

    pudong = OrgUnit.objects.get(name="浦东新区")
    assert OrgUnit.objects.get(name="上海市").children.filter(kind="district").count() == 16
    assert pudong.children.filter(kind__in=["subdistrict", "town"]).count() == 36
    enterprises = OrgUnit.objects.filter(kind="enterprise")
    assert enterprises.count() == 5
    assert all(check_credit_code(unit.credit_code) is None for unit in enterprises)
    campaign = pudong.campaigns.get()
    assert campaign.is_published and campaign.items.count() == 20
    assert User.objects.get(username="admin").check_password("QualityMonth-2024")
    assert not User.objects.get(username="admin").must_change_password

    # Sample field work, marked as samples, in every state a reviewer meets.
    samples = Report.objects.filter(title__startswith="【示例】")
    assert samples.count() == 24
    assert Event.objects.filter(title__startswith="【示例】", reports__in=samples).count() == 24
    assert set(samples.values_list("status", flat=True)) == {
        "draft",
        "submitted",
        "returned",
        "accepted",
    }
    assert not samples.filter(status="accepted", is_late=True).exists()  # sent in September
    assert Photo.objects.filter(report__in=samples).count() == 48
    assert UnitSummary.objects.filter(title__startswith="【示例】", status="accepted").count() == 4
    assert Quiz.objects.filter(title__startswith="【示例】").count() == 2
    assert Registration.objects.filter(event__title__startswith="【示例】").count() == 8

    # Sample cases, handled by the service account, which has the duty for them.
    cases = Case.objects.all()
    assert all(case.subject.startswith("【示例】") for case in cases)
    assert sorted(cases.values_list("status", flat=True)) == [
        "accepted",
        "closed",
        "mediating",
        "received",
    ]
    closing = cases.get(status="accepted").deadlines.get(milestone="closing")
    assert closing.starts_on == datetime.date(2024, 10, 8)  # accepted after the holiday
    # The 2026 complaint mediates under 总局令第121号, its 60 days paused for testing.
    mediation = cases.get(status="mediating").deadlines.get(milestone="mediation")
    assert (mediation.due_on, mediation.paused_since) == (
        datetime.date(2026, 12, 8),
        datetime.date(2026, 11, 2),
    )
    assert Membership.objects.get(user__username="service").duties == [Duty.CASES]

    # The demo told only its own people, and knows each thing it made.
    made_users = DemoRecord.objects.filter(content_type__model="user").values("object_id")
    assert Notification.objects.exists()
    assert not Notification.objects.exclude(recipient__in=made_users).exists()
    assert DemoRecord.objects.filter(key="campaign", object_id=campaign.pk).exists()
    made_reports = DemoRecord.objects.filter(content_type__model="report").values("object_id")
    assert set(samples.values_list("pk", flat=True)) == {r["object_id"] for r in made_reports}

    before, mails = database_picture(media), len(mailoutbox)
    out = run_demo(django_capture_on_commit_callbacks)
    assert changed(before, database_picture(media)) == []
    assert len(mailoutbox) == mails
    assert "演示数据已就绪" in out


def test_a_changed_demo_password_is_kept(db, django_capture_on_commit_callbacks):
    run_demo(django_capture_on_commit_callbacks)
    user = User.objects.get(username="admin")
    user.set_password("Another-Password-9")
    user.save()
    run_demo(django_capture_on_commit_callbacks)
    user.refresh_from_db()
    assert user.check_password("Another-Password-9")

from django.core.management import call_command

from qualitymonth.accounts.models import Membership, User
from qualitymonth.campaigns.models import Campaign, Item
from qualitymonth.events.models import Event
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.reports.models import Photo, Report
from qualitymonth.summaries.models import UnitSummary


def test_demo_loads_once_and_prints_the_log_ins(db, capsys):
    call_command("demo", "--load-only")
    out = capsys.readouterr().out
    for username in ("admin", "reviewer", "lujiazui", "service", "city", "sysadmin"):
        assert username in out
    assert "QualityMonth-2024" in out

    pudong = OrgUnit.objects.get(name="浦东新区")
    assert OrgUnit.objects.get(name="上海市").children.filter(kind="district").count() == 16
    streets_and_towns = pudong.children.filter(kind__in=["subdistrict", "town"])
    assert streets_and_towns.count() == 36
    campaign = Campaign.objects.get()
    assert campaign.is_published and campaign.org_unit == pudong
    assert campaign.items.count() == 20
    assert User.objects.get(username="admin").check_password("QualityMonth-2024")

    # Sample field work, marked as samples, in every state a reviewer meets.
    samples = Report.objects.filter(title__startswith="【示例】")
    assert (
        samples.count() == 24
        and Event.objects.filter(title__startswith="【示例】", reports__in=samples).count() == 24
    )
    assert set(samples.values_list("status", flat=True)) == {
        "draft",
        "submitted",
        "returned",
        "accepted",
    }
    assert not samples.filter(status="accepted", is_late=True).exists()  # sent in September
    assert Photo.objects.filter(report__in=samples).count() == 48
    assert UnitSummary.objects.filter(title__startswith="【示例】", status="accepted").count() == 4

    models = [OrgUnit, User, Membership, Campaign, Item, Event, Report, Photo, UnitSummary]
    counts = [model.objects.count() for model in models]
    call_command("demo", "--load-only")
    assert counts == [model.objects.count() for model in models]


def test_a_changed_demo_password_is_kept(db):
    call_command("demo", "--load-only")
    user = User.objects.get(username="admin")
    user.set_password("Another-Password-9")
    user.save()
    call_command("demo", "--load-only")
    user.refresh_from_db()
    assert user.check_password("Another-Password-9")

from django.core.management import call_command

from qualitymonth.accounts.models import Membership, User
from qualitymonth.campaigns.models import Campaign, Item
from qualitymonth.orgs.models import OrgUnit


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

    counts = (
        OrgUnit.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        Campaign.objects.count(),
        Item.objects.count(),
    )
    call_command("demo", "--load-only")
    assert counts == (
        OrgUnit.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
        Campaign.objects.count(),
        Item.objects.count(),
    )


def test_a_changed_demo_password_is_kept(db):
    call_command("demo", "--load-only")
    user = User.objects.get(username="admin")
    user.set_password("Another-Password-9")
    user.save()
    call_command("demo", "--load-only")
    user.refresh_from_db()
    assert user.check_password("Another-Password-9")

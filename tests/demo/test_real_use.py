"""The demo never touches what people made: after days of real use, a second run of
``qualitymonth demo`` changes nothing and tells nobody anything."""

from qualitymonth.accounts.models import Role, User
from qualitymonth.accounts.services import create_person
from qualitymonth.assignments.services import assign_units
from qualitymonth.campaigns.models import Campaign
from qualitymonth.campaigns.services import publish_campaign, update_campaign
from qualitymonth.events.models import Event
from qualitymonth.notices.reader import read_notice
from qualitymonth.notices.services import import_notice
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.orgs.services import update_unit
from qualitymonth.reports import services as reports
from qualitymonth.reports.models import Report

from .conftest import changed, database_picture, run_demo


def use_the_platform(seed_notice: bytes) -> list[Campaign]:
    """A few days of real use by the demo's admin and reporters and a newcomer; returns the
    campaigns the admin made."""
    admin = User.objects.get(username="admin")
    demo_campaign = Campaign.objects.get()
    pudong, lujiazui = demo_campaign.org_unit, OrgUnit.objects.get(name="陆家嘴街道")
    # The admin imports the seed notice a second time through the page, as the tester did,
    # confirming that a second campaign is meant, and leaves it a draft,
    again = import_notice(
        read_notice(seed_notice, "通知.txt"),
        org_unit=pudong,
        by=admin,
        original=seed_notice,
        allow_duplicate=True,
    ).campaign
    assign_units(again.items.get(number=18), admin, lead=[lujiazui], participants=[])
    # imports next year's notice and publishes it,
    text = seed_notice.decode().replace("2024", "2025").replace("99号", "98号").encode()
    next_year = import_notice(read_notice(text, "2025年通知.txt"), org_unit=pudong, by=admin)
    next_year = publish_campaign(next_year.campaign, admin)
    # adds a reporter of 陆家嘴街道 with an e-mail address and gives the street item 2, which
    # tells them and the demo's reporter of the street,
    wang, _password = create_person(
        admin,
        username="wangfang",
        full_name="王芳",
        org_unit=lujiazui,
        role=Role.REPORTER,
        email="wangfang@example.gov.cn",
    )
    assign_units(next_year.items.get(number=2), admin, lead=[lujiazui], participants=[])
    # the newcomer and the demo's reporter write and send reports,
    for author, item in [
        (wang, next_year.items.get(number=2)),
        (User.objects.get(username="lujiazui"), demo_campaign.items.get(number=18)),
    ]:
        report = reports.start_report(author, item=item, org_unit=lujiazui)
        reports.save_draft(report, author, content="组织辖区企业开展质量自查。", effect="良好。")
        reports.submit_report(report, author)
    # and the admin renames the demo's campaign and a street; a system administrator deletes
    # a sample report and a sample event in /django-admin/.
    update_campaign(demo_campaign, admin, title="2024年浦东新区“质量月”活动（演示）")
    update_unit(lujiazui, admin, name="陆家嘴街道办事处")
    Report.objects.filter(title__startswith="【示例】", status="draft").delete()
    Event.objects.filter(title__startswith="【示例】线上质量课堂").delete()
    return [again, next_year]


def test_a_second_run_after_real_use_changes_nothing_and_tells_nobody(
    db, media, mailoutbox, django_capture_on_commit_callbacks, seed_notice_bytes
):
    run_demo(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        theirs = use_the_platform(seed_notice_bytes)
    assert [mail.to for mail in mailoutbox] == [["wangfang@example.gov.cn"]]  # 新任务: item 2
    before, mails = database_picture(media), len(mailoutbox)

    out = run_demo(django_capture_on_commit_callbacks)

    assert changed(before, database_picture(media)) == []  # audit log, inboxes, SMS included
    assert len(mailoutbox) == mails
    assert not Report.objects.filter(item__campaign__in=theirs, title__startswith="【示例】")
    assert not Event.objects.filter(item__campaign__in=theirs)
    # The demo still knows its campaign by its record, renamed as it is.
    assert "演示数据已就绪：2024年浦东新区质量月（浦市监质〔2024〕99号）" in out

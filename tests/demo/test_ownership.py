"""The demo finds its own things by its records and never takes people's things for them."""

from qualitymonth.accounts.models import Duty, Role, User
from qualitymonth.accounts.services import create_person
from qualitymonth.campaigns.models import Campaign
from qualitymonth.campaigns.services import publish_campaign
from qualitymonth.cases.models import Case
from qualitymonth.demo.ledger import Ledger
from qualitymonth.demo.models import DemoRecord
from qualitymonth.demo.world import load_world
from qualitymonth.events.models import Event
from qualitymonth.notices.reader import read_notice
from qualitymonth.notices.services import import_notice
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.quizzes.models import Attempt, Quiz
from qualitymonth.reports.models import Report
from qualitymonth.summaries.models import UnitSummary

from .conftest import changed, database_picture, run_demo


def test_a_database_the_demo_did_not_make_is_left_alone(
    db, media, mailoutbox, django_capture_on_commit_callbacks
):
    run_demo(django_capture_on_commit_callbacks)
    # The same names everywhere, but no record of the demo: built by hand, or by a demo from
    # before it kept records.
    DemoRecord.objects.all().delete()
    before, mails = database_picture(media), len(mailoutbox)

    out = run_demo(django_capture_on_commit_callbacks)

    assert changed(before, database_picture(media)) == ["demo.DemoRecord"]
    assert not DemoRecord.objects.exclude(object_id=None).exists()  # it made nothing
    assert len(mailoutbox) == mails
    assert "未建立系统管理员：已有用户 sysadmin" in out
    assert "没有演示活动" in out
    before = database_picture(media)
    run_demo(django_capture_on_commit_callbacks)
    assert changed(before, database_picture(media)) == []


def test_no_sample_goes_into_a_2024_campaign_pudong_had_before_the_demo_imported_one(
    db, media, mailoutbox, django_capture_on_commit_callbacks, seed_notice_bytes
):
    # The demo's units and people are there (a demo from before it imported the campaign), and
    # the admin imports the 2024 notice first, and a service person of their own.
    load_world(Ledger())
    admin = User.objects.get(username="admin")
    pudong = OrgUnit.objects.get(name="浦东新区")
    record = import_notice(read_notice(seed_notice_bytes, "通知.txt"), org_unit=pudong, by=admin)
    theirs = publish_campaign(record.campaign, admin)
    create_person(
        admin,
        username="zhangsan",
        full_name="张三",
        org_unit=OrgUnit.objects.get(name="浦东新区市场监督管理局"),
        role=Role.SERVICE_STAFF,
        duties=[Duty.CASES],
        email="zhangsan@example.gov.cn",
    )

    out = run_demo(django_capture_on_commit_callbacks)

    assert "未导入演示活动，也不载入示例：浦东新区已有" in out
    assert "未载入示例信息报送：演示数据的活动已被删除，或从未导入。" in out
    assert Campaign.objects.get() == theirs
    assert not theirs.items.filter(assignments__isnull=False).exists()
    assert not Event.objects.exists() and not Report.objects.exists()
    assert not Quiz.objects.exists()
    # The sample cases need no campaign; the bureau's own service person hears nothing of them.
    assert Case.objects.count() == 4
    assert not User.objects.get(username="zhangsan").notifications.exists()
    assert mailoutbox == []
    before = database_picture(media)
    run_demo(django_capture_on_commit_callbacks)
    assert changed(before, database_picture(media)) == []


def delete_with_its_work(campaign: Campaign) -> None:
    """What a system administrator does in /django-admin/: the work first, then the campaign."""
    Attempt.objects.filter(quiz__item__campaign=campaign).delete()
    Quiz.objects.filter(item__campaign=campaign).delete()
    UnitSummary.objects.filter(campaign=campaign).delete()
    Report.objects.filter(item__campaign=campaign).delete()
    Event.objects.filter(item__campaign=campaign).delete()
    campaign.delete()


def test_once_the_demo_campaign_is_deleted_no_sample_work_comes_back(
    db, media, django_capture_on_commit_callbacks
):
    run_demo(django_capture_on_commit_callbacks)
    delete_with_its_work(Campaign.objects.get())
    before = database_picture(media)
    out = run_demo(django_capture_on_commit_callbacks)
    assert changed(before, database_picture(media)) == []
    assert "演示数据中没有演示活动" in out

    # A step the demo had not run yet (as when a newer demo adds one) is left out, with a note.
    DemoRecord.objects.filter(key="step:registrations").delete()
    before = database_picture(media)
    out = run_demo(django_capture_on_commit_callbacks)
    assert changed(before, database_picture(media)) == ["demo.DemoRecord"]
    assert "未载入示例报名活动：演示数据的活动已被删除，或从未导入。" in out
    assert DemoRecord.objects.get(key="step:registrations").note.startswith("未载入示例报名活动")

"""Sample field work for the demo, marked 【示例】: a dozen streets and towns plan events for
items 18 and 19, report them with photos and figures, and the reviewer has accepted most,
returned one and has one waiting; six units have sent their written summary. Every page a
newcomer opens has something on it, and the dashboards and summaries to come have content."""

from __future__ import annotations

import datetime
import zoneinfo

from qualitymonth.accounts.models import Membership, Role, User
from qualitymonth.campaigns import services as campaign_services
from qualitymonth.campaigns.models import Campaign
from qualitymonth.events.services import plan_event, set_status
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.reports import services as reports
from qualitymonth.reports.models import Report
from qualitymonth.summaries import services as summaries

from .pictures import sample_photo

SAMPLE = "【示例】"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
UNITS = 12

# What the samples say, per item number: title, content, effect, figures by indicator name.
WORK = {
    18: (
        "“市民看质量”走进{unit}",
        "组织辖区居民参观企业质量管理现场，讲解产品质量知识。",
        "居民对身边产品质量有了直观了解，现场咨询踊跃。",
        {"参与人数": 60, "发放资料份数": 150},
    ),
    19: (
        "{unit}计量器具上门集中强检",
        "计量所上门为菜场、超市小商户检定电子秤。",
        "提高了小商户计量器具受检率，现场纠正不准确器具。",
        {"参与人数": 35, "活动场次": 1, "检定台数": 120, "合格台数": 114},
    ),
}


def load_samples(campaign: Campaign, reviewer: User) -> None:
    """Idempotent: nothing happens if the campaign already has sample reports."""
    if Report.objects.filter(item__campaign=campaign, title__startswith=SAMPLE).exists():
        return
    units = list(
        OrgUnit.objects.filter(
            parent=campaign.org_unit, kind__in=[OrgUnit.Kind.SUBDISTRICT, OrgUnit.Kind.TOWN]
        ).order_by("pinyin")[:UNITS]
    )
    items = {item.number: item for item in campaign.items.filter(number__in=WORK)}
    _metrology_figures(campaign, items[19])
    for index, unit in enumerate(units):
        author = _sample_reporter(unit, index)
        for offset, (number, work) in enumerate(WORK.items()):
            day = 3 + (index * 2 + offset * 5) % 24
            _sample(campaign, items[number], unit, author, reviewer, work, day, index * 2 + offset)
        if index < 6:
            _sample_summary(campaign, unit, author, reviewer, accept=index < 4)


def _metrology_figures(campaign: Campaign, item) -> None:
    """The metrology item counts instruments verified and passed; 合格率 is their ratio."""
    admin = User.objects.get(username="admin")
    rows = [
        {
            "id": i.pk,
            "name": i.name,
            "unit": i.unit,
            "value_type": i.value_type,
            "aggregation": i.aggregation,
        }
        for i in item.indicators.all()
    ]
    for name in ("检定台数", "合格台数"):
        if name not in {row["name"] for row in rows}:
            rows.append({"name": name, "unit": "台", "value_type": "integer", "aggregation": "sum"})
    campaign_services.set_indicators(item, admin, rows)
    if not campaign.formulas.filter(name="合格率").exists():
        campaign_services.save_formula(
            campaign, admin, name="合格率", expression="合格台数 / 检定台数"
        )


def _sample_summary(campaign, unit, author, reviewer, *, accept: bool) -> None:
    """A unit summary pre-filled from the unit's accepted sample reports, sent in September."""
    summary = summaries.start_summary(author, campaign=campaign, org_unit=unit)
    photos = [p.pk for r in summary.reports.all() for p in r.photos.all()][:2]
    summaries.save_summary(
        summary, author, title=SAMPLE + summary.title, body=summary.body, photo_ids=photos
    )
    sent = datetime.datetime(campaign.year, 9, 27, 16, tzinfo=SHANGHAI)
    summaries.submit_summary(summary, author, at=sent)
    if accept:
        summaries.accept_summary(summary, reviewer, at=sent + datetime.timedelta(days=1))


def _sample_reporter(unit: OrgUnit, index: int) -> User:
    user, created = User.objects.get_or_create(
        username=f"sample{index + 1:02d}", defaults={"full_name": f"示例填报员（{unit.name}）"}
    )
    if created:
        user.set_unusable_password()  # samples only: nobody logs in as them
        user.save(update_fields=["password"])
    Membership.objects.get_or_create(user=user, org_unit=unit, role=Role.REPORTER)
    return user


def _sample(campaign, item, unit, author, reviewer, work, day: int, serial: int) -> None:
    title, content, effect, figures = work
    starts = datetime.datetime(campaign.year, 9, day, 9, 30, tzinfo=SHANGHAI)
    event = plan_event(
        author,
        item=item,
        org_unit=unit,
        title=SAMPLE + title.format(unit=unit.name),
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=2),
        address=f"{unit.name}社区文化活动中心",
        street_town=unit,
        is_public=True,
        expected_participants=figures.get("参与人数"),
    )
    set_status(event, author, "held")
    report = reports.start_report(author, item=item, org_unit=unit, event=event)
    indicators = {i.name: i.pk for i in item.indicators.all()}
    reports.save_draft(
        report,
        author,
        content=content,
        effect=effect,
        figures={indicators[name]: str(value + serial) for name, value in figures.items()},
    )
    taken = starts.strftime("%Y:%m:%d %H:%M:%S")
    for picture in range(2):
        reports.add_photo(
            report,
            author,
            sample_photo(serial * 2 + picture, taken),
            f"IMG_{serial:02d}{picture}.JPG",
        )
    if serial == 5:
        return  # one draft, still being written
    submitted = starts + datetime.timedelta(days=1, hours=3)
    reports.submit_report(report, author, at=submitted)
    if serial == 7:
        return  # one waiting for review
    if serial == 3:
        reports.return_report(
            report,
            reviewer,
            "请补充活动成效中的具体数据。",
            at=submitted + datetime.timedelta(hours=20),
        )
        return
    reports.accept_report(report, reviewer, at=submitted + datetime.timedelta(days=1))
    if serial % 6 == 0:
        reports.star_report(report, reviewer, True)

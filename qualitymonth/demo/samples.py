"""Sample field work for the demo, marked 【示例】: a dozen streets and towns plan events for
items 18 and 19, report them with photos and figures, and the reviewer has accepted most,
returned one and has one waiting; six units have sent their written summary. Every page a
newcomer opens has something on it, and the dashboards and summaries to come have content."""

from __future__ import annotations

import datetime

from qualitymonth.accounts.models import Role, User
from qualitymonth.campaigns import services as campaign_services
from qualitymonth.campaigns.models import Campaign
from qualitymonth.core.chinese import pinyin_key
from qualitymonth.events.services import plan_event, set_status
from qualitymonth.reports import services as reports
from qualitymonth.summaries import services as summaries

from . import world
from .ledger import Ledger, needed
from .pictures import sample_photo
from .world import SAMPLE, SHANGHAI

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


def load_samples(ledger: Ledger, campaign: Campaign) -> None:
    """The first dozen of the demo's streets and towns by pinyin, each with a sample reporter
    of its own, report into the demo's campaign."""
    gone = "未载入示例信息报送：演示数据的区级管理员或审核员已被删除。"
    admin = needed(world.person(ledger, "admin"), gone)
    reviewer = needed(world.person(ledger, "reviewer"), gone)
    units = sorted(world.streets_and_towns(ledger), key=lambda unit: pinyin_key(unit.name))
    items = {item.number: item for item in campaign.items.filter(number__in=WORK)}
    _metrology_figures(campaign, items[19], admin)
    for index, unit in enumerate(units[:UNITS]):
        author = world.make_person(
            ledger,
            admin,
            username=f"sample{index + 1:02d}",
            full_name=f"示例填报员（{unit.name}）",
            org_unit=unit,
            role=Role.REPORTER,
        )
        if author is None:
            continue
        for offset, (number, work) in enumerate(WORK.items()):
            day = 3 + (index * 2 + offset * 5) % 24
            serial = index * 2 + offset
            _sample(ledger, campaign, items[number], unit, author, reviewer, work, day, serial)
        if index < 6:
            summary = _sample_summary(campaign, unit, author, reviewer, accept=index < 4)
            ledger.remember(summary)


def _metrology_figures(campaign: Campaign, item, admin: User) -> None:
    """The metrology item counts instruments verified and passed; 合格率 is their ratio."""
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


def _sample_summary(campaign, unit, author, reviewer, *, accept: bool):
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
    return summary


def _sample(ledger, campaign, item, unit, author, reviewer, work, day: int, serial: int) -> None:
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
    ledger.remember(event)
    ledger.remember(report)
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

"""The text of a work summary, compiled from accepted reports in the order such summaries take:
一、总体情况, 二、主要做法和成效 (per category and item: which units did what, with their
figures), 三、特色亮点 (starred reports), 四、存在问题 and 五、下一步打算 (the admin writes these).

Each paragraph carries a stable key (``item:17``, ``highlight:report:52``) so that regenerating
can tell which paragraph is which and keep what a person changed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qualitymonth.campaigns.models import Campaign
from qualitymonth.core import figures
from qualitymonth.core.chinese import chinese_numeral, plain_number
from qualitymonth.dashboard.queries import Dashboard, Row, build_dashboard
from qualitymonth.reports.models import Report

from .models import SummaryParagraph

Section = SummaryParagraph.Section
NAMED_UNITS = 5  # units named before "等N个单位"
EXCERPT = 120  # characters of a report's content quoted under its item


@dataclass(frozen=True)
class Draft:
    key: str
    section: str
    text: str
    is_heading: bool = False


def _sentence(text: str, limit: int = EXCERPT) -> str:
    """The start of a report's text, ending at a full stop where one falls within ``limit``."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text if text.endswith(("。", "！", "？")) else text + "。" if text else ""
    cut = text.rfind("。", 0, limit)
    return text[: cut + 1] if cut > 0 else text[:limit] + "……"


def _figure_phrase(dashboard: Dashboard, row: Row) -> str:
    """ "参与人数720人、发放资料份数1800份、合格率98.5%": the row's indicator totals and derived
    figures in plan order, each named as everywhere else."""
    parts = []
    for name, unit in dashboard.columns:
        value = row.value(name)
        if value is not None and value:
            parts.append(f"{name}{plain_number(value)}{unit}")
    for name, _, _ in dashboard.formulas:
        value = row.derived.get(name)
        if value is not None:
            parts.append(f"{name}{dashboard.derived_display(name, value)}")
    return "、".join(parts)


def _headline_phrase(row: Row) -> str:
    """ "承担单位36个、报送单位12个、登记活动30场、已举办活动24场、采用信息24篇": the headline
    figures of ``core.figures`` that are not nought, each in its own words."""
    return "、".join(
        figure.stated(value) for figure in figures.HEADLINE if (value := row.headline(figure))
    )


def _reported_phrase(dashboard: Dashboard, row: Row) -> str:
    """What units typed into their reports, said as theirs; where their "活动场次" differs from
    the events held in the platform, the text says why both stand."""
    text = _figure_phrase(dashboard, row)
    if not text:
        return ""
    if dashboard.event_count_gap(row):
        text += (
            f"（{figures.EVENT_COUNT_INDICATOR}为各单位填报的场次合计，含未在平台逐场登记的活动，"
            f"与平台登记的{figures.EVENTS_HELD.label}统计口径不同）"
        )
    return f"各单位在信息报送中填报的主要数据：{text}。"


def _names(names: Sequence[str]) -> str:
    shown = "、".join(names[:NAMED_UNITS])
    return f"{shown}等{len(names)}个单位" if len(names) > NAMED_UNITS else shown


def _overview(dashboard: Dashboard, subject: str, opening: str) -> str:
    return f"{opening}活动期间，{subject}{_headline_phrase(dashboard.total)}。" + _reported_phrase(
        dashboard, dashboard.total
    )


def _manual_sections(start: int) -> list[Draft]:
    return [
        Draft("heading:problems", Section.PROBLEMS, f"{chinese_numeral(start)}、存在问题", True),
        Draft("problems", Section.PROBLEMS, ""),
        Draft("heading:plans", Section.PLANS, f"{chinese_numeral(start + 1)}、下一步打算", True),
        Draft("plans", Section.PLANS, ""),
    ]


def _highlights(reports: Sequence[Report], unit_label: Callable[[Report], str]) -> list[Draft]:
    drafts = [Draft("heading:highlights", Section.HIGHLIGHTS, "三、特色亮点", True)]
    for number, report in enumerate(reports, start=1):
        title = report.title.removeprefix("【示例】")
        body = _sentence(report.content) + _sentence(report.effect)
        drafts.append(
            Draft(
                f"highlight:report:{report.pk}",
                Section.HIGHLIGHTS,
                f"（{chinese_numeral(number)}）{unit_label(report)}：{title}。{body}",
            )
        )
    if len(drafts) == 1:
        drafts.append(
            Draft(
                "highlights:none",
                Section.HIGHLIGHTS,
                "本次活动审核中尚未标记亮点信息，可在审核时为优秀信息标记“亮点”后重新生成。",
            )
        )
    return drafts


def _starred(campaigns: Sequence[Campaign]) -> list[Report]:
    return list(
        Report.objects.filter(
            item__campaign__in=campaigns, status=Report.Status.ACCEPTED, starred=True
        )
        .select_related("org_unit", "item__campaign__org_unit")
        .order_by("item__campaign__org_unit__pinyin", "item__category__order", "item__order", "id")
    )


def campaign_drafts(campaign: Campaign) -> list[Draft]:
    """The paragraphs of a district's work summary, from its accepted reports."""
    dashboard = build_dashboard([campaign], ("category", "item"))
    opening = f"{campaign.year}年{campaign.start_date.month}月，" if campaign.start_date else ""
    issuer = campaign.issuer or campaign.org_unit.name
    opening += f"{issuer}"
    opening += f"以“{campaign.theme}”为主题，" if campaign.theme else ""
    opening += f"组织开展{campaign.name}活动。"
    drafts = [
        Draft("heading:overview", Section.OVERVIEW, "一、总体情况", True),
        Draft("overview", Section.OVERVIEW, _overview(dashboard, "全区", opening)),
        Draft("heading:practice", Section.PRACTICE, "二、主要做法和成效", True),
    ]
    reports = (
        Report.objects.filter(item__campaign=campaign, status=Report.Status.ACCEPTED)
        .select_related("org_unit")
        .order_by("org_unit__pinyin", "id")
    )
    by_item: dict[int, list[Report]] = defaultdict(list)
    for report in reports:
        by_item[report.item_id].append(report)
    items = {row.key: row for row in dashboard.tables["item"]}
    item_objects = {i.pk: i for i in campaign.items.all()}
    categories = {c.pk: c for c in campaign.categories.all()}
    category_number = 0
    for category_row in dashboard.tables["category"]:
        rows = [
            items[i.pk]
            for i in sorted(item_objects.values(), key=lambda i: (i.order, i.pk))
            if i.category_id == category_row.key and i.pk in by_item
        ]
        if not rows:
            continue
        category_number += 1
        title = categories[category_row.key].title
        drafts.append(
            Draft(
                f"category:{category_row.key}",
                Section.PRACTICE,
                f"（{chinese_numeral(category_number)}）{title}",
                True,
            )
        )
        for number, row in enumerate(rows, start=1):
            item = item_objects[row.key]
            units = list(dict.fromkeys(r.org_unit.name for r in by_item[item.pk]))
            text = f"{number}.{item.title}。{_names(units)}报送"
            text += figures.REPORTS_ACCEPTED.stated(row.reports_accepted)
            if row.events_held:
                text += "，" + figures.EVENTS_HELD.stated(row.events_held)
            text += "。" + _reported_phrase(dashboard, row)
            first = by_item[item.pk][0]
            if first.content:
                unit = first.org_unit.name
                said = _sentence(first.content)
                text += f"其中，{said if said.startswith(unit) else unit + said}"
            drafts.append(Draft(f"item:{item.pk}", Section.PRACTICE, text))
    drafts += _highlights(_starred([campaign]), lambda r: r.org_unit.name)
    return drafts + _manual_sections(4)


def city_drafts(city_name: str, year: int, campaigns: Sequence[Campaign]) -> list[Draft]:
    """The paragraphs of a city's work summary, from every district's accepted reports."""
    dashboard = build_dashboard(campaigns, ("district",))
    opening = (
        f"{year}年质量月期间，{city_name}各区围绕质量月活动主题，组织开展了形式多样的质量活动。"
    )
    opening += f"全市共有{len(campaigns)}个区报送活动情况。"
    drafts = [
        Draft("heading:overview", Section.OVERVIEW, "一、总体情况", True),
        Draft("overview", Section.OVERVIEW, _overview(dashboard, "全市", opening)),
        Draft("heading:practice", Section.PRACTICE, "二、主要做法和成效", True),
    ]
    by_district = {c.org_unit_id: c for c in campaigns}
    for number, row in enumerate(dashboard.tables["district"], start=1):
        campaign = by_district[row.key]
        theme = f"以“{campaign.theme}”为主题，" if campaign.theme else ""
        text = (
            f"（{chinese_numeral(number)}）{row.label}。{row.label}{theme}"
            f"{_headline_phrase(row)}。{_reported_phrase(dashboard, row)}"
        )
        drafts.append(Draft(f"district:{row.key}", Section.PRACTICE, text))
    drafts += _highlights(
        _starred(campaigns), lambda r: f"{r.item.campaign.org_unit.name}{r.org_unit.name}"
    )
    return drafts + _manual_sections(4)

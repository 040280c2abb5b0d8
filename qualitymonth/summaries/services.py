"""Every change to a unit's written summary (书面小结): starting it, editing, the review.

The platform starts the summary from what the unit has already had accepted — the figures of
its accepted reports and a draft text listing them — and the unit edits the text, picks photos
of its accepted reports and submits it through the same review as its reports
(``reports.review``). Each function checks the person may make the change, saves in one
transaction, writes the audit entry and tells the people concerned.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from qualitymonth.accounts.scope import scope_of
from qualitymonth.assignments.models import Assignment
from qualitymonth.campaigns.models import Campaign, Indicator
from qualitymonth.core import audit, figures
from qualitymonth.core.chinese import chinese_numeral, plain_number
from qualitymonth.core.notifications import notify
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.reports import review
from qualitymonth.reports.models import Report, ReportValue

from .models import SummaryVersion, UnitSummary
from .queries import accepted_reports, selectable_photos, summary_due_date

Status = UnitSummary.Status
Aggregation = Indicator.Aggregation


# Who may do what ---------------------------------------------------------------------------


def _snapshot(summary: UnitSummary) -> dict:
    return {
        "title": summary.title,
        "body": summary.body,
        "figures": summary.figures,
        "reports": list(summary.reports.values_list("pk", flat=True)),
        "photos": list(summary.photos.values_list("pk", flat=True)),
    }


SUMMARY = review.Reviewable(
    noun="书面小结",
    audit_prefix="summary",
    version_model=SummaryVersion,
    version_field="summary",
    snapshot=_snapshot,
    campaign=lambda summary: summary.campaign,
)


def may_write(by, summary: UnitSummary) -> bool:
    return scope_of(by).can("unit.report", summary.org_unit)


def may_review(by, summary: UnitSummary) -> bool:
    return SUMMARY.may_review(by, summary)


def may_reopen(by, summary: UnitSummary) -> bool:
    return SUMMARY.may_reopen(by, summary)


def _require_editable(by, summary: UnitSummary) -> None:
    review.require(may_write(by, summary), "您没有权限填写这份书面小结。")
    if not summary.is_editable:
        raise ValidationError("这份书面小结已提交或已采用，不能再修改。")


def _locked_editable(summary: UnitSummary) -> UnitSummary:
    """The row as it is now, locked: an autosave still in flight when the summary was
    submitted must neither change it nor write back a stale status."""
    current = UnitSummary.objects.select_for_update().get(pk=summary.pk)
    if not current.is_editable:
        raise ValidationError("这份书面小结已提交或已采用，不能再修改。")
    return current


def _audit(by, action: str, summary: UnitSummary, **entry) -> None:
    audit.record(by, action, summary, org_unit=summary.org_unit, **entry)


# What the platform fills in ------------------------------------------------------------------


def summary_title(campaign: Campaign, org_unit: OrgUnit) -> str:
    """陆家嘴街道2024年质量月活动书面小结."""
    return f"{org_unit.name}{campaign.year}年{campaign.get_kind_display()}活动书面小结"


def unit_figures(reports: Iterable[Report]) -> list[dict]:
    """The accepted reports' figures per indicator name, in plan order: one query. They add up
    as everywhere else (``core.figures.combine``): indicators of different items that share a
    name ("参与人数") add up together, each combined as its indicator says (sum, average, max,
    min), so a unit's summary states what the dashboard's row of the unit states."""
    values = (
        ReportValue.objects.filter(report__in=list(reports))
        .select_related("indicator")
        .order_by(
            "indicator__item__category__order",
            "indicator__item__order",
            "indicator__order",
            "indicator_id",
            "report_id",
        )
    )
    units: dict[str, str] = {}
    report_ids: dict[str, set[int]] = defaultdict(set)
    tallies = []
    for value in values:
        name = value.indicator.name
        units.setdefault(name, value.indicator.unit)
        report_ids[name].add(value.report_id)
        tallies.append((name, figures.Tally.of([value.value], value.indicator.aggregation)))
    return [
        {
            "name": name,
            "unit": units[name],
            "aggregation": tally.how,
            "value": plain_number(tally.value),
            "reports": len(report_ids[name]),
        }
        for name, tally in figures.combine(tallies).items()
    ]


_AGGREGATION_WORDS = {
    Aggregation.SUM: "合计",
    Aggregation.AVERAGE: "平均",
    Aggregation.MAX: "最高",
    Aggregation.MIN: "最低",
}


def aggregation_word(figure: dict) -> str:
    """How the figure was combined, as the text says it: 合计, 平均, 最高, 最低."""
    return _AGGREGATION_WORDS.get(figure.get("aggregation"), "合计")


def figure_phrase(figure: dict) -> str:
    """The figure as the text says it: 参与人数合计350人."""
    return f"{figure['name']}{aggregation_word(figure)}{figure['value']}{figure['unit']}"


def draft_body(
    campaign: Campaign, org_unit: OrgUnit, reports: list[Report], figures: list[dict]
) -> str:
    """A starting text in the manner of an official summary, which the unit rewrites: what
    the notice asked, the items and the reports accepted for each, the figures, and a place for
    experience and next steps."""
    source = f"《{campaign.title}》" if campaign.title else "活动通知"
    if campaign.doc_number:
        source += f"（{campaign.doc_number}）"
    issuer = campaign.issuer or campaign.org_unit.name
    theme = f"围绕“{campaign.theme}”主题，" if campaign.theme else ""
    lines = [
        f"根据{issuer}{source}要求，{org_unit.name}{theme}结合本单位实际，认真组织开展"
        f"{campaign.year}年{campaign.get_kind_display()}活动。现将有关情况小结如下：",
        "一、活动开展情况",
    ]
    by_item: dict[int, list[Report]] = {}
    for report in reports:
        by_item.setdefault(report.item_id, []).append(report)
    if not by_item:
        lines.append("（本单位暂无已采用的信息报送，请补充活动开展情况。）")
    for number, item_reports in enumerate(by_item.values(), start=1):
        item = item_reports[0].item
        lines.append(f"（{chinese_numeral(number)}）{item.title}")
        for position, report in enumerate(item_reports, start=1):
            lines.append(f"{position}.{report.title}")
            when = _report_date(report)
            content = " ".join(report.content.split()) if report.content else ""
            if when and content:
                content = f"{when}，{content}"
            if content:
                lines.append(content)
            if report.effect.strip():
                lines.append(" ".join(report.effect.split()))
    lines.append("二、主要成效")
    summary = f"活动期间，本单位共有{len(reports)}篇信息报送被采用"
    if figures:
        summary += "，" + "，".join(figure_phrase(figure) for figure in figures)
    lines.append(summary + "。")
    lines.append("三、经验做法和下一步打算")
    lines.append("（请结合本单位实际，总结经验做法、存在的问题和下一步工作打算。）")
    return "\n".join(lines)


def _report_date(report: Report) -> str:
    """The day of the report's event, as 9月12日; work that is no single event has none."""
    if report.event_id is None:
        return ""
    day = timezone.localtime(report.event.starts_at).date()
    return f"{day.month}月{day.day}日"


# Starting and editing ------------------------------------------------------------------------


def start_summary(by, *, campaign: Campaign, org_unit: OrgUnit) -> UnitSummary:
    """The unit's one summary of the campaign: the one already started, or a new one the
    platform fills with the figures and list of the unit's accepted reports and a draft text.
    Only a unit assigned to at least one item of the published campaign writes one."""
    review.require(scope_of(by).can("unit.report", org_unit), "您没有权限为这个单位撰写书面小结。")
    existing = UnitSummary.objects.filter(campaign=campaign, org_unit=org_unit).first()
    if existing is not None:
        return existing
    if campaign.status != Campaign.Status.PUBLISHED:
        raise ValidationError("活动尚未发布，不能撰写书面小结。")
    if not Assignment.objects.filter(item__campaign=campaign, org_unit=org_unit).exists():
        raise ValidationError("贵单位没有承担这个活动的事项，不需要撰写书面小结。")
    reports = list(accepted_reports(campaign, org_unit))
    figures = unit_figures(reports)
    try:
        with transaction.atomic():
            summary = UnitSummary.objects.create(
                campaign=campaign,
                org_unit=org_unit,
                author=by,
                title=summary_title(campaign, org_unit),
                body=draft_body(campaign, org_unit, reports, figures),
                figures=figures,
            )
            summary.reports.set(reports)
            _audit(by, "summary.started", summary, reports=len(reports))
    except IntegrityError:  # started at the same moment in another tab: that one stands
        return UnitSummary.objects.get(campaign=campaign, org_unit=org_unit)
    return summary


def refresh_figures(summary: UnitSummary, by) -> UnitSummary:
    """Take the figures and list of accepted reports again (a report accepted since); photos
    of reports no longer accepted drop out of the choice. The text is the unit's and stays."""
    _require_editable(by, summary)
    reports = list(accepted_reports(summary.campaign, summary.org_unit))
    figures = unit_figures(reports)
    with transaction.atomic():
        _locked_editable(summary)
        before = {"figures": summary.figures, "reports": _report_ids(summary)}
        summary.figures = figures
        summary.save(update_fields=["figures", "updated_at"])
        summary.reports.set(reports)
        summary.photos.set(summary.photos.filter(report__in=reports))
        _audit(
            by,
            "summary.figures_refreshed",
            summary,
            before=before,
            after={"figures": figures, "reports": sorted(r.pk for r in reports)},
        )
    return summary


def _report_ids(summary: UnitSummary) -> list[int]:
    return sorted(summary.reports.values_list("pk", flat=True))


def save_summary(
    summary: UnitSummary,
    by,
    *,
    title: str | None = None,
    body: str | None = None,
    photo_ids: Iterable | None = None,
) -> UnitSummary:
    """Save what the unit wrote (autosave as they type); ``None`` leaves a part as it is.
    Photos are picked only from the unit's own accepted reports of this campaign."""
    _require_editable(by, summary)
    chosen = None
    if photo_ids is not None:
        try:
            chosen = sorted({int(pk) for pk in photo_ids})
        except (TypeError, ValueError) as error:
            raise ValidationError("所选照片无效。") from error
        allowed = set(selectable_photos(summary).values_list("pk", flat=True))
        if not set(chosen) <= allowed:
            raise ValidationError("只能选用本单位已采用的信息报送中的照片。")
    with transaction.atomic():
        current = _locked_editable(summary)
        before = {
            "title": current.title,
            "body": current.body,
            "photos": sorted(current.photos.values_list("pk", flat=True)),
        }
        if title is not None:
            current.title = title.strip()[:200]
        if body is not None:
            current.body = body
        current.save(update_fields=["title", "body", "updated_at"])
        for name in ("title", "body", "updated_at"):
            setattr(summary, name, getattr(current, name))
        if chosen is not None:
            summary.photos.set(chosen)
        after = {
            "title": summary.title,
            "body": summary.body,
            "photos": chosen if chosen is not None else before["photos"],
        }
        changed_before, changed_after = audit.changes(before, after)
        if changed_after:
            # The text itself is kept in the versions; the log notes that it changed.
            for entry in (changed_before, changed_after):
                if "body" in entry:
                    entry["body"] = f"{len(entry['body'])}字"
            _audit(by, "summary.saved", summary, before=changed_before, after=changed_after)
    return summary


# The review ----------------------------------------------------------------------------------


def submit_summary(summary: UnitSummary, by, *, at=None) -> UnitSummary:
    """Send the summary for review. It needs a title and text. After the deadline it is still
    taken, marked late."""
    review.require(may_write(by, summary), "您没有权限提交这份书面小结。")
    problems = {}
    if not summary.title.strip():
        problems["title"] = "请填写标题。"
    if not summary.body.strip():
        problems["body"] = "请填写正文。"
    if problems:  # by field, so a form shows each next to its field
        raise ValidationError(problems)
    with transaction.atomic():
        summary = review.submit(SUMMARY, summary, by, due=summary_due_date(summary.campaign), at=at)
    reviewers = review.reviewers_of(summary.org_unit)
    if reviewers:
        notify(
            reviewers,
            "summary_submitted",
            f"待审核书面小结：{summary.org_unit.name}《{summary.title}》",
            url=_url(summary),
            email=False,
        )
    return summary


def return_summary(summary: UnitSummary, by, reason: str, *, at=None) -> UnitSummary:
    """Send the summary back to the unit with the reason; it edits and resubmits."""
    with transaction.atomic():
        summary = review.send_back(SUMMARY, summary, by, reason, at=at)
    _tell_author(
        summary, "summary_returned", f"书面小结被退回：《{summary.title}》", reason.strip()
    )
    return summary


def accept_summary(summary: UnitSummary, by, *, at=None) -> UnitSummary:
    with transaction.atomic():
        summary = review.accept(SUMMARY, summary, by, at=at)
    _tell_author(summary, "summary_accepted", f"书面小结已采用：《{summary.title}》")
    return summary


def reopen_summary(summary: UnitSummary, by, reason: str) -> UnitSummary:
    """Only a campaign admin unlocks an accepted summary, with a reason; it goes back to the
    unit as returned."""
    with transaction.atomic():
        summary = review.reopen(SUMMARY, summary, by, reason)
    _tell_author(
        summary, "summary_reopened", f"已采用的书面小结被重新打开：《{summary.title}》", reason
    )
    return summary


def _url(summary: UnitSummary) -> str:
    return reverse("summaries:detail", kwargs={"pk": summary.pk})


def _tell_author(summary: UnitSummary, kind: str, title: str, body: str = "") -> None:
    if summary.author is not None:
        notify([summary.author], kind, title, body=body, url=_url(summary))


# Imported from a district's upward package ---------------------------------------------------


def delete_imported_summaries(campaign: Campaign, by, *, sha256: str = "") -> int:
    """Delete the unit summaries of an imported ``campaign`` whose package is being replaced;
    how many (a package carries none, but the campaign must go whole).

    Called by ``campaigns.services.delete_imported_campaign``: the user needs
    ``upward.receive`` on the district's city (`Scope.require_import_for`). One audit entry,
    with the count, when there were any."""
    scope_of(by).require_import_for(campaign.org_unit)
    with transaction.atomic():
        return audit.delete_counted(
            by,
            "summary.deleted_with_campaign",
            UnitSummary.objects.filter(campaign=campaign),
            campaign,
            org_unit=campaign.org_unit,
            sha256=sha256,
        )

"""Every change to a work summary (工作总结). Each function checks the user may compile it,
saves in one transaction and writes the audit entry.

Regenerating refreshes the generated text of every paragraph. A paragraph nobody changed takes
the new text; a paragraph a person edited keeps its words, and is flagged when the figures under
it changed, so the admin can check it. 存在问题 and 下一步打算 are the admin's alone.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from qualitymonth.accounts.scope import scope_of
from qualitymonth.campaigns.models import Campaign
from qualitymonth.core import audit
from qualitymonth.dashboard.queries import build_dashboard, district_campaigns
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.reports.models import Photo, Report

from .compose import Draft, campaign_drafts, city_drafts
from .models import CampaignSummary, SummaryParagraph

MAX_PHOTOS = 30
DEFAULT_PHOTOS = 12
GENERATION_TIMEOUT = datetime.timedelta(minutes=15)


def writer_action(summary_or_campaign) -> str:
    """A district's summary is its campaign admins' to write; a city's, the city office's."""
    is_city = getattr(summary_or_campaign, "campaign_id", True) is None
    return "summary.compile" if is_city else "campaign.admin"


def _require(by, summary_or_campaign, action: str | None = None) -> None:
    """``by=None`` is the platform itself: the ``qualitymonth summary`` command, run by whoever
    operates the server. Every page passes the person."""
    if by is None:
        return
    unit = summary_or_campaign.org_unit
    scope_of(by).require(action or writer_action(summary_or_campaign), unit)


def _audit(by, action: str, summary: CampaignSummary, **entry) -> None:
    audit.record(by, action, summary, org_unit=summary.org_unit, **entry)


def summary_title(org_unit: OrgUnit, year: int, campaign: Campaign | None) -> str:
    """上海市浦东新区市场监督管理局2024年“质量月”活动工作总结."""
    issuer = campaign.issuer if campaign and campaign.issuer else org_unit.name
    return f"{issuer}{year}年“质量月”活动工作总结"


def start_campaign_summary(by, campaign: Campaign) -> CampaignSummary:
    """The campaign's work summary, created empty the first time."""
    _require(by, campaign, "campaign.admin")
    with transaction.atomic():
        summary, created = CampaignSummary.objects.get_or_create(
            org_unit=campaign.org_unit,
            year=campaign.year,
            kind=campaign.kind,
            defaults={
                "campaign": campaign,
                "title": summary_title(campaign.org_unit, campaign.year, campaign),
                "signature": campaign.issuer or campaign.org_unit.name,
            },
        )
        if created:
            _audit(by, "worksummary.created", summary, after=audit.snapshot(summary))
    return summary


def start_city_summary(by, city: OrgUnit, year: int) -> CampaignSummary:
    if by is not None:
        scope_of(by).require("summary.compile", city)
    with transaction.atomic():
        summary, created = CampaignSummary.objects.get_or_create(
            org_unit=city,
            year=year,
            kind=Campaign.Kind.QUALITY_MONTH,
            defaults={
                "title": f"{city.name}{year}年“质量月”活动工作总结",
                "signature": f"{city.name}质量工作领导小组办公室",
            },
        )
        if created:
            _audit(by, "worksummary.created", summary, after=audit.snapshot(summary))
    return summary


def current_summary(campaign: Campaign, by) -> CampaignSummary:
    """The campaign's work summary with today's figures, for the upward package: regenerated
    first (keeping every paragraph the admin wrote), so its text agrees with the package's
    figures."""
    return generate(start_campaign_summary(by, campaign), by)


def source_campaigns(summary: CampaignSummary) -> list[Campaign]:
    if summary.campaign_id:
        return [summary.campaign]
    return district_campaigns(summary.org_unit, summary.year, summary.kind)


def event_count_gap(summary: CampaignSummary):
    """(events held in the platform, "活动场次" the units reported) when they differ: the
    admin is told before downloading, and the text names both."""
    return build_dashboard(source_campaigns(summary), ()).event_count_gap()


def drafts_of(summary: CampaignSummary) -> list[Draft]:
    if summary.campaign_id:
        return campaign_drafts(summary.campaign)
    return city_drafts(summary.org_unit.name, summary.year, source_campaigns(summary))


def mark_generating(summary: CampaignSummary, by) -> None:
    """Note that a background generation was asked for, so the page shows its progress."""
    _require(by, summary)
    summary.generation_started_at = timezone.now()
    summary.save(update_fields=["generation_started_at", "updated_at"])


def is_generating(summary: CampaignSummary) -> bool:
    started = summary.generation_started_at
    if started is None or (summary.generated_at and summary.generated_at >= started):
        return False
    return timezone.now() - started < GENERATION_TIMEOUT


def generate(
    summary: CampaignSummary, by, *, progress: Callable[[int, int, str], None] | None = None
) -> CampaignSummary:
    """Compile the summary's paragraphs from the accepted reports, keeping every edit."""
    _require(by, summary)
    progress = progress or (lambda done, total, phase: None)
    progress(0, 3, "figures")
    drafts = drafts_of(summary)
    progress(1, 3, "paragraphs")
    with transaction.atomic():
        summary = CampaignSummary.objects.select_for_update().get(pk=summary.pk)
        stats = _merge(summary, drafts)
        if not summary.photos.exists():
            summary.photos.set(default_photos(summary))
        progress(2, 3, "saving")
        summary.generated_at = timezone.now()
        summary.generated_by = by if getattr(by, "pk", None) else None
        summary.save(update_fields=["generated_at", "generated_by", "updated_at"])
        _audit(by, "worksummary.generated", summary, after=stats)
    progress(3, 3, "done")
    return summary


def _merge(summary: CampaignSummary, drafts: Sequence[Draft]) -> dict:
    existing = {p.key: p for p in summary.paragraphs.all()}
    keys = {draft.key for draft in drafts}
    stats = {"added": 0, "refreshed": 0, "kept_edits": 0, "removed": 0}
    order = 0
    for draft in drafts:
        order += 10
        paragraph = existing.get(draft.key)
        if paragraph is None:
            SummaryParagraph.objects.create(
                summary=summary,
                key=draft.key,
                section=draft.section,
                order=order,
                is_heading=draft.is_heading,
                generated_text=draft.text,
                text=draft.text,
            )
            stats["added"] += 1
            continue
        changed = paragraph.generated_text != draft.text
        if paragraph.edited or paragraph.is_manual:
            paragraph.figures_changed = paragraph.figures_changed or (
                changed and not paragraph.is_manual
            )
            stats["kept_edits"] += 1
        else:
            paragraph.text = draft.text
            stats["refreshed"] += int(changed)
        paragraph.generated_text = draft.text
        paragraph.order = order
        paragraph.save()
    # A generated paragraph whose subject is gone goes too, unless a person wrote in it.
    for key, paragraph in existing.items():
        if key not in keys:
            if paragraph.edited and paragraph.text.strip():
                order += 10
                paragraph.order = order
                paragraph.save(update_fields=["order"])
            else:
                paragraph.delete()
                stats["removed"] += 1
    return stats


def edit_paragraph(paragraph: SummaryParagraph, by, text: str) -> SummaryParagraph:
    """Change a paragraph's words; it is then the person's and regenerating keeps it."""
    summary = paragraph.summary
    _require(by, summary)
    text = text.strip()
    if len(text) > 5000:
        raise ValidationError("一个段落不超过 5000 字，请分成几段。")
    if paragraph.is_heading and not text:
        raise ValidationError("标题不能为空。")
    with transaction.atomic():
        before = paragraph.text
        paragraph.text = text
        paragraph.edited = not paragraph.is_manual and text != paragraph.generated_text
        paragraph.figures_changed = False
        paragraph.save()
        _audit(
            by,
            "worksummary.paragraph_edited",
            summary,
            before={"key": paragraph.key, "text": before},
            after={"key": paragraph.key, "text": text},
        )
    return paragraph


def restore_paragraph(paragraph: SummaryParagraph, by) -> SummaryParagraph:
    """Go back to the generated text (with today's figures)."""
    summary = paragraph.summary
    _require(by, summary)
    with transaction.atomic():
        before = paragraph.text
        paragraph.text = paragraph.generated_text
        paragraph.edited = False
        paragraph.figures_changed = False
        paragraph.save()
        _audit(
            by,
            "worksummary.paragraph_restored",
            summary,
            before={"key": paragraph.key, "text": before},
            after={"key": paragraph.key, "text": paragraph.text},
        )
    return paragraph


def save_details(
    summary: CampaignSummary, by, *, title: str, signature: str, date: datetime.date | None
) -> CampaignSummary:
    _require(by, summary)
    if not title.strip():
        raise ValidationError({"title": "请填写标题。"})
    with transaction.atomic():
        before = audit.snapshot(summary, ["title", "signature", "date"])
        summary.title = title.strip()
        summary.signature = signature.strip()
        summary.date = date
        summary.save(update_fields=["title", "signature", "date", "updated_at"])
        before, after = audit.changes(
            before, audit.snapshot(summary, ["title", "signature", "date"])
        )
        _audit(by, "worksummary.details_saved", summary, before=before, after=after)
    return summary


# Photos --------------------------------------------------------------------------------------


def selectable_photos(summary: CampaignSummary):
    """Photos of the accepted reports the summary draws on, starred reports first."""
    return (
        Photo.objects.filter(
            report__item__campaign__in=source_campaigns(summary),
            report__status=Report.Status.ACCEPTED,
        )
        .select_related("report__org_unit", "report__event", "report__item__campaign__org_unit")
        .order_by("-report__starred", "report__item__category__order", "report__item__order", "id")
    )


def annex_photos(summary: CampaignSummary):
    """The photos chosen for the annex, starred reports' first, then in plan order."""
    return summary.photos.select_related("report__org_unit", "report__event").order_by(
        "-report__starred", "report__item__category__order", "report__item__order", "id"
    )


def default_photos(summary: CampaignSummary) -> list[Photo]:
    """One photo of each starred report, then one of each item's reports, up to a dozen."""
    chosen, seen_reports, seen_items = [], set(), set()
    for photo in selectable_photos(summary)[:500]:
        report = photo.report
        if report.pk in seen_reports:
            continue
        if not report.starred and report.item_id in seen_items:
            continue
        seen_reports.add(report.pk)
        seen_items.add(report.item_id)
        chosen.append(photo)
        if len(chosen) == DEFAULT_PHOTOS:
            break
    return chosen


def choose_photos(summary: CampaignSummary, by, photo_ids: Sequence[int]) -> None:
    """The photos of the annex; only photos of the summary's own accepted reports."""
    _require(by, summary)
    if len(photo_ids) > MAX_PHOTOS:
        raise ValidationError(f"附件照片最多选择 {MAX_PHOTOS} 张。")
    photos = list(selectable_photos(summary).filter(pk__in=photo_ids))
    if len(photos) != len(set(photo_ids)):
        raise ValidationError("所选照片不属于本总结采用的信息。")
    with transaction.atomic():
        before = sorted(summary.photos.values_list("pk", flat=True))
        summary.photos.set(photos)
        _audit(
            by,
            "worksummary.photos_chosen",
            summary,
            before={"photos": before},
            after={"photos": sorted(p.pk for p in photos)},
        )


def photo_caption(photo: Photo) -> str:
    """ "陆家嘴街道 9月12日 “市民看质量”走进陆家嘴街道": unit, date and event."""
    report = photo.report
    when = report.event.starts_at if report.event_id else report.submitted_at
    day = timezone.localtime(when).date() if when else None
    parts = [report.org_unit.name]
    if day:
        parts.append(f"{day.month}月{day.day}日")
    title = report.event.title if report.event_id else report.title
    parts.append(title.removeprefix("【示例】"))
    return photo.caption or " ".join(parts)

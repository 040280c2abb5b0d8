"""Turning a notice into a draft campaign, and applying the admin's corrections to it."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from qualitymonth.accounts.scope import scope_of
from qualitymonth.campaigns import services as campaign_services
from qualitymonth.campaigns.models import Campaign, Category, Deadline, Item
from qualitymonth.campaigns.queries import duplicate_campaigns
from qualitymonth.core import audit

from .models import NoticeImport
from .parser import ParsedNotice, parse_notice
from .reader import NoticeSource

_KIND_WORDS = [
    ("质量月", Campaign.Kind.QUALITY_MONTH),
    ("消费者权益", Campaign.Kind.CONSUMER_DAY),
    ("3·15", Campaign.Kind.CONSUMER_DAY),
    ("计量日", Campaign.Kind.METROLOGY_DAY),
    ("食品安全宣传周", Campaign.Kind.FOOD_SAFETY_WEEK),
]


def import_notice(
    source: NoticeSource,
    *,
    org_unit,
    by,
    original: bytes | None = None,
    today: datetime.date | None = None,
    allow_duplicate: bool = False,
) -> NoticeImport:
    """Read a notice into a new draft campaign of ``org_unit``; keep the original and what
    the parser could not place, so the admin can check it before publishing.

    A notice the organisation already has a campaign of is refused before anything is saved
    (``DuplicateCampaign`` names the campaign), unless ``allow_duplicate``: the admin says a
    second campaign is meant, and the audit entry keeps that."""
    scope_of(by).require("campaign.admin", org_unit)
    parsed = parse_notice(source)
    plan = campaign_plan_from(parsed, today or datetime.date.today())
    fields = plan["fields"]
    duplicate = campaign_services.refuse_duplicates(
        duplicate_campaigns(
            org_unit,
            **{key: fields[key] for key in ("year", "title", "issuer", "doc_number")},
        ),
        confirmed=allow_duplicate,
        refused="不能导入",
    )
    with transaction.atomic():
        campaign = campaign_services.create_campaign(org_unit, by, **plan)
        record = NoticeImport.objects.create(
            campaign=campaign,
            uploaded_by=by,
            filename=source.filename[:255],
            text=source.text,
            parsed=parsed.to_dict(),
            warnings=[w.message for w in parsed.warnings],
        )
        if original is not None:
            record.original.save(source.filename or "notice.txt", ContentFile(original))
        audit.record(
            by,
            "notice.imported",
            record,
            org_unit=org_unit,
            campaign=campaign.pk,
            items=parsed.item_count,
            warnings=len(parsed.warnings),
            **duplicate,
        )
    return record


def campaign_plan_from(parsed: ParsedNotice, today: datetime.date) -> dict[str, Any]:
    """The arguments of ``create_campaign`` for what the parser read, cut to the field sizes."""
    fields = {
        "kind": next((kind for word, kind in _KIND_WORDS if word in parsed.title), "other"),
        "year": parsed.year or (parsed.start_date.year if parsed.start_date else today.year),
        "title": _cut(parsed.title, Campaign, "title"),
        "issuer": _cut(parsed.issuer, Campaign, "issuer"),
        "doc_number": _cut(parsed.doc_number, Campaign, "doc_number"),
        "recipients": _cut(parsed.recipients, Campaign, "recipients"),
        "preamble": parsed.preamble,
        "sections": [{"heading": s.heading, "body": s.body} for s in parsed.sections],
        "theme": _cut(parsed.theme, Campaign, "theme"),
        "start_date": parsed.start_date,
        "end_date": parsed.end_date,
        "requirements": [{"heading": s.heading, "body": s.body} for s in parsed.requirements],
        "signing_date": parsed.signing_date,
        "print_organ": _cut(parsed.print_organ, Campaign, "print_organ"),
        "print_date": parsed.print_date,
        "upward_recipient": _cut(parsed.upward_recipient, Campaign, "upward_recipient"),
    }
    categories = [
        {
            "number": category.number,
            "title": _cut(category.title, Category, "title"),
            "items": [_item_fields(item) for item in category.items],
        }
        for category in parsed.categories
    ]
    contacts = [
        {
            "department": c.department[:60],
            "name": c.name[:60],
            "phone": c.phone[:40],
            "email": c.email[:254],
        }
        for c in parsed.contacts
    ]
    deadlines = [
        {
            "kind": _deadline_kind(d.text),
            "due_date": d.date,
            "description": _deadline_clause(d.text),
        }
        for d in parsed.deadlines
    ]
    return {
        "fields": fields,
        "categories": categories,
        "contacts": contacts,
        "deadlines": deadlines,
    }


def _item_fields(item) -> dict[str, Any]:
    title = _cut(item.title, Item, "title")
    description = item.description
    if title != item.title:  # a title too long to be one: keep every word in the description
        description = f"{item.title}\n{description}".strip()
    return {
        "number": item.number,
        "title": title,
        "description": description,
        "lead_unit_names": item.lead_units,
        "co_unit_names": item.co_units,
        "time_text": _cut(item.time_text, Item, "time_text"),
        "start_date": item.start_date,
        "end_date": item.end_date,
    }


def _deadline_kind(text: str) -> str:
    if "小结" in text or "总结" in text:
        return Deadline.Kind.SUMMARY
    if "信息" in text or "报送" in text:
        return Deadline.Kind.REPORT
    return Deadline.Kind.OTHER


def _deadline_clause(text: str) -> str:
    """The clause that sets the date: "于9月30日前报送至浦东新区市场监督管理局联系人处"."""
    clauses = [c.strip("…． ") for c in re.split(r"[，,。；;]", text)]
    clause = next((c for c in clauses if "前" in c and re.search(r"\d+日", c)), text)
    return clause[:255]


def _cut(value: str, model, field: str) -> str:
    return (value or "")[: model._meta.get_field(field).max_length]


def apply_review(
    campaign: Campaign,
    by,
    *,
    campaign_changes: dict[str, Any],
    category_titles: dict[Category, str],
    item_changes: dict[Item, dict[str, Any]],
    publish: bool = False,
    allow_duplicate: bool = False,
) -> Campaign:
    """Save the admin's corrections of an imported notice in one go, then publish if asked.

    The corrections are saved even when publishing is refused, so nothing typed is lost.
    """
    with transaction.atomic():
        campaign_services.update_campaign(campaign, by, **campaign_changes)
        for category, title in category_titles.items():
            if category.title != title:
                campaign_services.update_category(category, by, title=title)
        for item, changes in item_changes.items():
            changed = {k: v for k, v in changes.items() if getattr(item, k) != v}
            if changed:
                campaign_services.update_item(item, by, **changed)
    if publish:
        campaign_services.publish_campaign(campaign, by, allow_duplicate=allow_duplicate)
    return campaign

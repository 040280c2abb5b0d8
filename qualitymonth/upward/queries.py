"""Reads of upward reporting: a campaign as the manifest of its package, the packages a city
received and the districts' keys it registered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from qualitymonth.assignments.models import Assignment
from qualitymonth.campaigns.models import Campaign, Indicator, Item
from qualitymonth.core import figures
from qualitymonth.events.models import Event
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.reports.models import Report, ReportValue

from . import package, signing
from .models import DistrictKey, UpwardPackage


@dataclass(frozen=True)
class PackagePhoto:
    """A photo of the summary's photo annex, as the package carries it."""

    report_id: int
    caption: str
    data: bytes


def _iso(value) -> str | None:
    if value is None:
        return None
    if hasattr(value, "tzinfo"):
        return timezone.localtime(value).isoformat()
    return value.isoformat()


def _text(value) -> str:
    return str(value) if value is not None else ""


def item_key(item_id: int) -> str:
    return f"item-{item_id}"


def unit_key(unit_id: int) -> str:
    return f"unit-{unit_id}"


def event_key(event_id: int) -> str:
    return f"event-{event_id}"


def campaign_part(campaign: Campaign) -> dict:
    items = (
        Item.objects.filter(campaign=campaign)
        .select_related("category")
        .prefetch_related(
            Prefetch("indicators", queryset=Indicator.objects.order_by("order", "id"))
        )
        .order_by("category__order", "category__id", "order", "id")
    )
    categories: dict[int, dict] = {
        category.pk: {"number": category.number, "title": category.title, "items": []}
        for category in campaign.categories.order_by("order", "id")
    }
    for item in items:
        categories[item.category_id]["items"].append(
            {
                "id": item_key(item.pk),
                "number": item.number,
                "title": item.title,
                "description": item.description,
                "time_text": item.time_text,
                "lead_units": list(item.lead_unit_names),
                "co_units": list(item.co_unit_names),
                "indicators": [
                    {
                        "name": indicator.name,
                        "unit": indicator.unit,
                        "value_type": indicator.value_type,
                        "aggregation": indicator.aggregation,
                    }
                    for indicator in item.indicators.all()
                ],
            }
        )
    return {
        "year": campaign.year,
        "kind": campaign.kind,
        "title": campaign.title,
        "theme": campaign.theme,
        "start_date": _iso(campaign.start_date),
        "end_date": _iso(campaign.end_date),
        "doc_number": campaign.doc_number,
        "issuer": campaign.issuer,
        "categories": list(categories.values()),
        "formulas": [
            {
                "name": formula.name,
                "expression": formula.expression,
                "display": formula.display,
                "decimals": formula.decimals,
            }
            for formula in campaign.formulas.order_by("order", "id")
        ],
        "deadlines": [
            {
                "kind": deadline.kind,
                "due_date": deadline.due_date.isoformat(),
                "description": deadline.description,
            }
            for deadline in campaign.deadlines.all()
        ],
    }


def unit_part(district: OrgUnit) -> dict:
    ancestors = OrgUnit.objects.filter(pk__in=district.ancestor_ids[:-1]).order_by("path")
    return {
        "name": district.name,
        "kind": district.kind,
        "credit_code": district.credit_code,
        "ancestors": [unit.name for unit in ancestors],
    }


def units_part(district: OrgUnit, unit_ids: set[int]) -> list[dict]:
    """The units of the reports and events, with every unit between them and the district,
    each with its names from below the district down to itself ([] is the district)."""
    wanted = OrgUnit.objects.filter(pk__in=unit_ids).only("path")
    below = set()
    for unit in wanted:
        ids = unit.ancestor_ids
        # A unit outside the district (rare) goes directly under it.
        below.update(ids[ids.index(district.pk) + 1 :] if district.pk in ids else [unit.pk])
    units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=below | {district.pk})}
    result = []
    for unit in sorted(units.values(), key=lambda u: (len(u.path), u.path)):
        ids = unit.ancestor_ids
        chain = ids[ids.index(district.pk) + 1 :] if district.pk in ids else [unit.pk]
        result.append(
            {
                "id": unit_key(unit.pk),
                "name": unit.name,
                "kind": unit.kind,
                "credit_code": unit.credit_code,
                "path": [units[pk].name for pk in chain if pk in units],
            }
        )
    return result


def accepted_reports(campaign: Campaign) -> QuerySet[Report]:
    return (
        Report.objects.filter(item__campaign=campaign, status=Report.Status.ACCEPTED)
        .select_related("item", "org_unit", "event")
        .prefetch_related(
            Prefetch("values", queryset=ReportValue.objects.select_related("indicator"))
        )
        .order_by("item__category__order", "item__order", "item_id", "submitted_at", "id")
    )


def campaign_manifest(
    campaign: Campaign, photos: Sequence[PackagePhoto] = ()
) -> tuple[dict, dict[str, bytes]]:
    """Everything a city needs to see the campaign as if it had been run in its deployment and
    to count every figure of ``core.figures`` as the district does: the plan, the district, the
    assignments, every event registered, the accepted reports with their units and figures,
    and the summary's photos of accepted reports, with those photos' files by package path. The
    file list and signature are added by `package.build_package`."""
    reports = list(accepted_reports(campaign))
    events = list(
        Event.objects.filter(item__campaign=campaign)
        .select_related("org_unit")
        .order_by("starts_at", "id")
    )
    assignments = list(
        Assignment.objects.filter(item__campaign=campaign).order_by("item_id", "role", "id")
    )
    unit_ids = {r.org_unit_id for r in reports} | {e.org_unit_id for e in events}
    unit_ids |= {e.street_town_id for e in events if e.street_town_id}
    unit_ids |= {a.org_unit_id for a in assignments}
    report_parts = []
    for report in reports:
        event = report.event
        report_parts.append(
            {
                "id": str(report.client_token),
                "item": {
                    "id": item_key(report.item_id),
                    "number": report.item.number,
                    "title": report.item.title,
                },
                "unit": {
                    "id": unit_key(report.org_unit_id),
                    "name": report.org_unit.name,
                    "kind": report.org_unit.kind,
                },
                "event": {
                    "id": event_key(event.pk),
                    "title": event.title,
                    "date": _iso(timezone.localtime(event.starts_at).date()),
                    "place": event.address,
                }
                if event
                else None,
                "title": report.title,
                "content": report.content,
                "effect": report.effect,
                "starred": report.starred,
                "submitted_at": _iso(report.submitted_at),
                "accepted_at": _iso(report.reviewed_at),
                "is_late": report.is_late,
                "values": {
                    value.indicator.name: package.decimal_text(value.value)
                    for value in report.values.all()
                },
            }
        )
    tokens = {r.pk: str(r.client_token) for r in reports}
    manifest = {
        "generated_at": _iso(timezone.now()),
        "campaign": campaign_part(campaign),
        "unit": unit_part(campaign.org_unit),
        "units": units_part(campaign.org_unit, unit_ids),
        "events": [
            {
                "id": event_key(event.pk),
                "item": item_key(event.item_id),
                "unit": unit_key(event.org_unit_id),
                "title": event.title,
                "starts_at": _iso(event.starts_at),
                "ends_at": _iso(event.ends_at),
                "mode": event.mode,
                "place": event.address,
                "street_town": unit_key(event.street_town_id) if event.street_town_id else None,
                "audience": event.audience,
                "status": event.status,
            }
            for event in events
        ],
        "assignments": [
            {
                "item": item_key(assignment.item_id),
                "unit": unit_key(assignment.org_unit_id),
                "role": assignment.role,
            }
            for assignment in assignments
        ],
        "reports": report_parts,
        "photos": [],
    }
    files = {}
    for photo in (photo for photo in photos if photo.report_id in tokens):
        path = package.photo_path(len(files) + 1)
        files[path] = photo.data
        manifest["photos"].append(
            {"path": path, "report": tokens[photo.report_id], "caption": photo.caption}
        )
    manifest["figures"] = package.compute_figures(manifest)
    return manifest, files


def stated_headline(manifest: dict) -> list[tuple[figures.Figure, int]]:
    """The headline figures a manifest states, in order, with their rules; [] for a package
    of format version 1, which states none (received before packages were signed)."""
    stated = manifest["figures"].get("headline") or {}
    return [(figure, stated[figure.key]) for figure in figures.HEADLINE if figure.key in stated]


def is_imported(campaign: Campaign) -> bool:
    return UpwardPackage.objects.filter(campaign=campaign).exists()


def received_packages(cities: QuerySet[OrgUnit]) -> QuerySet[UpwardPackage]:
    return (
        UpwardPackage.objects.filter(city__in=cities)
        .select_related("district", "city", "uploaded_by", "imported_by", "campaign")
        .order_by("-uploaded_at", "-id")
    )


def district_keys(cities: QuerySet[OrgUnit]) -> QuerySet[DistrictKey]:
    """Every key registered for the cities' districts, in use and revoked."""
    return DistrictKey.objects.filter(district__parent__in=cities).select_related(
        "district", "district__parent", "registered_by", "revoked_by"
    )


def registered_keys(city: OrgUnit) -> dict[str, package.RegisteredKey]:
    """The keys the city registered for its districts, by fingerprint, as `package` checks a
    signature against them."""
    return {
        key.fingerprint: package.RegisteredKey(
            district=key.district.name,
            public_key=signing.raw(signing.public_key(key.public_key)),
            revoked_on=timezone.localdate(key.revoked_at) if key.revoked_at else None,
        )
        for key in DistrictKey.objects.filter(district__parent=city).select_related("district")
    }

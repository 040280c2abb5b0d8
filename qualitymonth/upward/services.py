"""Upward reporting (上报): a district exports its campaign as a package; a city checks and
imports it, and the district then shows in the city's dashboard and summary as if it had
reported there.

Every function checks the person may do it (``upward.send`` on the district, ``upward.receive``
on the city), writes in one transaction and records the audit entry; a refused package is
audited too, with its reason. Rules enforced here, beyond what `package` checks in the bytes:
only a district's published campaign is sent; a city imports only packages of its own
districts, never of a district whose campaign runs in this deployment (the city sees that one
directly); a corrected package replaces the earlier import of the same district, year and kind.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from qualitymonth.accounts.scope import scope_of
from qualitymonth.assignments.services import import_assignments
from qualitymonth.campaigns.models import (
    Campaign,
    Category,
    Deadline,
    Formula,
    Indicator,
    Item,
)
from qualitymonth.core import audit, photos
from qualitymonth.events.models import Event
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.reports.models import Photo, Report, ReportValue
from qualitymonth.reports.services import new_photo, save_photo

from . import package
from .models import UpwardPackage
from .package import PackageError
from .queries import PackagePhoto, campaign_manifest

log = logging.getLogger(__name__)


# Export -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SummaryFiles:
    """What the district's work summary contributes to its package."""

    docx: bytes
    xlsx: bytes
    photos: list[PackagePhoto]


def summary_files(campaign: Campaign, by) -> SummaryFiles:
    """The summary .docx, the .xlsx statistical annex and the photos of the summary's photo
    annex (web-size copies, with their captions): the one place the package takes them from
    the work summary (worksummaries) and the dashboard."""
    from qualitymonth.dashboard.exports import annex_xlsx
    from qualitymonth.worksummaries.document import summary_docx
    from qualitymonth.worksummaries.services import (
        annex_photos,
        current_summary,
        photo_caption,
    )

    summary = current_summary(campaign, by)
    package_photos = [
        PackagePhoto(photo.report_id, photo_caption(photo), data)
        for photo in annex_photos(summary)
        if (data := photo.web_bytes()) is not None
    ]
    return SummaryFiles(summary_docx(summary), annex_xlsx(campaign), package_photos)


@dataclass(frozen=True)
class Export:
    data: bytes
    filename: str
    manifest: dict


def check_sendable(campaign: Campaign, by) -> None:
    """Only a district admin sends, and only a district's own published campaign."""
    scope_of(by).require("upward.send", campaign.org_unit)
    if campaign.org_unit.kind != OrgUnit.Kind.DISTRICT:
        raise ValidationError("只有区级活动需要上报市级。")
    if not campaign.is_published:
        raise ValidationError("活动尚未发布，不能上报。")
    if UpwardPackage.objects.filter(campaign=campaign).exists():
        raise ValidationError("这个活动是从区级上报包导入的，不能再次上报。")


def package_filename(campaign: Campaign) -> str:
    return f"{campaign.name}上报包.zip"


def export_package(campaign: Campaign, by) -> Export:
    """The campaign's upward package: manifest, work summary, statistical annex and photos."""
    check_sendable(campaign, by)
    files = summary_files(campaign, by)
    manifest, photo_files = campaign_manifest(campaign, files.photos)
    data = package.build_package(
        manifest, {package.SUMMARY: files.docx, package.ANNEX: files.xlsx, **photo_files}
    )
    with transaction.atomic():
        audit.record(
            by,
            "upward.exported",
            campaign,
            org_unit=campaign.org_unit,
            sha256=package.sha256(data),
            size=len(data),
            reports=len(manifest["reports"]),
            photos=len(manifest["photos"]),
        )
    return Export(data, package_filename(campaign), manifest)


# Receiving at the city --------------------------------------------------------------------


def receiving_cities(by):
    """The cities where ``by`` may receive packages."""
    return scope_of(by).units("upward.receive").filter(kind=OrgUnit.Kind.CITY).order_by("path")


def _require_receive(by, city: OrgUnit) -> None:
    if city.kind != OrgUnit.Kind.CITY or not scope_of(by).can("upward.receive", city):
        raise PermissionDenied("只有市级用户可以导入区级上报包。")


@dataclass(frozen=True)
class Checked:
    """A package that passed every check, for a district of the city."""

    package: package.Package
    district: OrgUnit
    replaces: UpwardPackage | None


def check_package(data: bytes, city: OrgUnit) -> Checked:
    """The package's own checks, then whether it belongs in this city; `PackageError` if not."""
    checked = package.read_package(data)
    manifest = checked.manifest
    unit, campaign = manifest["unit"], manifest["campaign"]
    if unit["kind"] != OrgUnit.Kind.DISTRICT:
        raise PackageError(
            f"上报包来自“{unit['name']}”，不是区级单位；市级只导入各区的上报包。", "unit"
        )
    ancestors = unit["ancestors"]
    if ancestors and ancestors[-1] != city.name:
        raise PackageError(
            f"上报包来自{''.join(ancestors)}{unit['name']}，不是{city.name}下属的区。", "unit"
        )
    district = OrgUnit.objects.filter(
        parent=city, kind=OrgUnit.Kind.DISTRICT, name=unit["name"]
    ).first()
    if district is None:
        raise PackageError(
            f"“{unit['name']}”不是{city.name}下属的区（组织机构中没有这个区）。"
            "如确属本市，请先在组织机构中添加该区。",
            "unit",
        )
    if campaign["kind"] not in Campaign.Kind.values:
        raise PackageError(f"上报包的活动类型“{campaign['kind']}”无效。", "bad_manifest")
    native = Campaign.objects.filter(
        org_unit=district, year=campaign["year"], kind=campaign["kind"], upward_package=None
    ).first()
    if native is not None:
        raise PackageError(
            f"{native.name}就在本平台运行，市级已能直接看到，无需导入上报包。", "native"
        )
    replaces = UpwardPackage.objects.filter(
        district=district,
        year=campaign["year"],
        kind=campaign["kind"],
        status=UpwardPackage.Status.IMPORTED,
    ).first()
    return Checked(checked, district, replaces)


def _refused(by, city: OrgUnit, error: PackageError, filename: str, data: bytes) -> None:
    with transaction.atomic():
        audit.record(
            by,
            "upward.refused",
            city,
            org_unit=city,
            reason=error.message,
            code=error.code,
            filename=filename,
            sha256=package.sha256(data),
            size=len(data),
        )


def receive_package(data: bytes, filename: str, by, city: OrgUnit) -> UpwardPackage:
    """Check an uploaded package and keep it, ready to import; a refusal is audited and
    raised as `PackageError`."""
    _require_receive(by, city)
    try:
        checked = check_package(data, city)
    except PackageError as error:
        _refused(by, city, error, filename, data)
        raise
    manifest = checked.package.manifest
    campaign = manifest["campaign"]
    row = UpwardPackage(
        city=city,
        district=checked.district,
        year=campaign["year"],
        kind=campaign["kind"],
        title=f"{campaign['year']}年{checked.district.name}{Campaign.Kind(campaign['kind']).label}",
        filename=filename[:255],
        sha256=checked.package.sha256,
        size=checked.package.size,
        format_version=manifest["version"],
        generated_at=_datetime(manifest["generated_at"]),
        report_count=len(manifest["reports"]),
        photo_count=len(manifest["photos"]),
        totals=manifest["figures"]["totals"],
        uploaded_by=by if getattr(by, "pk", None) else None,
    )
    row.file.save(f"{checked.package.sha256[:16]}.zip", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            row.save()
            audit.record(
                by,
                "upward.verified",
                row,
                org_unit=checked.district,
                sha256=row.sha256,
                filename=row.filename,
                reports=row.report_count,
            )
    except Exception:
        row.file.delete(save=False)
        raise
    return row


def discard_package(row: UpwardPackage, by) -> None:
    """Throw away a checked package that was not imported."""
    _require_receive(by, row.city)
    if row.status != UpwardPackage.Status.VERIFIED:
        raise ValidationError("只有待导入的上报包可以删除。")
    with transaction.atomic():
        audit.record(by, "upward.discarded", row, org_unit=row.district, sha256=row.sha256)
        row.delete()
    transaction.on_commit(lambda: row.file.delete(save=False))


def import_package(row: UpwardPackage, by) -> UpwardPackage:
    """Import a checked package: in one transaction, the district's campaign with its plan,
    units, events, accepted reports, figures and photos; an earlier import of the same district,
    year and kind is replaced. The stored file is checked again first."""
    _require_receive(by, row.city)
    if row.status != UpwardPackage.Status.VERIFIED:
        raise ValidationError("这个上报包已经导入过了。")
    with row.file.open("rb") as file:
        data = file.read()
    saved_files: list = []
    try:
        checked = check_package(data, row.city)
        if checked.district != row.district or checked.package.sha256 != row.sha256:
            raise PackageError("保存的上报包与校验时不一致，请重新上传。", "checksum")
        with transaction.atomic():
            row = UpwardPackage.objects.select_for_update().get(pk=row.pk)
            if row.status != UpwardPackage.Status.VERIFIED:
                raise ValidationError("这个上报包已经导入过了。")
            replaced = checked.replaces
            before = None
            if replaced is not None:
                replaced = UpwardPackage.objects.select_for_update().get(pk=replaced.pk)
                before = {
                    "sha256": replaced.sha256,
                    "campaign": replaced.campaign_id,
                    "reports": replaced.report_count,
                }
                _replace(replaced, row, by)
            campaign = _create_campaign(checked, by, saved_files)
            row.campaign = campaign
            row.status = UpwardPackage.Status.IMPORTED
            row.imported_by = by if getattr(by, "pk", None) else None
            row.imported_at = timezone.now()
            row.save(update_fields=["campaign", "status", "imported_by", "imported_at"])
            audit.record(
                by,
                "upward.imported",
                row,
                org_unit=row.district,
                before=before,
                after={
                    "sha256": row.sha256,
                    "campaign": campaign.pk,
                    "reports": row.report_count,
                    "photos": row.photo_count,
                },
            )
    except PackageError as error:
        _delete_files(saved_files)
        _refused(by, row.city, error, row.filename, data)
        raise
    except Exception:
        _delete_files(saved_files)
        raise
    return row


def import_file(data: bytes, filename: str, by, city: OrgUnit) -> UpwardPackage:
    """Check and import in one go (the command line, and tests)."""
    return import_package(receive_package(data, filename, by, city), by)


def _delete_files(files) -> None:
    for field in files:
        try:
            field.storage.delete(field.name)
        except OSError:
            log.warning("Could not delete %s", field.name)


def _replace(old: UpwardPackage, new: UpwardPackage, by) -> None:
    """Delete the campaign of an earlier import, keeping its package row for the record."""
    campaign = old.campaign
    old.status = UpwardPackage.Status.REPLACED
    old.replaced_by = new
    old.campaign = None
    old.save(update_fields=["status", "replaced_by", "campaign"])
    audit.record(
        by,
        "upward.replaced",
        old,
        org_unit=old.district,
        before={"sha256": old.sha256, "campaign": campaign.pk if campaign else None},
        after={"sha256": new.sha256},
    )
    if campaign is not None:
        delete_campaign_rows(campaign)


def delete_campaign_rows(campaign: Campaign) -> None:
    """Delete a campaign with its reports, events and their files (after the commit)."""
    from qualitymonth.summaries.models import UnitSummary

    photo_files = []
    for photo in Photo.objects.filter(report__item__campaign=campaign):
        photo_files += [photo.original, photo.public_original, photo.web, photo.thumbnail]
    Report.objects.filter(item__campaign=campaign).delete()
    UnitSummary.objects.filter(campaign=campaign).delete()
    Event.objects.filter(item__campaign=campaign).delete()
    campaign.delete()
    transaction.on_commit(lambda: _delete_files(photo_files))


# Building the imported campaign -----------------------------------------------------------


def _date(text: str | None) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise PackageError(f"清单中的日期“{text}”格式不正确。", "bad_manifest") from error


def _datetime(text: str | None) -> datetime.datetime | None:
    if not text:
        return None
    try:
        value = datetime.datetime.fromisoformat(text)
    except ValueError as error:
        raise PackageError(f"清单中的时间“{text}”格式不正确。", "bad_manifest") from error
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _choice(value: str, choices, default: str) -> str:
    return value if value in choices.values else default


def _create_campaign(checked: Checked, by, saved_files: list) -> Campaign:
    manifest = checked.package.manifest
    data = manifest["campaign"]
    now = timezone.now()
    campaign = Campaign.objects.create(
        org_unit=checked.district,
        kind=data["kind"],
        year=data["year"],
        title=data["title"][:255],
        issuer=(data.get("issuer") or "")[:120],
        doc_number=(data.get("doc_number") or "")[:60],
        theme=(data.get("theme") or "")[:255],
        start_date=_date(data.get("start_date")),
        end_date=_date(data.get("end_date")),
        status=Campaign.Status.PUBLISHED,
        published_at=now,
    )
    items: dict[str, Item] = {}
    indicators: dict[tuple[str, str], Indicator] = {}
    for c, category_data in enumerate(data["categories"]):
        category = Category.objects.create(
            campaign=campaign,
            number=category_data["number"],
            title=category_data["title"][:255],
            order=c,
        )
        for i, item_data in enumerate(category_data["items"]):
            item = Item.objects.create(
                campaign=campaign,
                category=category,
                number=item_data.get("number"),
                title=item_data["title"][:255],
                description=item_data.get("description") or "",
                time_text=(item_data.get("time_text") or "")[:120],
                lead_unit_names=list(item_data.get("lead_units") or []),
                co_unit_names=list(item_data.get("co_units") or []),
                order=i,
            )
            items[item_data["id"]] = item
            for n, indicator_data in enumerate(item_data["indicators"]):
                name = indicator_data["name"][:60]
                if (item_data["id"], name) in indicators:
                    raise PackageError(f"事项“{item.title}”的指标“{name}”重复。", "bad_manifest")
                indicators[item_data["id"], name] = Indicator.objects.create(
                    item=item,
                    name=name,
                    unit=indicator_data["unit"][:20],
                    value_type=_choice(
                        indicator_data["value_type"], Indicator.ValueType, "decimal"
                    ),
                    aggregation=indicator_data["aggregation"],
                    order=n,
                )
    for n, formula in enumerate(data["formulas"]):
        Formula.objects.create(
            campaign=campaign,
            name=formula["name"][:60],
            expression=formula["expression"][:200],
            display=_choice(formula["display"], Formula.Display, Formula.Display.NUMBER),
            decimals=max(0, min(formula["decimals"], 6)),
            order=n,
        )
    for deadline in data["deadlines"]:
        Deadline.objects.create(
            campaign=campaign,
            kind=_choice(deadline["kind"], Deadline.Kind, Deadline.Kind.OTHER),
            due_date=_date(deadline["due_date"]),
            description=deadline["description"][:255],
        )

    units = _resolve_units(checked.district, manifest["units"])
    import_assignments(
        campaign,
        [
            (items[row["item"]], units[row["unit"]], row["role"])
            for row in manifest.get("assignments", [])
        ],
        by,
        source={"sha256": checked.package.sha256},
    )
    events: dict[str, Event] = {}
    for event_data in manifest["events"]:
        events[event_data["id"]] = Event.objects.create(
            item=items[event_data["item"]],
            org_unit=units[event_data["unit"]],
            title=event_data["title"][:200],
            starts_at=_datetime(event_data["starts_at"]),
            ends_at=_datetime(event_data["ends_at"]),
            mode=_choice(event_data["mode"], Event.Mode, Event.Mode.OFFLINE),
            address=(event_data.get("place") or "")[:255],
            street_town=units.get(event_data.get("street_town") or ""),
            audience=(event_data.get("audience") or "")[:120],
            status=_choice(event_data["status"], Event.Status, Event.Status.HELD),
        )
    reports: dict[str, Report] = {}
    values = []
    for report_data in manifest["reports"]:
        item_id = report_data["item"]["id"]
        event = report_data.get("event")
        report = Report.objects.create(
            item=items[item_id],
            event=events[event["id"]] if event else None,
            org_unit=units[report_data["unit"]["id"]],
            title=report_data["title"][:200],
            content=report_data["content"],
            effect=report_data["effect"],
            starred=report_data["starred"],
            status=Report.Status.ACCEPTED,
            submitted_at=_datetime(report_data.get("submitted_at")),
            reviewed_at=_datetime(report_data.get("accepted_at")),
            is_late=report_data["is_late"],
        )
        reports[report_data["id"]] = report
        values += [
            ReportValue(report=report, indicator=indicators[item_id, name], value=Decimal(text))
            for name, text in report_data["values"].items()
        ]
    ReportValue.objects.bulk_create(values)
    for photo_data in manifest["photos"]:
        _store_photo(
            reports[photo_data["report"]],
            checked.package.files[photo_data["path"]],
            photo_data,
            by,
            saved_files,
        )
    return campaign


def _resolve_units(district: OrgUnit, entries: list[dict]) -> dict[str, OrgUnit]:
    """Each unit of the package, found by its names under the district, created if missing."""
    units: dict[str, OrgUnit] = {}
    for entry in sorted(entries, key=lambda e: len(e["path"])):
        unit = district
        for depth, name in enumerate(entry["path"]):
            child = OrgUnit.objects.filter(parent=unit, name=name[:120]).first()
            if child is None:
                last = depth == len(entry["path"]) - 1
                child = OrgUnit.objects.create(
                    parent=unit,
                    name=name[:120],
                    kind=_choice(entry["kind"], OrgUnit.Kind, OrgUnit.Kind.OTHER)
                    if last
                    else OrgUnit.Kind.OTHER,
                    credit_code=(entry.get("credit_code") or "")[:18] if last else "",
                )
            unit = child
        units[entry["id"]] = unit
    return units


def _store_photo(report: Report, data: bytes, photo_data: dict, by, saved_files: list) -> Photo:
    try:
        processed = photos.process_photo(data, photo_data["path"].rsplit("/", 1)[-1])
    except photos.PhotoError as error:
        raise PackageError(
            f"上报包中的照片 {photo_data['path']} 无法读取：{error.message}", "photo"
        ) from error
    digest = package.sha256(data)
    existing = report.photos.filter(sha256=digest).first()
    if existing is not None:  # the same picture twice in one report is one photo
        return existing
    photo = new_photo(
        report,
        processed,
        digest,
        photo_data["path"],
        caption=photo_data["caption"][:200],
        uploaded_by=by if getattr(by, "pk", None) else None,
    )
    saved_files += [photo.original, photo.public_original, photo.web, photo.thumbnail]
    save_photo(photo)
    return photo

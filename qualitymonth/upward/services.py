"""Upward reporting (上报): a district exports its campaign as a package; a city checks and
imports it, and the district then shows in the city's dashboard and summary as if it had
reported there.

Every function checks the person may do it (``upward.send`` on the district, ``upward.receive``
on the city), writes in one transaction and records the audit entry; a refused package is
audited too, with its reason. Rules enforced here, beyond what `package` checks in the bytes:
only a district's published campaign is sent, signed with the district's own key (`keys`); a
city imports only packages signed by a key it registered for one of its districts and not
revoked, never of a district whose campaign runs in this deployment (the city sees that one
directly); a corrected package replaces the earlier import of the same district, year and kind.
A district has one registered key in use: registering a new one revokes the old.

The import only orchestrates: it reads the manifest, opens the one transaction and hands each
app its rows (units to ``orgs``, the plan to ``campaigns``, events to ``events``, reports with
their figures and photos to ``reports``), whose services check and audit them; this module
writes only its own `UpwardPackage` rows (``tests/upward/test_boundaries.py`` keeps it so).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from qualitymonth.accounts.scope import scope_of
from qualitymonth.assignments.services import import_assignments
from qualitymonth.campaigns.models import Campaign
from qualitymonth.campaigns.services import create_imported_campaign, delete_imported_campaign
from qualitymonth.core import audit
from qualitymonth.events.services import import_events
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.orgs.services import resolve_imported_units
from qualitymonth.reports.services import delete_files, import_accepted_reports

from . import keys, package, signing
from .management.commands._actor import SystemOperator
from .models import DistrictKey, UpwardPackage
from .package import PackageError
from .queries import PackagePhoto, campaign_manifest, registered_keys

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


def signing_key(district: OrgUnit) -> Ed25519PrivateKey:
    """The district's private signing key, or `ValidationError` saying how to make one."""
    try:
        key = keys.load(district.name)
    except signing.KeyFormatError as error:
        raise ValidationError(
            f"{error}（{keys.key_file(district.name)}）请平台管理员运行 qualitymonth "
            f"upward-keygen --district {district.name} --rotate 重新生成密钥，"
            "并把新公钥交市级登记。"
        ) from error
    if key is None:
        raise ValidationError(
            f"本平台还没有{district.name}的上报包签名密钥，上报包无法签名。"
            f"{package.keygen_hint(district.name)}。"
        )
    return key


def export_package(campaign: Campaign, by) -> Export:
    """The campaign's upward package: manifest, work summary, statistical annex and photos,
    signed with the district's key."""
    check_sendable(campaign, by)
    key = signing_key(campaign.org_unit)
    files = summary_files(campaign, by)
    manifest, photo_files = campaign_manifest(campaign, files.photos)
    data = package.build_package(
        manifest, {package.SUMMARY: files.docx, package.ANNEX: files.xlsx, **photo_files}, key
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
            key=signing.fingerprint(key.public_key()),
        )
    return Export(data, package_filename(campaign), manifest)


# The districts' keys, registered at the city ---------------------------------------------


def register_key(district: OrgUnit, public_key: str, fingerprint: str, by) -> DistrictKey:
    """Register ``district``'s public key at its city. ``fingerprint`` is what the district
    read out over the phone: it must be this key's, or the key may have been swapped on its
    way. A key registered once, even since revoked, is never registered again. Registering a
    new key for a district revokes the one in use (rotation), which stays for the record."""
    city = district.parent
    if district.kind != OrgUnit.Kind.DISTRICT or city is None:
        raise ValidationError("只能为市级下属的区登记上报包签名密钥。")
    _require_receive(by, city)
    try:
        key = signing.public_key(public_key)
    except signing.KeyFormatError as error:
        raise ValidationError({"public_key": str(error)}) from error
    found, heard = signing.fingerprint(key), signing.normal_fingerprint(fingerprint)
    if heard != found:
        raise ValidationError(
            {
                # Not saying the key's own fingerprint: copied from here, it would check nothing.
                "fingerprint": "指纹不符：区级告知的指纹"
                f"“{heard or fingerprint.strip()[:80] or '（未填写）'}”不是这个公钥的指纹。"
                "请与区级再次核对；对不上时不要登记，公钥可能在传递中被替换。"
            }
        )
    try:
        with transaction.atomic():
            OrgUnit.objects.select_for_update().get(pk=district.pk)  # one registration at a time
            earlier = (
                DistrictKey.objects.filter(fingerprint=found).select_related("district").first()
            )
            if earlier is not None:
                raise ValidationError(
                    f"这个公钥已经登记过（{earlier.district.name}），不能再次登记；"
                    "吊销的密钥不能重新启用，请区级运行 qualitymonth upward-keygen "
                    f"--district {district.name} --rotate 生成新密钥。"
                )
            current = DistrictKey.objects.filter(district=district, revoked_at=None).first()
            if current is not None:
                _revoke(current, by, "登记了新密钥（密钥轮换）")
            row = DistrictKey.objects.create(
                district=district,
                public_key=signing.public_pem(key),
                fingerprint=found,
                registered_by=by if getattr(by, "pk", None) else None,
            )
            audit.record(
                by,
                "upward.key_registered",
                row,
                org_unit=district,
                before={"fingerprint": current.fingerprint} if current else None,
                after={"fingerprint": found},
            )
    except IntegrityError as error:  # someone registered the same key a moment ago
        raise ValidationError("这个区的密钥刚刚被他人登记或更换，请刷新页面后核对。") from error
    return row


def revoke_key(key: DistrictKey, by, reason: str) -> DistrictKey:
    """Revoke a district's key (its private key leaked, the server was replaced): packages
    signed with it are refused from now on, those imported already stay."""
    _require_receive(by, key.district.parent)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "请写明吊销原因，例如：私钥泄露、服务器更换。"})
    with transaction.atomic():
        key = DistrictKey.objects.select_for_update().select_related("district").get(pk=key.pk)
        if key.revoked_at is not None:
            raise ValidationError("这个密钥已经吊销了。")
        _revoke(key, by, reason[:255])
    return key


def _revoke(key: DistrictKey, by, reason: str) -> None:
    key.revoked_at = timezone.now()
    key.revoked_by = by if getattr(by, "pk", None) else None
    key.revoke_reason = reason
    key.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    audit.record(
        by,
        "upward.key_revoked",
        key,
        org_unit=key.district,
        before={"revoked_at": None},
        after={"revoked_at": key.revoked_at.isoformat()},
        reason=reason,
    )


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
    key: DistrictKey


def check_package(data: bytes, city: OrgUnit) -> Checked:
    """The package's own checks, its signature by a key the city registered for the district
    in use, then whether it belongs in this city; `PackageError` if not."""
    checked = package.read_package(data, registered_keys(city))
    key = DistrictKey.objects.select_related("district").get(fingerprint=checked.key)
    district = key.district
    manifest = checked.manifest
    unit, campaign = manifest["unit"], manifest["campaign"]
    if unit["kind"] != OrgUnit.Kind.DISTRICT:
        raise PackageError(
            f"上报包来自“{unit['name']}”，不是区级单位；市级只导入各区的上报包。", "unit"
        )
    ancestors = unit["ancestors"]
    if ancestors and ancestors[-1] != city.name:
        raise PackageError(
            f"上报包来自{package.shown(''.join(ancestors))}{unit['name']}，不是{city.name}下属的区。",
            "unit",
        )
    if campaign["kind"] not in Campaign.Kind.values:
        raise PackageError(
            f"上报包的活动类型“{package.shown(campaign['kind'])}”无效。", "bad_manifest"
        )
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
    return Checked(checked, district, replaces, key)


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
        signing_key=checked.key,
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
                key=checked.key.fingerprint,
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
    """Import a checked package: in one transaction, the district's units, campaign with its
    plan, events, accepted reports, figures and photos, each handed to its own app's service,
    which checks and audits its rows; an earlier import of the same district, year and kind is
    replaced. The stored file is checked again first. A row an app refuses refuses the package
    (`PackageError`, audited), and nothing of it is kept, its photo files included.

    The returned row's ``notes`` say what was taken differently from the package (a malformed
    credit code left blank); they are in the audit entry too."""
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
            campaign, notes = _import_rows(checked, by, saved_files)
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
                notes=notes,
            )
    except PackageError as error:
        delete_files(saved_files)
        _refused(by, row.city, error, row.filename, data)
        raise
    except Exception:
        delete_files(saved_files)
        raise
    row.notes = notes
    return row


def import_file(data: bytes, filename: str, by, city: OrgUnit) -> UpwardPackage:
    """Check and import in one go (the command line, and tests)."""
    return import_package(receive_package(data, filename, by, city), by)


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
        delete_imported_campaign(campaign, by, sha256=old.sha256)


def delete_campaign_rows(campaign: Campaign) -> None:
    """Delete a campaign with its reports, events and their files, as the system, through the
    apps' own services: a deployment letting go of a campaign (tests stand in for a district's
    own deployment this way). No page calls it."""
    delete_imported_campaign(campaign, SystemOperator())


# Handing the package's rows to their apps --------------------------------------------------


def _import_rows(checked: Checked, by, saved_files: list) -> tuple[Campaign, list[str]]:
    """Each app's rows of the package to that app's service, in the order they refer to each
    other. What the manifest says is read here; what a row must be, the apps decide: their
    refusal (`ValidationError`) refuses the package."""
    manifest, sha256 = checked.package.manifest, checked.package.sha256
    district = checked.district
    try:
        found = resolve_imported_units(district, by, _units(manifest), sha256=sha256)
        plan = create_imported_campaign(district, by, **_plan(manifest["campaign"]), sha256=sha256)
        rows = _events(manifest, plan, found.units)
        events = import_events(plan.campaign, by, list(rows.values()), sha256=sha256)
        import_assignments(
            plan.campaign,
            by,
            [
                (plan.items[row["item"]], found.units[row["unit"]], row["role"])
                for row in manifest["assignments"]
            ],
            sha256=sha256,
        )
        import_accepted_reports(
            plan.campaign,
            by,
            _reports(checked.package, plan, found.units, dict(zip(rows, events, strict=True))),
            files=saved_files,
            sha256=sha256,
        )
    except ValidationError as error:
        problems = "；".join(message.rstrip("。") for message in error.messages)
        raise PackageError(
            f"上报包中有数据不符合本平台的规则，没有导入：{problems}。", "invalid"
        ) from error
    return plan.campaign, found.notes


def _date(text: str | None) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as error:
        raise PackageError(
            f"清单中的日期“{package.shown(text)}”格式不正确。", "bad_manifest"
        ) from error


def _datetime(text: str | None) -> datetime.datetime | None:
    """A time of the manifest, in UTC as the database keeps it: a time that only exists in
    another time zone (0001-01-01T00:00+08:00) is refused here, not when it is saved."""
    if not text:
        return None
    try:
        value = datetime.datetime.fromisoformat(text)
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value.astimezone(datetime.UTC)
    except (ValueError, OverflowError) as error:
        raise PackageError(
            f"清单中的时间“{package.shown(text)}”格式不正确。", "bad_manifest"
        ) from error


def _units(manifest: dict) -> list[dict]:
    return [
        {
            "key": entry["id"],
            "path": entry["path"],
            "kind": entry["kind"],
            "credit_code": entry.get("credit_code") or "",
        }
        for entry in manifest["units"]
    ]


INDICATOR_KEYS = ("name", "unit", "value_type", "aggregation")
FORMULA_KEYS = ("name", "expression", "display", "decimals")


def _plan(data: dict) -> dict:
    """The campaign part of the manifest as `create_imported_campaign` takes it."""
    return {
        "fields": {
            "kind": data["kind"],
            "year": data["year"],
            "title": data["title"],
            "issuer": data.get("issuer") or "",
            "doc_number": data.get("doc_number") or "",
            "theme": data.get("theme") or "",
            "start_date": _date(data.get("start_date")),
            "end_date": _date(data.get("end_date")),
        },
        "categories": [
            {
                "number": category["number"],
                "title": category["title"],
                "items": [
                    {
                        "key": item["id"],
                        "number": item.get("number"),
                        "title": item["title"],
                        "description": item.get("description") or "",
                        "time_text": item.get("time_text") or "",
                        "lead_unit_names": list(item.get("lead_units") or []),
                        "co_unit_names": list(item.get("co_units") or []),
                        "indicators": [
                            {key: indicator[key] for key in INDICATOR_KEYS}
                            for indicator in item["indicators"]
                        ],
                    }
                    for item in category["items"]
                ],
            }
            for category in data["categories"]
        ],
        "derived": [{key: formula[key] for key in FORMULA_KEYS} for formula in data["formulas"]],
        "deadlines": [
            {
                "kind": deadline["kind"],
                "due_date": _date(deadline["due_date"]),
                "description": deadline["description"],
            }
            for deadline in data["deadlines"]
        ],
    }


def _events(manifest: dict, plan, units: dict[str, OrgUnit]) -> dict[str, dict]:
    """The manifest's events by their key, as `import_events` takes them."""
    return {
        event["id"]: {
            "item": plan.items[event["item"]],
            "org_unit": units[event["unit"]],
            "title": event["title"],
            "starts_at": _datetime(event["starts_at"]),
            "ends_at": _datetime(event["ends_at"]),
            "mode": event["mode"],
            "address": event.get("place") or "",
            "street_town": units.get(event.get("street_town") or ""),
            "audience": event.get("audience") or "",
            "status": event["status"],
        }
        for event in manifest["events"]
    }


def _reports(checked: package.Package, plan, units, events) -> list[dict]:
    """The manifest's reports, with their figures and photos, as `import_accepted_reports`
    takes them."""
    photos = defaultdict(list)
    for photo in checked.manifest["photos"]:
        photos[photo["report"]].append(
            (photo["path"], photo["caption"], checked.files[photo["path"]])
        )
    return [
        {
            "item": plan.items[report["item"]["id"]],
            "event": events[report["event"]["id"]] if report.get("event") else None,
            "org_unit": units[report["unit"]["id"]],
            "title": report["title"],
            "content": report["content"],
            "effect": report["effect"],
            "starred": report["starred"],
            "submitted_at": _datetime(report.get("submitted_at")),
            "reviewed_at": _datetime(report.get("accepted_at")),
            "is_late": report["is_late"],
            "values": {
                plan.indicators[report["item"]["id"], name]: text
                for name, text in report["values"].items()
            },
            "photos": photos[report["id"]],
        }
        for report in checked.manifest["reports"]
    ]

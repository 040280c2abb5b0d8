"""Every change to a report: drafting, photos and attachments, submitting, review.

Each function checks the person may make it, saves in one transaction, writes the audit entry
and tells the people concerned through the notification service. Nothing else sets a report's
status.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse

from qualitymonth.accounts.scope import scope_of
from qualitymonth.assignments.models import Assignment
from qualitymonth.campaigns.models import Campaign, Deadline, Item
from qualitymonth.core import audit, photos
from qualitymonth.core.chinese import plain_number
from qualitymonth.core.notifications import notify
from qualitymonth.core.validation import check_fields
from qualitymonth.events.models import Event
from qualitymonth.orgs.models import OrgUnit

from . import review
from .evidence import attachment_problem, parse_figure
from .models import Attachment, Link, Photo, PhotoBand, Report, ReportValue, ReportVersion

Status = Report.Status
log = logging.getLogger(__name__)


# Who may do what ---------------------------------------------------------------------------


def may_write(by, report: Report) -> bool:
    return scope_of(by).can("unit.report", report.org_unit)


def may_review(by, report: Report) -> bool:
    return REPORT.may_review(by, report)


_require = review.require


def _require_editable(by, report: Report) -> None:
    _require(may_write(by, report), "您没有权限填写这份报送。")
    if not report.is_editable:
        raise ValidationError("这份报送已提交或已采用，不能再修改。")


def _audit(by, action: str, report: Report, **entry) -> None:
    audit.record(by, action, report, org_unit=report.org_unit, **entry)


# Drafting ----------------------------------------------------------------------------------


def start_report(
    by, *, item: Item, org_unit: OrgUnit, event: Event | None = None, client_token=None
) -> Report:
    """A draft report of an event or of item work; the same ``client_token`` sent again (a
    retried request) returns the report it made the first time."""
    if client_token is not None:
        existing = Report.objects.filter(client_token=client_token).first()
        if existing is not None:
            _require(existing.author_id == by.pk, "您没有权限填写这份报送。")
            return existing
    _require(scope_of(by).can("unit.report", org_unit), "您没有权限为这个单位报送。")
    if item.campaign.status != Campaign.Status.PUBLISHED:
        raise ValidationError("活动尚未发布，不能报送。")
    if not Assignment.objects.filter(item=item, org_unit=org_unit).exists():
        raise ValidationError("贵单位没有承担这个事项，不能为它报送。")
    if event is not None and (event.item_id != item.pk or event.org_unit_id != org_unit.pk):
        raise ValidationError("这场活动不属于这个事项或单位。")
    fields = {
        "item": item,
        "org_unit": org_unit,
        "event": event,
        "author": by,
        "title": event.title if event else item.title,
    }
    if client_token is not None:
        fields["client_token"] = client_token
    try:
        with transaction.atomic():
            report = Report.objects.create(**fields)
            _audit(by, "report.started", report)
    except IntegrityError:  # two retries racing: the other one won
        return Report.objects.get(client_token=client_token)
    return report


def save_draft(
    report: Report,
    by,
    *,
    title: str | None = None,
    content: str | None = None,
    effect: str | None = None,
    figures: dict[int, str] | None = None,
    links: list[tuple[str, str]] | None = None,
) -> dict[int, str]:
    """Save what the reporter typed so far (autosave as they type). Figures that are not
    valid are kept out and returned as problems by indicator id; the rest is saved."""
    _require_editable(by, report)
    problems: dict[int, str] = {}
    with transaction.atomic():
        # Work on the row as it is now: an autosave still in flight when the report was
        # submitted must neither edit it nor write back a stale status.
        current = Report.objects.select_for_update().get(pk=report.pk)
        if not current.is_editable:
            raise ValidationError("这份报送已提交或已采用，不能再修改。")
        for name, value in (("title", title), ("content", content), ("effect", effect)):
            if value is not None:
                setattr(current, name, value.strip() if name == "title" else value)
        current.save(update_fields=["title", "content", "effect", "updated_at"])
        for name in ("title", "content", "effect", "updated_at"):
            setattr(report, name, getattr(current, name))
        if figures is not None:
            problems = _save_figures(report, figures)
        if links is not None:
            report.links.all().delete()
            Link.objects.bulk_create(
                Link(report=report, url=url, title=label) for url, label in links if url
            )
    return problems


def _save_figures(report: Report, figures: dict[int, str]) -> dict[int, str]:
    indicators = {i.pk: i for i in report.item.indicators.all()}
    problems = {}
    for indicator_id, text in figures.items():
        indicator = indicators.get(int(indicator_id))
        if indicator is None:
            continue
        value, problem = parse_figure(text, integer=indicator.value_type == "integer")
        if problem:
            problems[indicator.pk] = f"{indicator.name}：{problem}"
        elif value is None:
            report.values.filter(indicator=indicator).delete()
        else:
            ReportValue.objects.update_or_create(
                report=report, indicator=indicator, defaults={"value": value}
            )
    return problems


# A report's photos: enough for an event's story told from a phone (WeChat's picker takes 9 at
# a time), few enough that one request's processing stays a few seconds and the reviewer and
# the work summary still pick from a page, not an album.
MAX_PHOTOS_PER_REPORT = 30
MAX_PHOTOS_PER_UPLOAD = 10


def photos_allowed(report: Report, names: list[str]) -> tuple[int, str]:
    """How many of the photos offered in one upload (``names``, in order) the report takes,
    and why the rest are refused (a Chinese sentence naming them, "" when all fit)."""
    room = max(0, MAX_PHOTOS_PER_REPORT - report.photos.count())
    allowed = min(len(names), MAX_PHOTOS_PER_UPLOAD, room)
    rest = names[allowed:]
    if not rest:
        return allowed, ""
    listed = "、".join(f"“{name}”" for name in rest[:5]) + ("等" if len(rest) > 5 else "")
    if room < min(len(names), MAX_PHOTOS_PER_UPLOAD):
        reason = (
            f"每份报送最多 {MAX_PHOTOS_PER_REPORT} 张照片，已有 {MAX_PHOTOS_PER_REPORT - room} 张"
        )
        advice = "如需换上其他照片，请先勾选删除不需要的照片。"
    else:
        reason = f"一次最多上传 {MAX_PHOTOS_PER_UPLOAD} 张照片"
        advice = "请再次选择这些照片上传。"
    return allowed, f"{reason}，{listed}共 {len(rest)} 张未上传。{advice}"


def add_photo(report: Report, by, data: bytes, filename: str) -> Photo:
    """Keep a photo with its copies; the same file sent again (a retry) is the same photo.
    A report holds at most ``MAX_PHOTOS_PER_REPORT`` photos.

    Flags, for the reviewer, a capture time outside the campaign period and a picture already
    in any report of any campaign.
    """
    _require_editable(by, report)
    digest = hashlib.sha256(data).hexdigest()
    existing = report.photos.filter(sha256=digest).first()
    if existing is not None:
        return existing
    _require_photo_room(report, filename)
    try:
        processed = photos.process_photo(data, filename)
    except photos.PhotoError as error:
        raise ValidationError(error.message) from error
    campaign = report.item.campaign
    outside = bool(
        processed.taken_at
        and campaign.start_date
        and campaign.end_date
        and photos.taken_outside(processed.taken_at, campaign.start_date, campaign.end_date)
    )
    photo = new_photo(
        report,
        processed,
        digest,
        filename,
        gps_latitude=processed.gps[0] if processed.gps else None,
        gps_longitude=processed.gps[1] if processed.gps else None,
        taken_outside_period=outside,
        same_as=earlier_same_picture(processed.phash, exclude_report=report),
        uploaded_by=by,
    )
    try:
        with transaction.atomic():
            # Counted again under the report's row lock: two uploads at the same moment
            # cannot both take the last place.
            Report.objects.select_for_update().filter(pk=report.pk).exists()
            _require_photo_room(report, filename)
            save_photo(photo)
            _audit(by, "report.photo_added", report, photo=photo.pk, name=filename)
    except IntegrityError:  # the same upload, retried at the same moment
        return report.photos.get(sha256=digest)
    except ValidationError:
        for field in ("original", "public_original", "web", "thumbnail"):
            getattr(photo, field).delete(save=False)
        raise
    return photo


def _require_photo_room(report: Report, filename: str) -> None:
    allowed, problem = photos_allowed(report, [filename])
    if not allowed:
        raise ValidationError(problem)


def new_photo(
    report: Report, processed: photos.ProcessedPhoto, digest: str, name: str, **fields
) -> Photo:
    """A photo of ``report`` with its four copies written to storage, not yet saved."""
    photo = Photo(
        report=report,
        original_name=name[:255],
        original_format=processed.original_format,
        sha256=digest,
        width=processed.width,
        height=processed.height,
        taken_at=processed.taken_at,
        phash=processed.phash,
        camera=processed.camera[:120],
        **fields,
    )
    for field, (file_name, content) in processed.copies(digest[:16]).items():
        getattr(photo, field).save(file_name, ContentFile(content), save=False)
    return photo


def save_photo(photo: Photo) -> None:
    """Save a new photo with the hash bands that find it again (call inside a transaction)."""
    photo.save()
    PhotoBand.objects.bulk_create(
        PhotoBand(photo=photo, band=band, value=value)
        for band, value in enumerate(photos.phash_bands(photo.phash))
    )


def earlier_same_picture(phash: str, *, exclude_report: Report) -> Photo | None:
    """The first photo of another report that is the same picture (resized or recompressed).

    The indexed bands narrow the search to a few candidates whatever the number of photos; the
    exact distance then decides.
    """
    match = Q(pk__in=[])
    for band, value in enumerate(photos.phash_bands(phash)):
        match |= Q(band=band, value=value)
    candidate_ids = PhotoBand.objects.filter(match).values("photo_id")
    candidates = (
        Photo.objects.filter(pk__in=candidate_ids)
        .exclude(report=exclude_report)
        .only("pk", "phash", "report_id")
        .order_by("created_at", "id")
    )
    return next((c for c in candidates if photos.same_picture(phash, c.phash)), None)


def remove_photo(photo: Photo, by) -> None:
    _require_editable(by, photo.report)
    with transaction.atomic():
        _audit(by, "report.photo_removed", photo.report, photo=photo.pk)
        photo.delete()


def add_attachment(report: Report, by, data: bytes, filename: str) -> Attachment:
    _require_editable(by, report)
    if problem := attachment_problem(data, filename):
        raise ValidationError(problem)
    digest = hashlib.sha256(data).hexdigest()
    existing = report.attachments.filter(sha256=digest).first()
    if existing is not None:
        return existing
    attachment = Attachment(
        report=report, original_name=filename[:255], size=len(data), sha256=digest
    )
    attachment.file.save(
        f"{digest[:16]}.{filename.rsplit('.', 1)[-1].lower()}", ContentFile(data), save=False
    )
    with transaction.atomic():
        attachment.save()
        _audit(by, "report.attachment_added", report, name=filename)
    return attachment


# The review --------------------------------------------------------------------------------


def report_due_date(campaign: Campaign) -> datetime.date | None:
    """Reports are due by the notice's 信息报送 deadline, else its last deadline, else the end
    of the campaign."""
    return review.due_date(campaign, Deadline.Kind.REPORT)


def _snapshot(report: Report) -> dict:
    return {
        "title": report.title,
        "content": report.content,
        "effect": report.effect,
        "figures": {
            v.indicator.name: plain_number(v.value)
            for v in report.values.select_related("indicator")
        },
        "photos": list(report.photos.values_list("pk", flat=True)),
        "attachments": list(report.attachments.values_list("original_name", flat=True)),
        "links": list(report.links.values_list("url", flat=True)),
    }


REPORT = review.Reviewable(
    noun="报送",
    audit_prefix="report",
    version_model=ReportVersion,
    version_field="report",
    snapshot=_snapshot,
    campaign=lambda report: report.item.campaign,
)


def submit_report(report: Report, by, *, at=None) -> Report:
    """Send the report for review. It needs its content; figures must be valid. After the
    deadline it is still accepted, marked late."""
    _require(may_write(by, report), "您没有权限提交这份报送。")
    problems = {}
    if not report.title.strip():
        problems["title"] = "请填写标题。"
    if not report.content.strip():
        problems["content"] = "请填写活动内容。"
    if problems:  # by field, so a form shows each next to its field
        raise ValidationError(problems)
    with transaction.atomic():
        report = review.submit(REPORT, report, by, due=report_due_date(report.item.campaign), at=at)
    reviewers = _reviewers(report)
    if reviewers:
        notify(
            reviewers,
            "report_submitted",
            f"待审核：{report.org_unit.name}《{report.title}》",
            url=reverse("reports:detail", kwargs={"pk": report.pk}),
            email=False,
        )
    return report


def _reviewers(report: Report) -> list:
    return review.reviewers_of(report.org_unit)


def return_report(report: Report, by, reason: str, *, at=None) -> Report:
    """Send the report back to the unit with the reason; the reporter fixes and resubmits."""
    with transaction.atomic():
        report = review.send_back(REPORT, report, by, reason, at=at)
    _tell_author(report, "report_returned", f"报送被退回：《{report.title}》", reason.strip())
    return report


def accept_report(report: Report, by, *, at=None) -> Report:
    with transaction.atomic():
        report = review.accept(REPORT, report, by, at=at)
    _tell_author(report, "report_accepted", f"报送已采用：《{report.title}》")
    return report


def accept_many(reports: Iterable[Report], by) -> tuple[int, list[str]]:
    """Accept each submitted report the reviewer may review; returns how many, and why the
    others were not."""
    accepted, skipped = 0, []
    for report in reports:
        try:
            accept_report(report, by)
            accepted += 1
        except (ValidationError, PermissionDenied) as error:
            message = error.messages[0] if isinstance(error, ValidationError) else str(error)
            skipped.append(f"《{report.title}》：{message}")
    return accepted, skipped


def reopen_report(report: Report, by, reason: str) -> Report:
    """Only a campaign admin unlocks an accepted report, with a reason; it goes back to the
    unit as returned."""
    with transaction.atomic():
        report = review.reopen(REPORT, report, by, reason)
    _tell_author(report, "report_reopened", f"已采用的报送被重新打开：《{report.title}》", reason)
    return report


def star_report(report: Report, by, starred: bool) -> Report:
    """Mark a report as a highlight (亮点) for the district summary."""
    _require(may_review(by, report), "您没有权限审核这份报送。")
    with transaction.atomic():
        before = report.starred
        report.starred = starred
        report.save(update_fields=["starred", "updated_at"])
        _audit(by, "report.starred", report, before={"starred": before}, after={"starred": starred})
    return report


def _tell_author(report: Report, kind: str, title: str, body: str = "") -> None:
    if report.author is not None:
        notify(
            [report.author],
            kind,
            title,
            body=body,
            url=reverse("reports:detail", kwargs={"pk": report.pk}),
        )


def figures_of(report: Report) -> dict[int, Decimal]:
    return {v.indicator_id: v.value for v in report.values.all()}


# Imported from a district's upward package ---------------------------------------------------

IMPORTED_FIELDS = [
    "item",
    "event",
    "org_unit",
    "title",
    "content",
    "effect",
    "starred",
    "submitted_at",
    "reviewed_at",
    "is_late",
]


def import_accepted_reports(
    campaign: Campaign, by, rows: list[dict], *, files: list, sha256: str = ""
) -> list[Report]:
    """The accepted reports of a district's upward package, for its imported ``campaign``, in
    the order of ``rows``: report fields, ``values`` ({indicator: figure as text}) and
    ``photos`` ([(name, caption, bytes)]).

    A report keeps a report's rules (required fields, lengths, an item of this campaign, an
    event of its own item and unit), a figure a reporter's (`parse_figure`: a number, not
    negative, whole for an integer indicator; an indicator of the report's item), a photo is
    read and copied as an uploaded one (the same picture twice in a report is one photo; a
    caption is cut to a photo's length). The first problem raises ``ValidationError`` naming
    the report, and no row is kept; the files already written are in ``files``, which gets
    every file as it is written, for the caller to remove with `delete_files` should its
    transaction not commit.

    Called by ``upward`` for a city user importing the package: the user needs
    ``upward.receive`` on the district's city (`Scope.require_import_for`). One audit entry,
    with the counts.
    """
    scope_of(by).require_import_for(campaign.org_unit)
    reports = [_imported_report(campaign, row) for row in rows]
    values = [
        ReportValue(report=report, indicator=indicator, value=value)
        for report, row in zip(reports, rows, strict=True)
        for indicator, value in _imported_figures(report, row["values"]).items()
    ]
    with transaction.atomic():
        Report.objects.bulk_create(reports)
        ReportValue.objects.bulk_create(values)
        photo_count = sum(
            _import_photos(report, row["photos"], by, files)
            for report, row in zip(reports, rows, strict=True)
        )
        audit.record(
            by,
            "report.imported",
            campaign,
            org_unit=campaign.org_unit,
            after={"reports": len(reports), "values": len(values), "photos": photo_count},
            sha256=sha256,
        )
    return reports


def _imported_report(campaign: Campaign, row: dict) -> Report:
    fields = {key: value for key, value in row.items() if key not in ("values", "photos")}
    unknown = set(fields) - set(IMPORTED_FIELDS)
    if unknown:
        raise ValueError(f"not report fields: {sorted(unknown)}")
    report = Report(status=Status.ACCEPTED, **fields)
    where = f"报送《{report.title}》"
    check_fields(report, where)
    if report.item.campaign_id != campaign.pk:
        raise ValidationError(f"{where}的活动事项不属于{campaign.name}。")
    event = report.event
    if event is not None and (event.item_id, event.org_unit_id) != (
        report.item_id,
        report.org_unit_id,
    ):
        raise ValidationError(f"{where}的活动场次不属于它的事项或单位。")
    return report


def _imported_figures(report: Report, values: dict) -> dict:
    figures = {}
    for indicator, text in values.items():
        where = f"报送《{report.title}》的指标“{indicator.name}”"
        if indicator.item_id != report.item_id:
            raise ValidationError(f"{where}不是它的活动事项的指标。")
        value, problem = parse_figure(text, integer=indicator.value_type == "integer")
        if problem:
            raise ValidationError(f"{where}：{problem}")
        if value is not None:
            figures[indicator] = value
    return figures


def _import_photos(report: Report, rows, by, files: list) -> int:
    seen: set[str] = set()
    for name, caption, data in rows:
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        try:
            processed = photos.process_photo(data, name.rsplit("/", 1)[-1])
        except photos.PhotoError as error:
            raise ValidationError(
                f"报送《{report.title}》的照片 {name} 无法读取：{error.message}"
            ) from error
        photo = new_photo(
            report,
            processed,
            digest,
            name,
            caption=caption[: Photo._meta.get_field("caption").max_length],
            uploaded_by=by if getattr(by, "pk", None) else None,
        )
        files += photo_files(photo)
        save_photo(photo)
    return len(seen)


def photo_files(photo: Photo) -> list:
    return [photo.original, photo.public_original, photo.web, photo.thumbnail]


def delete_imported_reports(campaign: Campaign, by, *, sha256: str = "") -> int:
    """Delete the reports of an imported ``campaign`` whose package is being replaced, with
    their figures, photos and attachments (their files once the deletion commits); how many.

    Called by ``campaigns.services.delete_imported_campaign``: the user needs
    ``upward.receive`` on the district's city (`Scope.require_import_for`). One audit entry,
    with the count."""
    scope_of(by).require_import_for(campaign.org_unit)
    reports = Report.objects.filter(item__campaign=campaign)
    with transaction.atomic():
        stored = [
            file
            for photo in Photo.objects.filter(report__in=reports)
            for file in photo_files(photo)
        ]
        stored += [a.file for a in Attachment.objects.filter(report__in=reports)]
        count = audit.delete_counted(
            by,
            "report.deleted_with_campaign",
            reports,
            campaign,
            org_unit=campaign.org_unit,
            files=len(stored),
            sha256=sha256,
        )
        transaction.on_commit(lambda: delete_files(stored))
    return count


def delete_files(files) -> None:
    """Remove stored files whose rows are gone or were never kept; one that cannot be removed
    is logged and left, never an error for the person."""
    for field in files:
        try:
            field.storage.delete(field.name)
        except OSError:
            log.warning("Could not delete %s", field.name)

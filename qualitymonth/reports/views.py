"""Field reports: write (with autosave, photos and attachments), submit, review."""

import uuid
from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qualitymonth.accounts.scope import scope_of
from qualitymonth.campaigns.models import Item
from qualitymonth.core.feedback import show_errors
from qualitymonth.core.photos import MAX_PHOTO_BYTES
from qualitymonth.events.models import Event
from qualitymonth.events.queries import visible_events

from . import participation, review, services
from .evidence import MAX_ATTACHMENT_BYTES, outlier
from .forms import TEXT_FIELDS, ReportForm, figure_field
from .models import Photo, Report, ReportValue
from .queries import review_queue, visible_reports
from .versions import compare


def _report(request, pk: int) -> Report:
    return get_object_or_404(visible_reports(request.user), pk=pk)


@login_required
def report_new(request):
    """Start a report of an event (?event=) or of an item's work (?item=&unit=)."""
    event = item = unit = None
    if request.GET.get("event", "").isdigit():
        event = get_object_or_404(
            Event.objects.select_related("item__campaign"), pk=request.GET["event"]
        )
        event = get_object_or_404(visible_events(request.user, event.item.campaign), pk=event.pk)
        item, unit = event.item, event.org_unit
    else:
        item = get_object_or_404(Item, pk=request.GET.get("item") or 0)
        units = scope_of(request.user).units("unit.report")
        unit = (
            get_object_or_404(units, pk=request.GET.get("unit") or 0)
            if request.GET.get("unit")
            else units.first()
        )
        if unit is None:
            raise PermissionDenied(_("您没有可以报送的单位。"))
    if request.method == "POST":
        try:
            token = uuid.UUID(request.POST.get("client_token", ""))
        except ValueError:
            token = None
        try:
            report = services.start_report(
                request.user, item=item, org_unit=unit, event=event, client_token=token
            )
        except ValidationError as error:
            show_errors(request, error)
            return redirect("assignments:my_tasks")
        return redirect("reports:edit", pk=report.pk)
    return render(
        request,
        "reports/report_new.html",
        {"item": item, "unit": unit, "event": event, "client_token": uuid.uuid4()},
    )


@login_required
def report_edit(request, pk: int):
    """Write the report; a refused figure or field is shown again as typed, next to its error,
    and what was saved before stays saved."""
    report = _report(request, pk)
    if not services.may_write(request.user, report):
        raise PermissionDenied(_("您没有权限填写这份报送。"))
    if not report.is_editable:
        return redirect("reports:detail", pk=report.pk)
    form = None
    if request.method == "POST":
        form = ReportForm(report, request.POST)
        try:
            form.add_problems(services.save_draft(report, request.user, **form.draft()))
            # Removals first, so ticking old photos off makes room for the new ones.
            for photo_pk in request.POST.getlist("remove_photo"):
                photo = report.photos.filter(pk=photo_pk).first()
                if photo is not None:
                    services.remove_photo(photo, request.user)
            uploads = request.FILES.getlist("photos")
            allowed, problem = services.photos_allowed(report, [u.name for u in uploads])
            for upload in uploads[:allowed]:
                _keep(request, upload, MAX_PHOTO_BYTES, services.add_photo, report)
            if problem:  # the rest are not read at all
                show_errors(request, ValidationError(problem))
            for upload in request.FILES.getlist("attachments"):
                _keep(request, upload, MAX_ATTACHMENT_BYTES, services.add_attachment, report)
            if form.is_valid():
                if "submit" in request.POST:
                    services.submit_report(report, request.user)
                    messages.success(request, _("已提交，等待审核。"))
                    return redirect("reports:detail", pk=report.pk)
                messages.success(request, _("已保存。"))
                return redirect("reports:edit", pk=report.pk)
        except ValidationError as error:
            show_errors(request, error, form)
    return render(request, "reports/report_edit.html", _edit_context(report, form))


def _keep(request, upload, limit: int, add, report: Report) -> None:
    """Hand one uploaded file to the service; one too big is refused before it is read into
    memory, and a refusal is shown without losing the rest of the form."""
    if upload.size > limit:
        show_errors(
            request,
            ValidationError(
                _("“%(name)s”为 %(size).1f MB，超过 %(limit)s MB 上限。")
                % {
                    "name": upload.name,
                    "size": upload.size / 1024 / 1024,
                    "limit": limit // 1024 // 1024,
                }
            ),
        )
        return
    try:
        add(report, request.user, upload.read(), upload.name)
    except ValidationError as error:
        show_errors(request, error)


def _edit_context(report: Report, form: ReportForm | None) -> dict:
    """The edit page: ``form`` as posted when it was refused, else the report as saved, with
    the figures other features counted filled in where the reporter has none yet."""
    values = services.figures_of(report)
    history = _history(report)
    all_indicators = list(report.item.indicators.all())
    figures, hints = participation.prefill(report, all_indicators, values)
    if form is None:
        prefill = {pk: hint["value"] for pk, hint in hints.items() if hint.get("prefilled")}
        form = ReportForm(report, figures=values | prefill)
    indicators = []
    for indicator in all_indicators:
        value = values.get(indicator.pk)
        indicators.append(
            {
                "field": form[figure_field(indicator.pk)],
                "usual": outlier(value, history.get(indicator.name, []))
                if value is not None
                else None,
                "counted": hints.get(indicator.pk, {}),
            }
        )
    return {
        "report": report,
        "form": form,
        "text_fields": [form[name] for name in TEXT_FIELDS],
        "indicators": indicators,
        "figures": figures,
        "max_photos": services.MAX_PHOTOS_PER_REPORT,
        "max_photos_per_upload": services.MAX_PHOTOS_PER_UPLOAD,
    }


def _history(report: Report) -> dict[str, list]:
    """The unit's earlier accepted figures by indicator name, for the outlier warning."""
    history: dict[str, list] = {}
    earlier = (
        ReportValue.objects.filter(
            report__org_unit=report.org_unit, report__status=Report.Status.ACCEPTED
        )
        .exclude(report=report)
        .select_related("indicator")
    )
    for value in earlier:
        history.setdefault(value.indicator.name, []).append(value.value)
    return history


@login_required
@require_POST
def autosave(request, pk: int):
    """Saves the draft as the reporter types, so a closed tab loses nothing."""
    report = _report(request, pk)
    form = ReportForm(report, request.POST)
    return autosave_response(
        request,
        report,
        form,
        lambda: form.add_problems(services.save_draft(report, request.user, **form.draft())),
    )


def autosave_response(request, document, form, save: Callable[[], None]) -> HttpResponse:
    """The answer to an autosave of a reviewed document (a report, a unit summary): when it was
    saved, and each field's errors put next to it (an out-of-band swap that leaves what is being
    typed alone), or why it was refused. A last keystroke's autosave can arrive after the
    document was submitted: then there is nothing to do."""
    if not document.is_editable:
        return HttpResponse(_("已提交，不再自动保存。"))
    try:
        save()
    except (ValidationError, PermissionDenied) as error:
        return HttpResponse(" ".join(getattr(error, "messages", [str(error)])), status=409)
    return render(
        request,
        "reports/_autosaved.html",
        {"form": form, "time": timezone.localtime().strftime("%H:%M:%S")},
    )


@login_required
def report_detail(request, pk: int):
    report = _report(request, pk)
    return render(
        request,
        "reports/report_detail.html",
        {
            "report": report,
            "values": report.values.select_related("indicator").order_by(
                "indicator__order", "indicator_id"
            ),
            "photos": report.photos.select_related("same_as__report"),
            "versions": report.versions.all(),
            "can_write": services.may_write(request.user, report) and report.is_editable,
            "can_review": services.may_review(request.user, report),
            "can_reopen": scope_of(request.user).can(
                "campaign.admin", report.item.campaign.org_unit
            ),
        },
    )


@login_required
def compare_versions(request, pk: int):
    """Two versions of a report: what the unit changed after it was sent back."""
    report = _report(request, pk)
    return compare_page(
        request,
        report.versions.all(),
        compare,
        back_url=reverse("reports:detail", kwargs={"pk": report.pk}),
        back_title=report.title,
    )


def compare_page(request, versions, compare_snapshots, *, back_url: str, back_title: str):
    """Two versions of a reviewed document (a report, a unit summary), one above the other;
    ``?a=`` and ``?b=`` choose them, the last two by default."""
    versions = list(versions)
    if len(versions) < 2:
        return redirect(back_url)
    for version in versions:
        version.label = review.ACTION_WORDS.get(version.action, version.action)
    by_number = {v.number: v for v in versions}

    def chosen(name: str, default: int) -> int:
        value = request.GET.get(name, "")
        return int(value) if value.isdigit() and int(value) in by_number else default

    old = by_number[chosen("a", versions[-2].number)]
    new = by_number[chosen("b", versions[-1].number)]
    return render(
        request,
        "reports/compare.html",
        {
            "back_url": back_url,
            "back_title": back_title,
            "versions": versions,
            "old": old,
            "new": new,
            "changes": compare_snapshots(old.snapshot, new.snapshot),
        },
    )


@login_required
@require_POST
def review_action(request, pk: int):
    report = _report(request, pk)
    action = request.POST.get("action")
    try:
        if action == "accept":
            services.accept_report(report, request.user)
            messages.success(request, _("已采用。"))
        elif action == "return":
            services.return_report(report, request.user, request.POST.get("reason", ""))
            messages.success(request, _("已退回，填报单位会收到通知。"))
        elif action == "reopen":
            services.reopen_report(report, request.user, request.POST.get("reason", ""))
            messages.success(request, _("已重新打开。"))
        elif action in {"star", "unstar"}:
            services.star_report(report, request.user, action == "star")
    except ValidationError as error:
        show_errors(request, error)
    return redirect("reports:detail", pk=report.pk)


@login_required
def queue(request):
    """Reports waiting for review; accept many at once."""
    if request.method == "POST":
        chosen = review_queue(request.user).filter(pk__in=request.POST.getlist("report"))
        accepted, skipped = services.accept_many(list(chosen), request.user)
        messages.success(request, _("已采用 %(n)s 份报送。") % {"n": accepted})
        for reason in skipped:
            messages.error(request, reason)
        return redirect("reports:queue")
    return render(request, "reports/queue.html", {"reports": review_queue(request.user)})


@login_required
def mine(request):
    reports = (
        visible_reports(request.user)
        .filter(org_unit__in=scope_of(request.user).units("unit.report"))
        .order_by("-updated_at")
    )
    return render(request, "reports/mine.html", {"reports": reports})


PHOTO_FILES = {
    "thumb": "thumbnail",
    "web": "web",
    "full": "public_original",
    "original": "original",
}


@login_required
def photo_file(request, pk: int, size: str):
    """A photo's file; the original with its GPS position only for campaign admins."""
    photo = get_object_or_404(Photo.objects.select_related("report__item__campaign"), pk=pk)
    report = _report(request, photo.report_id)
    if size not in PHOTO_FILES:
        raise Http404
    if size == "original" and not scope_of(request.user).can(
        "campaign.admin", report.item.campaign.org_unit
    ):
        raise PermissionDenied(_("原图含拍摄位置，只有区级管理员可以下载。"))
    field = getattr(photo, PHOTO_FILES[size])
    return FileResponse(field.open("rb"), content_type=_content_type(field.name))


def _content_type(name: str) -> str:
    return {"png": "image/png", "webp": "image/webp", "heic": "image/heic"}.get(
        name.rsplit(".", 1)[-1].lower(), "image/jpeg"
    )

"""Unit summaries: the unit writes (with autosave), picks photos and submits; reviewers accept
or return; everyone who may see it downloads it as a GB/T 9704 .docx."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qualitymonth.accounts.scope import scope_of
from qualitymonth.campaigns.models import Campaign
from qualitymonth.core.docwriter import DocumentError, heading_level, paragraphs_of
from qualitymonth.core.feedback import show_errors
from qualitymonth.reports import review
from qualitymonth.reports.views import autosave_response, compare_page

from . import services
from .document import docx_filename, summary_docx
from .forms import SummaryForm
from .models import UnitSummary
from .queries import (
    accepted_reports,
    my_summaries,
    review_list,
    selectable_photos,
    visible_summaries,
)
from .versions import compare

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _summary(request, pk: int) -> UnitSummary:
    """A summary the user may see; another unit's is not found."""
    return get_object_or_404(visible_summaries(request.user), pk=pk)


@login_required
def mine(request):
    """The reporter's summaries: one line per campaign and unit, to start or to open."""
    campaign = None
    if request.GET.get("campaign", "").isdigit():
        campaign = Campaign.objects.filter(pk=request.GET["campaign"]).first()
    rows = my_summaries(request.user, campaign)
    return render(request, "summaries/mine.html", {"rows": rows, "campaign": campaign})


@login_required
@require_POST
def start(request):
    campaign = get_object_or_404(
        Campaign, pk=request.POST.get("campaign") or 0, status=Campaign.Status.PUBLISHED
    )
    unit = get_object_or_404(
        scope_of(request.user).units("unit.report"), pk=request.POST.get("unit") or 0
    )
    try:
        summary = services.start_summary(request.user, campaign=campaign, org_unit=unit)
    except ValidationError as error:
        show_errors(request, error)
        return redirect("summaries:mine")
    return redirect("summaries:edit", pk=summary.pk)


def _photo_ids(request) -> list[str] | None:
    """The chosen photos, or None when the form did not show the choice (nothing to change)."""
    if "photos_shown" not in request.POST:
        return None
    return request.POST.getlist("photo")


@login_required
def summary_edit(request, pk: int):
    """Write the summary; a refused field is shown again as typed, next to its error, with the
    photos as ticked, and what was saved before stays saved."""
    summary = _summary(request, pk)
    if not services.may_write(request.user, summary):
        raise PermissionDenied(_("您没有权限填写这份书面小结。"))
    if not summary.is_editable:
        return redirect("summaries:detail", pk=summary.pk)
    form = SummaryForm(summary)
    if request.method == "POST":
        form = SummaryForm(summary, request.POST)
        try:
            _save(request, summary, form)
            if form.is_valid():
                if "refresh" in request.POST:
                    services.refresh_figures(summary, request.user)
                    messages.success(request, _("已按最新采用的报送更新数据。"))
                    return redirect("summaries:edit", pk=summary.pk)
                if "submit" in request.POST:
                    services.submit_summary(summary, request.user)
                    messages.success(request, _("已提交，等待审核。"))
                    return redirect("summaries:detail", pk=summary.pk)
                messages.success(request, _("已保存。"))
                return redirect("summaries:edit", pk=summary.pk)
        except ValidationError as error:
            show_errors(request, error, form)
    return render(request, "summaries/summary_edit.html", _edit_context(summary, form))


def _save(request, summary: UnitSummary, form: SummaryForm) -> None:
    """What the form carries that is valid, and the photo choice (the full form and the
    autosave alike)."""
    services.save_summary(
        summary, request.user, **form.sent("title", "body"), photo_ids=_photo_ids(request)
    )


def _edit_context(summary: UnitSummary, form) -> dict:
    reports = list(accepted_reports(summary.campaign, summary.org_unit))
    current = services.unit_figures(reports)
    stale = current != summary.figures or {r.pk for r in reports} != set(
        summary.reports.values_list("pk", flat=True)
    )
    chosen = set(summary.photos.values_list("pk", flat=True))
    if form.is_bound and "photos_shown" in form.data:  # refused: the photos as ticked
        chosen = {int(pk) for pk in form.data.getlist("photo") if pk.isdigit()}
    return {
        "summary": summary,
        "form": form,
        "photos": selectable_photos(summary),
        "chosen": chosen,
        "figures": [_figure_row(f) for f in summary.figures],
        "reports": summary.reports.select_related("item").order_by(
            "item__category__order", "item__order", "id"
        ),
        "stale": stale,
    }


def _figure_row(figure: dict) -> dict:
    return {**figure, "label": services.aggregation_word(figure)}


def _body_paragraphs(summary: UnitSummary) -> list[dict]:
    """The text's paragraphs with their heading level, as the document will set them."""
    return [{"text": text, "level": heading_level(text)} for text in paragraphs_of(summary.body)]


@login_required
@require_POST
def autosave(request, pk: int):
    """Saves the text as the unit types, so a closed tab loses nothing."""
    summary = _summary(request, pk)
    form = SummaryForm(summary, request.POST)
    return autosave_response(request, summary, form, lambda: _save(request, summary, form))


@login_required
def summary_detail(request, pk: int):
    summary = _summary(request, pk)
    versions = list(summary.versions.select_related("created_by"))
    for version in versions:
        version.label = review.ACTION_WORDS.get(version.action, version.action)
    return render(
        request,
        "summaries/summary_detail.html",
        {
            "summary": summary,
            "paragraphs": _body_paragraphs(summary),
            "figures": [_figure_row(f) for f in summary.figures],
            "reports": summary.reports.select_related("item").order_by(
                "item__category__order", "item__order", "id"
            ),
            "photos": summary.photos.select_related("report"),
            "versions": versions,
            "can_write": services.may_write(request.user, summary) and summary.is_editable,
            "can_review": services.may_review(request.user, summary),
            "can_reopen": services.may_reopen(request.user, summary),
        },
    )


@login_required
@require_POST
def review_action(request, pk: int):
    summary = _summary(request, pk)
    action = request.POST.get("action")
    reason = request.POST.get("reason", "")
    try:
        if action == "accept":
            services.accept_summary(summary, request.user)
            messages.success(request, _("已采用。"))
        elif action == "return":
            services.return_summary(summary, request.user, reason)
            messages.success(request, _("已退回，填报单位会收到通知。"))
        elif action == "reopen":
            services.reopen_summary(summary, request.user, reason)
            messages.success(request, _("已重新打开。"))
    except ValidationError as error:
        show_errors(request, error)
    return redirect("summaries:detail", pk=summary.pk)


@login_required
def compare_versions(request, pk: int):
    """Two versions of a summary: what the unit changed after it was sent back."""
    summary = _summary(request, pk)
    return compare_page(
        request,
        summary.versions.all(),
        compare,
        back_url=reverse("summaries:detail", kwargs={"pk": summary.pk}),
        back_title=summary.title,
    )


STATUS_FILTERS = {
    "submitted": UnitSummary.Status.SUBMITTED,
    "returned": UnitSummary.Status.RETURNED,
    "accepted": UnitSummary.Status.ACCEPTED,
    "all": None,
}


STATUS_LABELS = [
    ("submitted", gettext_lazy("待审核")),
    ("returned", gettext_lazy("已退回")),
    ("accepted", gettext_lazy("已采用")),
    ("all", gettext_lazy("全部")),
]


@login_required
def queue(request):
    """The summaries of the units the user reviews, those waiting first."""
    status = request.GET.get("status", "submitted")
    if status not in STATUS_FILTERS:
        status = "submitted"
    return render(
        request,
        "summaries/queue.html",
        {
            "summaries": review_list(request.user, STATUS_FILTERS[status]),
            "status": status,
            "filters": STATUS_LABELS,
        },
    )


@login_required
def download(request, pk: int):
    """The summary as a GB/T 9704 .docx, for the unit and those above it."""
    summary = _summary(request, pk)
    try:
        content = summary_docx(summary)
    except DocumentError as error:
        messages.error(request, str(error))
        return redirect("summaries:detail", pk=summary.pk)
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=docx_filename(summary),
        content_type=DOCX_CONTENT_TYPE,
    )

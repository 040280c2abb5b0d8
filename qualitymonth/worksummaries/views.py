"""工作总结 pages: the generated draft, paragraph by paragraph, for the admin to edit; generation
in the background with a progress bar; the photos of the annex; the .docx and .xlsx."""

from __future__ import annotations

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qualitymonth.accounts.scope import scope_of
from qualitymonth.campaigns.views import get_campaign
from qualitymonth.core.chinese import plain_number
from qualitymonth.core.downloads import xlsx_response
from qualitymonth.core.feedback import show_errors
from qualitymonth.core.tasks import read_progress
from qualitymonth.dashboard.exports import CAMPAIGN_GROUPS, dashboard_workbook
from qualitymonth.dashboard.queries import build_dashboard
from qualitymonth.dashboard.views import CITY_GROUPS
from qualitymonth.orgs.models import OrgUnit

from . import services, tasks
from .document import docx_filename, summary_docx
from .forms import DetailsForm, ParagraphForm
from .models import CampaignSummary, SummaryParagraph

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _summary(request, pk: int) -> CampaignSummary:
    summary = get_object_or_404(CampaignSummary.objects.select_related("org_unit"), pk=pk)
    if not scope_of(request.user).can(services.writer_action(summary), summary.org_unit):
        raise Http404
    return summary


def _page(request, summary: CampaignSummary | None, context: dict):
    paragraphs = list(summary.paragraphs.all()) if summary else []
    sections = []
    for paragraph in paragraphs:
        if not sections or sections[-1][0] != paragraph.section:
            sections.append((paragraph.section, []))
        sections[-1][1].append(paragraph)
    generating = summary is not None and services.is_generating(summary)
    gap = services.event_count_gap(summary) if summary else None
    return render(
        request,
        "worksummaries/summary.html",
        context
        | {
            "summary": summary,
            "sections": sections,
            "generating": generating,
            "progress": _progress(summary) if generating else None,
            "details_form": DetailsForm(
                initial={
                    "title": summary.title,
                    "signature": summary.signature,
                    "date": summary.date,
                }
            )
            if summary
            else None,
            "edited": sum(p.edited for p in paragraphs),
            "to_check": sum(p.figures_changed for p in paragraphs),
            "empty_manual": [p for p in paragraphs if p.is_manual and not p.text.strip()],
            "event_gap": (gap[0], plain_number(gap[1])) if gap else None,
        },
    )


def _start_generation(request, summary: CampaignSummary):
    services.mark_generating(summary, request.user)
    transaction.on_commit(lambda: tasks.generate_summary.enqueue(summary.pk, request.user.pk))
    messages.info(request, _("正在生成工作总结，页面会显示进度。已修改的段落会保留。"))


@login_required
def campaign_summary(request, pk: int):
    campaign = get_campaign(request, pk)
    if not scope_of(request.user).can("campaign.admin", campaign.org_unit):
        raise PermissionDenied(_("只有区级管理员可以编写工作总结。"))
    if request.method == "POST":
        summary = services.start_campaign_summary(request.user, campaign)
        _start_generation(request, summary)
        return redirect("worksummaries:campaign", campaign.pk)
    summary = CampaignSummary.objects.filter(
        org_unit=campaign.org_unit, year=campaign.year, kind=campaign.kind
    ).first()
    return _page(request, summary, {"campaign": campaign})


@login_required
def city_summary(request, pk: int, year: int):
    city = get_object_or_404(OrgUnit, pk=pk, kind=OrgUnit.Kind.CITY)
    if not scope_of(request.user).can("summary.compile", city):
        raise Http404
    if request.method == "POST":
        summary = services.start_city_summary(request.user, city, year)
        _start_generation(request, summary)
        return redirect("worksummaries:city", city.pk, year)
    summary = CampaignSummary.objects.filter(org_unit=city, year=year).first()
    return _page(request, summary, {"city": city, "year": year})


def _progress(summary: CampaignSummary) -> dict:
    progress = read_progress(tasks.progress_key(summary)) or {}
    return {"processed": progress.get("processed", 0), "total": progress.get("total") or 3}


@login_required
def generation_progress(request, pk: int):
    """The polled progress bar; once the draft is ready the page reloads to show it."""
    summary = _summary(request, pk)
    if not services.is_generating(summary):
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(
        request,
        "worksummaries/_progress.html",
        {"summary": summary, "progress": _progress(summary)},
    )


@login_required
def paragraph(request, pk: int):
    """A paragraph as shown, its edit form (htmx), a save, or going back to the generated text."""
    item = get_object_or_404(SummaryParagraph.objects.select_related("summary__org_unit"), pk=pk)
    _summary(request, item.summary_id)
    form = ParagraphForm(request.POST or None, initial={"text": item.text})
    template = "worksummaries/_paragraph.html"
    if request.method == "POST":
        try:
            if request.POST.get("action") == "restore":
                services.restore_paragraph(item, request.user)
            elif form.is_valid():
                services.edit_paragraph(item, request.user, form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error("text", error)
            template = "worksummaries/_paragraph_form.html"
        if not request.htmx:
            for error in form.errors.get("text", []):
                messages.error(request, error)
            return redirect(_page_url(item.summary) + f"#p{item.pk}")
    elif request.GET.get("edit"):
        template = "worksummaries/_paragraph_form.html"
    return render(request, template, {"p": item, "form": form})


def _page_url(summary: CampaignSummary) -> str:
    if summary.campaign_id:
        return reverse("worksummaries:campaign", args=[summary.campaign_id])
    return reverse("worksummaries:city", args=[summary.org_unit_id, summary.year])


@login_required
@require_POST
def details(request, pk: int):
    summary = _summary(request, pk)
    form = DetailsForm(request.POST)
    if form.is_valid():
        try:
            services.save_details(summary, request.user, **form.cleaned_data)
            messages.success(request, _("已保存标题、署名和日期。"))
        except ValidationError as error:
            show_errors(request, error)
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect(_page_url(summary))


@login_required
def photos(request, pk: int):
    summary = _summary(request, pk)
    if request.method == "POST":
        try:
            ids = [int(value) for value in request.POST.getlist("photo")]
            services.choose_photos(summary, request.user, ids)
        except ValueError as error:
            raise Http404 from error
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("已保存附件照片。"))
            return redirect(_page_url(summary))
    chosen = set(summary.photos.values_list("pk", flat=True))
    selectable = list(services.selectable_photos(summary)[:200])
    for photo in selectable:
        photo.chosen = photo.pk in chosen
        photo.caption_text = services.photo_caption(photo)
    return render(
        request,
        "worksummaries/photos.html",
        {"summary": summary, "photos": selectable, "page_url": _page_url(summary)},
    )


@login_required
def download_docx(request, pk: int):
    summary = _summary(request, pk)
    return FileResponse(
        io.BytesIO(summary_docx(summary)),
        as_attachment=True,
        filename=docx_filename(summary),
        content_type=DOCX,
    )


@login_required
def download_xlsx(request, pk: int):
    summary = _summary(request, pk)
    groups = CAMPAIGN_GROUPS if summary.campaign_id else CITY_GROUPS
    dashboard = build_dashboard(services.source_campaigns(summary), groups)
    return xlsx_response(dashboard_workbook(dashboard, groups), f"{summary.title}统计附表.xlsx")

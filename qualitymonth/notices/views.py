"""Importing a notice: upload, check what was read and correct it, publish."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from qualitymonth.accounts.scope import scope_of
from qualitymonth.campaigns.forms import CategoryForm, ItemForm
from qualitymonth.campaigns.models import Campaign
from qualitymonth.campaigns.queries import campaign_plan, duplicates_of
from qualitymonth.campaigns.services import DuplicateCampaign
from qualitymonth.campaigns.views import get_admin_campaign
from qualitymonth.core.feedback import show_errors

from . import services
from .forms import NoticeReviewForm, NoticeUploadForm


@login_required
def upload(request):
    org_units = scope_of(request.user).units("campaign.admin").order_by("path")
    if not org_units.exists():
        raise PermissionDenied(_("只有区级管理员可以导入通知。"))
    form = NoticeUploadForm(request.POST or None, request.FILES or None, org_units=org_units)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        try:
            record = services.import_notice(
                form.source,
                org_unit=form.cleaned_data["org_unit"],
                by=request.user,
                original=form.original,
                allow_duplicate=form.cleaned_data["allow_duplicate"],
            )
        except DuplicateCampaign as error:
            form.add_error(None, error)
            duplicates = error.duplicates
        else:
            return redirect("notices:review", pk=record.campaign_id)
    return render(request, "notices/upload.html", {"form": form, "duplicates": duplicates})


@login_required
def review(request, pk: int):
    """What the platform read from the notice, as one form the admin corrects and publishes."""
    campaign = get_admin_campaign(request, pk)
    record = getattr(campaign, "notice_import", None)
    plan = campaign_plan(campaign)
    data = request.POST or None
    form = NoticeReviewForm(data, instance=campaign, prefix="campaign")
    category_forms = [
        (
            category,
            CategoryForm(data, prefix=f"category-{category.pk}", initial={"title": category.title}),
        )
        for category in plan
    ]
    item_forms = [
        (item, ItemForm(data, instance=item, campaign=campaign, prefix=f"item-{item.pk}"))
        for category in plan
        for item in category.items.all()
    ]
    all_forms = [form] + [f for _, f in category_forms] + [f for _, f in item_forms]
    if request.method == "POST" and all(f.is_valid() for f in all_forms):
        # The ModelForms copied the new values onto the instances; start again from the
        # database so the services see and audit the true before/after.
        campaign = Campaign.objects.get(pk=campaign.pk)
        items = {item.pk: item for item in campaign.items.all()}
        categories = {category.pk: category for category in campaign.categories.all()}
        try:
            services.apply_review(
                campaign,
                request.user,
                campaign_changes={name: form.cleaned_data[name] for name in form.changed_data},
                category_titles={
                    categories[c.pk]: f.cleaned_data["title"] for c, f in category_forms
                },
                item_changes={
                    items[item.pk]: {name: f.cleaned_data[name] for name in f.changed_data}
                    for item, f in item_forms
                },
                publish="publish" in request.POST,
                allow_duplicate="allow_duplicate" in request.POST,
            )
        except ValidationError as error:
            messages.warning(request, _("修改已保存，但还不能发布："))
            show_errors(request, error)
            return redirect("notices:review", pk=campaign.pk)
        if "publish" in request.POST:
            messages.success(request, _("活动已发布。"))
            return redirect("campaigns:overview", pk=campaign.pk)
        messages.success(request, _("修改已保存。"))
        return redirect("notices:review", pk=campaign.pk)
    return render(
        request,
        "notices/review.html",
        {
            "campaign": campaign,
            "record": record,
            "form": form,
            "category_forms": category_forms,
            "item_forms": item_forms,
            "item_count": len(item_forms),
            "duplicates": duplicates_of(campaign) if campaign.is_draft else [],
            "invalid": request.method == "POST",
        },
    )

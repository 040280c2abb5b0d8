"""Campaign pages: the overview everyone sees and the plan editing of campaign admins.

Views read input and call ``services``; permissions come from the user's scope.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qualitymonth.accounts.scope import scope_of
from qualitymonth.core.feedback import show_errors

from . import services
from .forms import (
    CampaignForm,
    CategoryForm,
    ContactFormSet,
    CopyCampaignForm,
    DeadlineFormSet,
    IndicatorFormSet,
    ItemForm,
    NewItemForm,
    filled_rows,
)
from .models import Campaign
from .queries import (
    campaign_plan,
    default_campaign,
    duplicates_of,
    visible_campaigns,
    working_campaigns,
)

SESSION_KEY = "current_campaign_id"


def get_campaign(request, pk: int) -> Campaign:
    """A campaign the user may see; any other id is "not found", never "forbidden". Opening
    one makes it the current campaign, unless it is archived: reading an old one does not
    take the person out of the one they work in."""
    campaign = get_object_or_404(visible_campaigns(request.user), pk=pk)
    if not campaign.is_archived:
        request.session[SESSION_KEY] = campaign.pk
    return campaign


def get_admin_campaign(request, pk: int) -> Campaign:
    campaign = get_campaign(request, pk)
    scope_of(request.user).require("campaign.admin", campaign.org_unit)
    return campaign


def can_admin(request, campaign: Campaign) -> bool:
    return scope_of(request.user).can("campaign.admin", campaign.org_unit)


@login_required
def home(request):
    chosen = working_campaigns(request.user).filter(pk=request.session.get(SESSION_KEY))
    current = chosen.first() or default_campaign(request.user)
    if current:
        return redirect("campaigns:overview", pk=current.pk)
    return redirect("campaigns:list")


@login_required
def campaign_list(request):
    campaigns = visible_campaigns(request.user)
    return render(
        request,
        "campaigns/campaign_list.html",
        {
            "campaigns": campaigns,
            "can_import": scope_of(request.user).units("campaign.admin").exists(),
        },
    )


@login_required
def switch(request):
    """The header's campaign switcher."""
    pk = request.GET.get("campaign", "")
    if not pk.isdigit():
        return redirect("campaigns:list")
    return redirect("campaigns:overview", pk=get_campaign(request, int(pk)).pk)


@login_required
def overview(request, pk: int):
    campaign = get_campaign(request, pk)
    admin = can_admin(request, campaign)
    return render(
        request,
        "campaigns/overview.html",
        {
            "campaign": campaign,
            "plan": campaign_plan(campaign),
            "counter": campaign.day_counter(),
            "deadlines": campaign.deadlines.all(),
            "contacts": campaign.contacts.all(),
            "can_admin": admin,
            # what publishing or restoring would duplicate, shown before the admin tries
            "duplicates": duplicates_of(campaign) if admin and not campaign.is_published else [],
        },
    )


@login_required
def item_detail(request, pk: int, item_pk: int):
    campaign = get_campaign(request, pk)
    item = get_object_or_404(campaign.items.select_related("category"), pk=item_pk)
    return render(
        request,
        "campaigns/item_detail.html",
        {
            "campaign": campaign,
            "item": item,
            "indicators": item.indicators.all(),
            "can_admin": can_admin(request, campaign),
        },
    )


# Campaign admins ------------------------------------------------------------------------------


@login_required
def campaign_edit(request, pk: int):
    campaign = get_admin_campaign(request, pk)
    contacts_initial = list(campaign.contacts.values("department", "name", "phone", "email"))
    deadlines_initial = list(campaign.deadlines.values("kind", "due_date", "description"))
    form = CampaignForm(request.POST or None, instance=campaign)
    contacts = ContactFormSet(request.POST or None, prefix="contacts", initial=contacts_initial)
    deadlines = DeadlineFormSet(request.POST or None, prefix="deadlines", initial=deadlines_initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and contacts.is_valid()
        and deadlines.is_valid()
    ):
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        # ModelForm's is_valid copied the values onto the instance; reload so the service
        # records a true before/after.
        campaign.refresh_from_db()
        services.update_campaign(campaign, request.user, **changes)
        if contacts.has_changed():
            services.set_contacts(campaign, request.user, filled_rows(contacts))
        if deadlines.has_changed():
            services.set_deadlines(campaign, request.user, filled_rows(deadlines))
        messages.success(request, _("活动信息已保存。"))
        return redirect("campaigns:overview", pk=campaign.pk)
    return render(
        request,
        "campaigns/campaign_edit.html",
        {"campaign": campaign, "form": form, "contacts": contacts, "deadlines": deadlines},
    )


@login_required
def plan_edit(request, pk: int):
    """Categories and items of the plan: add, rename, reorder, renumber."""
    campaign = get_admin_campaign(request, pk)
    category_form = CategoryForm(prefix="category")
    item_form = NewItemForm(prefix="item", campaign=campaign)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add_category":
            category_form = CategoryForm(request.POST, prefix="category")
            if category_form.is_valid():
                services.add_category(campaign, request.user, category_form.cleaned_data["title"])
                return _back_to_plan(request, campaign, _("已添加类别。"))
        elif action == "add_item":
            item_form = NewItemForm(request.POST, prefix="item", campaign=campaign)
            if item_form.is_valid():
                item = services.add_item(
                    item_form.cleaned_data["category"],
                    request.user,
                    title=item_form.cleaned_data["title"],
                )
                return _back_to_plan(
                    request, campaign, _("已添加事项 %(n)s。") % {"n": item.number}
                )
        elif action == "renumber":
            services.renumber_items(campaign, request.user)
            return _back_to_plan(request, campaign, _("已按顺序重新编号。"))
    return render(
        request,
        "campaigns/plan_edit.html",
        {
            "campaign": campaign,
            "plan": campaign_plan(campaign),
            "category_form": category_form,
            "item_form": item_form,
        },
    )


def _back_to_plan(request, campaign, message: str):
    messages.success(request, message)
    return redirect("campaigns:plan_edit", pk=campaign.pk)


def _plan_at(campaign, anchor: str):
    """Back to the plan, scrolled to what was just moved, so a long plan doesn't jump to the top."""
    return redirect(reverse("campaigns:plan_edit", kwargs={"pk": campaign.pk}) + f"#{anchor}")


@login_required
@require_POST
def category_action(request, pk: int, category_pk: int):
    campaign = get_admin_campaign(request, pk)
    category = get_object_or_404(campaign.categories, pk=category_pk)
    action = request.POST.get("action")
    try:
        if action in {"up", "down"}:
            services.move_category(category, request.user, -1 if action == "up" else 1)
        elif action == "rename":
            form = CategoryForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("类别名称不能为空。"))
            services.update_category(category, request.user, title=form.cleaned_data["title"])
        elif action == "delete":
            services.delete_category(category, request.user)
    except ValidationError as error:
        show_errors(request, error)
    return _plan_at(campaign, f"category-{category.pk}")


@login_required
@require_POST
def item_action(request, pk: int, item_pk: int):
    campaign = get_admin_campaign(request, pk)
    item = get_object_or_404(campaign.items, pk=item_pk)
    action = request.POST.get("action")
    if action in {"up", "down"}:
        services.move_item(item, request.user, -1 if action == "up" else 1)
        return _plan_at(campaign, f"item-{item.pk}")
    if action == "delete":
        services.delete_item(item, request.user)
        messages.success(request, _("已删除事项“%(title)s”。") % {"title": item.title})
    return _plan_at(campaign, f"category-{item.category_id}")


@login_required
def item_edit(request, pk: int, item_pk: int):
    campaign = get_admin_campaign(request, pk)
    item = get_object_or_404(campaign.items, pk=item_pk)
    initial = list(item.indicators.values("id", "name", "unit", "value_type", "aggregation"))
    form = ItemForm(request.POST or None, instance=item, campaign=campaign)
    indicators = IndicatorFormSet(request.POST or None, prefix="indicators", initial=initial)
    if request.method == "POST" and form.is_valid() and indicators.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        item.refresh_from_db()
        try:
            services.update_item(item, request.user, **changes)
            if indicators.has_changed():
                services.set_indicators(item, request.user, filled_rows(indicators))
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(request, _("事项已保存。"))
            return redirect("campaigns:item_detail", pk=campaign.pk, item_pk=item.pk)
    return render(
        request,
        "campaigns/item_edit.html",
        {"campaign": campaign, "item": item, "form": form, "indicators": indicators},
    )


@login_required
@require_POST
def publish(request, pk: int):
    campaign = get_admin_campaign(request, pk)
    return _change_status(
        request,
        campaign,
        lambda: services.publish_campaign(
            campaign, request.user, allow_duplicate="allow_duplicate" in request.POST
        ),
        _("活动已发布，各单位现在可以看到它。"),
    )


@login_required
@require_POST
def archive(request, pk: int):
    campaign = get_admin_campaign(request, pk)
    return _change_status(
        request,
        campaign,
        lambda: services.archive_campaign(campaign, request.user),
        _("活动已归档：不再出现在活动切换和全市统计中，仍可在“全部活动”中查看和恢复。"),
    )


@login_required
@require_POST
def restore(request, pk: int):
    campaign = get_admin_campaign(request, pk)
    return _change_status(
        request,
        campaign,
        lambda: services.restore_campaign(
            campaign, request.user, allow_duplicate="allow_duplicate" in request.POST
        ),
        _("活动已恢复。"),
    )


def _change_status(request, campaign: Campaign, change, done: str):
    """Publish, archive or restore, then back to the overview with what happened."""
    try:
        change()
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, done)
    return redirect("campaigns:overview", pk=campaign.pk)


@login_required
@require_POST
def delete(request, pk: int):
    campaign = get_admin_campaign(request, pk)
    try:
        services.delete_campaign(campaign, request.user)
    except ValidationError as error:
        show_errors(request, error)
        return redirect("campaigns:overview", pk=campaign.pk)
    if request.session.get(SESSION_KEY) == campaign.pk:
        request.session.pop(SESSION_KEY)
    messages.success(request, _("已删除%(name)s。") % {"name": campaign.name})
    return redirect("campaigns:list")


@login_required
def copy(request, pk: int):
    campaign = get_admin_campaign(request, pk)
    form = CopyCampaignForm(request.POST or None, initial={"year": campaign.year + 1})
    if request.method == "POST" and form.is_valid():
        new = services.copy_campaign(campaign, request.user, form.cleaned_data["year"])
        messages.success(
            request, _("已复制为 %(name)s（草稿），请修改后发布。") % {"name": new.name}
        )
        return redirect(reverse("campaigns:overview", kwargs={"pk": new.pk}))
    return render(request, "campaigns/copy.html", {"campaign": campaign, "form": form})

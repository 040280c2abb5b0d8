"""Assigning an item's units (campaign admins) and 我的任务 (unit reporters)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from qualitymonth.campaigns.views import get_admin_campaign
from qualitymonth.core.feedback import show_errors
from qualitymonth.orgs.models import OrgUnit

from . import services
from .forms import AssignmentForm
from .matching import suggest_units
from .models import Assignment
from .queries import assignable_units, my_tasks, units_by_role

# Bulk choices offered above the lists: the kinds of unit a notice names collectively.
BULK = {
    "streets": ({OrgUnit.Kind.SUBDISTRICT, OrgUnit.Kind.TOWN}, _("全部街镇")),
    "parks": ({OrgUnit.Kind.PARK}, _("全部园区")),
    "schools": ({OrgUnit.Kind.SCHOOL}, _("全部学校")),
}


@login_required
def assign(request, pk: int, item_pk: int):
    campaign = get_admin_campaign(request, pk)
    item = get_object_or_404(campaign.items, pk=item_pk)
    units = assignable_units(campaign)
    current = units_by_role(item)
    initial = {
        "lead": current[Assignment.Role.LEAD],
        "participants": current[Assignment.Role.PARTICIPANT],
    }
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None and data.get("bulk") in BULK:
        # "全部街镇" adds every street and town to the participants already ticked.
        kinds, _label = BULK[data["bulk"]]
        ticked = set(data.getlist("participants"))
        ticked |= {str(pk) for pk in units.filter(kind__in=kinds).values_list("pk", flat=True)}
        data.setlist("participants", sorted(ticked))
    form = AssignmentForm(data, units=units, initial=initial)
    if data is not None and form.is_valid():
        try:
            change = services.assign_units(
                item,
                request.user,
                lead=form.cleaned_data["lead"],
                participants=form.cleaned_data["participants"],
            )
        except ValidationError as error:
            show_errors(request, error)
        else:
            messages.success(
                request,
                _("已保存分工：新增 %(added)s 个单位，移除 %(removed)s 个单位。")
                % {"added": len(change["added"]), "removed": len(change["removed"])},
            )
            return redirect("campaigns:item_detail", pk=campaign.pk, item_pk=item.pk)
    unit_list = list(units)
    lead_suggested, lead_unmatched = suggest_units(item.lead_unit_names, unit_list)
    co_suggested, co_unmatched = suggest_units(item.co_unit_names, unit_list)
    return render(
        request,
        "assignments/assign.html",
        {
            "campaign": campaign,
            "item": item,
            "form": form,
            "bulk": {key: label for key, (_kinds, label) in BULK.items()},
            "lead_suggested": lead_suggested,
            "co_suggested": co_suggested,
            "unmatched": lead_unmatched + co_unmatched,
        },
    )


@login_required
def tasks(request):
    return render(request, "assignments/my_tasks.html", {"groups": my_tasks(request.user)})

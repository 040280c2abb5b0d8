"""The events calendar (month, week, list), iCal export, and planning events."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qualitymonth.campaigns.views import get_campaign
from qualitymonth.core.feedback import show_errors

from . import services
from .calendar_export import events_to_ical
from .forms import CancelForm, EventFilterForm, EventForm
from .models import Event
from .queries import (
    day_range,
    event_units,
    holding_units,
    local_date,
    month_grid,
    plannable_items,
    streets_and_towns,
    visible_events,
)

VIEWS = {"month": _("月"), "week": _("周"), "list": _("列表")}


def _anchor_day(request, campaign) -> datetime.date:
    try:
        return datetime.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        today = timezone.localdate()
        if campaign.start_date and campaign.end_date:
            return min(max(today, campaign.start_date), campaign.end_date)
        return today


@login_required
def calendar_view(request, pk: int):
    campaign = get_campaign(request, pk)
    view = request.GET.get("view") if request.GET.get("view") in VIEWS else "month"
    day = _anchor_day(request, campaign)
    filters = EventFilterForm(
        request.GET or None,
        items=campaign.items.order_by("category__order", "order"),
        units=event_units(request.user, campaign),
        streets=streets_and_towns(campaign),
    )
    events = filters.apply(visible_events(request.user, campaign))
    context = {"campaign": campaign, "filters": filters, "view": view, "views": VIEWS, "day": day}
    if view == "month":
        first = day.replace(day=1)
        start, end = day_range(first, 42)
        context["weeks"] = month_grid(
            events.filter(starts_at__gte=start - datetime.timedelta(days=7), starts_at__lt=end),
            day.year,
            day.month,
        )
        context["previous"] = (first - datetime.timedelta(days=1)).replace(day=1)
        context["next"] = (first + datetime.timedelta(days=32)).replace(day=1)
    elif view == "week":
        monday = day - datetime.timedelta(days=day.weekday())
        start, end = day_range(monday, 7)
        week_events = list(events.filter(starts_at__gte=start, starts_at__lt=end))
        context["days"] = [
            (d, [e for e in week_events if local_date(e.starts_at) == d])
            for d in (monday + datetime.timedelta(days=n) for n in range(7))
        ]
        context["previous"] = monday - datetime.timedelta(days=7)
        context["next"] = monday + datetime.timedelta(days=7)
    else:
        context["events"] = events
    context["can_plan"] = plannable_items(request.user, campaign).exists()
    context["query"] = request.GET.urlencode()
    return render(request, "events/calendar.html", context)


@login_required
def ical(request, pk: int):
    campaign = get_campaign(request, pk)
    filters = EventFilterForm(
        request.GET or None,
        items=campaign.items.all(),
        units=event_units(request.user, campaign),
        streets=streets_and_towns(campaign),
    )
    events = filters.apply(visible_events(request.user, campaign))
    response = HttpResponse(
        events_to_ical(campaign, events), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="qualitymonth-events.ics"'
    return response


def _event(request, event_pk: int) -> Event:
    event = get_object_or_404(Event.objects.select_related("item__campaign"), pk=event_pk)
    campaign = get_campaign(request, event.item.campaign_id)
    return get_object_or_404(visible_events(request.user, campaign), pk=event.pk)


@login_required
def event_detail(request, event_pk: int):
    event = _event(request, event_pk)
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "campaign": event.item.campaign,
            "can_change": services.may_change(request.user, event),
            "cancel_form": CancelForm(),
        },
    )


def _form(request, campaign, instance=None):
    return EventForm(
        request.POST or None,
        instance=instance,
        initial={"item": request.GET.get("item")} if instance is None else None,
        items=plannable_items(request.user, campaign),
        units=holding_units(request.user, campaign),
        streets=streets_and_towns(campaign),
    )


@login_required
def event_new(request, pk: int):
    campaign = get_campaign(request, pk)
    if not plannable_items(request.user, campaign).exists():
        raise PermissionDenied(_("贵单位还没有分配到事项，不能安排活动。"))
    form = _form(request, campaign)
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k not in {"item", "org_unit"}}
        try:
            event = services.plan_event(
                request.user,
                item=form.cleaned_data["item"],
                org_unit=form.cleaned_data["org_unit"],
                **fields,
            )
        except ValidationError as error:
            show_errors(request, error, form)
        else:
            messages.success(request, _("活动已安排。"))
            return redirect("events:detail", event_pk=event.pk)
    return render(request, "events/event_form.html", {"campaign": campaign, "form": form})


@login_required
def event_edit(request, event_pk: int):
    event = _event(request, event_pk)
    if not services.may_change(request.user, event):
        raise PermissionDenied(_("您没有权限修改这场活动。"))
    campaign = event.item.campaign
    form = _form(request, campaign, instance=event)
    form.fields["item"].disabled = form.fields["org_unit"].disabled = True
    if request.method == "POST" and form.is_valid():
        changes = {
            name: form.cleaned_data[name]
            for name in form.changed_data
            if name in services.EVENT_FIELDS
        }
        event.refresh_from_db()
        try:
            services.update_event(event, request.user, **changes)
        except ValidationError as error:
            show_errors(request, error, form)
        else:
            messages.success(request, _("已保存。"))
            return redirect("events:detail", event_pk=event.pk)
    return render(
        request, "events/event_form.html", {"campaign": campaign, "form": form, "event": event}
    )


@login_required
@require_POST
def event_status(request, event_pk: int):
    event = _event(request, event_pk)
    status = request.POST.get("status")
    if status not in Event.Status.values:
        return redirect("events:detail", event_pk=event.pk)
    try:
        services.set_status(event, request.user, status, request.POST.get("cancel_reason", ""))
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(
            request, _("状态已改为“%(status)s”。") % {"status": event.get_status_display()}
        )
    return redirect("events:detail", event_pk=event.pk)

"""The public side of events (no account, phone first): the campaign landing page, the events
calendar and list, an event's page with registration, the ticket and cancelling by link.

Registration is rate-limited per client address and per mobile number and carries the captcha
of ``core.antiabuse``; the limits are listed below.
"""

from __future__ import annotations

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from qualitymonth.core.antiabuse import Rate
from qualitymonth.events.models import Event
from qualitymonth.registrations import services
from qualitymonth.registrations.models import Registration
from qualitymonth.registrations.tickets import qr_svg

from .event_forms import PublicEventFilter, RegistrationForm
from .queries import between, current_campaign, public_categories, public_events, public_streets

# Registering: 10 attempts an hour from one address (a family, an office or a school shares
# one), 5 a day for one mobile number (a person registers for a few events, not dozens).
REGISTER_PER_ADDRESS = Rate(10, 3600)
REGISTER_PER_MOBILE = Rate(5, 86400)


def home(request):
    """The campaign's landing page: theme, period, what is on today and this week."""
    today = timezone.localdate()
    campaign = current_campaign(today)
    events = public_events()
    monday = today - datetime.timedelta(days=today.weekday())
    context = {
        "campaign": campaign,
        "day_counter": campaign.day_counter(today) if campaign else None,
        "today": today,
        "today_events": list(between(events, today, 1)),
        # The rest of this week, Monday to Sunday as Chinese calendars show it.
        "week_events": list(
            between(events, today + datetime.timedelta(days=1), 6 - today.weekday())
        ),
        "upcoming": list(events.filter(starts_at__gte=timezone.now())[:5]),
        "monday": monday,
    }
    return render(request, "portal/home.html", context)


def event_list(request):
    """Public events of every unit, by street/town, category, online/offline and date: a list
    by day (from the chosen date), or the month's calendar."""
    view = "month" if request.GET.get("view") == "month" else "list"
    filters = PublicEventFilter(
        request.GET or None, streets=public_streets(), categories=public_categories()
    )
    events = filters.apply(public_events())
    today = timezone.localdate()
    day = filters.cleaned_data.get("date") if filters.is_valid() else None
    context = {"filters": filters, "view": view, "day": day or today}
    if view == "month":
        first = (day or today).replace(day=1)
        days_in_month = calendar.monthrange(first.year, first.month)[1]
        by_day: dict[datetime.date, list[Event]] = {}
        for event in between(events, first, days_in_month):
            by_day.setdefault(timezone.localtime(event.starts_at).date(), []).append(event)
        weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
        context.update(
            weeks=[
                [(d, by_day.get(d, []), d.month == first.month) for d in week] for week in weeks
            ],
            month=first,
            previous=(first - datetime.timedelta(days=1)).replace(day=1),
            next=(first + datetime.timedelta(days=32)).replace(day=1),
        )
    else:
        if day:
            listed = between(events, day, 1)
        else:
            start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
            listed = events.filter(starts_at__gte=start)
        groups: dict[datetime.date, list[Event]] = {}
        for event in listed[:200]:
            groups.setdefault(timezone.localtime(event.starts_at).date(), []).append(event)
        context["groups"] = list(groups.items())
    query = request.GET.copy()
    query.pop("view", None)
    context["query"] = query.urlencode()
    return render(request, "portal/event_list.html", context)


def _public_event(pk: int) -> Event:
    return get_object_or_404(public_events(), pk=pk)


def event_detail(request, pk: int):
    """Place, time, organiser, places left, and the registration form while it is open."""
    event = _public_event(pk)
    row = services.settings_of(event)
    now = timezone.now()
    closed = services.closed_reason(row, now)
    form = None
    status = 200
    if row.pk and row.enabled and not closed:
        form = RegistrationForm(request.POST or None, questions=row.questions)
        allowed = request.method == "POST" and form.allowed(
            request, "registration.submit", REGISTER_PER_ADDRESS, REGISTER_PER_MOBILE
        )
        if allowed:
            try:
                registration = services.register(
                    event,
                    services.Applicant(
                        name=form.cleaned_data["name"],
                        mobile=form.cleaned_data["mobile"],
                        answers=form.answers(),
                    ),
                )
                return redirect("portal:ticket", token=registration.token)
            except ValidationError as error:
                form.refuse(error)
        status = form.status
    left = services.places_left(row, event.confirmed_count) if row.pk and row.enabled else None
    return render(
        request,
        "portal/event_detail.html",
        {
            "event": event,
            "settings": row if row.pk and row.enabled else None,
            "closed": closed if row.pk and row.enabled else "",
            "places_left": left,
            "form": form,
            "full": left == 0,
        },
        status=status,
    )


def _registration(token: str) -> Registration:
    registration = (
        Registration.objects.select_related("event__org_unit", "event__street_town")
        .filter(token=token)
        .first()
    )
    if registration is None:
        raise Http404(_("电子票不存在，请核对链接。"))
    return registration


def ticket(request, token: str):
    """The person's ticket: status (waiting list place), code and QR, and the cancel link."""
    registration = _registration(token)
    event = registration.event
    return render(
        request,
        "portal/ticket.html",
        {
            "registration": registration,
            "event": event,
            "waiting_place": services.waiting_place(registration),
            "qr": qr_svg(registration.code)
            if registration.status == Registration.Status.CONFIRMED
            else None,
            "cancel_token": services.cancel_link_token(registration)
            if registration.is_active and timezone.now() < event.starts_at
            else None,
        },
    )


def ticket_cancel(request, signed: str):
    """Cancel through the link: a confirmation page, then the cancellation."""
    try:
        registration = services.registration_for_cancel_link(signed)
    except ValidationError as error:
        return render(
            request, "portal/ticket_cancel.html", {"problem": error.messages[0]}, status=400
        )
    problem = ""
    if request.method == "POST":
        try:
            registration = services.cancel_by_link(signed)
        except ValidationError as error:
            problem = error.messages[0]
        else:
            return redirect("portal:ticket", token=registration.token)
    elif registration.status == Registration.Status.CANCELLED:
        problem = _("这条报名已经取消，无需再次操作。")
    elif timezone.now() >= registration.event.starts_at:
        problem = _("活动已开始，不能再在线取消报名。")
    return render(
        request,
        "portal/ticket_cancel.html",
        {"registration": registration, "event": registration.event, "problem": problem},
        status=400 if problem else 200,
    )

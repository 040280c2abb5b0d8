"""The organiser's side: registration settings, the list (masked), check-in by scanning the
ticket's QR with the phone camera, by typing the code or in bulk, and the .xlsx export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qualitymonth.core.downloads import xlsx_response
from qualitymonth.core.feedback import show_errors
from qualitymonth.core.privacy import mask_name
from qualitymonth.core.xlsx import write_table
from qualitymonth.events.models import Event

from . import queries, services
from .forms import CheckInForm, SettingsForm


def _event(request, event_pk: int) -> Event:
    event = get_object_or_404(
        Event.objects.select_related("item__campaign__org_unit", "org_unit"), pk=event_pk
    )
    if not services.may_organise(request.user, event):
        raise PermissionDenied(_("您没有权限管理这场活动的报名和签到。"))
    return event


@login_required
def manage(request, event_pk: int):
    event = _event(request, event_pk)
    row = services.settings_of(event)
    form = SettingsForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        try:
            services.configure(event, request.user, **form.changes())
        except ValidationError as error:
            show_errors(request, error, form)
        else:
            messages.success(request, _("报名设置已保存。"))
            return redirect("registrations:manage", event_pk=event.pk)
    registrations = queries.registrations_of(event)
    return render(
        request,
        "registrations/manage.html",
        {
            "event": event,
            "form": form,
            "settings": row,
            "counts": queries.counts(event),
            "rows": queries.masked_rows(registrations),
            "sms": queries.sms_of(event)[:20],
            "public_url": request.build_absolute_uri(f"/portal/events/{event.pk}/"),
        },
    )


@login_required
def checkin(request, event_pk: int):
    """Scan or type a ticket's code. The camera page posts codes with fetch and gets JSON back;
    without JavaScript the form posts and the page shows the result."""
    event = _event(request, event_pk)
    form = CheckInForm(request.POST or None)
    result = None
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    if request.method == "POST" and form.is_valid():
        method = "scan" if request.POST.get("method") == "scan" else "code"
        try:
            done = services.check_in(event, request.user, form.cleaned_data["code"], method=method)
        except ValidationError as error:
            result = {"ok": False, "message": error.messages[0]}
        else:
            registration = done.registration
            name = mask_name(registration.name)
            if done.already:
                at = timezone.localtime(registration.checked_in_at).strftime("%H:%M")
                text = _("%(name)s（%(code)s）已于 %(at)s 签到过。") % {
                    "name": name,
                    "code": registration.code,
                    "at": at,
                }
            else:
                text = _("签到成功：%(name)s（%(code)s）") % {
                    "name": name,
                    "code": registration.code,
                }
            result = {"ok": True, "already": done.already, "message": text}
        if wants_json:
            result["checked_in"] = queries.counts(event)["checked_in"]
            return JsonResponse(result, status=200 if result["ok"] else 409)
        form = CheckInForm()
    elif request.method == "POST" and wants_json:
        return JsonResponse({"ok": False, "message": _("请输入签到码。")}, status=400)
    return render(
        request,
        "registrations/checkin.html",
        {"event": event, "form": form, "result": result, "counts": queries.counts(event)},
    )


@login_required
@require_POST
def checkin_many(request, event_pk: int):
    event = _event(request, event_pk)
    count = services.check_in_many(event, request.user, request.POST.getlist("registration"))
    messages.success(request, _("已为 %(n)s 人签到。") % {"n": count})
    return redirect("registrations:manage", event_pk=event.pk)


@login_required
def export(request, event_pk: int):
    """The list as .xlsx, names and mobile numbers masked (138****1234)."""
    event = _event(request, event_pk)
    registrations = list(queries.registrations_of(event))
    labels: list[str] = []
    for registration in registrations:
        for label in registration.answers:
            if label not in labels:
                labels.append(label)
    rows = [
        [
            registration.position,
            row["name"],
            row["mobile"],
            registration.get_status_display(),
            registration.code,
            timezone.localtime(registration.created_at).strftime("%Y-%m-%d %H:%M"),
            timezone.localtime(registration.checked_in_at).strftime("%Y-%m-%d %H:%M")
            if registration.checked_in_at
            else "",
            *[registration.answers.get(label, "") for label in labels],
        ]
        for row in queries.masked_rows(registrations)
        for registration in [row["registration"]]
    ]
    data = write_table(
        ["序号", "姓名", "手机号码", "状态", "签到码", "报名时间", "签到时间", *labels],
        rows,
        title="报名名单",
        notes=[f"{event.title}（{timezone.localtime(event.starts_at):%Y-%m-%d %H:%M}）"],
    )
    return xlsx_response(data, f"报名名单-{event.title}.xlsx")

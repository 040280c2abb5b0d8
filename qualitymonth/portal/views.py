"""The public side (no account, phone first): file a case, see its tracking number, follow it.

Every form here is rate-limited per client address and per mobile number and carries the
captcha of ``core.antiabuse``; the limits are listed below.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from qualitymonth.cases import services
from qualitymonth.cases.legal import CHANNELS_12315
from qualitymonth.cases.models import CaseKind
from qualitymonth.cases.queries import find_case, intake_units
from qualitymonth.core.antiabuse import Rate, RateLimited, limit_address

from .forms import KIND_HELP, CaseForm, FollowForm

# Filing: 10 attempts an hour from one address (a family or an office shares one), 5 cases a
# day for one mobile number. Following: 30 look-ups an hour from one address, enough for a
# person, too few to guess tracking numbers and mobile numbers in bulk.
CASE_SUBMIT_PER_ADDRESS = Rate(10, 3600)
CASE_SUBMIT_PER_MOBILE = Rate(5, 86400)
CASE_FOLLOW_PER_ADDRESS = Rate(30, 3600)

SESSION_KEY = "portal_case_tracking_number"


def case_kinds(request):
    """Choose what to file: 咨询 / 投诉 / 举报 / 检测鉴定."""
    kinds = [(value, label, KIND_HELP[value]) for value, label in CaseKind.choices]
    return render(request, "portal/case_kinds.html", {"kinds": kinds})


def case_new(request, kind: str):
    if kind not in CaseKind.values:
        return redirect("portal:case_kinds")
    units = intake_units()
    if not units.exists():
        return render(request, "portal/case_closed.html", status=503)
    form = CaseForm(request.POST or None, request.FILES or None, kind=kind, units=units)
    allowed = request.method == "POST" and form.allowed(
        request, "case.submit", CASE_SUBMIT_PER_ADDRESS, CASE_SUBMIT_PER_MOBILE
    )
    if allowed:
        try:
            case = services.submit_case(_case_input(kind, form.cleaned_data))
            request.session[SESSION_KEY] = case.tracking_number
            return redirect("portal:case_submitted")
        except ValidationError as error:
            form.refuse(error)
    return render(
        request,
        "portal/case_new.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": CaseKind(kind).label,
            "help": KIND_HELP[kind],
            # Complaints and reports are handled in 12315 (第八条, 第四十条): say so, and where
            # the citizen can reach it directly.
            "channels_12315": (
                CHANNELS_12315 if kind in (CaseKind.COMPLAINT, CaseKind.REPORT) else None
            ),
        },
        status=form.status,
    )


def _case_input(kind: str, data: dict) -> services.CaseInput:
    def uploads(files):
        return [services.Upload(name=f.name, data=f.read()) for f in files]

    return services.CaseInput(
        kind=kind,
        org_unit=data["org_unit"],
        subject=data["subject"],
        business_name=data["business_name"],
        business_address=data["business_address"],
        description=data["description"],
        contact_name=data["contact_name"],
        mobile=data["mobile"],
        id_number=data["id_number"],
        photos=uploads(data["photos"]),
        files=uploads(data["files"]),
    )


def case_submitted(request):
    """The tracking number, shown once after filing (kept in the filer's session only)."""
    tracking_number = request.session.get(SESSION_KEY)
    if not tracking_number:
        return redirect("portal:case_follow")
    return render(request, "portal/case_submitted.html", {"tracking_number": tracking_number})


def case_follow(request):
    """Tracking number plus mobile number: the case's status and public steps. Any wrong pair
    gets the same answer, so the page tells nothing about other people's cases."""
    initial = {"tracking_number": request.GET.get("number", "")}
    form = FollowForm(request.POST or None, initial=initial)
    case = None
    status = 200
    if request.method == "POST":
        try:
            limit_address(request, "case.follow", CASE_FOLLOW_PER_ADDRESS)
        except RateLimited as limited:
            form.add_error(None, limited.message)
            status = 429
        else:
            if form.is_valid():
                case = find_case(form.cleaned_data["tracking_number"], form.cleaned_data["mobile"])
                if case is None:
                    # A plain answer (200), not an error page: "no match" is what was asked.
                    form.add_error(
                        None, _("受理编号与手机号码不匹配，或编号不存在。请核对后重试。")
                    )
    return render(request, "portal/case_follow.html", {"form": form, "case": case}, status=status)

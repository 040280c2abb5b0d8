"""Reads of cases: who handles them, the staff's list with its clocks, the citizen's lookup."""

from __future__ import annotations

import datetime
import hmac
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet

from qualitymonth.accounts.models import Duty, Membership, Role, User
from qualitymonth.accounts.scope import scope_of
from qualitymonth.core.workdays import CalendarUnknown, add_working_days
from qualitymonth.orgs.models import OrgUnit

from . import clock
from .models import Case, CaseDeadline, CaseKind, CaseStep, ClockPause


def _service_staff_with_cases_duty() -> QuerySet[Membership]:
    # JSON "contains" is not supported on SQLite; the duty lists are short, so filter in Python.
    return Membership.objects.filter(role=Role.SERVICE_STAFF).select_related("org_unit", "user")


def case_staff(unit: OrgUnit) -> list[User]:
    """The people who may handle the unit's cases: its (or an ancestor's) service staff with
    the 咨询投诉举报 duty; the campaign admins only when there are none."""
    ancestors = set(unit.ancestor_ids) | {unit.pk}
    staff = [
        m.user
        for m in _service_staff_with_cases_duty().filter(org_unit_id__in=ancestors)
        if Duty.CASES in (m.duties or []) and m.reaches(unit) and m.user.is_active
    ]
    if staff:
        return staff
    admins = Membership.objects.filter(
        role=Role.CAMPAIGN_ADMIN, org_unit_id__in=ancestors
    ).select_related("org_unit", "user")
    return [m.user for m in admins if m.reaches(unit) and m.user.is_active]


def handler_choices(unit: OrgUnit) -> list[User]:
    """Everyone a case of ``unit`` can be assigned to: case staff and admins above it."""
    ancestors = set(unit.ancestor_ids) | {unit.pk}
    people: dict[int, User] = {}
    memberships = Membership.objects.filter(
        org_unit_id__in=ancestors, role__in=[Role.SERVICE_STAFF, Role.CAMPAIGN_ADMIN]
    ).select_related("org_unit", "user")
    for m in memberships:
        if not m.reaches(unit) or not m.user.is_active:
            continue
        if m.role == Role.SERVICE_STAFF and Duty.CASES not in (m.duties or []):
            continue
        people[m.user.pk] = m.user
    return sorted(people.values(), key=lambda user: user.pinyin)


def intake_units() -> QuerySet[OrgUnit]:
    """The units that take cases from the public: those with case staff of their own."""
    ids = {
        m.org_unit_id
        for m in _service_staff_with_cases_duty()
        if Duty.CASES in (m.duties or []) and m.user.is_active
    }
    return OrgUnit.objects.filter(pk__in=ids).order_by("pinyin")


# The staff's list --------------------------------------------------------------------------


def visible_cases(user) -> QuerySet[Case]:
    return Case.objects.filter(org_unit__in=scope_of(user).units("case.handle"))


@dataclass
class CaseFilters:
    kind: str = ""
    status: str = ""  # "" = open ones, "all", or a Case.Status
    clock: str = ""  # "" | "near" | "over"
    mine: bool = False
    q: str = ""
    lacking_12315: bool = False  # complaints and reports not yet registered in 12315


def case_list(user, filters: CaseFilters, today: datetime.date) -> QuerySet[Case]:
    """The cases the user may handle, filtered, with their running deadlines prefetched."""
    cases = visible_cases(user).select_related("org_unit", "handler")
    if filters.kind:
        cases = cases.filter(kind=filters.kind)
    if filters.status == "all":
        pass
    elif filters.status:
        cases = cases.filter(status=filters.status)
    else:
        cases = cases.filter(status__in=Case.OPEN_STATUSES)
    if filters.mine:
        cases = cases.filter(handler=user)
    if filters.q.strip():
        q = filters.q.strip()
        cases = cases.filter(
            Q(tracking_number__icontains=q)
            | Q(number_12315__icontains=q.replace(" ", ""))
            | Q(subject__icontains=q)
            | Q(business_name__icontains=q)
        )
    if filters.lacking_12315:
        cases = lacking_12315(cases)
    if filters.clock:
        running = CaseDeadline.objects.filter(
            met_at=None, cancelled=False, due_on__isnull=False, paused_since__isnull=True
        )
        if filters.clock == "over":
            running = running.filter(due_on__lt=today)
        else:  # near or over: at most the warning's working days left
            try:
                limit = add_working_days(today, clock.warn_days())
            except CalendarUnknown:
                limit = today
            running = running.filter(due_on__lte=limit)
        cases = cases.filter(status__in=Case.OPEN_STATUSES, pk__in=running.values("case_id"))
    return cases.prefetch_related(deadlines_prefetch()).order_by("-received_at", "-id")


def lacking_12315(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The complaints and reports among ``cases`` that carry no 12315 工单号 yet."""
    return cases.filter(kind__in=[CaseKind.COMPLAINT, CaseKind.REPORT], number_12315="")


def deadlines_prefetch() -> Prefetch:
    """A case's deadlines, soonest first, each with its open pause (the clock shows why)."""
    return Prefetch(
        "deadlines",
        queryset=CaseDeadline.objects.order_by("due_on", "id").prefetch_related(
            Prefetch("pauses", ClockPause.objects.filter(ended_on=None), to_attr="open_pauses")
        ),
        to_attr="all_deadlines",
    )


def clocks_of(case: Case, today: datetime.date) -> list[clock.Clock]:
    """The running limits of a case, soonest first (uses the prefetched deadlines)."""
    if not case.is_open:
        return []
    deadlines = getattr(case, "all_deadlines", None)
    if deadlines is None:
        fetched = Case.objects.filter(pk=case.pk).prefetch_related(deadlines_prefetch()).get()
        deadlines = fetched.all_deadlines
    warn = clock.warn_days()
    return [clock.clock_of(d, today, warn) for d in deadlines if d.running]


def earlier_reports(case: Case, user) -> QuerySet[Case]:
    """Reports the same reporter (same mobile or ID number) filed before this one, among those
    the user may handle: what a repeated report may be merged into (第三十五条)."""
    if case.kind != CaseKind.REPORT:
        return Case.objects.none()
    same = Q(mobile=case.mobile) if case.mobile else Q(pk__in=[])
    if case.id_number:
        same |= Q(id_number=case.id_number)
    return (
        visible_cases(user)
        .filter(same, kind=CaseKind.REPORT, received_at__lte=case.received_at)
        .exclude(pk=case.pk)
        .order_by("-received_at")
    )


# The citizen's lookup ----------------------------------------------------------------------


def find_case(tracking_number: str, mobile: str) -> Case | None:
    """The case with this tracking number *and* this mobile number, or None for any mismatch:
    a wrong pair tells nothing about whether the number exists."""
    tracking_number = (tracking_number or "").strip().upper()
    digits = "".join(ch for ch in mobile or "" if ch.isdigit())
    if not tracking_number or not digits:
        return None
    case = (
        Case.objects.filter(tracking_number=tracking_number)
        .select_related("org_unit")
        .prefetch_related(
            Prefetch("steps", queryset=CaseStep.objects.filter(public=True), to_attr="public_steps")
        )
        .first()
    )
    if case is None:
        return None
    stored = "".join(ch for ch in case.mobile if ch.isdigit())
    if not hmac.compare_digest(stored, digits):
        return None
    return case

"""Who may do what: the one place that decides a user's scope.

A scope speaks in org units and actions. Features map their objects to the org unit that owns
them (a campaign to its organisation) and ask here; no view decides permissions by itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from qualitymonth.orgs.models import OrgUnit

from .models import Duty, Membership, Role

# Which roles allow which actions on an org unit and everything below it. Features name the
# action and the org unit that owns the object; nothing else decides permissions.
ACTION_ROLES: dict[str, set[str]] = {
    # import, edit and publish campaigns; assign items to units
    "campaign.admin": {Role.CAMPAIGN_ADMIN},
    "campaign.view": set(Role.values),
    # the organisation tree and its .xlsx import/export
    "org.manage": {Role.CAMPAIGN_ADMIN},
    # a unit's page and data: everyone at or above the unit
    "org.view": set(Role.values),
    # people: create, import, reset passwords, deactivate, give roles
    "people.manage": {Role.CAMPAIGN_ADMIN},
    # the audit log of changes to things owned by a unit
    "audit.view": {Role.CAMPAIGN_ADMIN},
    # a unit's own work: its tasks, events and reports
    "unit.report": {Role.REPORTER},
    "report.review": {Role.REVIEWER, Role.CAMPAIGN_ADMIN},
    # the dashboard of a campaign, or of every district under a city, and its exports
    "dashboard.view": {Role.CAMPAIGN_ADMIN, Role.REVIEWER, Role.CITY_VIEWER},
    # compile a city's 工作总结 across its districts (a district's own is campaign.admin)
    "summary.compile": {Role.CAMPAIGN_ADMIN, Role.CITY_VIEWER},
    # handle consultations, complaints and reports (咨询投诉举报) and see their contact details
    "case.handle": {Role.SERVICE_STAFF, Role.CAMPAIGN_ADMIN},
    # send a district campaign's upward package (上报包) to the city
    "upward.send": {Role.CAMPAIGN_ADMIN},
    # receive districts' upward packages at a city (asked of a city unit)
    "upward.receive": {Role.CITY_VIEWER, Role.CAMPAIGN_ADMIN},
    # question banks, quizzes and contests of a unit (its items' organisers), and their rankings
    "quiz.manage": {Role.CAMPAIGN_ADMIN, Role.REPORTER},
}

# Actions a role allows only to the people of that role holding a named duty (业务人员 职责).
ACTION_DUTIES: dict[str, dict[str, str]] = {
    "case.handle": {Role.SERVICE_STAFF: Duty.CASES},
}


@dataclass
class Scope:
    user: object

    @property
    def is_superuser(self) -> bool:
        return bool(getattr(self.user, "is_superuser", False))

    @cached_property
    def memberships(self) -> list[Membership]:
        if not getattr(self.user, "is_authenticated", False):
            return []
        return list(Membership.objects.filter(user=self.user).select_related("org_unit"))

    @cached_property
    def roles(self) -> list[str]:
        return sorted({m.role for m in self.memberships}, key=Role.values.index)

    def role_label(self) -> str:
        """The user's main role, for the page header: "区级管理员 · 浦东新区"."""
        if self.is_superuser and not self.memberships:
            return "系统管理员"
        if not self.memberships:
            return ""
        main = min(self.memberships, key=lambda m: Role.values.index(m.role))
        return f"{main.get_role_display()} · {main.org_unit.short_name or main.org_unit.name}"

    def _memberships_for(self, action: str) -> list[Membership]:
        roles = ACTION_ROLES[action]
        duties = ACTION_DUTIES.get(action, {})
        return [
            m
            for m in self.memberships
            if m.role in roles and (m.role not in duties or duties[m.role] in m.duties)
        ]

    def _units_for(self, action: str) -> list[OrgUnit]:
        return [m.org_unit for m in self._memberships_for(action)]

    def can(self, action: str, org_unit: OrgUnit) -> bool:
        """May the user take ``action`` on something owned by ``org_unit``?"""
        if self.is_superuser:
            return True
        return any(m.reaches(org_unit) for m in self._memberships_for(action))

    def anywhere(self, action: str) -> bool:
        """May the user take ``action`` on something, somewhere (for the navigation)?"""
        return self.is_superuser or bool(self._memberships_for(action))

    def require(self, action: str, org_unit: OrgUnit) -> None:
        if not self.can(action, org_unit):
            raise PermissionDenied("您没有权限进行此操作。")

    def require_import_for(self, district: OrgUnit) -> None:
        """Writing a district's rows from its upward package, on behalf of its city: the
        services that do (orgs, campaigns, events, reports, summaries) ask ``upward.receive``
        of the district's city. Asked of the district, it would pass its own admin, who holds
        that action on it too."""
        city = district.parent
        if city is None or not self.can("upward.receive", city):
            raise PermissionDenied("只有市级用户可以导入区级上报包。")

    def units(self, action: str) -> QuerySet[OrgUnit]:
        """The org units (with their sub-units) where the user may take ``action``."""
        if self.is_superuser:
            return OrgUnit.objects.all()
        condition = Q(pk__in=[])
        for membership in self._memberships_for(action):
            condition |= membership.reach()
        return OrgUnit.objects.filter(condition)

    def campaign_org_filter(self) -> Q:
        """Org units whose published campaigns the user sees: above and below their own units.

        A street's reporter sees the district's campaign; a city viewer sees every district's.
        """
        if self.is_superuser:
            return Q()
        ancestor_ids: set[int] = set()
        below = Q(pk__in=[])
        for membership in self._memberships_for("campaign.view"):
            ancestor_ids.update(membership.org_unit.ancestor_ids)
            below |= membership.reach()
        return Q(pk__in=ancestor_ids) | below


def scope_of(user) -> Scope:
    """The user's scope, computed once per request (kept on the user object)."""
    scope = getattr(user, "_qualitymonth_scope", None)
    if scope is None:
        scope = user._qualitymonth_scope = Scope(user)
    return scope

from django.db.models import Prefetch, Q, QuerySet

from qualitymonth.orgs.models import OrgUnit

from .models import Membership, User
from .scope import scope_of


def roles_in_scope(by) -> QuerySet[Membership]:
    """The roles held in the admin's units: all an admin sees of a person who also serves
    elsewhere (another district's roles are that district's business)."""
    return (
        Membership.objects.filter(org_unit__in=scope_of(by).units("people.manage"))
        .select_related("org_unit")
        .order_by("org_unit__path", "role")
    )


def people_in_scope(
    by, *, q: str = "", org_unit: OrgUnit | None = None, role: str = ""
) -> QuerySet[User]:
    """People with a role in the admin's units, with those roles (``visible_roles``), in
    pinyin order."""
    units = scope_of(by).units("people.manage")
    if org_unit is not None:
        units = units.filter(path__startswith=org_unit.path)
    memberships = Membership.objects.filter(org_unit__in=units)
    if role:
        memberships = memberships.filter(role=role)
    people = User.objects.filter(pk__in=memberships.values("user_id"))
    if q:
        people = people.filter(
            Q(full_name__icontains=q) | Q(username__icontains=q) | Q(phone__contains=q)
        )
    return people.prefetch_related(
        Prefetch("memberships", queryset=roles_in_scope(by), to_attr="visible_roles")
    ).order_by("pinyin", "username")

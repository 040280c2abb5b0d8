"""Changes to people and their roles. Each checks the admin may make it, saves in one
transaction and writes the audit entry, filed under the unit concerned."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from qualitymonth.core import audit
from qualitymonth.core.notifications import notify
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.orgs.validators import check_phone

from . import lockout
from .models import Duty, Membership, Role, User
from .scope import scope_of

PERSON_FIELDS = ["username", "full_name", "phone", "email", "is_active"]
# No 0/O, 1/l/I: initial passwords are read out over the phone and typed by hand.
_PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"


def temporary_password() -> str:
    """A strong password for a first log-in: three groups of four, e.g. "Kp7m-x9Tq-R3wz"."""
    while True:
        groups = ["".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(4)) for _ in range(3)]
        password = "-".join(groups)
        if any(c.isdigit() for c in password) and any(c.isupper() for c in password):
            return password


def can_manage(by, person: User) -> bool:
    """An admin manages a person whose every role lies within the admin's units.

    A person with a role elsewhere (another district, the city) is managed there, so nobody
    resets the password of someone above or beside them.
    """
    scope = scope_of(by)
    if scope.is_superuser:
        return True
    memberships = list(person.memberships.select_related("org_unit"))
    return bool(memberships) and all(scope.can("people.manage", m.org_unit) for m in memberships)


def require_manage(by, person: User) -> None:
    if not can_manage(by, person):
        raise PermissionDenied("您没有权限管理这个人员。")


def validate_person_fields(*, username: str, phone: str, exclude: User | None = None) -> None:
    errors = {}
    taken = User.objects.filter(username__iexact=username)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        errors["username"] = f"用户名“{username}”已被使用。"
    if phone and (problem := check_phone(phone)):
        errors["phone"] = problem
    if errors:
        raise ValidationError(errors)


def _snapshot(person: User) -> dict:
    return audit.snapshot(person, PERSON_FIELDS)


def create_person(
    by,
    *,
    username: str,
    full_name: str,
    org_unit: OrgUnit,
    role: str,
    phone: str = "",
    email: str = "",
    duties: Iterable[str] = (),
    covers_sub_units: bool = False,
    password: str | None = None,
) -> tuple[User, str]:
    """Create a person with one role and a temporary password to change at first log-in, or
    with ``password``, one the person already knows (the demo's published one), kept as is.

    Returns the person and the password, which is shown to the admin once and kept nowhere.
    """
    scope_of(by).require("people.manage", org_unit)
    validate_person_fields(username=username, phone=phone)
    known = password is not None
    password = password if known else temporary_password()
    with transaction.atomic():
        person = User.objects.create_user(
            username,
            email=email,
            password=password,
            full_name=full_name,
            phone=phone,
            must_change_password=not known,
        )
        Membership.objects.create(
            user=person,
            org_unit=org_unit,
            role=role,
            duties=_duties(role, duties),
            covers_sub_units=_covers(role, covers_sub_units),
        )
        audit.record(
            by,
            "person.created",
            person,
            after={**_snapshot(person), "role": role},
            org_unit=org_unit,
        )
    return person, password


def _duties(role: str, duties: Iterable[str]) -> list[str]:
    """Only service staff carry duties; unknown duty names are refused."""
    duties = list(dict.fromkeys(duties))
    unknown = [duty for duty in duties if duty not in Duty.values]
    if unknown:
        raise ValidationError(f"未知的职责：{'、'.join(unknown)}")
    return duties if role == Role.SERVICE_STAFF else []


def _covers(role: str, covers_sub_units: bool) -> bool:
    """Only a reporter's role may stop at its own unit; every other role reaches below."""
    return covers_sub_units if role == Role.REPORTER else True


def update_person(person: User, by, **changes) -> User:
    require_manage(by, person)
    unknown = set(changes) - {"username", "full_name", "phone", "email"}
    if unknown:
        raise ValueError(f"not person fields: {sorted(unknown)}")
    validate_person_fields(
        username=changes.get("username", person.username),
        phone=changes.get("phone", person.phone),
        exclude=person,
    )
    with transaction.atomic():
        before = _snapshot(person)
        for key, value in changes.items():
            setattr(person, key, value)
        person.save()
        old, new = audit.changes(before, _snapshot(person))
        if new:
            audit.record(
                by, "person.updated", person, before=old, after=new, org_unit=_home(person)
            )
    return person


def _home(person: User) -> OrgUnit | None:
    membership = person.memberships.select_related("org_unit").first()
    return membership.org_unit if membership else None


def add_membership(
    person: User,
    by,
    *,
    org_unit: OrgUnit,
    role: str,
    duties: Iterable[str] = (),
    covers_sub_units: bool = False,
) -> Membership:
    """Give a person a role in one more unit (people often serve two)."""
    require_manage(by, person)
    scope_of(by).require("people.manage", org_unit)
    with transaction.atomic():
        membership, created = Membership.objects.get_or_create(
            user=person,
            org_unit=org_unit,
            role=role,
            defaults={
                "duties": _duties(role, duties),
                "covers_sub_units": _covers(role, covers_sub_units),
            },
        )
        if not created and membership.duties != _duties(role, duties):
            before = {"duties": membership.duties}
            membership.duties = _duties(role, duties)
            membership.save(update_fields=["duties"])
            audit.record(
                by,
                "person.duties_changed",
                person,
                before=before,
                after={"duties": membership.duties},
                org_unit=org_unit,
            )
        elif created:
            audit.record(
                by,
                "person.role_added",
                person,
                org_unit=org_unit,
                after={"unit": org_unit.name, "role": role, "duties": membership.duties},
            )
    return membership


def remove_membership(membership: Membership, by) -> None:
    person = membership.user
    require_manage(by, person)
    if person.memberships.count() == 1:
        raise ValidationError("这是此人唯一的角色。如不再使用，请停用账号。")
    with transaction.atomic():
        audit.record(
            by,
            "person.role_removed",
            person,
            org_unit=membership.org_unit,
            before={"unit": membership.org_unit.name, "role": membership.role},
        )
        membership.delete()


def reset_password(person: User, by) -> str:
    """A new temporary password, shown once to the admin; the person changes it at log-in."""
    require_manage(by, person)
    password = temporary_password()
    with transaction.atomic():
        person.set_password(password)
        person.must_change_password = True
        person.save(update_fields=["password", "must_change_password"])
        audit.record(by, "person.password_reset", person, org_unit=_home(person))
    notify(
        [person],
        "password_reset",
        "您的密码已被管理员重置",
        body=f"管理员 {by.display_name} 重置了您的登录密码。请用新密码登录后立即修改。"
        "如非本人申请，请联系管理员。",
    )
    return password


def set_active(person: User, by, active: bool) -> User:
    """Deactivate (or reactivate) an account; a deactivated person cannot log in, and what
    they reported stays."""
    require_manage(by, person)
    if person.pk == by.pk and not active:
        raise ValidationError("不能停用自己的账号。")
    with transaction.atomic():
        before = {"is_active": person.is_active}
        person.is_active = active
        person.save(update_fields=["is_active"])
        audit.record(
            by,
            "person.activated" if active else "person.deactivated",
            person,
            before=before,
            after={"is_active": active},
            org_unit=_home(person),
        )
    return person


def unlock_login(person: User, by) -> None:
    """Lift a person's login locks, per account and per address, before they lift by
    themselves (``accounts/lockout.py``): the admin has checked it is the person asking."""
    require_manage(by, person)
    status = lockout.lock_status(person.username)
    if status is None:
        raise ValidationError("此人的登录没有被锁定。")
    with transaction.atomic():
        lockout.unlock(person.username)
        audit.record(
            by, "person.login_unlocked", person, before=status.as_dict(), org_unit=_home(person)
        )


def password_changed(person: User) -> None:
    """The person set their own password: the temporary one is gone."""
    with transaction.atomic():
        if person.must_change_password:
            person.must_change_password = False
            person.save(update_fields=["must_change_password"])
        audit.record(person, "person.password_changed", person, org_unit=_home(person))

"""The login lockout: two limits, both counted in the database so every app server sees them.

Per username and address (django-axes)
    5 failed passwords for one username from one address lock that pair for 30 minutes
    (``AXES_*`` in settings.py).
Per account (here)
    ``ACCOUNT_LOCKOUT_FAILURES`` (20) failed passwords for one username from any addresses
    within ``ACCOUNT_LOCKOUT_WINDOW`` (an hour) lock that username for ``ACCOUNT_LOCKOUT_TIME``
    (an hour), wherever the next try comes from: guessing from many addresses stops there.

A per-account lock would let anyone lock a person out by typing wrong passwords under their
name. So a browser the person has logged in from before (a signed cookie naming the account,
tied to its current password) is not held by it, only by the per-address limit; the lock lifts
by itself; the login page says when and whom to ask; the person's admin lifts it early from
the person page (audited), and ``qualitymonth axes_reset_username NAME`` lifts both locks.
Tries refused while locked are not counted, so they neither extend a lock nor start a new one;
a successful log-in does not clear the account's count either, or the person's own log-ins
would wipe out the record of someone guessing elsewhere (axes still clears its per-address one).

``LockoutHandler`` is axes' database handler with the per-account limit added
(``AXES_HANDLER``); ``lockout_response`` is the page a locked-out person sees
(``AXES_LOCKOUT_CALLABLE``).
"""

from __future__ import annotations

import datetime
import json
import math
from dataclasses import dataclass

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core import signing
from django.db import transaction
from django.db.models import Max, Q
from django.shortcuts import render
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from qualitymonth.core import audit

from .models import LoginLock, User

LOGIN_TEMPLATE = "accounts/login.html"
KNOWN_BROWSER_COOKIE = "qm_known_browser"
KNOWN_BROWSER_DAYS = 180
KNOWN_BROWSER_ACCOUNTS = 5  # a shared office PC remembers its last few people
_SALT = "qualitymonth.accounts.lockout.known-browser"


# The per-account count ----------------------------------------------------------------------


def account_locked_until(username: str, now: datetime.datetime | None = None):
    """When the per-account lock of ``username`` lifts, or None when it is not locked."""
    now = now or timezone.now()
    return (
        LoginLock.objects.filter(username=username, locked_until__gt=now)
        .values_list("locked_until", flat=True)
        .first()
    )


def count_failure(username: str, now: datetime.datetime) -> LoginLock:
    """Count one failed password for ``username``; lock it when this one reaches the limit.

    The row is locked while counting, so failures arriving at the same moment on several app
    servers are each counted once.
    """
    window = settings.ACCOUNT_LOCKOUT_WINDOW
    with transaction.atomic():
        # Rows whose window has passed and whose lock has lifted tell nothing any more.
        LoginLock.objects.filter(window_started_at__lte=now - window).filter(
            Q(locked_until__isnull=True) | Q(locked_until__lte=now)
        ).exclude(username=username).delete()
        row, _created = LoginLock.objects.select_for_update().get_or_create(
            username=username, defaults={"window_started_at": now}
        )
        # A wrong password during the lock comes from a known browser: counted, the lock stands.
        locked = row.locked_until is not None and row.locked_until > now
        if not locked and (row.window_started_at <= now - window or row.locked_until):
            # A new window: the last one passed, or its lock has lifted.
            row.failures, row.window_started_at, row.locked_until = 0, now, None
        row.failures += 1
        if not locked and row.failures >= settings.ACCOUNT_LOCKOUT_FAILURES:
            row.locked_until = now + settings.ACCOUNT_LOCKOUT_TIME
            _audit_lock(row)
        row.save()
    return row


def _audit_lock(row: LoginLock) -> None:
    person = User.objects.filter(username=row.username).first()
    if person is None:
        return
    membership = person.memberships.select_related("org_unit").first()
    audit.record(
        None,
        "person.login_locked",
        person,
        after={"failures": row.failures, "locked_until": _when(row.locked_until)},
        org_unit=membership.org_unit if membership else None,
    )


# Known browsers -----------------------------------------------------------------------------


def _fingerprint(user: User) -> str:
    """Changes with the password, so a reset forgets every browser the account used."""
    return user.get_session_auth_hash()[:20]


def _known_accounts(request) -> dict[str, str]:
    try:
        value = request.get_signed_cookie(
            KNOWN_BROWSER_COOKIE, salt=_SALT, max_age=datetime.timedelta(days=KNOWN_BROWSER_DAYS)
        )
        accounts = json.loads(value)
    except (KeyError, signing.BadSignature, ValueError):
        return {}
    return accounts if isinstance(accounts, dict) else {}


def known_browser(request, username: str) -> bool:
    """Has the account ``username`` logged in from this browser, with its current password?"""
    fingerprint = _known_accounts(request).get(username)
    if not fingerprint:
        return False
    user = User.objects.filter(username=username, is_active=True).first()
    return user is not None and constant_time_compare(fingerprint, _fingerprint(user))


def remember_browser(request, response, user: User) -> None:
    """After a log-in or a password change: this browser is one the person uses."""
    accounts = _known_accounts(request)
    accounts.pop(user.get_username(), None)
    accounts[user.get_username()] = _fingerprint(user)
    kept = dict(list(accounts.items())[-KNOWN_BROWSER_ACCOUNTS:])
    response.set_signed_cookie(
        KNOWN_BROWSER_COOKIE,
        json.dumps(kept, separators=(",", ":")),
        salt=_SALT,
        max_age=KNOWN_BROWSER_DAYS * 86400,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def account_lock_holding(request, credentials) -> datetime.datetime | None:
    """Until when the per-account lock holds this login (None in a known browser)."""
    username = get_client_username(request, credentials)
    if not username:
        return None
    until = account_locked_until(username)
    if until is None or known_browser(request, username):
        return None
    return until


# Axes ---------------------------------------------------------------------------------------


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler, with the per-account limit beside its per-address one."""

    def is_locked(self, request, credentials=None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return account_lock_holding(request, credentials) is not None

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        # Refused by a lock before the password was looked at: not a guess, not counted.
        refused = getattr(request, "axes_locked_out", False)
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or refused or self.is_whitelisted(request, credentials):
            return
        username = get_client_username(request, credentials)
        if not username:
            return
        row = count_failure(username, request.axes_attempt_time)
        if row.locked_until and not known_browser(request, username):
            request.axes_locked_out = True
            request.axes_credentials = credentials

    def reset_attempts(self, *, ip_address=None, username=None, ip_or_username=False) -> int:
        """Also lifts the per-account lock when a username is reset (``axes_reset_username``)
        or everything is (``axes_reset``); resetting an address leaves accounts alone."""
        count = super().reset_attempts(
            ip_address=ip_address, username=username, ip_or_username=ip_or_username
        )
        if username:
            count += LoginLock.objects.filter(username=username).delete()[0]
        elif ip_address is None:
            count += LoginLock.objects.all().delete()[0]
        return count


# What the admin sees, and unlocking ---------------------------------------------------------


@dataclass(frozen=True)
class LockStatus:
    """A username's login locks: the per-account one, and the addresses locked on their own."""

    account_until: datetime.datetime | None
    address_until: datetime.datetime | None
    addresses: int

    def as_dict(self) -> dict:
        return {
            "account_locked_until": _when(self.account_until),
            "address_locked_until": _when(self.address_until),
            "locked_addresses": self.addresses,
        }


def _when(moment: datetime.datetime | None) -> str | None:
    """For the audit entry: local time to the second."""
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def _locked_addresses(now: datetime.datetime):
    """Username and address pairs django-axes holds locked right now."""
    return AccessAttempt.objects.filter(
        failures_since_start__gte=get_failure_limit(None, None),
        attempt_time__gte=now - get_cool_off(),
    )


def lock_status(username: str) -> LockStatus | None:
    now = timezone.now()
    addresses = _locked_addresses(now).filter(username=username)
    last = addresses.aggregate(last=Max("attempt_time"))["last"]
    status = LockStatus(
        account_until=account_locked_until(username, now),
        address_until=last + get_cool_off() if last else None,
        addresses=addresses.values("ip_address").distinct().count(),
    )
    return status if status.account_until or status.address_until else None


def locked_usernames(usernames) -> set[str]:
    """Which of ``usernames`` are locked in any way (for a list of people: two queries)."""
    usernames = list(usernames)
    now = timezone.now()
    by_account = LoginLock.objects.filter(username__in=usernames, locked_until__gt=now)
    by_address = _locked_addresses(now).filter(username__in=usernames)
    return set(by_account.values_list("username", flat=True)) | set(
        by_address.values_list("username", flat=True)
    )


def unlock(username: str) -> None:
    """Lift both locks of ``username`` (the caller checks the permission and audits)."""
    from axes.utils import reset

    reset(username=username)


# The page -----------------------------------------------------------------------------------


def lockout_response(request, original_response=None, credentials=None):
    """The login page again, saying which lock holds, when it lifts and whom to ask."""
    username = get_client_username(request, credentials) or ""
    handler = LockoutHandler()
    address_locked = handler.get_failures(request, credentials) >= get_failure_limit(
        request, credentials
    )
    locks = {}
    if address_locked:
        last = AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address
        ).aggregate(last=Max("attempt_time"))["last"]
        locks["address"] = (last or timezone.now()) + get_cool_off(request)
    if (until := account_lock_holding(request, credentials)) is not None:
        locks["account"] = until
    kind = max(locks, key=locks.get) if locks else "address"
    until = locks.get(kind)
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60)) if until else None
    form = AuthenticationForm(request, initial={"username": username})
    return render(
        request,
        LOGIN_TEMPLATE,
        {
            "form": form,
            "next": request.POST.get("next", "") or request.GET.get("next", ""),
            "lockout": kind,
            "lockout_until": until,
            "lockout_minutes": minutes,
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )

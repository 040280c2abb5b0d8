"""The login lockout's glue to django-axes: who is the client, and what a locked-out person sees.

Settings: ``AXES_*`` in ``settings.py`` (5 failures per username and IP address lock that pair
out for 30 minutes); ``PROXY_COUNT`` says how many reverse proxies stand in front of the app.
"""

from __future__ import annotations

import datetime
import math

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Max
from django.shortcuts import render
from django.utils import timezone

LOGIN_TEMPLATE = "accounts/login.html"


class LockoutBackend(AxesStandaloneBackend):
    """Axes' lockout check for logins over HTTP.

    Authentication without a request (the test client's ``login``, management commands) has no
    client address to lock out, so it is left to the next backend instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request) -> str | None:
    """The client's address; behind ``PROXY_COUNT`` reverse proxies, the one they saw."""
    count = settings.PROXY_COUNT
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def locked_until(request, credentials: dict | None = None) -> datetime.datetime | None:
    """When the lockout of this username and address ends."""
    cool_off = get_cool_off(request)
    if cool_off is None:
        return None
    username = get_client_username(request, credentials)
    ip_address = getattr(request, "axes_ip_address", None) or client_ip(request)
    last = AccessAttempt.objects.filter(username=username, ip_address=ip_address).aggregate(
        last=Max("attempt_time")
    )["last"]
    return (last or timezone.now()) + cool_off


def lockout_response(request, original_response=None, credentials=None):
    """The login page again, saying the account is locked and when to try again."""
    until = locked_until(request, credentials)
    minutes = max(1, math.ceil((until - timezone.now()).total_seconds() / 60)) if until else None
    username = get_client_username(request, credentials) or ""
    form = AuthenticationForm(request, initial={"username": username})
    return render(
        request,
        LOGIN_TEMPLATE,
        {
            "form": form,
            "next": request.POST.get("next", "") or request.GET.get("next", ""),
            "lockout": True,
            "lockout_until": until,
            "lockout_minutes": minutes,
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )

"""The login lockout's glue to django-axes: the backend, and who the client is.

Settings: ``AXES_*`` in ``settings.py``; the two limits (per username and address, per account)
and the page a locked-out person sees are in ``accounts/lockout.py``. ``PROXY_COUNT`` says how
many reverse proxies stand in front of the app.
"""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.conf import settings


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

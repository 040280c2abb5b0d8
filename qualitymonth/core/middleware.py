"""Request-wide behaviour of the platform that is not a feature."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.db import connections
from django.http import HttpResponse
from django.utils.translation import gettext as _

# When the logged-in session last showed activity (seconds since the epoch).
LAST_SEEN_KEY = "_qm_last_seen"
# The session is written at most this often to keep it alive: a write on every request would
# serialise SQLite readers and writers under load.
REFRESH_SECONDS = 60


class IdleSessionMiddleware:
    """Log people out after ``SESSION_IDLE_MINUTES`` without a request.

    Instead of ``SESSION_SAVE_EVERY_REQUEST``, the session's expiry is pushed forward only when
    the last refresh is at least a minute old, so the idle limit holds to within a minute.
    Must follow ``SessionMiddleware`` and ``AuthenticationMiddleware``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            expired = self._check(request)
            if expired is not None:
                return expired
        return self.get_response(request)

    def _check(self, request) -> HttpResponse | None:
        now = int(time.time())
        session = request.session
        last_seen = session.get(LAST_SEEN_KEY)
        if isinstance(last_seen, int) and now - last_seen > settings.SESSION_IDLE_MINUTES * 60:
            logout(request)
            messages.info(request, _("由于长时间未操作，您已自动退出，请重新登录。"))
            if request.headers.get("HX-Request") == "true":
                # An in-place update would swap the login page into a fragment: go there whole.
                response = HttpResponse(status=204)
                response["HX-Redirect"] = _login_url(request)
                return response
            return redirect_to_login(request.get_full_path())
        if not isinstance(last_seen, int) or now - last_seen >= REFRESH_SECONDS:
            # Changing the session saves it with a fresh expiry (SESSION_COOKIE_AGE).
            session[LAST_SEEN_KEY] = now
        return None


def _login_url(request) -> str:
    current = urlsplit(request.headers.get("HX-Current-URL") or "/")
    path = current.path + (f"?{current.query}" if current.query else "")
    return redirect_to_login(path or "/").url


class ReleaseConnectionsMiddleware:
    """Give the request's database connections back as soon as its response is built, before
    the response travels to the client.

    Django gives them back at ``request_finished``, after the last byte is sent: a phone
    downloading a photo or an upward package over a slow network would hold a connection of
    the pool (settings.py, DATABASE_POOL_MAX) for the whole download, and a handful of such
    downloads would make everyone else wait for one. This does what ``request_finished`` does
    (``close_if_unusable_or_obsolete``: with CONN_MAX_AGE=0, back to the pool or closed), only
    earlier; a streaming response that reads the database later takes a connection again.
    Connections inside an atomic block (a test's transaction) are left alone. First in
    ``MIDDLEWARE``, so every other middleware has done its database work.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        for connection in connections.all(initialized_only=True):
            if not connection.in_atomic_block:
                connection.close_if_unusable_or_obsolete()
        return response

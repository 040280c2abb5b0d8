"""The server-error page, and the "busy" page when the database cannot take a request now.

``handler500`` (``qualitymonth/urls.py``) looks at the exception being handled. When the
database is too busy to answer in time — no free connection in the PostgreSQL pool within
``DATABASE_POOL_TIMEOUT``, the PostgreSQL server out of connection slots, SQLite's write lock
held past its timeout — the person gets a 503 page saying the service is busy and to try again
in a moment, with ``Retry-After``; what they saved before is kept, and the transaction that
found the database busy was rolled back (a pool timeout comes at a request's first query, before
it has written anything). Anything else is the ordinary 500 page. Both are rendered without the
database, the request context or the page frame.
"""

from __future__ import annotations

import sqlite3
import sys

import psycopg
from django.http import HttpResponse
from django.template import loader
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token
from psycopg_pool import PoolTimeout, TooManyRequests

RETRY_AFTER_SECONDS = 10
# PostgreSQL's "too_many_connections": "sorry, too many clients already" and the slots reserved
# for superusers.
TOO_MANY_CONNECTIONS = "53300"


def database_busy(error: BaseException | None) -> bool:
    """Whether ``error`` (or what it wraps: Django wraps the driver's errors) says the database
    could not take the request now, rather than that the request or the code is wrong."""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, PoolTimeout | TooManyRequests):
            return True
        if isinstance(error, psycopg.OperationalError) and (
            getattr(error, "sqlstate", None) == TOO_MANY_CONNECTIONS
            or "too many clients" in str(error)
        ):
            return True
        if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
            return True
        error = error.__cause__ or error.__context__
    return False


@requires_csrf_token
def server_error(request, template_name: str = "500.html") -> HttpResponse:
    if database_busy(sys.exception()):
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
    return defaults.server_error(request, template_name)

"""Database connections: bounded by the pool whatever serves the platform, given back before the
response travels, given back by task threads, and a database too busy to answer in time gets
the Chinese "busy" page (503), never a 500.

Tests marked PostgreSQL-only run in the PostgreSQL pass of the suite (DATABASE_URL); they are
about PostgreSQL's connections and its pool, which SQLite does not have.
"""

import json
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection, transaction
from django.db.backends.signals import connection_created
from django_tasks import TaskResultStatus, task

from qualitymonth.orgs.models import OrgUnit
from tests.core.serving import (
    APPLICATION_NAME,
    PlatformServer,
    at_once,
    on_postgresql,
    server_connections,
)

postgresql_only = pytest.mark.skipif(
    not on_postgresql(),
    reason="about PostgreSQL connections and their pool: runs in the PostgreSQL pass",
)
sqlite_only = pytest.mark.skipif(
    on_postgresql(), reason="about SQLite's write lock: runs in the SQLite pass"
)

# A public endpoint that writes: the captcha's picture, whose challenge row is made when the
# picture is first drawn ("换一张" only hands out a new signed key, writing nothing).
CAPTCHA_REFRESH = "/captcha/refresh/"
XHR = {"X-Requested-With": "XMLHttpRequest"}


def captcha_picture(server) -> str:
    status, _headers, body = server.get(CAPTCHA_REFRESH, headers=XHR)
    assert status == 200, body
    return json.loads(body)["image_url"]


def busy_page(response) -> None:
    status, headers, body = response
    assert status == 503, (status, body[-500:])
    assert headers["retry-after"] == "10"
    assert "服务器繁忙" in body and "请等 10 秒左右再试一次" in body


# Settings ----------------------------------------------------------------------------------------

PRINT_DATABASE = """
import json
from django.conf import settings
database = settings.DATABASES["default"]
print(json.dumps({"max_age": database["CONN_MAX_AGE"], "checks": database["CONN_HEALTH_CHECKS"],
                  "pool": database.get("OPTIONS", {}).get("pool")}))
"""


def database_settings(tmp_path, **env) -> dict:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    environment.update(
        QUALITYMONTH_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="qualitymonth.settings", **env
    )
    done = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + PRINT_DATABASE],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_postgresql_goes_through_a_bounded_pool_of_the_configured_size(tmp_path):
    url = "postgres://quality@db.example:5432/qualitymonth"
    default = database_settings(tmp_path, DATABASE_URL=url)
    assert default["pool"]["max_size"] == 10
    assert default["pool"]["timeout"] == 30
    # With a pool Django must not keep connections itself; each is checked as it leaves it.
    assert default["max_age"] == 0 and default["checks"] is True
    sized = database_settings(
        tmp_path, DATABASE_URL=url, DATABASE_POOL_MAX="4", DATABASE_POOL_TIMEOUT="5"
    )
    assert sized["pool"]["max_size"] == 4 and sized["pool"]["timeout"] == 5
    # 0: no pool, and still no connection kept past its request.
    unpooled = database_settings(tmp_path, DATABASE_URL=url, DATABASE_POOL_MAX="0")
    assert unpooled["pool"] is None and unpooled["max_age"] == 0


# Requests ----------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_connection_is_given_back_before_the_response_is_sent():
    """A slow phone downloading the response must not keep a connection of the pool."""
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": "/portal/events/",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "wsgi.input": BytesIO(),
        "wsgi.url_scheme": "http",
    }
    started, opened = [], []

    def record(sender, connection, **kwargs):
        opened.append(connection.alias)

    connection_created.connect(record)
    try:
        body = WSGIHandler()(environ, lambda status, headers: started.append(status))
    finally:
        connection_created.disconnect(record)
    try:
        # The page was built from the database; the server has not sent a byte of it yet.
        assert started == ["200 OK"] and opened == ["default"]
        assert connection.connection is None
    finally:
        body.close()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_request_that_waits_too_long_for_a_connection_gets_the_busy_page(tmp_path):
    # More threads than connections, as gunicorn's gthread workers may be configured; the pool's
    # one connection waits on a lock this test holds.
    pool_of_one = {"DATABASE_POOL_MAX": "1", "DATABASE_POOL_TIMEOUT": "1"}
    with PlatformServer(tmp_path, "--threads", "4", **pool_of_one) as server:
        picture = captcha_picture(server)
        with ThreadPoolExecutor(max_workers=1) as other, transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("LOCK TABLE captcha_captchastore IN ACCESS EXCLUSIVE MODE")
            # Someone's request takes the pool's only connection and waits for the lock…
            first = other.submit(server.get, picture)
            wait_for(lambda: ("active", "Lock") in server_connections())
            # …so the next person waits for a connection, and after a second is told to retry.
            busy_page(server.get("/portal/events/", address="10.9.0.2"))
        # The lock is released: the first request completes, and the pool serves again.
        assert first.result()[0] == 200
        assert server.get("/portal/events/")[0] == 200


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_connections_cut_by_a_postgresql_restart_are_replaced_without_an_error(tmp_path):
    with PlatformServer(tmp_path) as server:
        assert at_once(20, lambda n: server.get("/portal/events/")[0]) == [200] * 20
        assert server_connections()
        # What a restart of PostgreSQL (or an administrator) does to the idle pooled connections.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND application_name = %s",
                [APPLICATION_NAME],
            )
        wait_for(lambda: not server_connections())
        # The next requests find the cut connections checked out of the pool and replaced: they
        # wait a moment (psycopg_pool backs off a second after a failed check), none fails.
        assert at_once(10, lambda n: server.get("/portal/events/")[0]) == [200] * 10
        assert [server.get("/portal/events/")[0] for _ in range(3)] == [200] * 3


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_a_sqlite_database_locked_too_long_gets_the_busy_page(tmp_path):
    waiting = "DATABASES['default']['OPTIONS']['timeout'] = 1"
    with PlatformServer(tmp_path, settings=waiting) as server:
        picture, another = captcha_picture(server), captcha_picture(server)
        with transaction.atomic():
            # Someone else is writing (IMMEDIATE: the write lock is taken at once).
            OrgUnit.objects.create(name="写锁测试市", kind=OrgUnit.Kind.CITY)
            busy_page(server.get(picture))
        assert server.get(another)[0] == 200


def wait_for(condition, seconds: float = 20, message=lambda: "timed out") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, message()
        time.sleep(0.05)


# Background tasks --------------------------------------------------------------------------------


@task
def hold_a_connection(seconds: float) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(%s)", [seconds])
    return threading.current_thread().name


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_task_threads_give_their_connections_back_to_the_pool(settings):
    settings.TASKS = {"default": {"BACKEND": "qualitymonth.core.tasks.ThreadBackend"}}
    pool = connection.pool
    connection.ensure_connection()  # this test's own, out of the pool throughout

    def checked_out() -> int:
        stats = pool.get_stats()
        return stats["pool_size"] - stats["pool_available"]

    before = checked_out()
    tasks = 3 * pool.max_size
    # Three times as many tasks as connections, all at once: each waits for a connection that
    # another task gives back (one that kept its connection would leave the others to time out).
    results = [hold_a_connection.enqueue(0.2) for _ in range(tasks)]
    deadline = time.monotonic() + 2 * pool.timeout
    for result in results:
        while not result.is_finished and time.monotonic() < deadline:
            time.sleep(0.05)
            result.refresh()
    assert [result.status for result in results] == [TaskResultStatus.SUCCESSFUL] * tasks
    assert len({result.return_value for result in results}) == tasks
    # Every connection the tasks took is back in the pool.
    wait_for(lambda: checked_out() <= before, message=lambda: f"{before} {pool.get_stats()}")

"""The platform's own server (`qualitymonth serve`) in a subprocess, on the test database, and
many people's phones talking to it at once over real HTTP.

For tests about what only a real server shows: how many database connections it holds while a
burst of requests arrives and after, and what people get when the database is too busy. The
server runs the platform's settings as deployed, plus only: the test database's name, the
captcha's documented test mode (answer "PASSED"), ``PROXY_COUNT = 1`` so each simulated person
comes from their own address (X-Forwarded-For, as behind nginx in the field), and, on
PostgreSQL, an ``application_name`` by which ``pg_stat_activity`` tells its connections apart.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
APPLICATION_NAME = "qualitymonth-test-server"
# The test process's own: the browser tests' conftest sets the first, the server gets its own
# settings module.
TEST_ONLY_ENV = {"DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_SETTINGS_MODULE"}
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


class PlatformServer:
    """``python -m qualitymonth serve`` on a free port, against the test process's database.

    ``arguments`` go to the command (``"--threads", "4"``), ``environment`` adds variables
    (``DATABASE_POOL_MAX="1"``), ``settings`` adds lines to the server's settings module. Use as
    a context manager; the server is stopped on leaving.
    """

    def __init__(self, directory: Path, *arguments: str, settings: str = "", **environment: str):
        self.directory = directory
        self.arguments = arguments
        self.extra_settings = settings
        self.environment = environment
        self.process: subprocess.Popen | None = None
        self.port = 0

    def __enter__(self) -> PlatformServer:
        module = self.directory / "served_settings.py"
        module.write_text(self._settings_module())
        env = {key: value for key, value in os.environ.items() if key not in TEST_ONLY_ENV}
        env.update(
            DJANGO_SETTINGS_MODULE="served_settings",
            PYTHONPATH=os.pathsep.join([str(self.directory), str(ROOT)]),
            QUALITYMONTH_DATA_DIR=str(self.directory / "var"),
            **self.environment,
        )
        self.port = _free_port()
        self.log = self.directory / "server.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    *(sys.executable, "-m", "qualitymonth", "serve", f"127.0.0.1:{self.port}"),
                    *self.arguments,
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                if self.get("/portal/")[0] == 200:
                    return self
            except OSError:
                pass
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.__exit__()
                raise AssertionError(f"the server did not start:\n{self.log_tail()}")
            time.sleep(0.2)

    def __exit__(self, *exc_info) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def _settings_module(self) -> str:
        database = connection.settings_dict
        lines = [
            "from qualitymonth.settings import *  # noqa: F403",
            f"DATABASES['default']['NAME'] = {str(database['NAME'])!r}",
            "CAPTCHA_TEST_MODE = True",
            "PROXY_COUNT = 1",
        ]
        if on_postgresql():
            lines.append(
                "DATABASES['default'].setdefault('OPTIONS', {})['application_name'] = "
                f"{APPLICATION_NAME!r}"
            )
        return "\n".join(lines) + "\n" + textwrap.dedent(self.extra_settings)

    def log_tail(self, characters: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-characters:]

    def request(
        self,
        method: str,
        path: str,
        *,
        address: str = "10.9.0.1",
        body: dict | None = None,
        cookie: str = "",
        headers: dict[str, str] | None = None,
        timeout: float = 120,
    ) -> tuple[int, dict[str, str], str]:
        """One request on a fresh connection, as a phone makes it: status, headers, body."""
        client = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        headers = {"X-Forwarded-For": address, **(headers or {})}
        if cookie:
            headers["Cookie"] = cookie
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            client.request(method, path, body=data, headers=headers)
            response = client.getresponse()
            return (
                response.status,
                {key.lower(): value for key, value in response.getheaders()},
                response.read().decode(errors="replace"),
            )
        finally:
            client.close()

    def get(self, path: str, **kwargs) -> tuple[int, dict[str, str], str]:
        return self.request("GET", path, **kwargs)


def open_form(server: PlatformServer, path: str, address: str) -> tuple[str, str]:
    """GET a page with a form as a new visitor: (CSRF cookie header, form token)."""
    status, headers, html = server.get(path, address=address)
    assert status == 200, (status, html[-500:])
    token = CSRF_FIELD.search(html)
    cookie = re.search(r"csrftoken=([^;]+)", headers.get("set-cookie", ""))
    assert token and cookie, "the page has no CSRF token"
    return f"csrftoken={cookie.group(1)}", token.group(1)


def at_once(count: int, work) -> list:
    """``work(n)`` for n in range(count), all released at the same moment, one thread each."""
    start = threading.Barrier(count)

    def released(n: int):
        start.wait(timeout=120)
        return work(n)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(released, range(count)))


def server_connections() -> list[tuple[str, str | None]]:
    """The server's connections to the test database (PostgreSQL), as (state, what it waits
    for: "Lock", "Client" …)."""
    with connection.cursor() as cursor:
        # Within a transaction PostgreSQL keeps showing its first snapshot of the statistics.
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT state, wait_event_type FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = %s",
            [APPLICATION_NAME],
        )
        return cursor.fetchall()


class ConnectionWatch:
    """Counts the server's connections every few milliseconds while the block runs, from its
    own connection (outside the server's pool); ``peak`` is the most seen at once. PostgreSQL
    only (SQLite has no connections to count); elsewhere it does nothing."""

    def __init__(self, interval: float = 0.05):
        self.interval = interval
        self.peak = 0
        self.samples = 0
        self._stop = threading.Event()

    def __enter__(self) -> ConnectionWatch:
        self._thread = threading.Thread(target=self._watch, daemon=True)
        if on_postgresql():
            self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _watch(self) -> None:
        try:
            while not self._stop.is_set():
                self.peak = max(self.peak, len(server_connections()))
                self.samples += 1
                time.sleep(self.interval)
        finally:
            connection.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]

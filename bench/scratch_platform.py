"""A scratch platform for the benchmarks: a temporary data directory, a database made for the
run (SQLite, or PostgreSQL beside ``DATABASE_URL``'s, dropped at the end), the platform's server
in its own process group, and a count of the server's PostgreSQL connections.

Servers (``Server(kind, …)``): ``serve`` (the platform's ``qualitymonth serve``, a thread per
request), ``runserver`` (Django's, for comparison), ``gunicorn`` (sync workers) and ``gthread``
(gunicorn's threaded workers); gunicorn is not a dependency and is used only when installed.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Set on the server's PostgreSQL connections, so they can be told from everyone else's.
APPLICATION_NAME = "qualitymonth-bench-server"


@dataclass
class Scratch:
    data_dir: Path
    env: dict[str, str]  # the environment of this process and of the server
    database: str  # for the printout
    drop: str | None = None  # the PostgreSQL database to drop at the end
    admin_url: str | None = None  # the database DATABASE_URL named, to drop it from


def make_scratch(label: str, settings: str = "") -> Scratch:
    """A temporary data directory, and the database the bench may create and throw away.

    The server and any subprocess run the settings module ``bench_settings`` written into the
    data directory: the platform's settings, ``settings`` (extra lines), and on PostgreSQL
    ``APPLICATION_NAME`` on every connection, so :class:`ConnectionCount` can count them.
    """
    data_dir = Path(tempfile.mkdtemp(prefix=f"qualitymonth-bench-{label}-"))
    env = dict(os.environ)
    env.update(
        QUALITYMONTH_DATA_DIR=str(data_dir),
        MEDIA_ROOT=str(data_dir / "media"),
        DJANGO_SETTINGS_MODULE="bench_settings",
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        PYTHONPATH=os.pathsep.join(filter(None, [str(data_dir), str(ROOT), env.get("PYTHONPATH")])),
        PYTHONUNBUFFERED="1",
    )
    env.pop("QUALITYMONTH_ENV", None)  # production settings want HTTPS cookies
    scratch = Scratch(data_dir, env, f"SQLite (WAL) in {data_dir}")
    url = os.environ.get("DATABASE_URL")
    if url:
        name = f"qualitymonth_bench_{os.getpid()}_{secrets.token_hex(3)}"
        try:
            _postgres(url, f'CREATE DATABASE "{name}"')
        except Exception:
            shutil.rmtree(data_dir, ignore_errors=True)
            raise
        parts = urllib.parse.urlsplit(url)
        env["DATABASE_URL"] = urllib.parse.urlunsplit(parts._replace(path="/" + name))
        scratch.drop, scratch.admin_url = name, url
        scratch.database = f"PostgreSQL database {name} (created for this run, then dropped)"
        settings += (
            "\nDATABASES['default'].setdefault('OPTIONS', {})['application_name'] = "
            f"{APPLICATION_NAME!r}\n"
        )
    (data_dir / "bench_settings.py").write_text(
        "from qualitymonth.settings import *  # noqa: F403\n" + textwrap.dedent(settings)
    )
    return scratch


def _postgres(url: str, statement: str) -> None:
    """Run one statement, outside a transaction, from the database `url` names (or, when that
    one does not exist yet, from the server's maintenance database "postgres")."""
    import psycopg

    try:
        connection = postgres_connect(url)
    except psycopg.OperationalError as error:
        if "does not exist" not in str(error):
            raise
        connection = postgres_connect(url, "postgres")
    with connection:
        connection.execute(statement)


def drop_scratch(scratch: Scratch, keep: bool) -> None:
    if scratch.drop and scratch.admin_url:
        drop = f'DROP DATABASE IF EXISTS "{scratch.drop}"'
        try:
            _postgres(scratch.admin_url, drop + " WITH (FORCE)")
        except Exception:  # PostgreSQL before 13 has no FORCE; the server is stopped by now
            try:
                _postgres(scratch.admin_url, drop)
            except Exception as error:
                print(f"could not drop the database {scratch.drop}: {error}")
    if keep:
        print(f"kept the data directory {scratch.data_dir}")
    else:
        shutil.rmtree(scratch.data_dir, ignore_errors=True)


def postgres_connect(url: str, database: str | None = None):
    """A psycopg connection (autocommit) to ``database`` on the server ``url`` names."""
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    params = {
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        **config.get("OPTIONS", {}),
    }
    params = {k: v for k, v in params.items() if v is not None}
    return psycopg.connect(
        dbname=database or config.get("NAME"), **params, autocommit=True, connect_timeout=10
    )


class ConnectionCount:
    """While the block runs, counts the server's connections to the scratch PostgreSQL database
    every 20 ms; ``peak`` is the most at once, ``now()`` the count at a moment. Does nothing on
    SQLite (``peak`` stays None)."""

    def __init__(self, scratch: Scratch):
        self.scratch = scratch
        self.peak: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def now(self) -> int | None:
        if not self.scratch.drop:
            return None
        with postgres_connect(self.scratch.env["DATABASE_URL"]) as connection:
            return self._count(connection)

    @staticmethod
    def _count(connection) -> int:
        return connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND application_name = %s",
            [APPLICATION_NAME],
        ).fetchone()[0]

    def __enter__(self) -> ConnectionCount:
        if self.scratch.drop:
            self.peak = 0
            self._thread = threading.Thread(target=self._watch, daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _watch(self) -> None:
        with postgres_connect(self.scratch.env["DATABASE_URL"]) as connection:
            while not self._stop.is_set():
                self.peak = max(self.peak or 0, self._count(connection))
                time.sleep(0.02)


def gunicorn_installed() -> bool:
    return importlib.util.find_spec("gunicorn") is not None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """The platform's server in its own process group, its output in a log file."""

    def __init__(self, kind: str, scratch: Scratch, workers: int = 2, threads: int = 8):
        self.kind = kind
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = scratch.data_dir / f"server-{kind}.log"
        if kind in {"gunicorn", "gthread"}:
            self.command = [
                sys.executable,
                "-m",
                "gunicorn",
                "qualitymonth.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--timeout",
                "120",
                "--access-logfile",
                "-",
                "--error-logfile",
                "-",
            ]
            self.label = f"gunicorn, {workers} sync workers"
            if kind == "gthread":
                self.command += ["--worker-class", "gthread", "--threads", str(threads)]
                self.label = f"gunicorn, {workers} gthread workers × {threads} threads"
        else:
            script = Path(sys.executable).parent / "qualitymonth"
            launcher = (
                [str(script)]
                if script.exists()
                else [sys.executable, "-c", "from qualitymonth.cli import main; main()"]
            )
            self.command = [*launcher, kind, f"127.0.0.1:{self.port}", "--noreload"]
            self.label = {
                "serve": "qualitymonth serve (one process, a thread per request)",
                "runserver": "Django's runserver --noreload (one process, a thread per request, "
                "listen backlog 10)",
            }[kind]
        self.env = scratch.env
        self.process: subprocess.Popen | None = None
        self._log = None

    def start(self, timeout: float = 60.0) -> None:
        self._log = open(self.log_path, "wb")  # closed in stop()
        self.process = subprocess.Popen(
            self.command,
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() ends it and its workers
        )
        deadline = time.monotonic() + timeout
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), KeepStatus())
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}")
            try:
                with opener.open(self.base + "/accounts/login/", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"the server did not answer within {timeout:g} s")

    def cpu_seconds(self) -> float | None:
        """CPU time of every process in the server's group so far (Linux /proc), else None."""
        if self.process is None:
            return None
        group, total, tick = self.process.pid, 0.0, os.sysconf("SC_CLK_TCK")
        try:
            entries = [e for e in os.listdir("/proc") if e.isdigit()]
        except OSError:
            return None
        for entry in entries:
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rfind(")") + 2 :].split()
            if int(fields[2]) == group:  # pgrp
                total += (int(fields[11]) + int(fields[12])) / tick  # utime + stime
        return total

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            # The server logs a request after answering it: let the last lines reach the log.
            settle, size = time.monotonic() + 3, -1
            while time.monotonic() < settle and size != self.log_path.stat().st_size:
                size = self.log_path.stat().st_size
                time.sleep(0.3)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_summary(self) -> tuple[Counter, list[str], int, int]:
        """Status codes, error lines, tracebacks and "database is locked" from the log."""
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        statuses = Counter(
            m.group(1) for m in re.finditer(r'"(?:GET|POST) \S+ HTTP/1\.[01]" (\d{3})', text)
        )
        lines = text.splitlines()
        errors = [
            line.strip()
            for line in lines
            if re.search(r"Error|error|locked|Exception|Internal Server", line)
            and "Traceback" not in line
        ]
        return statuses, errors, text.count("Traceback"), text.lower().count("database is locked")


class KeepStatus(urllib.request.HTTPErrorProcessor):
    """Hand back every response as it is: redirects and errors are the bench's to check."""

    def http_response(self, request, response):
        return response

    https_response = http_response

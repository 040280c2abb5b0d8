"""Benchmark the public event page and registration under concurrent load on the local server.

Run:  .venv/bin/python bench/bench_registration.py [--clients N] [--requests N] [--places N]

Prepares a scratch platform in a temporary data directory (a fresh SQLite file; the working
database is never touched): migrates it, imports the seed notice into a published campaign and
plans one public event of 陆家嘴街道 open for registration with --places places and a waiting
list. Starts the platform's own server (`runserver --noreload`, a thread per request) on a free
127.0.0.1 port with a small settings module that imports the platform's settings and adds only
the captcha's documented test mode (answer "PASSED") and `PROXY_COUNT = 1`, so each simulated
person comes from their own address (X-Forwarded-For) and the per-address rate limit applies to
each of them as it would in the field.

Two phases, each with N client threads:
  1. event page: GETs of /portal/events/<id>/ (the page with the form and places left);
  2. registration: each person GETs the page (CSRF cookie and token), then POSTs the form with
     their own mobile number; the POST is timed and must answer with the redirect to the ticket.

Prints requests, wall time, requests/s and p50 / p95 / p99 / max latency (nearest rank) per
phase, the status codes, and what the database holds afterwards: confirmed never more than the
places, the rest on the waiting list. Nothing is asserted about time; compare run to run.
Exits 0 when every registration got its ticket and the capacity held, 1 otherwise.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable

SETTINGS = textwrap.dedent(
    """
    from qualitymonth.settings import *  # noqa: F403

    CAPTCHA_TEST_MODE = True  # django-simple-captcha's documented test mode: answer "PASSED"
    PROXY_COUNT = 1  # each simulated person comes from their own X-Forwarded-For address
    LOGGING = {"version": 1, "disable_existing_loggers": True}
    """
)

PREPARE = textwrap.dedent(
    """
    import datetime, django
    django.setup()
    from django.utils import timezone
    from qualitymonth.accounts.models import Membership, Role, User
    from qualitymonth.assignments.services import assign_units
    from qualitymonth.campaigns.services import publish_campaign
    from qualitymonth.events.services import plan_event
    from qualitymonth.notices.reader import read_notice
    from qualitymonth.notices.services import import_notice
    from qualitymonth.orgs.models import OrgUnit
    from qualitymonth.registrations import services
    from pathlib import Path

    city = OrgUnit.objects.create(name="上海市", kind="city")
    pudong = OrgUnit.objects.create(name="浦东新区", kind="district", parent=city)
    street = OrgUnit.objects.create(name="陆家嘴街道", kind="subdistrict", parent=pudong)
    admin = User.objects.create_user("admin", password="Bench-Password-1")
    Membership.objects.create(user=admin, org_unit=pudong, role=Role.CAMPAIGN_ADMIN)
    notice = Path("qualitymonth/notices/data/pudong-2024-quality-month-notice.txt")
    record = import_notice(read_notice(notice.read_bytes(), notice.name), org_unit=pudong, by=admin)
    campaign = publish_campaign(record.campaign, admin)
    item = campaign.items.get(number=18)
    assign_units(item, admin, lead=[], participants=[street])
    start = timezone.now() + datetime.timedelta(days=3)
    event = plan_event(admin, item=item, org_unit=street, title="质量开放日", starts_at=start,
        ends_at=start + datetime.timedelta(hours=2), address="陆家嘴环路1000号",
        street_town=street, is_public=True)
    services.configure(event, admin, enabled=True, capacity=PLACES, waiting_list=True,
        questions=services.parse_questions("*年龄段：18岁以下/18-60岁/60岁以上"))
    print(event.pk)
    """
)

COUNT = textwrap.dedent(
    """
    import django
    django.setup()
    from django.db.models import Count
    from qualitymonth.registrations.models import Registration
    rows = Registration.objects.values("status").annotate(n=Count("pk"))
    print(" ".join(f"{row['status']}={row['n']}" for row in rows))
    """
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_python(code: str, env: dict) -> str:
    done = subprocess.run(
        [PYTHON, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        sys.exit(f"preparation failed:\n{done.stderr[-3000:]}")
    return done.stdout.strip()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)] if ordered else float("nan")


class Person:
    """One phone: its own cookies and its own address."""

    def __init__(self, base: str, address: str):
        self.base = base
        self.address = address
        self.jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )

    def request(self, path: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        request.add_header("X-Forwarded-For", self.address)
        if data is not None:
            request.add_header("Referer", self.base + path)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")


def timed(function) -> tuple[float, int]:
    started = time.perf_counter()
    status = function()
    return time.perf_counter() - started, status


def phase(name: str, clients: int, jobs: int, work) -> tuple[list[float], Counter, float]:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(work, range(jobs)))
    wall = time.perf_counter() - started
    latencies = [seconds for seconds, _ in results]
    statuses = Counter(status for _, status in results)
    print(
        f"{name:<14} {jobs:>6} {wall:>8.2f} {jobs / wall:>8.1f} "
        f"{percentile(latencies, 0.5) * 1000:>8.1f} {percentile(latencies, 0.95) * 1000:>8.1f} "
        f"{percentile(latencies, 0.99) * 1000:>8.1f} {max(latencies) * 1000:>8.1f}   "
        + " ".join(f"{code}×{n}" for code, n in sorted(statuses.items()))
    )
    return latencies, statuses, wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--requests", type=int, default=400, help="event-page GETs")
    parser.add_argument("--registrations", type=int, default=200, help="people registering")
    parser.add_argument("--places", type=int, default=100, help="the event's capacity")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="qm-bench-registration-"))
    (scratch / "bench_registration_settings.py").write_text(SETTINGS)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(
        QUALITYMONTH_DATA_DIR=str(scratch / "var"),
        DJANGO_SETTINGS_MODULE="bench_registration_settings",
        PYTHONPATH=os.pathsep.join([str(scratch), str(ROOT)]),
    )
    server = None
    try:
        subprocess.run([PYTHON, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        # Preparing and counting use the platform's own settings (same scratch database).
        plain = {**env, "DJANGO_SETTINGS_MODULE": "qualitymonth.settings"}
        event_id = run_python(f"PLACES = {args.places}\n" + PREPARE, plain).splitlines()[-1]
        port = free_port()
        server = subprocess.Popen(
            [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/portal/", timeout=5).read()
                break
            except OSError:
                if time.time() > deadline or server.poll() is not None:
                    sys.exit("the server did not start")
                time.sleep(0.3)
        page = f"/portal/events/{event_id}/"
        print(
            f"runserver --noreload (threaded), SQLite scratch database, {args.clients} clients, "
            f"{args.places} places, {os.cpu_count()} CPUs"
        )
        print(
            f"{'phase':<14} {'reqs':>6} {'wall s':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
            f"{'p99 ms':>8} {'max ms':>8}   statuses"
        )
        lock = threading.Lock()
        counter = iter(range(10**9))

        def view(n: int):
            person = Person(base, f"10.2.{n // 250}.{n % 250 + 1}")
            return timed(lambda: person.request(page)[0])

        phase("event page", args.clients, args.requests, view)

        def register(n: int):
            with lock:
                serial = next(counter)
            person = Person(base, f"10.3.{serial // 250}.{serial % 250 + 1}")
            status, html = person.request(page)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
            if status != 200 or token is None:
                return 0.0, status
            fields = {
                "csrfmiddlewaretoken": token.group(1),
                "name": f"市民{serial}",
                "mobile": f"137{serial:08d}",
                "q1": "18-60岁",
                "captcha_0": "x",
                "captcha_1": "PASSED",
            }
            return timed(lambda: person.request(page, fields)[0])

        _latencies, statuses, _wall = phase(
            "registration", args.clients, args.registrations, register
        )
        held = run_python(COUNT, plain).splitlines()[-1]
        print(f"database: {held} (places {args.places})")
        counts = dict(re.findall(r"(\w+)=(\d+)", held))
        ok = (
            statuses.get(302, 0) == args.registrations
            and int(counts.get("confirmed", 0)) <= args.places
        )
        return 0 if ok else 1
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

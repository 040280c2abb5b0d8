"""Benchmark the public event page and registration under concurrent load on the local server.

Run:  .venv/bin/python bench/bench_registration.py [--clients N] [--requests N] [--places N]
                                                   [--server serve|runserver|gunicorn|gthread]

Prepares a scratch platform (bench/scratch_platform.py): a fresh SQLite file in a temporary data
directory, or, when `DATABASE_URL` is set, a new PostgreSQL database created beside the one it
names and dropped at the end. Migrates it, imports the seed notice into a published campaign and
plans one public event of 陆家嘴街道 open for registration with --places places and a waiting
list. Starts the platform's own server (`qualitymonth serve`, a thread per request; or Django's
runserver, or gunicorn's sync or gthread workers when gunicorn is installed) on a free
127.0.0.1 port with a settings module that adds only the captcha's documented test mode (answer
"PASSED") and `PROXY_COUNT = 1`, so each simulated person comes from their own address
(X-Forwarded-For) and the per-address rate limit applies to each of them as in the field.

Two phases, each with N client threads:
  1. event page: GETs of /portal/events/<id>/ (the page with the form and places left);
  2. registration: each person GETs the page (CSRF cookie and token), then POSTs the form with
     their own mobile number; the POST is timed and must answer with the redirect to the ticket.

Prints requests, wall time, requests/s and p50 / p95 / p99 / max latency (nearest rank) per
phase, the status codes (0: no answer before the client's timeout), and on PostgreSQL the most
connections the server held at once during the phase and how many it still holds after it
(bounded by DATABASE_POOL_MAX per server process). Then what the database holds: confirmed
never more than the places, the rest on the waiting list. Nothing is asserted about time;
compare run to run. Exits 0 when every registration got its ticket and the capacity held.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import math
import os
import re
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from scratch_platform import (
    ROOT,
    ConnectionCount,
    Server,
    drop_scratch,
    gunicorn_installed,
    make_scratch,
)

PYTHON = sys.executable

SETTINGS = """
CAPTCHA_TEST_MODE = True  # django-simple-captcha's documented test mode: answer "PASSED"
PROXY_COUNT = 1  # each simulated person comes from their own X-Forwarded-For address
"""

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
            with self.opener.open(request, timeout=120) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")
        except OSError:  # no answer in time, or the connection was refused or reset
            return 0, ""


def timed(function) -> tuple[float, int]:
    started = time.perf_counter()
    status = function()
    return time.perf_counter() - started, status


def phase(name: str, clients: int, jobs: int, work, scratch) -> Counter:
    started = time.perf_counter()
    with ConnectionCount(scratch) as connections, ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(work, range(jobs)))
    wall = time.perf_counter() - started
    latencies = [seconds for seconds, _ in results]
    statuses = Counter(status for _, status in results)
    held = "" if connections.peak is None else f"{connections.peak:>6} {connections.now():>6}"
    print(
        f"{name:<14} {jobs:>6} {wall:>8.2f} {jobs / wall:>8.1f} "
        f"{percentile(latencies, 0.5) * 1000:>8.1f} {percentile(latencies, 0.95) * 1000:>8.1f} "
        f"{percentile(latencies, 0.99) * 1000:>8.1f} {max(latencies) * 1000:>8.1f} "
        f"{sum(n for code, n in statuses.items() if not 200 <= code < 400):>6} {held}   "
        + " ".join(f"{code}×{n}" for code, n in sorted(statuses.items()))
    )
    return statuses


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--requests", type=int, default=400, help="event-page GETs")
    parser.add_argument("--registrations", type=int, default=200, help="people registering")
    parser.add_argument("--places", type=int, default=100, help="the event's capacity")
    parser.add_argument(
        "--server",
        choices=["serve", "runserver", "gunicorn", "gthread"],
        default="serve",
        help="qualitymonth serve (default), Django's runserver, gunicorn's sync or gthread "
        "workers (gunicorn is not a dependency: only when installed)",
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="threads per gthread worker")
    parser.add_argument("--keep", action="store_true", help="keep the scratch data directory")
    args = parser.parse_args()
    if args.server in {"gunicorn", "gthread"} and not gunicorn_installed():
        parser.error("gunicorn is not installed (it is not a dependency); use serve")

    scratch = make_scratch("registration", SETTINGS)
    server = None
    try:
        subprocess.run(
            [PYTHON, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=scratch.env, check=True
        )
        event_id = run_python(f"PLACES = {args.places}\n" + PREPARE, scratch.env).splitlines()[-1]
        server = Server(args.server, scratch, args.workers, args.threads)
        server.start()
        base, page = server.base, f"/portal/events/{event_id}/"
        pool = os.environ.get("DATABASE_POOL_MAX") or "10"
        print(f"server: {server.label}")
        print(
            f"database: {scratch.database}"
            + (f", pool of {pool} connections per process" if scratch.drop else "")
        )
        print(f"{args.clients} clients, {args.places} places, {os.cpu_count()} CPUs")
        print(
            f"{'phase':<14} {'reqs':>6} {'wall s':>8} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
            f"{'p99 ms':>8} {'max ms':>8} {'errors':>6}"
            + (f" {'peak':>6} {'after':>6}" if scratch.drop else "")
            + "   statuses"
        )
        lock = threading.Lock()
        counter = iter(range(10**9))

        def view(n: int):
            person = Person(base, f"10.2.{n // 250}.{n % 250 + 1}")
            return timed(lambda: person.request(page)[0])

        phase("event page", args.clients, args.requests, view, scratch)

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

        statuses = phase("registration", args.clients, args.registrations, register, scratch)
        held = run_python(COUNT, scratch.env).splitlines()[-1]
        print(f"database: {held} (places {args.places})")
        counts = dict(re.findall(r"(\w+)=(\d+)", held))
        ok = (
            statuses.get(302, 0) == args.registrations
            and int(counts.get("confirmed", 0)) <= args.places
        )
        return 0 if ok else 1
    finally:
        if server is not None:
            server.stop()
        drop_scratch(scratch, args.keep)


if __name__ == "__main__":
    sys.exit(main())

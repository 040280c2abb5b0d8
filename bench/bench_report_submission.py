"""Benchmark submitting field reports with three 4 MB photos, over HTTP, on the local server.

Run:  .venv/bin/python bench/bench_report_submission.py [--clients N] [--reports N]
                                                         [--max-seconds S] [--server NAME]

Prepares a scratch platform — a fresh SQLite file in a temporary data directory, or, when
`DATABASE_URL` is set, a new PostgreSQL database created next to the one it names and dropped at
the end (the named database itself is never written) — migrates it, loads the demo and assigns
item 2 of the demo campaign to 陆家嘴街道, so the demo reporter "lujiazui" may report on it. It
makes three phone-like 4000×3000 JPEG photos of 3.5–4.5 MB each (smooth colour, shapes, sensor
noise; EXIF capture time in September 2024), then starts the platform's own server
(`qualitymonth serve`; Django's runserver with `--server runserver`; gunicorn, which is not a
dependency, with `--server gunicorn`, `gthread` or `both` when it is installed) on a free
127.0.0.1 port (bench/scratch_platform.py).

N clients — threads, each with its own session, logged in through the login form with its CSRF
token as a browser is — each submit R reports the way the pages do: open /reports/new/, post it
with its client token, follow the redirect to the edit page, and post the edit form as
multipart/form-data with content, a figure, the three photos and "submit". A submission is timed
from the new-report POST to the submit response, which must be the redirect to the report page.

Prints submissions, wall time, submissions per second, p50 / p95 / max latency (nearest rank)
overall and per step, MB uploaded, the server's CPU time, and the share of it that photo
processing takes: `process_photo` on the same three photos timed here (CPU seconds, and per
megapixel) times the number of photos the server processed, over the server's CPU time during
the run. Also what the server log shows: status codes, errors, "database is locked".

Nothing is asserted about time; compare the figures run to run. Exits 0 when every planned
submission ended in the redirect to its report page, 1 otherwise. With the defaults (4 clients
× 5 reports) the whole run takes 20–30 s on a 2-core machine; the load phase stops starting
new submissions after --max-seconds (default 75), every request has a timeout, and the server is
stopped and the scratch data removed however the run ends. MB here are 2^20 bytes.
"""

from __future__ import annotations

import argparse
import contextlib
import http.cookiejar
import io
import math
import os
import platform
import re
import secrets
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

from scratch_platform import (
    ROOT,
    KeepStatus,
    Scratch,
    Server,
    drop_scratch,
    gunicorn_installed,
    make_scratch,
)

sys.path.insert(0, str(ROOT))

PHOTO_SIZE = (4000, 3000)
PHOTO_MB = (3.5, 4.5)  # each photo's file size must fall in this range (MiB)
PHOTO_TIMES = ["2024:09:12 10:05:31", "2024:09:12 10:07:02", "2024:09:13 15:41:18"]
REPORTER = "lujiazui"
REPORTER_UNIT = "陆家嘴街道"
ITEM_NUMBER = 2
MB = 1024 * 1024


# Scratch platform ------------------------------------------------------------------------------


@dataclass
class Target:
    item_id: int
    unit_id: int
    item: str


def prepare_platform(scratch: Scratch) -> Target:
    """Migrate, load the demo and give the demo reporter's street item 2 (as the demo admin)."""
    os.environ.clear()
    os.environ.update(scratch.env)
    sys.path.insert(0, str(scratch.data_dir))  # its settings module
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from qualitymonth.accounts.models import Membership, Role, User
    from qualitymonth.assignments.models import Assignment
    from qualitymonth.assignments.services import assign_units
    from qualitymonth.demo.loader import load_demo

    call_command("migrate", interactive=False, verbosity=0)
    campaign = load_demo()["campaign"]
    admin = User.objects.get(username="admin")
    unit = Membership.objects.get(
        user__username=REPORTER, role=Role.REPORTER, org_unit__name=REPORTER_UNIT
    ).org_unit
    item = campaign.items.get(number=ITEM_NUMBER)
    current = list(item.assignments.select_related("org_unit"))
    if not any(a.org_unit_id == unit.pk for a in current):
        lead = [a.org_unit for a in current if a.role == Assignment.Role.LEAD]
        others = [a.org_unit for a in current if a.role != Assignment.Role.LEAD]
        assign_units(item, admin, lead=lead, participants=[*others, unit])
    target = Target(item.pk, unit.pk, f"{campaign.name} · 第{item.number}项")
    connections.close_all()  # the server has the database to itself
    return target


# Photos ----------------------------------------------------------------------------------------


def phone_photo(seed: int):
    """Smooth colour, shapes and per-pixel sensor noise: compresses like a real photo."""
    import numpy as np
    from PIL import Image, ImageDraw

    width, height = PHOTO_SIZE
    rng = np.random.default_rng(seed)
    x = np.linspace(0, 1, width // 10, dtype=np.float32)[None, :]
    y = np.linspace(0, 1, height // 10, dtype=np.float32)[:, None]
    channels = [
        40 + 170 * x + 25 * np.sin(9 * y + seed),
        60 + 120 * y + 30 * np.cos(7 * x + seed),
        90 + 100 * x * y + 0 * x,
    ]
    small = np.stack([np.clip(c, 0, 255) for c in channels], axis=-1).astype(np.uint8)
    image = Image.fromarray(small, "RGB").resize(PHOTO_SIZE, Image.Resampling.BICUBIC)
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x0, y0 = int(rng.integers(0, width)), int(rng.integers(0, height))
        extent = int(rng.integers(width // 30, width // 5))
        colour = tuple(int(v) for v in rng.integers(0, 256, 3))
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape((x0, y0, x0 + extent, y0 + extent * 2 // 3), fill=colour)
    pixels = np.asarray(image, dtype=np.int16)
    pixels += rng.integers(-24, 25, (height, width, 1), dtype=np.int16)  # luminance noise
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def make_photos() -> list[tuple[str, bytes, int]]:
    """Three JPEGs (name, bytes, quality), the quality tuned so that each is 3.5–4.5 MB."""
    from PIL import Image

    photos = []
    quality = 85
    for number, taken in enumerate(PHOTO_TIMES, start=1):
        image = phone_photo(number)
        exif = Image.Exif()
        exif[0x010F], exif[0x0110] = "HUAWEI", "P60 Pro"
        exif.get_ifd(0x8769)[0x9003] = taken  # DateTimeOriginal
        exif.get_ifd(0x8769)[0x9011] = "+08:00"  # OffsetTimeOriginal
        low, high = 50, 98
        for _ in range(8):  # bisect the quality towards the middle of the range
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=quality, exif=exif.tobytes())
            size = buffer.tell() / MB
            if PHOTO_MB[0] <= size <= PHOTO_MB[1]:
                break
            low, high = (quality, high) if size < PHOTO_MB[0] else (low, quality)
            quality = (low + high) // 2
        else:
            raise SystemExit(f"could not tune photo {number} to {PHOTO_MB} MB (got {size:.2f})")
        photos.append((f"IMG_2024091{number}_{number:04d}.jpg", buffer.getvalue(), quality))
    return photos


@dataclass
class PhotoCost:
    cpu_seconds: float  # process_photo on the three photos, CPU time
    megapixels: float

    @property
    def ms_per_mp(self) -> float:
        return self.cpu_seconds * 1000 / self.megapixels


def photo_cost(photos: list[tuple[str, bytes, int]]) -> PhotoCost:
    """What the server's photo pipeline costs for one submission, timed here in CPU seconds
    (the machine may be busy; CPU time is what the server spends whatever the wall clock)."""
    from qualitymonth.core.photos import process_photo

    process_photo(photos[0][1], photos[0][0])  # warm up: plugins, colour profiles
    total = 0.0
    for name, data, _quality in photos:
        runs = []
        for _ in range(2):
            t0 = time.process_time()
            process_photo(data, name)
            runs.append(time.process_time() - t0)
        total += min(runs)
    return PhotoCost(total, len(photos) * PHOTO_SIZE[0] * PHOTO_SIZE[1] / 1e6)


# Clients ---------------------------------------------------------------------------------------


class Failure(Exception):
    pass


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CLIENT_TOKEN = re.compile(r'name="client_token" value="([0-9a-fA-F-]{36})"')
FIGURE = re.compile(r'name="(figure-\d+)"')
MESSAGE = re.compile(r'<li class="message[^"]*">(.*?)</li>|<ul class="errorlist"><li>(.*?)</li>')


@dataclass
class Submission:
    client: int
    number: int
    ok: bool
    total: float = 0.0  # new-report POST through the submit response
    start: float = 0.0  # new-report POST + the edit page it redirects to
    submit: float = 0.0  # the multipart POST
    error: str = ""


@dataclass
class Client:
    number: int
    base: str
    timeout: float
    jar: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)
    uploaded: int = 0  # bytes of the multipart bodies the server answered, failed ones too
    photos_sent: int = 0  # photos in them: what the server processed

    def __post_init__(self):
        self.opener = urllib.request.build_opener(
            urllib.request.ProxyHandler({}),  # never through a proxy: the server is local
            urllib.request.HTTPCookieProcessor(self.jar),
            KeepStatus(),
        )

    def request(self, path: str, body: bytes | None = None, content_type: str = ""):
        headers = {"User-Agent": "qualitymonth-bench/1", "Accept-Language": "zh-CN"}
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.base + path, data=body, headers=headers)
        with self.opener.open(request, timeout=self.timeout) as response:
            return response.status, response.headers, response.read().decode("utf-8", "replace")

    def get_page(self, path: str) -> str:
        status, _headers, html = self.request(path)
        if status != 200:
            raise Failure(f"GET {path}: {status}")
        return html

    def post_form(self, path: str, fields: dict[str, str]) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(fields).encode()
        status, headers, html = self.request(path, body, "application/x-www-form-urlencoded")
        return status, urllib.parse.urlsplit(headers.get("Location", "")).path, html

    def login(self, username: str, password: str) -> None:
        html = self.get_page("/accounts/login/")
        status, _location, html = self.post_form(
            "/accounts/login/",
            {"csrfmiddlewaretoken": _csrf(html), "username": username, "password": password},
        )
        if status != 302:
            raise Failure(f"login as {username}: {status} {_messages(html)}")

    def submit_report(
        self, number: int, target: Target, photos: list[tuple[str, bytes, int]]
    ) -> Submission:
        new_path = f"/reports/new/?item={target.item_id}&unit={target.unit_id}"
        result = Submission(self.number, number, ok=False)
        html = self.get_page(new_path)  # the reporter opens the page; not timed
        token = CLIENT_TOKEN.search(html)
        if token is None:
            raise Failure("the new-report page has no client_token")
        fields = {"csrfmiddlewaretoken": _csrf(html), "client_token": token.group(1)}

        t0 = time.perf_counter()
        status, location, html = self.post_form(new_path, fields)
        match = re.fullmatch(r"/reports/(\d+)/edit/", location)
        if status != 302 or match is None:
            raise Failure(f"new report: {status} → {location or '-'} {_messages(html)}")
        pk = match.group(1)
        html = self.get_page(location)
        t1 = time.perf_counter()

        form = [
            ("csrfmiddlewaretoken", _csrf(html)),
            ("title", f"质量知识进社区（基准测试 {self.number}-{number}）"),
            ("content", "在陆家嘴街道社区开展质量知识宣传，发放宣传册，现场解答居民咨询。"),
            ("effect", "居民反响良好，提高了质量意识。"),
        ]
        figures = FIGURE.findall(html)
        if figures:
            form.append((figures[0], "120"))
        form += [("links", ""), ("submit", "1")]
        body, content_type = multipart(form, [("photos", n, d, "image/jpeg") for n, d, _ in photos])
        status, headers, html = self.request(f"/reports/{pk}/edit/", body, content_type)
        t2 = time.perf_counter()
        self.uploaded += len(body)
        self.photos_sent += len(photos)

        location = urllib.parse.urlsplit(headers.get("Location", "")).path
        if status != 302 or location != f"/reports/{pk}/":
            raise Failure(f"submit report {pk}: {status} → {location or '-'} {_messages(html)}")
        result.ok, result.total, result.start, result.submit = True, t2 - t0, t1 - t0, t2 - t1
        return result


def _csrf(html: str) -> str:
    match = CSRF.search(html)
    if match is None:
        raise Failure("no CSRF token in the page")
    return match.group(1)


def _messages(html: str) -> str:
    texts = [re.sub(r"<[^>]+>", "", a or b).strip() for a, b in MESSAGE.findall(html)]
    return "；".join(t for t in texts if t)[:200]


def multipart(fields: list[tuple[str, str]], files: list[tuple[str, str, bytes, str]]):
    """A multipart/form-data body as a browser sends it, and its Content-Type."""
    boundary = "----qualitymonthbench" + secrets.token_hex(12)
    parts: list[bytes] = []
    for name, value in fields:
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts += [head.encode(), value.encode("utf-8"), b"\r\n"]
    for name, filename, data, content_type in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'
        )
        parts += [head.encode(), data, b"\r\n"]
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# The run ---------------------------------------------------------------------------------------


@dataclass
class Run:
    server: Server
    planned: int
    submissions: list[Submission]
    wall: float
    server_cpu: float | None
    uploaded: int  # bytes
    photos_sent: int
    setup_errors: list[str]


def run_load(server: Server, target: Target, photos, args) -> Run:
    """Log every client in, then let them all submit at once; stop starting new submissions
    after --max-seconds."""
    from qualitymonth.demo.loader import DEMO_PASSWORD

    clients = [Client(n, server.base, args.timeout) for n in range(1, args.clients + 1)]
    submissions: list[Submission] = []
    setup_errors: list[str] = []
    lock = threading.Lock()
    ready = threading.Barrier(args.clients + 1)
    deadline = [math.inf]

    def work(client: Client) -> None:
        try:
            client.login(REPORTER, DEMO_PASSWORD)
        except Exception as error:  # reported; the run goes on
            with lock:
                setup_errors.append(f"client {client.number}: {_describe(error)}")
        try:
            ready.wait(timeout=60)
        except threading.BrokenBarrierError:
            return
        if any(e.startswith(f"client {client.number}:") for e in setup_errors):
            return
        for number in range(1, args.reports + 1):
            if time.monotonic() > deadline[0]:
                break
            try:
                result = client.submit_report(number, target, photos)
            except Exception as error:  # a failed submission is a figure too
                result = Submission(client.number, number, ok=False, error=_describe(error))
            with lock:
                submissions.append(result)

    threads = [threading.Thread(target=work, args=(c,), daemon=True) for c in clients]
    for thread in threads:
        thread.start()
    try:
        ready.wait(timeout=60)
    except threading.BrokenBarrierError:
        setup_errors.append("the clients could not all log in within 60 s")
    cpu_before = server.cpu_seconds()
    started = time.monotonic()
    deadline[0] = started + args.max_seconds
    for thread in threads:
        thread.join(timeout=max(0.0, deadline[0] + args.timeout + 5 - time.monotonic()))
    wall = time.monotonic() - started
    hung = sum(t.is_alive() for t in threads)
    if hung:
        setup_errors.append(f"{hung} client(s) still waiting for the server when time ran out")
    cpu_after = server.cpu_seconds()
    server_cpu = (
        cpu_after - cpu_before if cpu_before is not None and cpu_after is not None else None
    )
    with lock:
        done = list(submissions)
    return Run(
        server,
        args.clients * args.reports,
        done,
        wall,
        server_cpu,
        sum(c.uploaded for c in clients),
        sum(c.photos_sent for c in clients),
        setup_errors,
    )


def _describe(error: Exception) -> str:
    if isinstance(error, urllib.error.URLError):
        return f"{type(error).__name__}: {error.reason}"
    return f"{type(error).__name__}: {error}" if not isinstance(error, Failure) else str(error)


def percentile(values: list[float], fraction: float) -> float:
    """Nearest rank: the smallest value at least `fraction` of the values are not above."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def table(rows: list[tuple[str, ...]], header: tuple[str, ...], left: int = 1) -> str:
    """Columns padded to their width; the first `left` ones aligned left, the rest right."""
    widths = [max(_width(x) for x in column) for column in zip(header, *rows, strict=True)]

    def line(values) -> str:
        cells = []
        for index, (value, width) in enumerate(zip(values, widths, strict=True)):
            pad = " " * (width - _width(value))
            cells.append(value + pad if index < left else pad + value)
        return "  ".join(cells).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def report(run: Run, cost: PhotoCost, photos_per_submission: int) -> str:
    ok = [s for s in run.submissions if s.ok]
    failed = [s for s in run.submissions if not s.ok]
    out = []
    steps = [
        ("full submission", [s.total for s in ok]),
        ("  new report + edit page", [s.start for s in ok]),
        ("  submit with 3 photos", [s.submit for s in ok]),
    ]
    rows = [
        (
            name,
            str(len(values)),
            f"{percentile(values, 0.5) * 1000:,.0f}" if values else "-",
            f"{percentile(values, 0.95) * 1000:,.0f}" if values else "-",
            f"{max(values) * 1000:,.0f}" if values else "-",
        )
        for name, values in steps
    ]
    out.append(table(rows, ("step", "n", "p50 ms", "p95 ms", "max ms")))
    out.append("")

    uploaded = run.uploaded / MB
    figures = [
        ("submissions", f"{len(ok)} ok of {run.planned} planned, {len(failed)} failed"),
        ("wall time", f"{run.wall:.1f} s"),
        ("submissions per second", f"{len(ok) / run.wall:.2f}" if run.wall else "-"),
        ("MB uploaded", f"{uploaded:.1f} MB ({uploaded / run.wall:.1f} MB/s)"),
    ]
    photo_cpu = run.photos_sent * cost.cpu_seconds / photos_per_submission
    attempted = max(len(run.submissions), 1)
    if run.server_cpu:
        figures.append(
            (
                "server CPU",
                f"{run.server_cpu:.1f} s ({run.server_cpu / attempted:.2f} s per submission)",
            )
        )
        figures.append(
            (
                "photo processing share",
                f"≈ {min(photo_cpu / run.server_cpu, 1.0):.0%} of server CPU "
                f"({cost.cpu_seconds:.2f} s per submission, timed here)",
            )
        )
    else:
        figures.append(("server CPU", "n/a (no /proc)"))
    figures.append(
        (
            "photo processing per MP",
            f"{cost.ms_per_mp:.1f} ms CPU ({photos_per_submission} × "
            f"{cost.megapixels / photos_per_submission:.0f} MP per submission)",
        )
    )
    statuses, errors, tracebacks, locked = run.server.log_summary()
    codes = " ".join(f"{code}×{n}" for code, n in sorted(statuses.items())) or "none logged"
    figures += [
        ("server responses", codes),
        ("server log", f'{tracebacks} tracebacks, {locked} "database is locked"'),
    ]
    out.append(table(figures, ("figure", "value"), left=2))
    problems = run.setup_errors + [
        f"client {s.client} report {s.number}: {s.error}" for s in failed
    ]
    if len(run.submissions) < run.planned:
        problems.append(
            f"{run.planned - len(run.submissions)} submissions not started: "
            "the time limit (--max-seconds) ran out"
        )
    if problems:
        out += ["", f"problems ({len(problems)}):", *[f"  {p}" for p in problems[:10]]]
    if errors:
        out += ["", f"server log errors (first 5 of {len(errors)}):"]
        out += [f"  {line[:160]}" for line in errors[:5]]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=4, help="concurrent clients (default 4)")
    parser.add_argument("--reports", type=int, default=5, help="reports per client (default 5)")
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=75.0,
        help="stop starting new submissions after this many seconds of load (default 75)",
    )
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="timeout of each request (default 60 s)"
    )
    parser.add_argument(
        "--server",
        choices=["serve", "runserver", "gunicorn", "gthread", "both"],
        default="serve",
        help="the platform's qualitymonth serve (default), Django's runserver, gunicorn's sync "
        "or gthread workers if installed, or both serve and gunicorn in turn",
    )
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers (default: CPUs)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch data directory")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.reports < 1:
        parser.error("--clients and --reports must be at least 1")

    kinds = ["serve", "gunicorn"] if args.server == "both" else [args.server]
    if {"gunicorn", "gthread"} & set(kinds) and not gunicorn_installed():
        if args.server != "both":
            parser.error("gunicorn is not installed (it is not a dependency); use serve")
        print("gunicorn is not installed: measuring serve only")
        kinds.remove("gunicorn")

    began = time.monotonic()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"report submission benchmark — Python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} CPUs, load average {load:.1f} at start"
    )
    runs: list[Run] = []
    scratch: Scratch | None = None
    try:
        scratch = make_scratch("submit")
        t0 = time.monotonic()
        target = prepare_platform(scratch)
        print(f"database: {scratch.database}")
        print(f"migrated and loaded the demo in {time.monotonic() - t0:.1f} s; {target.item}")
        t0 = time.monotonic()
        photos = make_photos()
        sizes = ", ".join(f"{len(d) / MB:.2f} MB (q{q})" for _n, d, q in photos)
        print(
            "photos: 3 × {}×{} JPEG with EXIF capture time, {}; made in {:.1f} s".format(
                *PHOTO_SIZE, sizes, time.monotonic() - t0
            )
        )
        cost = photo_cost(photos)
        for kind in kinds:
            server = Server(kind, scratch, args.workers)
            try:
                server.start()
                print(
                    f"\nserver: {server.label} on {server.base}; {args.clients} clients × "
                    f"{args.reports} reports as {REPORTER} ({REPORTER_UNIT})\n"
                )
                run = run_load(server, target, photos, args)
            finally:
                server.stop()  # before reading its log and before the database goes
            runs.append(run)
            print(report(run, cost, len(photos)))
    except KeyboardInterrupt:
        print("\ninterrupted")
        return 130
    except Exception as error:
        print(f"\nthe benchmark could not run: {type(error).__name__}: {error}")
        logs = scratch.data_dir.glob("server-*.log") if scratch else []
        for server_log in logs:
            tail = server_log.read_text(errors="replace").splitlines()[-15:]
            print(f"last lines of {server_log.name}:", *[f"  {x}" for x in tail], sep="\n")
        return 1
    finally:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        if scratch is not None:
            drop_scratch(scratch, args.keep)
        print(f"\ntotal run time {time.monotonic() - began:.0f} s")
    complete = all(
        len(run.submissions) == run.planned
        and all(s.ok for s in run.submissions)
        and not run.setup_errors
        for run in runs
    )
    return 0 if runs and complete else 1


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark the dashboard at national scale on PostgreSQL, next to the bare SQL aggregate.

Run:  .venv/bin/python bench/bench_dashboard.py [--districts N] [--items N] [--reports N]
                                                [--repeat N] [--budget S] [--explain]
                                                [--rebuild] [--try-index SQL ...]

PostgreSQL only: the database `--database-url`, else `DATABASE_URL`, else
postgres://postgres@127.0.0.1:5432/qualitymonth_bench. The bench creates that database when it
is missing and migrates it; it refuses a database that holds anything but its own data set (one
with organisation units and no `bench_dashboard_dataset` table), and SQLite. No other database
is written or dropped.

The data set — figures only, built with set-based SQL (COPY, INSERT … SELECT generate_series):
a city root 基准测试市, N districts (default 2,800) of 5 streets/towns each, one published
质量月 campaign per district for the year (default 2024, 9月1日–30日) with 5 categories and
20 items, each item with the indicator 参与人数 and every second item also 检定台数 / 合格台数,
the formula 合格率 = 合格台数 / 检定台数, every street assigned to every item, one held event per
street for item 1, and 50 accepted reports per item (2.8 M reports, about 5.6 M report values)
spread over the streets and the 30 days; no photos. It is kept: a later run with the same
--districts/--items/--reports only times (--rebuild builds it again; another size drops and
rebuilds this bench's own database). After building: VACUUM ANALYZE, as autovacuum would.

Timed, each one first run (cold caches, JIT) and then up to --repeat runs (stopping early once
--budget seconds are used, after at least 3), best and median of those:

  district page   GET /campaigns/<pk>/dashboard/ of one district through Django's test Client,
                  logged in as a superuser: middleware, every query, template, charts
  district build  build_dashboard([campaign], CAMPAIGN_GROUPS) for that district
  city build      build_dashboard(district_campaigns(root, year, 质量月), ("district", "day"))
  city page       GET /city/<root>/<year>/ through the test Client
  bare SQL        hand-written: the district's accepted report values summed by indicator name;
                  every district's summed by district and indicator name (one query each)

The table gives the rows behind each figure (accepted reports / their values), the number of
queries, the times and the ratio of the dashboard's median to the bare SQL's median. The
dashboard does more than the bare aggregate (counts, distinct units and events, a table per
group, labels, formulas), so a small ratio is expected; a large one points at a query plan.
--explain prints EXPLAIN (ANALYZE, BUFFERS) of the slowest query of each dashboard (plan nodes
and times only). --try-index "CREATE INDEX …" creates an index for this run only (dropped at the
end, the kept data set stays as the models define it), to compare timings with and without.

Nothing is asserted about time. The dashboard's 参与人数 total is checked against the bare SQL;
exits 1 when they differ or a page does not answer 200.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import re
import statistics
import sys
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from scratch_platform import postgres_connect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/qualitymonth_bench"
MARKER = "bench_dashboard_dataset"
BATCH_DISTRICTS = 100  # reports and values are inserted this many districts at a time

CITY = "基准测试市"
STREETS = [  # (name, kind): every district has these five
    ("城关街道", "subdistrict"),
    ("新华街道", "subdistrict"),
    ("滨江街道", "subdistrict"),
    ("长安街道", "subdistrict"),
    ("东风镇", "town"),
]
CATEGORIES = ["开展质量宣传", "加强质量交流", "实施质量提升", "强化质量监管", "优化质量服务"]
ITEMS = [
    "质量月启动仪式",
    "质量开放日",
    "计量器具免费检定",
    "“质量月”知识竞赛",
    "首席质量官培训",
    "质量管理小组成果发布",
    "标准化良好行为企业创建",
    "电梯安全宣传周",
    "加油机计量专项检查",
    "集贸市场电子秤检定",
    "眼镜制配场所计量检查",
    "医疗机构计量器具检定",
    "质量基础设施“一站式”服务",
    "小微企业质量管理体系认证提升",
    "产品质量监督抽查",
    "消费品召回宣传",
    "重点工业产品质量安全检查",
    "质量诚信承诺签名",
    "质量技术帮扶",
    "质量提升典型案例征集",
]


# Database -------------------------------------------------------------------------------------


def database_url(args: argparse.Namespace) -> str:
    return args.database_url or os.environ.get("DATABASE_URL") or DEFAULT_URL


def is_postgres(url: str) -> bool:
    return urllib.parse.urlsplit(url).scheme in {"postgres", "postgresql", "pgsql", "postgis"}


@dataclass
class Size:
    districts: int
    items: int
    reports: int
    year: int

    @property
    def streets(self) -> int:
        return len(STREETS)


def prepare_database(url: str, size: Size, rebuild: bool) -> bool:
    """Make sure the bench database exists; True when the data set must be built.

    A database that carries this bench's finished data set of the same size is kept (unless
    ``rebuild``); one that carries another size or an unfinished build is dropped and created
    again (it is the bench's own); one holding anything else is refused.
    """
    import psycopg
    from psycopg import sql

    name = urllib.parse.urlsplit(url).path.lstrip("/")
    try:
        connection = postgres_connect(url)
    except psycopg.OperationalError as error:
        if "does not exist" not in str(error):
            raise
        with postgres_connect(url, "postgres") as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"created the database {name}")
        return True
    with connection:
        marker = connection.execute("SELECT to_regclass(%s)", [MARKER]).fetchone()[0]
        if marker is None:
            units = connection.execute("SELECT to_regclass('orgs_orgunit')").fetchone()[0]
            if (
                units
                and connection.execute("SELECT EXISTS (SELECT FROM orgs_orgunit)").fetchone()[0]
            ):
                raise SystemExit(
                    f"the database {name} holds organisation units that this bench did not make; "
                    "point --database-url (or DATABASE_URL) at a dedicated database, e.g. "
                    f"{DEFAULT_URL}"
                )
            return True
        row = connection.execute(
            f"SELECT districts, items, reports, year, finished FROM {MARKER}"
        ).fetchone()
    if row == (size.districts, size.items, size.reports, size.year, True) and not rebuild:
        return False
    if row is None:
        why = "no data set"
    elif not row[4]:
        why = "an unfinished build"
    elif rebuild:
        why = "--rebuild"
    else:
        why = f"it holds another size ({row[0]}×{row[1]}×{row[2]}, {row[3]})"
    print(f"dropping and creating again the bench's database {name}: {why}")
    with postgres_connect(url, "postgres") as admin:
        admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return True


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "qualitymonth.settings"
    os.environ["DEBUG"] = "0"
    os.environ.pop("QUALITYMONTH_ENV", None)  # production settings want HTTPS
    hosts = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ["ALLOWED_HOSTS"] = hosts + ",testserver"  # the test Client's host
    import logging

    import django

    django.setup()
    logging.getLogger("axes").setLevel(logging.WARNING)  # force_login's "successful login"


# Building the data set --------------------------------------------------------------------------


def _required_columns(cursor, table: str) -> set[str]:
    """The columns of ``table`` that are NOT NULL without a database default (Django keeps
    model defaults in Python, so a raw INSERT must give each of them)."""
    cursor.execute(
        """SELECT column_name FROM information_schema.columns
           WHERE table_schema = current_schema() AND table_name = %s AND is_nullable = 'NO'
             AND column_default IS NULL AND is_identity = 'NO'""",
        [table],
    )
    return {name for (name,) in cursor.fetchall()}


def _check_columns(cursor, table: str, columns: Sequence[str]) -> None:
    missing = _required_columns(cursor, table) - set(columns)
    if missing:
        raise SystemExit(
            f"{table} has NOT NULL columns the bench does not fill: {', '.join(sorted(missing))}; "
            "a migration added them — add them to bench/bench_dashboard.py"
        )


def insert_select(cursor, table: str, values: dict[str, str], rest: str, params=None) -> int:
    """``INSERT INTO table (columns) SELECT expressions <rest>``; the rows inserted."""
    _check_columns(cursor, table, values)
    columns = ", ".join(f'"{c}"' for c in values)
    cursor.execute(
        f"INSERT INTO {table} ({columns}) SELECT {', '.join(values.values())} {rest}", params
    )
    return cursor.rowcount


def copy_rows(cursor, table: str, columns: Sequence[str], rows) -> None:
    _check_columns(cursor, table, columns)
    names = ", ".join(f'"{c}"' for c in columns)
    with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


UNIT_BLANKS = {
    "short_name": "''",
    "code": "''",
    "credit_code": "''",
    "address": "''",
    "contact_name": "''",
    "contact_phone": "''",
}


def build_dataset(size: Size) -> float:
    """Write the data set; the seconds it took."""
    from django.db import connection

    from qualitymonth.accounts.models import User
    from qualitymonth.core.chinese import pinyin_key
    from qualitymonth.orgs.models import OrgUnit

    began = time.perf_counter()
    year = size.year
    start, end = f"{year}-09-01", f"{year}-09-30"

    def step(label: str, t0: float, rows: int | None = None) -> None:
        count = f"{rows:>10,} rows  " if rows is not None else " " * 17
        print(f"  {label:<34}{count}{time.perf_counter() - t0:7.1f} s", flush=True)

    with connection.cursor() as cursor:
        cursor.execute(
            f"""CREATE TABLE {MARKER} (districts int, items int, reports int, year int,
                    root_id bigint, finished boolean, build_seconds float,
                    built_at timestamptz DEFAULT now())"""
        )
        cursor.execute(
            f"INSERT INTO {MARKER} VALUES (%s, %s, %s, %s, NULL, false, NULL)",
            [size.districts, size.items, size.reports, year],
        )
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute("SET maintenance_work_mem = '512MB'")

        t0 = time.perf_counter()
        root = OrgUnit.objects.create(name=CITY, kind=OrgUnit.Kind.CITY)
        columns = ["name", "kind", "parent_id", "path", "pinyin", "sort_order", *UNIT_BLANKS]
        copy_rows(
            cursor,
            "orgs_orgunit",
            columns,
            (
                (name, "district", root.pk, "", pinyin_key(name), n, *[""] * len(UNIT_BLANKS))
                for n in range(1, size.districts + 1)
                for name in [f"基准{n:04d}区"]
            ),
        )
        cursor.execute(
            "UPDATE orgs_orgunit SET path = %s || id || '/' WHERE parent_id = %s",
            [root.path, root.pk],
        )
        streets = ", ".join(
            f"({k}, '{name}', '{kind}', '{pinyin_key(name)}')"
            for k, (name, kind) in enumerate(STREETS, start=1)
        )
        rows = insert_select(
            cursor,
            "orgs_orgunit",
            {
                "name": "s.name",
                "kind": "s.kind",
                "parent_id": "d.id",
                "path": "d.path || ''",  # completed below, once the id is known
                "pinyin": "s.pinyin",
                "sort_order": "s.k",
                **UNIT_BLANKS,
            },
            f"FROM orgs_orgunit d CROSS JOIN (VALUES {streets}) AS s (k, name, kind, pinyin) "
            "WHERE d.parent_id = %s ORDER BY d.id, s.k",
            [root.pk],
        )
        cursor.execute(
            "UPDATE orgs_orgunit u SET path = u.path || u.id || '/' FROM orgs_orgunit d "
            "WHERE u.parent_id = d.id AND d.parent_id = %s",
            [root.pk],
        )
        step("units (city, districts, streets)", t0, size.districts + rows + 1)

        t0 = time.perf_counter()
        rows = insert_select(
            cursor,
            "campaigns_campaign",
            {
                "org_unit_id": "d.id",
                "kind": "'quality_month'",
                "year": "%s",
                "title": f"'关于开展{year}年' || d.name || '“质量月”活动的通知'",
                "issuer": "d.name || '市场监督管理局'",
                "doc_number": "''",
                "recipients": "''",
                "preamble": "''",
                "sections": "'[]'::jsonb",
                "theme": "'质量强国 品质生活'",
                "start_date": f"date '{start}'",
                "end_date": f"date '{end}'",
                "requirements": "'[]'::jsonb",
                "signing_date": f"date '{year}-08-20'",
                "print_organ": "''",
                "print_date": "NULL",
                "upward_recipient": "''",
                "status": "'published'",
                "published_at": f"timestamptz '{year}-08-25 10:00+08'",
                "copied_from_id": "NULL",
                "created_at": "now()",
                "updated_at": "now()",
            },
            "FROM orgs_orgunit d WHERE d.parent_id = %s ORDER BY d.sort_order",
            [year, root.pk],
        )
        categories = min(len(CATEGORIES), size.items)
        per_category = -(-size.items // categories)
        category_titles = "ARRAY[" + ", ".join(f"'{t}'" for t in CATEGORIES) + "]"
        item_titles = "ARRAY[" + ", ".join(f"'{t}'" for t in ITEMS) + "]"
        insert_select(
            cursor,
            "campaigns_category",
            {
                "campaign_id": "c.id",
                "number": "k",
                "title": f"({category_titles})[k]",
                "order": "k",
            },
            "FROM campaigns_campaign c CROSS JOIN generate_series(1, %s) k ORDER BY c.id, k",
            [categories],
        )
        items = insert_select(
            cursor,
            "campaigns_item",
            {
                "campaign_id": "c.id",
                "category_id": "cat.id",
                "number": "j",
                "title": f"({item_titles})[mod(j - 1, {len(ITEMS)}) + 1]",
                "description": "''",
                "lead_unit_names": "'[]'::jsonb",
                "co_unit_names": "'[]'::jsonb",
                "time_text": "'9月'",
                "start_date": "NULL",
                "end_date": "NULL",
                "order": "j",
            },
            "FROM campaigns_campaign c CROSS JOIN generate_series(1, %s) j "
            "JOIN campaigns_category cat ON cat.campaign_id = c.id "
            " AND cat.number = (j - 1) / %s + 1 ORDER BY c.id, j",
            [size.items, per_category],
        )
        indicators = 0
        for name, unit, order, where in [
            ("参与人数", "人", 1, ""),
            ("检定台数", "台", 2, "WHERE mod(i.number, 2) = 0"),
            ("合格台数", "台", 3, "WHERE mod(i.number, 2) = 0"),
        ]:
            indicators += insert_select(
                cursor,
                "campaigns_indicator",
                {
                    "item_id": "i.id",
                    "name": f"'{name}'",
                    "unit": f"'{unit}'",
                    "value_type": "'integer'",
                    "aggregation": "'sum'",
                    "order": str(order),
                },
                f"FROM campaigns_item i {where} ORDER BY i.id",
            )
        insert_select(
            cursor,
            "campaigns_formula",
            {
                "campaign_id": "c.id",
                "name": "'合格率'",
                "expression": "'合格台数 / 检定台数'",
                "display": "'percent'",
                "decimals": "1",
                "order": "1",
            },
            "FROM campaigns_campaign c ORDER BY c.id",
        )
        assignments = insert_select(
            cursor,
            "assignments_assignment",
            {
                "item_id": "i.id",
                "org_unit_id": "s.id",
                "role": "CASE WHEN s.sort_order = 1 THEN 'lead' ELSE 'participant' END",
                "created_at": "now()",
            },
            "FROM campaigns_item i JOIN campaigns_campaign c ON c.id = i.campaign_id "
            "JOIN orgs_orgunit s ON s.parent_id = c.org_unit_id ORDER BY i.id, s.sort_order",
        )
        every_other_day = "s.sort_order * interval '2 day'"
        events = insert_select(
            cursor,
            "events_event",
            {
                "item_id": "i.id",
                "org_unit_id": "s.id",
                "title": "s.name || '质量开放日'",
                "starts_at": f"timestamptz '{year}-09-01 09:30+08' + {every_other_day}",
                "ends_at": f"timestamptz '{year}-09-01 12:00+08' + {every_other_day}",
                "mode": "'offline'",
                "address": "''",
                "street_town_id": "s.id",
                "online_url": "''",
                "audience": "'市民'",
                "is_public": "true",
                "expected_participants": "NULL",
                "status": "'held'",
                "cancel_reason": "''",
                "created_by_id": "NULL",
                "created_at": "now()",
                "updated_at": "now()",
            },
            "FROM campaigns_item i JOIN campaigns_campaign c ON c.id = i.campaign_id "
            "JOIN orgs_orgunit s ON s.parent_id = c.org_unit_id WHERE i.number = 1 "
            "ORDER BY i.id, s.sort_order",
        )
        step(f"plan ({rows:,} campaigns, {items:,} items)", t0, None)
        print(
            f"  {'':34}{indicators:>10,} indicators, {assignments:,} assignments, {events:,} events"
        )

        # Reports and their values, a batch of districts at a time.
        cursor.execute("SELECT id FROM campaigns_campaign ORDER BY id")
        campaign_ids = [pk for (pk,) in cursor.fetchall()]
        report_columns = {
            "status": "'accepted'",
            "version": "1",
            "submitted_at": "t.at",
            "is_late": "false",
            "reviewed_by_id": "NULL",
            "reviewed_at": "t.at + interval '1 day'",
            "return_reason": "''",
            "created_at": "t.at - interval '2 hour'",
            "updated_at": "t.at + interval '1 day'",
            "item_id": "i.id",
            "event_id": "e.id",
            "org_unit_id": "s.id",
            "author_id": "NULL",
            "client_token": "gen_random_uuid()",
            "title": "i.title || '活动信息（' || n || '）'",
            "content": "''",
            "effect": "''",
            "starred": "mod(n, 25) = 0",
        }
        report_from = f"""
            FROM campaigns_campaign c
            JOIN campaigns_item i ON i.campaign_id = c.id
            CROSS JOIN generate_series(1, %s) n
            JOIN orgs_orgunit s ON s.parent_id = c.org_unit_id
                               AND s.sort_order = mod(n - 1, {size.streets}) + 1
            LEFT JOIN events_event e ON e.item_id = i.id AND e.org_unit_id = s.id
            CROSS JOIN LATERAL (
                SELECT timestamptz '{start} 10:00+08'
                       + mod(n * 7 + i.number * 3, 30) * interval '1 day'
                       + mod(n, 8) * interval '1 hour' AS at
            ) t
            WHERE c.id BETWEEN %s AND %s
            ORDER BY i.id, n"""
        value_columns = {
            "report_id": "r.id",
            "indicator_id": "ind.id",
            "value": """CASE ind.name
                WHEN '参与人数' THEN 20 + mod(r.id * 37, 181)
                WHEN '检定台数' THEN 10 + mod(r.id * 13, 41)
                ELSE 10 + mod(r.id * 13, 41) - mod(r.id, 3) END""",
        }
        value_from = """
            FROM reports_report r JOIN campaigns_indicator ind ON ind.item_id = r.item_id
            WHERE r.id > %s ORDER BY r.id, ind.order"""
        t0 = time.perf_counter()
        total_reports = total_values = 0
        for first in range(0, len(campaign_ids), BATCH_DISTRICTS):
            batch = campaign_ids[first : first + BATCH_DISTRICTS]
            cursor.execute("SELECT coalesce(max(id), 0) FROM reports_report")
            (last_id,) = cursor.fetchone()
            total_reports += insert_select(
                cursor,
                "reports_report",
                report_columns,
                report_from,
                [size.reports, batch[0], batch[-1]],
            )
            total_values += insert_select(
                cursor, "reports_reportvalue", value_columns, value_from, [last_id]
            )
            done = first + len(batch)
            spent = time.perf_counter() - t0
            print(
                f"  reports {done:>5,}/{len(campaign_ids):,} districts  {total_reports:>10,} "
                f"reports {total_values:>11,} values  {spent:7.1f} s"
                f"  (about {spent / done * (len(campaign_ids) - done):.0f} s to go)",
                flush=True,
            )

        t0 = time.perf_counter()
        admin = User(username="bench-super", full_name="基准测试", is_staff=True, is_superuser=True)
        admin.set_unusable_password()
        admin.save()
        for table in (
            "orgs_orgunit",
            "campaigns_campaign",
            "campaigns_category",
            "campaigns_item",
            "campaigns_indicator",
            "campaigns_formula",
            "assignments_assignment",
            "events_event",
            "reports_report",
            "reports_reportvalue",
        ):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        step("VACUUM ANALYZE", t0)
        seconds = time.perf_counter() - began
        cursor.execute(
            f"UPDATE {MARKER} SET root_id = %s, finished = true, build_seconds = %s",
            [root.pk, seconds],
        )
        for name in ("synchronous_commit", "work_mem", "maintenance_work_mem"):
            cursor.execute(f"RESET {name}")  # time with the server's own settings
    return seconds


# Measuring --------------------------------------------------------------------------------------


@dataclass
class Timing:
    first: float
    times: list[float]

    @property
    def best(self) -> float:
        return min(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)


def measure(fn: Callable[[], object], repeat: int, budget: float) -> Timing:
    t0 = time.perf_counter()
    fn()
    first = time.perf_counter() - t0
    times: list[float] = []
    started = time.perf_counter()
    while len(times) < repeat:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        if len(times) >= 3 and time.perf_counter() - started > budget:
            break
    return Timing(first, times)


@dataclass
class Queries:
    count: int
    slowest: list[tuple[float, str]]  # (seconds, sql), slowest first


def capture(fn: Callable[[], object]) -> Queries:
    """Run once with Django's query log: how many queries, and the slowest."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        fn()
    queries = [(float(q["time"]), q["sql"]) for q in context.captured_queries]
    return Queries(len(queries), sorted(queries, reverse=True))


@dataclass
class Line:
    what: str
    reports: int
    values: int
    timing: Timing
    queries: Queries
    bare: Timing
    notes: list[str] = field(default_factory=list)


DISTRICT_SQL = """
    SELECT ind.name, sum(v.value), count(*)
    FROM reports_reportvalue v
    JOIN reports_report r ON r.id = v.report_id
    JOIN campaigns_item i ON i.id = r.item_id
    JOIN campaigns_indicator ind ON ind.id = v.indicator_id
    WHERE i.campaign_id = %s AND r.status = 'accepted'
    GROUP BY ind.name"""

CITY_SQL = """
    SELECT c.org_unit_id, ind.name, sum(v.value), count(*)
    FROM reports_reportvalue v
    JOIN reports_report r ON r.id = v.report_id
    JOIN campaigns_item i ON i.id = r.item_id
    JOIN campaigns_campaign c ON c.id = i.campaign_id
    JOIN orgs_orgunit d ON d.id = c.org_unit_id
    JOIN campaigns_indicator ind ON ind.id = v.indicator_id
    WHERE d.path LIKE %s AND d.kind = 'district' AND c.year = %s AND c.kind = 'quality_month'
      AND c.status = 'published' AND r.status = 'accepted'
    GROUP BY c.org_unit_id, ind.name"""


def bare(sql: str, params: list) -> Callable[[], list]:
    from django.db import connection

    def run() -> list:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    return run


def covered(campaign_ids: list[int] | None) -> tuple[int, int]:
    """Accepted reports and their values, of some campaigns or of all."""
    from qualitymonth.reports.models import Report, ReportValue

    reports = Report.objects.filter(status=Report.Status.ACCEPTED)
    values = ReportValue.objects.filter(report__status=Report.Status.ACCEPTED)
    if campaign_ids is not None:
        reports = reports.filter(item__campaign_id__in=campaign_ids)
        values = values.filter(report__item__campaign_id__in=campaign_ids)
    return reports.count(), values.count()


def explain(sql: str) -> list[str]:
    """EXPLAIN (ANALYZE, BUFFERS) of a captured query: its plan nodes and times."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        plan = [line for (line,) in cursor.fetchall()]
    keep = re.compile(r"^\s*(->|Planning Time|Execution Time|JIT:|\s*Timing:)")
    summary = [plan[0]] + [line for line in plan[1:] if keep.match(line)]
    top_buffers = next((line for line in plan[1:3] if "Buffers:" in line), None)
    if top_buffers:
        summary.insert(1, top_buffers)
    return summary


def run_benchmark(args, size: Size) -> int:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from qualitymonth.accounts.models import User
    from qualitymonth.campaigns.models import Campaign
    from qualitymonth.dashboard.exports import CAMPAIGN_GROUPS
    from qualitymonth.dashboard.queries import build_dashboard, district_campaigns
    from qualitymonth.dashboard.views import CITY_GROUPS
    from qualitymonth.orgs.models import OrgUnit

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT root_id FROM {MARKER}")
        (root_id,) = cursor.fetchone()
    root = OrgUnit.objects.get(pk=root_id)
    kind = Campaign.Kind.QUALITY_MONTH
    district = OrgUnit.objects.get(
        parent=root, kind=OrgUnit.Kind.DISTRICT, sort_order=(size.districts + 1) // 2
    )
    campaign = Campaign.objects.select_related("org_unit").get(
        org_unit=district, year=size.year, kind=kind
    )
    user = User.objects.get(username="bench-super")
    client = Client()
    client.force_login(user)
    failures: list[str] = []

    def page(url: str) -> Callable[[], int]:
        def get() -> int:
            response = client.get(url)
            if response.status_code != 200:
                failures.append(f"GET {url} answered {response.status_code}")
            return len(response.content)

        return get

    campaign_url = reverse("dashboard:campaign", args=[campaign.pk])
    city_url = reverse("dashboard:city", args=[root.pk, size.year])
    district_build = lambda: build_dashboard([campaign], CAMPAIGN_GROUPS)  # noqa: E731
    city_build = lambda: build_dashboard(  # noqa: E731
        district_campaigns(root, size.year, kind), CITY_GROUPS
    )
    district_bare = bare(DISTRICT_SQL, [campaign.pk])
    city_bare = bare(CITY_SQL, [root.path + "%", size.year])

    repeat, budget = args.repeat, args.budget
    print(f"district: {district.name} (campaign {campaign.pk}); city: {root.name} {size.year}")
    lines = []
    district_rows = covered([campaign.pk])
    city_rows = covered(None)
    print("timing the district …", flush=True)
    district_bare_timing = measure(district_bare, repeat, budget)
    lines.append(
        Line(
            f"district page  GET {campaign_url}",
            *district_rows,
            measure(page(campaign_url), repeat, budget),
            capture(page(campaign_url)),
            district_bare_timing,
        )
    )
    lines.append(
        Line(
            "district build_dashboard",
            *district_rows,
            measure(district_build, repeat, budget),
            capture(district_build),
            district_bare_timing,
        )
    )
    print("timing the city …", flush=True)
    city_bare_timing = measure(city_bare, repeat, budget)
    lines.append(
        Line(
            "city build_dashboard (district, day)",
            *city_rows,
            measure(city_build, repeat, budget),
            capture(city_build),
            city_bare_timing,
        )
    )
    lines.append(
        Line(
            f"city page  GET {city_url}",
            *city_rows,
            measure(page(city_url), repeat, budget),
            capture(page(city_url)),
            city_bare_timing,
        )
    )

    print()
    print(report(lines))
    print()
    print("bare SQL: the accepted report values summed by indicator name — of the district's")
    print("campaign; of every district's campaign, by district. first = the first run (cold).")

    print("\nslowest queries of each (one run with the query log):")
    for line in lines:
        shown = ", ".join(f"{seconds * 1000:.0f}" for seconds, _ in line.queries.slowest[:5])
        print(f"  {line.what}: {line.queries.count} queries; slowest ms: {shown}")
        print(f"    {_shorten(line.queries.slowest[0][1])}")

    # Figures agree with the bare SQL?
    dashboard = district_build()
    bare_total = {name: total for name, total, _ in district_bare()}
    if dashboard.total.value("参与人数") != bare_total.get("参与人数"):
        failures.append(
            f"district 参与人数: dashboard {dashboard.total.value('参与人数')}, "
            f"bare SQL {bare_total.get('参与人数')}"
        )
    rate = dashboard.total.derived.get("合格率")
    print(
        f"\ndistrict totals: 参与人数 {dashboard.total.value('参与人数')} "
        f"(bare SQL {bare_total.get('参与人数')}), 合格率 "
        f"{'—' if rate is None else f'{rate * 100:.1f}%'}, "
        + ", ".join(f"{figure.label} {value}" for figure, value in dashboard.headline)
    )

    if args.explain:
        for line in (lines[1], lines[2]):
            seconds, sql = line.queries.slowest[0]
            print(
                f"\nEXPLAIN (ANALYZE, BUFFERS) — slowest query of {line.what} "
                f"({seconds * 1000:.0f} ms in the logged run):"
            )
            print(f"  {_shorten(sql, 600)}")
            for plan_line in explain(sql):
                print(f"  {plan_line}")

    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


def _shorten(sql: str, limit: int = 240) -> str:
    sql = re.sub(r"\s+", " ", sql)
    # A long IN list (every campaign of the year) reads as its first ids and a count.
    sql = re.sub(
        r"IN \((\d+(?:, \d+){4})((?:, \d+)+)\)",
        lambda m: f"IN ({m.group(1)}, … {m.group(2).count(',')} more)",
        sql,
    )
    return sql if len(sql) <= limit else sql[:limit] + " …"


def report(lines: list[Line]) -> str:
    header = (
        "what",
        "reports",
        "values",
        "queries",
        "runs",
        "first s",
        "best s",
        "median s",
        "bare best s",
        "bare median s",
        "ratio",
    )
    rows = []
    for line in lines:
        rows.append(
            (
                line.what,
                f"{line.reports:,}",
                f"{line.values:,}",
                str(line.queries.count),
                str(len(line.timing.times)),
                f"{line.timing.first:.3f}",
                f"{line.timing.best:.3f}",
                f"{line.timing.median:.3f}",
                f"{line.bare.best:.3f}",
                f"{line.bare.median:.3f}",
                f"{line.timing.median / line.bare.median:.1f}×",
            )
        )
    widths = [max(_width(x) for x in column) for column in zip(header, *rows, strict=True)]

    def fmt(values) -> str:
        cells = []
        for index, (value, width) in enumerate(zip(values, widths, strict=True)):
            pad = " " * (width - _width(value))
            cells.append(value + pad if index == 0 else pad + value)
        return "  ".join(cells)

    return "\n".join([fmt(header), fmt(["-" * w for w in widths]), *map(fmt, rows)])


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def describe_server() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        (version,) = cursor.fetchone()
        settings = []
        for name in ("shared_buffers", "work_mem", "max_parallel_workers_per_gather", "jit"):
            cursor.execute(f"SHOW {name}")
            settings.append(f"{name}={cursor.fetchone()[0]}")
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        (db_size,) = cursor.fetchone()
    return f"PostgreSQL {version} ({', '.join(settings)}); database size {db_size}"


@contextlib.contextmanager
def trial_indexes(statements: Sequence[str]):
    """Create the --try-index indexes for this run, and drop them afterwards."""
    from django.db import connection

    names = []
    with connection.cursor() as cursor:
        for statement in statements:
            match = re.search(
                r"INDEX\s+(?:CONCURRENTLY\s+)?(?:IF NOT EXISTS\s+)?(\w+)", statement, re.I
            )
            if not match:
                raise SystemExit(f"--try-index needs a named index: {statement}")
            t0 = time.perf_counter()
            cursor.execute(statement)
            names.append(match.group(1))
            print(f"trial index {match.group(1)} created in {time.perf_counter() - t0:.1f} s")
        if names:
            cursor.execute("ANALYZE")
    try:
        yield names
    finally:
        with connection.cursor() as cursor:
            for name in names:
                cursor.execute(f"DROP INDEX IF EXISTS {name}")
            if names:
                print(f"dropped the trial index(es) {', '.join(names)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--districts", type=int, default=2800, help="districts (default 2800)")
    parser.add_argument("--items", type=int, default=20, help="items per campaign (default 20)")
    parser.add_argument("--reports", type=int, default=50, help="reports per item (default 50)")
    parser.add_argument("--year", type=int, default=2024, help="the campaigns' year (default 2024)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs after the first (5)")
    parser.add_argument(
        "--budget", type=float, default=60.0, help="seconds per measurement before stopping early"
    )
    parser.add_argument("--explain", action="store_true", help="EXPLAIN the slowest queries")
    parser.add_argument("--rebuild", action="store_true", help="build the data set again")
    parser.add_argument(
        "--try-index",
        action="append",
        default=[],
        metavar="SQL",
        help='a "CREATE INDEX name ON …" to create for this run only (repeatable)',
    )
    parser.add_argument(
        "--database-url", help=f"PostgreSQL URL (default DATABASE_URL or {DEFAULT_URL})"
    )
    args = parser.parse_args(argv)
    if min(args.districts, args.items, args.reports) < 1:
        parser.error("--districts, --items and --reports must be at least 1")

    url = database_url(args)
    if not is_postgres(url):
        print(
            f"this benchmark runs on PostgreSQL only, not {urllib.parse.urlsplit(url).scheme}: "
            f"set --database-url or DATABASE_URL to e.g. {DEFAULT_URL}"
        )
        return 2
    size = Size(args.districts, args.items, args.reports, args.year)
    print(
        f"dashboard benchmark — Python {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} CPUs"
    )
    print(
        f"data set: {size.districts:,} districts × {size.items} items × {size.reports} reports "
        f"= {size.districts * size.items * size.reports:,} accepted reports, year {size.year}"
    )
    began = time.perf_counter()
    build = prepare_database(url, size, args.rebuild)
    setup_django(url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", interactive=False, verbosity=0)
    if build:
        print("building the data set …")
        seconds = build_dataset(size)
        print(f"built in {seconds:.0f} s")
    else:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT built_at, build_seconds FROM {MARKER}")
            built_at, seconds = cursor.fetchone()
        print(f"reusing the data set built {built_at:%Y-%m-%d %H:%M} (in {seconds:.0f} s)")
    print(describe_server())
    with trial_indexes(args.try_index):
        status = run_benchmark(args, size)
    print(f"\ntotal run time {time.perf_counter() - began:.0f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark reading and parsing notices (the notice import's hot path).

Run:  .venv/bin/python bench/bench_notice_import.py [--runs N] [--budget SECONDS]

Prints, per notice, the best and median time over N runs (each case stops early once it has used
its time budget, after at least 3 runs), so figures can be compared run to run, for two stages:

- parse:  `read_notice` + `parse_notice`, pure Python;
- import: the whole `import_notice` service as the upload page runs it — parse, then the draft
  campaign with its categories, items, default indicators and audit entries written to the
  database (a fresh SQLite file, or the one `DATABASE_URL` names; every run is rolled back).

Cases: the real Pudong 2024 notice, the same notice pasted on one line, a synthetic 200-item text
plan and a synthetic 200-item .docx plan table.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qualitymonth.notices.parser import parse_notice  # noqa: E402
from qualitymonth.notices.reader import read_notice  # noqa: E402

SEED = ROOT / "qualitymonth/notices/data/pudong-2024-quality-month-notice.txt"

UNITS = ["质量处", "标准化处", "计量处", "宣传科", "各街镇", "各园区", "区教育局", "计量所"]
TIMES = ["9月上旬", "9月中旬", "9月下旬", "9月1日-9月30日", "2024年9月15日", "9月"]
CATEGORIES = ["开展质量宣传", "加强质量交流", "实施质量提升", "强化质量监管", "优化质量服务"]
CN = "一二三四五六七八九十"


def _item_text(number: int) -> str:
    return (
        f"开展第{number}项质量提升专题活动。组织区内重点企业、园区、街镇开展质量管理经验交流，"
        "推广先进质量管理理念和方法，建立健全质量管理体系，提高人员素质及质量水平，"
        "赋能产业链供应链质量全方位升级，推动形成可持续、可推广、可复制的典型案例。"
    )


def synthetic_text_plan(items: int = 200, per_category: int = 20) -> bytes:
    lines = [
        "上海市浦东新区市场监督管理局文件",
        "浦市监质〔2024〕100号",
        "关于开展2024年浦东新区“质量月”活动的通知",
        "浦东新区各有关单位：",
        "为全面推动质量强区建设，现将有关事项通知如下：",
        "一、活动主题",
        "加快培育新质生产力，助推浦东高质量发展",
        "二、活动时间",
        "2024年9月1日至2024年9月30日。",
        "三、活动内容",
    ]
    for number in range(1, items + 1):
        if (number - 1) % per_category == 0:
            index = (number - 1) // per_category
            lines.append(f"（{CN[index % 10]}）{CATEGORIES[index % len(CATEGORIES)]}")
        lines.append(f"{number}. {_item_text(number)}")
        lines.append(
            f"牵头单位：{UNITS[number % 4]}；配合单位：{UNITS[4 + number % 4]}、{UNITS[number % 3]}"
        )
        lines.append(f"活动时间：{TIMES[number % len(TIMES)]}")
    lines += [
        "四、活动要求",
        "（一）加强组织领导。各单位要高度重视，精心组织。",
        "（二）及时报送信息。请于9月30日前报送书面小结。",
        "质量处联系人：陈择源，联系电话：68824341。",
        "特此通知。",
        "上海市浦东新区市场监督管理局",
        "2024年9月5日",
    ]
    return "\n\n".join(lines).encode("utf-8")


def synthetic_docx_plan(items: int = 200, per_category: int = 20) -> bytes:
    import docx  # only this case needs python-docx

    document = docx.Document()
    for line in synthetic_text_plan(0).decode().split("\n\n")[:10]:
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=5)
    for cell, name in zip(
        table.rows[0].cells, ["序号", "活动内容", "活动时间", "牵头部门", "协助部门"], strict=True
    ):
        cell.text = name
    for number in range(1, items + 1):
        if (number - 1) % per_category == 0:
            index = (number - 1) // per_category
            row = table.add_row().cells
            row[0].merge(
                row[-1]
            ).text = f"（{CN[index % 10]}）{CATEGORIES[index % len(CATEGORIES)]}"
        row = table.add_row().cells
        values = [
            str(number),
            _item_text(number),
            TIMES[number % len(TIMES)],
            UNITS[number % 4],
            f"{UNITS[4 + number % 4]}、{UNITS[number % 3]}",
        ]
        for cell, value in zip(row, values, strict=True):
            cell.text = value
    for line in [
        "四、活动要求",
        "请于9月30日前报送书面小结。",
        "特此通知。",
        "上海市浦东新区市场监督管理局",
        "2024年9月5日",
    ]:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@dataclass
class Case:
    name: str
    data: bytes
    filename: str
    expected_items: int


@dataclass
class Result:
    case: Case
    items: int
    times: list[float]


def parse_once(case: Case) -> int:
    return parse_notice(read_notice(case.data, case.filename)).item_count


def database_importer() -> Callable[[Case], int]:
    """Set Django up on a scratch database and return one full import, rolled back after."""
    if not os.environ.get("DATABASE_URL"):
        os.environ["QUALITYMONTH_DATA_DIR"] = tempfile.mkdtemp(prefix="qualitymonth-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qualitymonth.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    from qualitymonth.accounts.models import Membership, Role, User
    from qualitymonth.notices.services import import_notice
    from qualitymonth.orgs.models import OrgUnit

    call_command("migrate", verbosity=0)
    district, _ = OrgUnit.objects.get_or_create(
        name="基准测试区", parent=None, defaults={"kind": OrgUnit.Kind.DISTRICT}
    )
    admin, _ = User.objects.get_or_create(username="bench-admin")
    Membership.objects.get_or_create(user=admin, org_unit=district, role=Role.CAMPAIGN_ADMIN)

    def import_once(case: Case) -> int:
        with transaction.atomic():
            record = import_notice(
                read_notice(case.data, case.filename), org_unit=district, by=admin
            )
            items = record.campaign.items.count()
            transaction.set_rollback(True)
        return items

    return import_once


def measure(case: Case, once: Callable[[Case], int], runs: int, budget: float) -> Result:
    items = once(case)  # warm up: OpenCC dictionaries, regex compilation, python-docx import
    times: list[float] = []
    started = time.perf_counter()
    while len(times) < runs:
        t0 = time.perf_counter()
        once(case)
        times.append(time.perf_counter() - t0)
        if len(times) >= 3 and time.perf_counter() - started > budget:
            break
    return Result(case, items, times)


def _size(n: int) -> str:
    return f"{n / 1024:.1f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.2f} MB"


def report(results: list[Result]) -> str:
    header = ("notice", "input", "items", "runs", "best ms", "median ms", "ms/item")
    rows = []
    for r in results:
        best, median = min(r.times) * 1000, statistics.median(r.times) * 1000
        check = "" if r.items == r.case.expected_items else f" (expected {r.case.expected_items}!)"
        rows.append(
            (
                r.case.name,
                _size(len(r.case.data)),
                f"{r.items}{check}",
                str(len(r.times)),
                f"{best:.2f}",
                f"{median:.2f}",
                f"{median / max(r.items, 1):.3f}",
            )
        )
    widths = [max(_display_width(x) for x in column) for column in zip(header, *rows, strict=True)]

    def line(values) -> str:
        cells = []
        for index, (value, width) in enumerate(zip(values, widths, strict=True)):
            pad = " " * (width - _display_width(value))
            cells.append(value + pad if index == 0 else pad + value)
        return "  ".join(cells)

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=30, help="runs per notice (default 30)")
    parser.add_argument(
        "--budget", type=float, default=8.0, help="seconds per notice before stopping early"
    )
    parser.add_argument(
        "--stage", choices=["parse", "all"], default="all", help="parse only, or parse and import"
    )
    args = parser.parse_args(argv)

    seed = SEED.read_bytes()
    builders: list[tuple[str, Callable[[], bytes], str, int]] = [
        ("seed notice (.txt)", lambda: seed, SEED.name, 20),
        ("seed notice on one line", lambda: seed.replace(b"\n", b""), "one-line.txt", 20),
        ("200-item text plan", synthetic_text_plan, "plan-200.txt", 200),
        ("200-item .docx table plan", synthetic_docx_plan, "plan-200.docx", 200),
    ]
    cases = [
        Case(name, build(), filename, expected) for name, build, filename, expected in builders
    ]
    print(f"notice import benchmark — Python {platform.python_version()}, {platform.machine()}")
    print(f"up to {args.runs} runs or {args.budget:g} s per notice and stage\n")
    results = []
    stages = [("parse: read_notice + parse_notice", lambda: parse_once)]
    if args.stage == "all":
        stages.append(("import: import_notice into the database", database_importer))
    for title, make_once in stages:
        once = make_once()
        stage_results = [measure(case, once, args.runs, args.budget) for case in cases]
        print(title)
        print(report(stage_results) + "\n")
        results += stage_results
    return 0 if all(r.items == r.case.expected_items for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark reading uploaded workbooks and writing exports (the .xlsx imports' and exports' hot
paths).

Run:  .venv/bin/python bench/bench_workbooks.py [--runs N] [--rows N]

Prints the best and median time over N runs of:

- read: `read_table` on a units table of --rows rows (default 20,000, the import's limit), as
  the platform and openpyxl write it (inline strings) and as Excel saves it (shared strings),
  next to openpyxl's own read-only reading of the same files for comparison;
- hostile: `read_table` on each hostile workbook of tests/core/hostile_xlsx.py (the time until
  its Chinese message);
- write: `write_table` of an audit-log-like export of 50,000 rows.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from xml.sax.saxutils import escape

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qualitymonth.settings")
django.setup()

from openpyxl import load_workbook  # noqa: E402
from openpyxl.utils import get_column_letter  # noqa: E402

from qualitymonth.core.xlsx import XlsxError, read_table, write_table  # noqa: E402
from qualitymonth.orgs.importing import HEADERS  # noqa: E402
from tests.core.hostile_xlsx import EXPECTED, MAIN, XML, hostile, workbook  # noqa: E402


def unit_rows(count: int) -> list[list[str]]:
    return [
        [
            f"上海市浦东新区示例科技有限公司第{n}分公司",
            "张江高科技园区",
            "企业",
            f"ZJ-{n:05d}",
            f"91310115MA1K{n:06d}",
            f"上海市浦东新区张江镇科苑路{n}号示例大厦1201室",
            "张三",
            f"021-6882{n % 10000:04d}",
        ]
        for n in range(count)
    ]


def shared_strings_workbook(rows: list[list[str]]) -> bytes:
    """The table as Excel saves it: every text once in the shared strings, cells by index."""
    texts: dict[str, int] = {}
    body = "".join(
        f'<row r="{r}">'
        + "".join(
            f'<c r="{get_column_letter(c)}{r}" t="s"><v>{texts.setdefault(v, len(texts))}</v></c>'
            for c, v in enumerate(row, 1)
        )
        + "</row>"
        for r, row in enumerate([HEADERS, *rows], 1)
    )
    strings = "".join(f"<si><t>{escape(text)}</t></si>" for text in texts)
    return workbook(
        f'{XML}<worksheet xmlns="{MAIN}"><sheetData>{body}</sheetData></worksheet>',
        f'{XML}<sst xmlns="{MAIN}">{strings}</sst>',
    )


def openpyxl_read(data: bytes) -> int:
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    count = sum(1 for _ in book.worksheets[0].iter_rows(max_col=100, values_only=True))
    book.close()
    return count


def refused(data: bytes) -> str:
    try:
        read_table(data, required=HEADERS)
    except XlsxError as error:
        return error.message
    return "(read)"


def timed(label: str, runs: int, work: Callable[[], object]) -> None:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    print(f"{label:58} best {min(times):7.3f} s   median {statistics.median(times):7.3f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()

    rows = unit_rows(args.rows)
    inline = write_table(HEADERS, rows, title="单位")
    shared = shared_strings_workbook(rows)
    print(f"read ({args.rows} rows; {len(inline) // 1024} KB and {len(shared) // 1024} KB zipped)")
    for label, data in (("inline strings", inline), ("shared strings", shared)):
        timed(f"  read_table, {label}", args.runs, lambda d=data: read_table(d, required=HEADERS))
        timed(
            f"  openpyxl read-only, {label} (for comparison)",
            args.runs,
            lambda d=data: openpyxl_read(d),
        )

    print("hostile (time until the message)")
    for name, data in hostile(tuple(HEADERS)).items():
        timed(f"  {name} ({len(data) // 1024} KB)", args.runs, lambda data=data: refused(data))
        assert EXPECTED[name] in refused(data), name

    log = [
        [datetime.datetime(2024, 9, 1, 8) + datetime.timedelta(minutes=n), "张三", "报送已采用",
         "信息报送", f"第{n}篇", n, "状态：已提交 → 已采用\n审核意见：很好", ""]
        for n in range(50_000)
    ]  # fmt: skip
    print("write")
    timed(
        "  write_table, 50,000 audit-log rows",
        args.runs,
        lambda: write_table(HEADERS, log, title="审计日志"),
    )


if __name__ == "__main__":
    main()

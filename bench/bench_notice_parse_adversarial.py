"""Benchmark reading and parsing hostile notices next to normal ones, in KB/s.

Run:  .venv/bin/python bench/bench_notice_parse_adversarial.py [--sizes 20,200] [--runs N]
                                                                [--only TEXT]

For each input, `read_notice` + `parse_notice` at each size (KB), best of N runs in CPU time
(the parse is single-threaded; other processes on a shared machine do not count; garbage
collector paused), and the growth of the time from the first size to the last. Linear
code grows with the size (10x for 20 → 200 KB); a pattern that rescans a long run from each of
its characters grows with its square (100x). The "x normal" column is the time per KB next to
a normal notice's (the Pudong notice repeated to the same size).

Normal inputs: the Pudong notice repeated, a 200-item text plan and a 200-item .docx table
(both from bench_notice_import.py, repeated to the size). Hostile inputs: the families of
tests/notices/hostile.py, which tests/notices/test_parse_time.py holds to a budget: runs of
e-mail or phone characters in a contact line, deadlines without a full stop, numbering and
heading runs, date and page-break fragments, spaces, HTML without end tags, .docx tables with
merged or enormous cells and .docx styles by the thousand or in a loop.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_notice_import import (  # noqa: E402
    SEED,
    _display_width,
    synthetic_docx_plan,
    synthetic_text_plan,
)

from tests.notices.hostile import FAMILIES, best_time  # noqa: E402


def repeated_to(data: bytes) -> Callable[[int], bytes]:
    def build(size: int) -> bytes:
        return (data + b"\n") * (size // (len(data) + 1) + 1)

    return build


def docx_plan(size: int) -> bytes:
    return synthetic_docx_plan(items=max(1, size // 600))  # about 600 bytes of XML per row


NORMAL: dict[str, tuple[Callable[[int], bytes], str]] = {
    "normal: the Pudong notice, repeated": (repeated_to(SEED.read_bytes()), "n.txt"),
    "normal: text plan of 200 items, repeated": (repeated_to(synthetic_text_plan()), "n.txt"),
    "normal: .docx plan table": (docx_plan, "n.docx"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="20,200", help="sizes in KB (default 20,200)")
    parser.add_argument("--runs", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument("--only", default="", help="only inputs whose name contains this")
    args = parser.parse_args(argv)
    sizes = [int(float(s) * 1024) for s in args.sizes.split(",")]

    inputs = {**NORMAL, **FAMILIES}
    inputs = {name: spec for name, spec in inputs.items() if args.only in name}
    print(f"hostile notice benchmark — Python {platform.python_version()}, {platform.machine()}")
    print(f"read_notice + parse_notice, best of {args.runs} runs, CPU time\n")
    header = ["input", *(f"KB/s @{s // 1024} KB" for s in sizes), "growth", "x normal"]
    widths = [46] + [max(len(h), 10) for h in header[1:]]

    def line(values: list[str]) -> str:
        cells = []
        for index, (value, width) in enumerate(zip(values, widths, strict=True)):
            pad = " " * max(0, width - _display_width(value))
            cells.append(value + pad if index == 0 else pad + value)
        return "  ".join(cells)

    print(line(header))
    print(line(["-" * width for width in widths]))
    normal_per_kb: float | None = None
    for name, (build, filename) in inputs.items():
        times = [
            best_time(build(size), filename, args.runs, clock=time.process_time) for size in sizes
        ]
        per_kb = times[-1] / (sizes[-1] / 1024)
        if name.startswith("normal: the Pudong"):
            normal_per_kb = per_kb
        speeds = [f"{(size / 1024) / t:,.0f}" for size, t in zip(sizes, times, strict=True)]
        growth = f"{times[-1] / times[0]:.1f}x"
        ratio = f"{per_kb / normal_per_kb:.1f}" if normal_per_kb else ""
        print(line([name, *speeds, growth, ratio]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

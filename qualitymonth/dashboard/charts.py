"""Charts as geometry for inline SVG: bars, a line over days, and shares. No Django here.

The pages draw them server-side, so they need no script, no CDN and no canvas, print as they
look, and stay sharp on a phone. Labels are HTML beside the drawing wherever they can be (bar
labels, the legend), so they wrap and keep their size on a narrow screen; the SVG holds only
shapes, scaled to the width it is given.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from qualitymonth.core.chinese import plain_number as plain

SERIES_COLOURS = 8  # .series-0 … .series-7 in app.css


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int
    url: str = ""
    length: float = 0.0  # percent of the longest bar
    text: str = ""


def bars(rows: Sequence[tuple[str, Decimal | int, str]], *, limit: int = 15) -> list[Bar]:
    """Horizontal bars, longest first, at most ``limit``: (label, value, url) each."""
    ranked = sorted((r for r in rows if r[1]), key=lambda r: r[1], reverse=True)[:limit]
    top = max((r[1] for r in ranked), default=0)
    return [
        Bar(
            label=label,
            value=value,
            url=url,
            length=round(float(value) / float(top) * 100, 2) if top else 0.0,
            text=plain(value),
        )
        for label, value, url in ranked
    ]


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    label: str
    value: Decimal | int
    url: str = ""


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    points: tuple[Point, ...]
    x_ticks: tuple[Tick, ...]
    y_ticks: tuple[Tick, ...]
    left: int
    bottom: int

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def area(self) -> str:
        if not self.points:
            return ""
        first, last = self.points[0], self.points[-1]
        return f"{first.x:.1f},{self.bottom} {self.polyline} {last.x:.1f},{self.bottom}"


def line(
    series: Sequence[tuple[datetime.date, Decimal | int, str]],
    *,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
    width: int = 640,
    height: int = 260,
) -> LineChart:
    """A daily line from ``start`` to ``end`` (days without reports at zero): (day, value, url)
    each. The y axis starts at zero and ends at a round number."""
    by_day = {day: (value, url) for day, value, url in series}
    days = sorted(by_day)
    start = start or (days[0] if days else None)
    end = end or (days[-1] if days else None)
    left, right, top, bottom = 64, 24, 16, height - 44
    if start is None or end is None or end < start:
        return LineChart(width, height, (), (), (), left, bottom)
    span = (end - start).days
    highest = max((float(v) for v, _ in by_day.values()), default=0)
    if all(float(v).is_integer() for v, _ in by_day.values()):
        highest = max(highest, 5)  # counts: whole-number ticks
    top_value = nice_ceiling(highest)
    # 2, 20, 200 split in fourths; 1, 2.5, 5, 10 … in fifths: round ticks either way.
    divisions = 4 if f"{top_value:g}".startswith("2") and top_value != 2.5 else 5
    plot_width = width - left - right
    plot_height = bottom - top
    points = []
    for offset in range(span + 1):
        day = start + datetime.timedelta(days=offset)
        value, url = by_day.get(day, (0, ""))
        x = left + (plot_width * offset / span if span else plot_width / 2)
        y = bottom - (plot_height * float(value) / top_value if top_value else 0)
        points.append(Point(x, y, f"{day.month}月{day.day}日", value, url))
    step = max(1, math.ceil((span + 1) / 6))
    x_ticks = tuple(Tick(p.x, p.label) for p in points[::step])
    y_ticks = tuple(
        Tick(bottom - plot_height * i / divisions, plain(Decimal(str(top_value * i / divisions))))
        for i in range(divisions + 1)
    )
    return LineChart(width, height, tuple(points), x_ticks, y_ticks, left, bottom)


def nice_ceiling(value: float) -> float:
    """The round number just above ``value``: 37 → 40, 180 → 200, 0 → 1."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


@dataclass(frozen=True)
class Slice:
    label: str
    value: Decimal | int
    share: float  # 0…100
    path: str  # SVG path of the ring segment
    series: int
    url: str = ""
    text: str = ""


def shares(
    rows: Sequence[tuple[str, Decimal | int, str]], *, radius: float = 90, hole: float = 52
) -> list[Slice]:
    """A ring cut into shares of the whole, centred at (100, 100): (label, value, url) each.
    Zero rows are left out; a single row is the whole ring."""
    kept = [r for r in rows if r[1]]
    total = sum(float(r[1]) for r in kept)
    result = []
    angle = -math.pi / 2
    for index, (label, value, url) in enumerate(kept):
        fraction = float(value) / total if total else 0
        sweep = fraction * 2 * math.pi
        result.append(
            Slice(
                label=label,
                value=value,
                share=round(fraction * 100, 1),
                path=_ring_segment(angle, sweep, radius, hole),
                series=index % SERIES_COLOURS,
                url=url,
                text=plain(value),
            )
        )
        angle += sweep
    return result


def _ring_segment(start: float, sweep: float, radius: float, hole: float) -> str:
    if sweep >= 2 * math.pi - 1e-9:  # the whole ring: two half arcs, as one arc cannot close
        return (
            f"M100,{100 - radius} A{radius},{radius} 0 1,1 100,{100 + radius} "
            f"A{radius},{radius} 0 1,1 100,{100 - radius} "
            f"M100,{100 - hole} A{hole},{hole} 0 1,0 100,{100 + hole} "
            f"A{hole},{hole} 0 1,0 100,{100 - hole} Z"
        )
    end = start + sweep
    large = 1 if sweep > math.pi else 0

    def at(r: float, a: float) -> str:
        return f"{100 + r * math.cos(a):.2f},{100 + r * math.sin(a):.2f}"

    return (
        f"M{at(radius, start)} A{radius},{radius} 0 {large},1 {at(radius, end)} "
        f"L{at(hole, end)} A{hole},{hole} 0 {large},0 {at(hole, start)} Z"
    )

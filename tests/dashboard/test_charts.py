"""Chart geometry: bars, the daily line and shares, as the SVG templates draw them."""

import datetime
from decimal import Decimal

from qualitymonth.dashboard import charts


def test_bars_longest_first_scaled_to_the_longest_and_without_zeros():
    bars = charts.bars([("张江镇", 3, "/a"), ("花木街道", 12, "/b"), ("高行镇", 0, "/c")])
    assert [(b.label, b.length, b.text, b.url) for b in bars] == [
        ("花木街道", 100.0, "12", "/b"),
        ("张江镇", 25.0, "3", "/a"),
    ]


def test_bars_keep_at_most_the_limit():
    bars = charts.bars([(str(n), n, "") for n in range(1, 40)], limit=15)
    assert len(bars) == 15 and bars[0].value == 39


def test_line_has_a_point_for_every_day_of_the_period_at_zero_when_quiet():
    start, end = datetime.date(2024, 9, 1), datetime.date(2024, 9, 30)
    chart = charts.line([(datetime.date(2024, 9, 10), 6, "/day")], start=start, end=end)
    assert len(chart.points) == 30
    busiest = max(chart.points, key=lambda p: p.value)
    assert busiest.label == "9月10日" and busiest.url == "/day"
    assert busiest.y < chart.points[0].y == chart.bottom  # higher on screen than a quiet day
    assert [t.label for t in chart.y_ticks][-1] == "10"  # a round top above 6


def test_line_ticks_are_whole_numbers_for_small_counts():
    chart = charts.line([(datetime.date(2024, 9, 1), 1, "")], end=datetime.date(2024, 9, 3))
    assert [t.label for t in chart.y_ticks] == ["0", "1", "2", "3", "4", "5"]


def test_nice_ceiling():
    assert [charts.nice_ceiling(v) for v in (0, 0.3, 7, 37, 180, 999)] == [
        1,
        0.5,
        10,
        50,
        200,
        1000,
    ]


def test_shares_add_up_to_the_whole_ring():
    slices = charts.shares([("宣传", 3, ""), ("服务", 1, ""), ("交流", 0, "")])
    assert [(s.label, s.share, s.series) for s in slices] == [("宣传", 75.0, 0), ("服务", 25.0, 1)]
    assert all(s.path.startswith("M") and s.path.endswith("Z") for s in slices)


def test_a_single_share_is_the_whole_ring():
    (whole,) = charts.shares([("服务", Decimal(21), "")])
    assert whole.share == 100.0 and whole.path.count("A") == 4

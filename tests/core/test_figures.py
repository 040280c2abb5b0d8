"""One way to add up an indicator, wherever figures are added."""

from decimal import Decimal

import pytest

from qualitymonth.core.figures import aggregate, average

VALUES = [Decimal("80"), Decimal("120"), Decimal("100.5")]


@pytest.mark.parametrize(
    ("how", "expected"),
    [("sum", "300.5"), ("avg", "100.17"), ("max", "120"), ("min", "80")],
)
def test_each_aggregation(how, expected):
    assert aggregate(VALUES, how) == Decimal(expected)


def test_no_values_no_figure():
    assert aggregate([], "sum") is None


def test_averages_round_halves_up_to_the_cent():
    assert average(Decimal("0.125"), 1) == Decimal("0.13")  # not banker's 0.12
    assert average(Decimal("5"), 2) == Decimal("2.50")

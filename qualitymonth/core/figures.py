"""How an indicator's values over several reports add up, wherever they are added: a unit's
summary, the dashboard, the upward package. No Django here.

``how`` is the indicator's aggregation: "sum", "avg" (to the cent, halves rounded up, as people
round), "max" or "min".
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def average(total: Decimal, count: int) -> Decimal:
    return (Decimal(total) / count).quantize(CENT, rounding=ROUND_HALF_UP)


def aggregate(values: Sequence[Decimal], how: str) -> Decimal | None:
    """The values as one figure; None when there are none."""
    if not values:
        return None
    if how == "avg":
        return average(sum(values, Decimal(0)), len(values))
    if how == "max":
        return max(values)
    if how == "min":
        return min(values)
    return sum(values, Decimal(0))

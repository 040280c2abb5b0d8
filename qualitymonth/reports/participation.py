"""Figures other features count for a unit's report: quiz takers, contest units, …

Reports import no feature: a feature registers a source (``register``) in its ``AppConfig.ready``,
a function of the report returning ``Figure`` rows. The report page shows them ("答题人数 120 /
参赛单位 8") and offers a figure as the value of the indicator it names (参与人数) when the
reporter has not typed one; a value the reporter typed is never replaced, only compared.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Figure:
    label: str  # "答题人数"
    value: int | Decimal  # a count, or a rate shown with its decimals ("按时率（%） 91.7")
    source: str = ""  # what counted it: "知识问答"
    indicator: str = ""  # the indicator it pre-fills, by name ("参与人数"); "" shows it only


_sources: list[Callable] = []


def register(source: Callable) -> None:
    if source not in _sources:
        _sources.append(source)


def figures_for(report) -> list[Figure]:
    return [figure for source in _sources for figure in source(report)]


def prefill(report, indicators, values: dict[int, Decimal]) -> tuple[list[Figure], dict]:
    """The figures counted for ``report`` and, per indicator id, what to show: ``{"value": n,
    "prefilled": True}`` when the reporter has no value yet, ``{"counted": n}`` when their value
    differs from the count."""
    figures = figures_for(report)
    hints: dict[int, dict] = {}
    for indicator in indicators:
        counted = [f for f in figures if f.indicator == indicator.name]
        if not counted:
            continue
        total = sum(f.value for f in counted)
        value = values.get(indicator.pk)
        if value is None:
            hints[indicator.pk] = {"value": total, "prefilled": True, "figures": counted}
        elif value != total:
            hints[indicator.pk] = {"counted": total, "figures": counted}
    return figures, hints

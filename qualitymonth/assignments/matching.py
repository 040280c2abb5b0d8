"""Which units a notice means by its 牵头部门 / 协助部门 text. Plain values in and out, so the
rules are tested without a database."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol, TypeVar


class UnitLike(Protocol):
    name: str
    short_name: str
    kind: str


U = TypeVar("U", bound=UnitLike)

# Collective names in notices and the unit kinds they mean.
COLLECTIVES: list[tuple[re.Pattern[str], set[str]]] = [
    (re.compile(r"^各?(街镇|街道[、和及与]?镇|街道和乡镇)$"), {"subdistrict", "town"}),
    (re.compile(r"^各?街道(办事处)?$"), {"subdistrict"}),
    (re.compile(r"^各?(乡)?镇$"), {"town"}),
    (re.compile(r"^各?(园区|开发区)$"), {"park"}),
    (re.compile(r"^各?(学校|中小学|中小学校)$"), {"school"}),
]
# Words written short in notices: 市场监管局 is 市场监督管理局.
_ABBREVIATIONS = [("市场监管", "市场监督管理"), ("计量所", "计量质量检测所")]
_DISTRICT_PREFIX = re.compile(r"^(浦东新区|浦东|新区|区|市)")


def normalise(name: str) -> str:
    name = re.sub(r"\s+", "", name)
    for short, full in _ABBREVIATIONS:
        if short in name and full not in name:
            name = name.replace(short, full)
    return _DISTRICT_PREFIX.sub("", name)


def suggest_units(names: Sequence[str], units: Sequence[U]) -> tuple[list[U], list[str]]:
    """The units each name means, and the names that matched nothing.

    A collective name (各街镇, 各园区) means every unit of that kind; otherwise the unit named
    exactly, then a unit whose name ends with the written name ("区市场监管局质量处" →
    "质量处" under the bureau) or contains it.
    """
    found: list[U] = []
    unmatched: list[str] = []
    for written in filter(None, (name.strip() for name in names)):
        matches = _matches(written, units)
        if matches:
            found.extend(unit for unit in matches if unit not in found)
        else:
            unmatched.append(written)
    return found, unmatched


def _matches(written: str, units: Sequence[U]) -> list[U]:
    bare = written.removeprefix("各")
    for pattern, kinds in COLLECTIVES:
        if pattern.match(written) or pattern.match(bare):
            return [unit for unit in units if unit.kind in kinds]
    exact = [u for u in units if written in {u.name, u.short_name}]
    if exact:
        return exact
    target = normalise(written)
    if len(target) < 2:
        return []
    same = [u for u in units if normalise(u.name) == target]
    if same:
        return same
    # The most specific unit named at the end: "市场监督管理局质量处" ends with "质量处".
    ending = [
        u for u in units if len(normalise(u.name)) >= 2 and target.endswith(normalise(u.name))
    ]
    if ending:
        longest = max(len(normalise(u.name)) for u in ending)
        return [u for u in ending if len(normalise(u.name)) == longest]
    return [u for u in units if len(target) >= 3 and target in normalise(u.name)]

"""Comparing two versions of a report, field by field and line by line. No Django here."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from qualitymonth.core.chinese import plain_number

FIELD_LABELS = {"title": "标题", "content": "活动内容", "effect": "活动成效"}


@dataclass
class Line:
    kind: str  # "same", "removed", "added"
    text: str


@dataclass
class FieldChange:
    label: str
    lines: list[Line]


def compare(old: dict, new: dict) -> list[FieldChange]:
    """The fields that differ between two snapshots, with their lines marked."""
    changes = []
    for key, label in FIELD_LABELS.items():
        before, after = old.get(key, ""), new.get(key, "")
        if before != after:
            changes.append(FieldChange(label, _lines(before, after)))
    old_figures, new_figures = _figures(old), _figures(new)
    if old_figures != new_figures:
        lines = []
        for name in sorted(set(old_figures) | set(new_figures)):
            a, b = old_figures.get(name), new_figures.get(name)
            if a == b:
                lines.append(Line("same", f"{name}：{a}"))
                continue
            if a is not None:
                lines.append(Line("removed", f"{name}：{a}"))
            if b is not None:
                lines.append(Line("added", f"{name}：{b}"))
        changes.append(FieldChange("数据", lines))
    if old.get("photos") != new.get("photos"):
        removed = len(set(old.get("photos", [])) - set(new.get("photos", [])))
        added = len(set(new.get("photos", [])) - set(old.get("photos", [])))
        changes.append(
            FieldChange(
                "照片",
                [Line("removed", f"删除 {removed} 张")] * bool(removed)
                + [Line("added", f"新增 {added} 张")] * bool(added),
            )
        )
    return changes


def _figures(snapshot: dict) -> dict[str, str]:
    """A snapshot's figures as shown: versions kept before figures were written plainly say
    "86.00", which is the same figure as "86" and no change."""
    return {name: plain_number(value) for name, value in snapshot.get("figures", {}).items()}


def _lines(before: str, after: str) -> list[Line]:
    kinds = {" ": "same", "-": "removed", "+": "added"}
    return [
        Line(kinds[row[0]], row[2:])
        for row in difflib.ndiff(before.splitlines(), after.splitlines())
        if row[0] in kinds
    ]

"""Comparing two versions of a unit summary, line by line. No Django here."""

from __future__ import annotations

import difflib

from qualitymonth.core.chinese import plain_number
from qualitymonth.reports.versions import FieldChange, Line

FIELD_LABELS = {"title": "标题", "body": "正文"}


def compare(old: dict, new: dict) -> list[FieldChange]:
    """The parts that differ between two snapshots, with their lines marked."""
    changes = []
    for key, label in FIELD_LABELS.items():
        before, after = old.get(key, ""), new.get(key, "")
        if before != after:
            changes.append(FieldChange(label, _lines(before, after)))
    old_figures = [_figure_line(f) for f in old.get("figures", [])]
    new_figures = [_figure_line(f) for f in new.get("figures", [])]
    if old_figures != new_figures:
        changes.append(FieldChange("数据", _lines("\n".join(old_figures), "\n".join(new_figures))))
    for key, label, noun in (("photos", "照片", "张"), ("reports", "采用的报送", "篇")):
        before, after = set(old.get(key, [])), set(new.get(key, []))
        if before != after:
            lines = []
            if before - after:
                lines.append(Line("removed", f"减少 {len(before - after)} {noun}"))
            if after - before:
                lines.append(Line("added", f"增加 {len(after - before)} {noun}"))
            changes.append(FieldChange(label, lines))
    return changes


def _figure_line(figure: dict) -> str:
    # plain_number: versions kept before figures were written plainly may say "86.00".
    return f"{figure.get('name', '')}：{plain_number(figure.get('value'))}{figure.get('unit', '')}"


def _lines(before: str, after: str) -> list[Line]:
    kinds = {" ": "same", "-": "removed", "+": "added"}
    return [
        Line(kinds[row[0]], row[2:])
        for row in difflib.ndiff(before.splitlines(), after.splitlines())
        if row[0] in kinds
    ]

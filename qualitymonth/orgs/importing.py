"""What importing a units workbook would do, row by row, before anything is saved.

``plan_import`` takes the rows as read and the units the importer may refer to (plain values,
no queries) and returns, for every row, its problems and its action: create a unit, update one,
or leave it unchanged. The same plan is shown as the preview and, computed again inside the
import's transaction, is what gets written; so what was previewed is what happens.

Rows name their parent by name. A parent is a unit already in the database (within the
importer's scope) or another row of the same file, earlier or later. Where a name is not
unique, the parent is written as a path of names: "浦东新区市场监督管理局/质量处".
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from qualitymonth.core.privacy import mask_phone

from .models import OrgUnit
from .validators import check_credit_code, check_phone, normalize_code, normalize_phone

HEADERS = [
    "单位名称",
    "上级单位",
    "单位类型",
    "单位代码",
    "统一社会信用代码",
    "地址",
    "联系人",
    "联系电话",
]
FIELD_BY_HEADER = dict(
    zip(
        HEADERS,
        [
            "name",
            "parent",
            "kind",
            "code",
            "credit_code",
            "address",
            "contact_name",
            "contact_phone",
        ],
        strict=True,
    )
)
# Fields a row may change on an existing unit; a blank cell keeps what the unit has.
UPDATABLE = ["kind", "code", "credit_code", "address", "contact_name", "contact_phone"]
MAX_LENGTHS = {
    "name": 120,
    "code": 40,
    "address": 200,
    "contact_name": 60,
    "contact_phone": 40,
}
FIELD_LABELS = {
    "name": "单位名称",
    "kind": "单位类型",
    "code": "单位代码",
    "credit_code": "统一社会信用代码",
    "address": "地址",
    "contact_name": "联系人",
    "contact_phone": "联系电话",
}
_PATH_SEPARATOR = re.compile(r"\s*[/／]\s*")
_MAX_DEPTH = 30


def kind_choices() -> dict[str, str]:
    """What people write in 单位类型 → ``OrgUnit.Kind`` value."""
    kinds = {str(label): value for value, label in OrgUnit.Kind.choices}
    kinds.update({value: value for value in OrgUnit.Kind.values})
    kinds.update(
        {
            "街镇": OrgUnit.Kind.SUBDISTRICT,
            "检测机构": OrgUnit.Kind.INSTITUTE,
            "计量机构": OrgUnit.Kind.INSTITUTE,
            "检测计量机构": OrgUnit.Kind.INSTITUTE,
            "处室": OrgUnit.Kind.DIVISION,
            "开发区": OrgUnit.Kind.PARK,
        }
    )
    return kinds


def kind_labels() -> list[str]:
    return [str(label) for label in OrgUnit.Kind.labels]


@dataclass
class KnownUnit:
    """A unit already in the database that rows may name; ``manageable`` if in scope."""

    id: int
    name: str
    parent_id: int | None
    kind: str
    code: str = ""
    credit_code: str = ""
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    manageable: bool = True


@dataclass
class RowPlan:
    line: int
    values: dict[str, str]  # the cells, tidied (codes upper-case, phones half-width)
    problems: list[str] = field(default_factory=list)
    action: str = ""  # "create", "update", "unchanged"; "" when the row cannot be placed
    key: object = None  # the unit the row is: ("unit", id) or ("new", parent key, name)
    parent_key: object = None
    unit_id: int | None = None
    changes: dict[str, list[str]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.values["name"]

    def as_json(self) -> dict:
        return {
            "line": self.line,
            **self.values,
            "action": self.action,
            "problems": self.problems,
            "unit_id": self.unit_id,
            "changes": self.changes,
        }


@dataclass
class ImportPlan:
    rows: list[RowPlan]

    @property
    def problem_rows(self) -> list[RowPlan]:
        return [row for row in self.rows if row.problems]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action and not row.problems)


def row_values(cells: dict[str, str]) -> dict[str, str]:
    """A row's cells by header → field values, tidied the way they will be stored."""
    values = {FIELD_BY_HEADER[header]: (cells.get(header) or "").strip() for header in HEADERS}
    values["credit_code"] = normalize_code(values["credit_code"])
    values["contact_phone"] = normalize_phone(values["contact_phone"])
    return values


def plan_import(
    rows: Iterable[tuple[int, dict[str, str]]],
    known: Iterable[KnownUnit],
    *,
    scope_name: str,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 250,
) -> ImportPlan:
    """Each row's problems and action. ``rows`` are (line number, field values)."""
    planner = _Planner([RowPlan(line, values) for line, values in rows], list(known), scope_name)
    return planner.run(progress, progress_every)


class _Planner:
    def __init__(self, rows: list[RowPlan], known: list[KnownUnit], scope_name: str):
        self.rows = rows
        self.scope_name = scope_name
        self.kinds = kind_choices()
        self.by_line = {row.line: row for row in rows}
        self.known = {unit.id: unit for unit in known}
        self.known_children = {(unit.parent_id, unit.name): unit.id for unit in known}
        self.known_by_name: dict[str, list[int]] = defaultdict(list)
        for unit in known:
            self.known_by_name[unit.name].append(unit.id)
        self.rows_by_name: dict[str, list[int]] = defaultdict(list)
        for row in rows:
            if row.name:
                self.rows_by_name[row.name].append(row.line)
        self.resolved: dict[int, object] = {}  # line → key, or None when it cannot be placed
        self.resolving: list[int] = []

    def run(self, progress, progress_every: int) -> ImportPlan:
        for done, row in enumerate(self.rows, start=1):
            self.check_fields(row)
            self.identity(row.line)
            if progress and done % progress_every == 0:
                progress(done)
        self.find_duplicates()
        for row in self.rows:
            self.decide(row)
        if progress:
            progress(len(self.rows))
        return ImportPlan(self.rows)

    # Cells on their own ---------------------------------------------------------------------

    def check_fields(self, row: RowPlan) -> None:
        values = row.values
        if not values["name"]:
            row.problems.append("缺少单位名称。")
        for name, limit in MAX_LENGTHS.items():
            if len(values[name]) > limit:
                row.problems.append(f"{FIELD_LABELS[name]}超过 {limit} 个字。")
        if values["kind"] and values["kind"] not in self.kinds:
            row.problems.append(
                f"单位类型“{values['kind']}”不正确，应为：{'、'.join(kind_labels())}之一。"
            )
        if values["credit_code"] and (problem := check_credit_code(values["credit_code"])):
            row.problems.append(problem)

    # Where each row sits in the tree ----------------------------------------------------------

    def identity(self, line: int):
        """The unit a row is: ("unit", id) for one in the database, ("new", parent, name)."""
        if line in self.resolved:
            return self.resolved[line]
        if line in self.resolving:
            return _CYCLE
        row = self.by_line[line]
        if not row.name:
            self.resolved[line] = None
            return None
        if len(self.resolving) >= _MAX_DEPTH:
            row.problems.append(f"上级单位的层级超过 {_MAX_DEPTH} 层。")
            self.resolved[line] = None
            return None
        self.resolving.append(line)
        try:
            key = self._place(row)
        finally:
            self.resolving.pop()
        self.resolved[line] = key
        return key

    def _place(self, row: RowPlan):
        reference = row.values["parent"]
        if not reference:
            # Only a top unit already in the database (an export of a whole city) has none.
            unit_id = self.known_children.get((None, row.name))
            if unit_id is None:
                row.problems.append("缺少上级单位。")
                return None
            return ("unit", unit_id)
        candidates, unplaced, cycle = self.lookup(reference, exclude=row.line)
        if cycle:
            row.problems.append("上级单位关系形成循环，请检查这几行的“上级单位”。")
            return None
        if not candidates:
            if unplaced:
                lines = "、".join(str(line) for line in unplaced)
                row.problems.append(
                    f"上级单位“{reference}”在第 {lines} 行，但那一行有问题，请先修正。"
                )
            else:
                row.problems.append(
                    f"找不到上级单位“{reference}”：它不在您管理的单位中，也不在本文件中。"
                )
            return None
        if len(candidates) > 1:
            row.problems.append(
                f"上级单位“{reference}”有 {len(candidates)} 个同名单位，请写出它的上级，"
                f"如“{self.example_path(next(iter(candidates)))}”。"
            )
            return None
        parent = next(iter(candidates))
        row.parent_key = parent
        if parent[0] == "unit":
            unit_id = self.known_children.get((parent[1], row.name))
            if unit_id is not None:
                return ("unit", unit_id)
        return ("new", parent, row.name)

    def lookup(self, reference: str, *, exclude: int):
        """The units a parent reference can mean: (keys, rows that cannot be placed, cycle)."""
        names = [reference]
        if reference not in self.known_by_name and reference not in self.rows_by_name:
            names = [name for name in _PATH_SEPARATOR.split(reference) if name]
        if not names:
            return set(), [], False
        last, above = names[-1], names[:-1]
        keys = {("unit", unit_id) for unit_id in self.known_by_name.get(last, [])}
        unplaced, cycle = [], False
        for line in self.rows_by_name.get(last, []):
            if line == exclude:
                continue
            key = self.identity(line)
            if key is _CYCLE:
                cycle = True
            elif key is None:
                unplaced.append(line)
            else:
                keys.add(key)
        keys = {key for key in keys if self.ancestors_match(key, above)}
        return keys, unplaced, cycle and not keys

    def parent_of(self, key):
        if key[0] == "unit":
            parent_id = self.known[key[1]].parent_id
            return ("unit", parent_id) if parent_id in self.known else None
        return key[1]

    def name_of(self, key) -> str:
        return self.known[key[1]].name if key[0] == "unit" else key[2]

    def ancestors_match(self, key, names: list[str]) -> bool:
        for name in reversed(names):
            key = self.parent_of(key)
            if key is None or self.name_of(key) != name:
                return False
        return True

    def example_path(self, key) -> str:
        parent = self.parent_of(key)
        if parent is None:
            return self.name_of(key)
        return f"{self.name_of(parent)}/{self.name_of(key)}"

    # The whole file -------------------------------------------------------------------------

    def find_duplicates(self) -> None:
        first_line: dict[object, int] = {}
        credit_codes: dict[str, int] = {}
        known_codes = {unit.credit_code: unit for unit in self.known.values() if unit.credit_code}
        for row in self.rows:
            key = self.resolved.get(row.line)
            if key is not None:
                if key in first_line:
                    row.problems.append(
                        f"与第 {first_line[key]} 行重复（同一上级单位下的同名单位）。"
                    )
                else:
                    first_line[key] = row.line
            code = row.values["credit_code"]
            if not code:
                continue
            owner = known_codes.get(code)
            if owner is not None:
                if key != ("unit", owner.id):
                    row.problems.append(f"统一社会信用代码与已有单位“{owner.name}”相同。")
                continue
            if code in credit_codes and self.resolved.get(credit_codes[code]) != key:
                row.problems.append(f"统一社会信用代码与第 {credit_codes[code]} 行相同。")
            credit_codes.setdefault(code, row.line)

    def decide(self, row: RowPlan) -> None:
        key = self.resolved.get(row.line)
        if key is None:
            return
        row.key = key
        values = row.values
        if key[0] == "new":
            parent = key[1]
            if parent[0] == "unit" and not self.known[parent[1]].manageable:
                row.problems.append(
                    f"不在您的管理范围内：只能在“{self.scope_name}”及其下级单位中新增单位。"
                )
            if not values["kind"]:
                row.problems.append("缺少单位类型。")
            if values["contact_phone"] and (problem := check_phone(values["contact_phone"])):
                row.problems.append(problem)
            row.action = "create"
            return
        unit = self.known[key[1]]
        row.unit_id = unit.id
        if not unit.manageable:
            row.problems.append(f"“{unit.name}”不在您的管理范围内，不能修改。")
        phone = values["contact_phone"]
        if phone and phone == mask_phone(unit.contact_phone):
            # An export masks phone numbers; the masked number stands for the one on file.
            values = {**values, "contact_phone": ""}
        elif phone and (problem := check_phone(phone)):
            row.problems.append(problem)
        for name in UPDATABLE:
            new = self.kinds.get(values[name], values[name]) if name == "kind" else values[name]
            old = getattr(unit, name)
            if new and new != old:
                row.changes[name] = [old, new]
        row.action = "update" if row.changes else "unchanged"


_CYCLE = object()

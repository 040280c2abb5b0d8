"""Changes to the organisation tree. Each function checks the user may make the change, saves in
one transaction and writes the audit entry; views, tasks and the demo loader only call these."""

from __future__ import annotations

import csv
import datetime
import logging
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import CharField, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from qualitymonth.accounts.scope import scope_of
from qualitymonth.core import audit
from qualitymonth.core.chinese import pinyin_key
from qualitymonth.core.tasks import clear_progress, report_progress
from qualitymonth.core.validation import described
from qualitymonth.core.xlsx import MAX_XLSX_BYTES, XlsxError, read_table

from .importing import HEADERS, UPDATABLE, ImportPlan, KnownUnit, kind_choices, plan_import
from .importing import row_values as _row_values
from .models import OrgUnit, UnitImport
from .validators import (
    check_credit_code,
    check_phone,
    make_credit_code,
    normalize_code,
    normalize_phone,
)

logger = logging.getLogger(__name__)

_KIND_WORDS = {"街道": OrgUnit.Kind.SUBDISTRICT, "镇": OrgUnit.Kind.TOWN}

UNIT_FIELDS = [
    "name",
    "short_name",
    "kind",
    "code",
    "credit_code",
    "address",
    "contact_name",
    "contact_phone",
    "sort_order",
]
# What an audit entry of a unit shows: its fields, where it hangs and its path.
_AUDITED = [*UNIT_FIELDS, "parent", "path"]

MAX_IMPORT_BYTES = MAX_XLSX_BYTES
MAX_IMPORT_ROWS = 20_000
# The template's example row; an upload that still contains it does not import it.
EXAMPLE_ROW = {
    "单位名称": "（示例）上海示例质量科技有限公司",
    "上级单位": "张江高科技园区",
    "单位类型": "企业",
    "单位代码": "ZJ-001",
    "统一社会信用代码": make_credit_code("91", "310115", "QM000001"),
    "地址": "上海市浦东新区示例路 1 号",
    "联系人": "张三",
    "联系电话": "021-68824341",
}


# Single units -----------------------------------------------------------------------------------


def create_unit(parent: OrgUnit | None, by, **fields: Any) -> OrgUnit:
    """A new unit under ``parent``; the user must manage ``parent``. The top of a tree (a city,
    ``parent`` None) is made by a system administrator only."""
    if parent is None:
        if not scope_of(by).is_superuser:
            raise PermissionDenied("只有系统管理员可以新建顶级单位。")
    else:
        scope_of(by).require("org.manage", parent)
    _reject_unknown(fields)
    with transaction.atomic():
        unit = OrgUnit(parent=parent, **_tidy(fields))
        _validate(unit)
        unit.save()
        audit.record(
            by, "org.unit_created", unit, after=audit.snapshot(unit, _AUDITED), org_unit=unit
        )
    return unit


def update_unit(unit: OrgUnit, by, **changes: Any) -> OrgUnit:
    """Change a unit's fields. A new ``parent`` moves the unit with all its sub-units; the user
    must manage the unit and its new parent, and a unit cannot move below itself."""
    scope = scope_of(by)
    scope.require("org.manage", unit)
    new_parent = changes.pop("parent", unit.parent)
    _reject_unknown(changes)
    with transaction.atomic():
        before = audit.snapshot(unit, _AUDITED)
        for name, value in _tidy(changes).items():
            setattr(unit, name, value)
        old_path = unit.path
        moving = getattr(new_parent, "pk", None) != unit.parent_id
        if moving:
            _check_move(unit, new_parent, scope)
            unit.parent = new_parent
        _validate(unit)
        unit.save()
        if moving:
            _move_descendants(old_path, unit.path)
        old, new = audit.changes(before, audit.snapshot(unit, _AUDITED))
        if new:
            action = "org.unit_moved" if moving else "org.unit_updated"
            audit.record(by, action, unit, before=old, after=new, org_unit=unit)
    return unit


def move_unit(unit: OrgUnit, new_parent: OrgUnit, by) -> OrgUnit:
    """Re-parent ``unit``; its own and its descendants' paths follow (see ``update_unit``)."""
    return update_unit(unit, by, parent=new_parent)


def _reject_unknown(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(UNIT_FIELDS)
    if unknown:
        raise ValueError(f"not org unit fields: {sorted(unknown)}")


def _tidy(fields: dict[str, Any]) -> dict[str, Any]:
    tidy = dict(fields)
    for name in ("name", "short_name", "code", "address", "contact_name"):
        if name in tidy:
            tidy[name] = (tidy[name] or "").strip()
    if "credit_code" in tidy:
        tidy["credit_code"] = normalize_code(tidy["credit_code"])
    if "contact_phone" in tidy:
        tidy["contact_phone"] = normalize_phone(tidy["contact_phone"])
    return tidy


def _validate(unit: OrgUnit) -> None:
    """The field rules every writer keeps: model constraints, a well-formed credit code and
    phone. Every organisation's 统一社会信用代码 has the same form, so a given one is always
    checked; only enterprises are expected to have one."""
    errors: dict[str, list[str]] = {}
    try:
        unit.full_clean(exclude=["path", "pinyin"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if unit.credit_code and (problem := check_credit_code(unit.credit_code)):
        errors.setdefault("credit_code", []).append(problem)
    if unit.contact_phone and (problem := check_phone(unit.contact_phone)):
        errors.setdefault("contact_phone", []).append(problem)
    if errors:
        raise ValidationError(errors)


def _check_move(unit: OrgUnit, new_parent: OrgUnit | None, scope) -> None:
    if new_parent is None:
        raise ValidationError({"parent": "请选择上级单位。"})
    if new_parent.path.startswith(unit.path):
        raise ValidationError({"parent": "不能把单位移到它自己或它的下级单位之下。"})
    scope.require("org.manage", new_parent)


def _move_descendants(old_path: str, new_path: str) -> None:
    """Rewrite the path prefix of every unit below a moved one, in one statement."""
    OrgUnit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1), output_field=CharField())
    )


# Import from .xlsx ------------------------------------------------------------------------------


def progress_key(unit_import: UnitImport | int) -> str:
    return f"orgs.unit_import:{getattr(unit_import, 'pk', unit_import)}"


def read_units_file(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """The rows of an uploaded units workbook as (row number, field values).

    Raises ``XlsxError`` with a Chinese message for a file that is not .xlsx, is broken, too
    large, has other headers, no rows or too many rows.
    """
    rows = read_table(data, required=HEADERS, max_rows=MAX_IMPORT_ROWS)
    values = [(row.number, _row_values(row.values)) for row in rows if not _is_example(row)]
    if not values:
        raise XlsxError("表格中只有模板的示例行，没有要导入的单位。")
    return values


def _is_example(row) -> bool:
    return all(row.values.get(header, "") == value for header, value in EXAMPLE_ROW.items())


def start_unit_import(
    org_unit: OrgUnit, by, *, upload, rows: list[tuple[int, dict[str, str]]]
) -> UnitImport:
    """Keep an uploaded workbook and its rows (read by ``read_units_file``), and check them in
    the background. Nothing in the tree changes until the import is confirmed."""
    from . import tasks

    scope_of(by).require("org.manage", org_unit)
    with transaction.atomic():
        unit_import = UnitImport.objects.create(
            org_unit=org_unit,
            uploaded_by=by,
            file=upload,
            filename=upload.name[:255],
            total_rows=len(rows),
            rows=[{"line": line, **values} for line, values in rows],
        )
    report_progress(progress_key(unit_import), processed=0, total=len(rows), phase="checking")
    tasks.check_unit_import.enqueue(unit_import.pk)
    return unit_import


def check_unit_import(import_id: int) -> None:
    """Background task body: each row's problems and action, for the preview."""
    unit_import = UnitImport.objects.select_related("org_unit", "uploaded_by").get(pk=import_id)
    if unit_import.status != UnitImport.Status.CHECKING:
        return
    try:
        plan, _units = _plan(unit_import, unit_import.uploaded_by, phase="checking")
        _store_plan(unit_import, plan, UnitImport.Status.READY)
        unit_import.save()
    except Exception as error:
        _fail(unit_import, error, "检查文件时出错")
        raise
    finally:
        clear_progress(progress_key(unit_import))


def confirm_unit_import(unit_import: UnitImport, by) -> UnitImport:
    """Start writing a checked import. Only a file without problems that changes something can
    be confirmed, once; the writing happens in the background, in one transaction."""
    from . import tasks

    scope_of(by).require("org.manage", unit_import.org_unit)
    with transaction.atomic():
        unit_import = UnitImport.objects.select_for_update().get(pk=unit_import.pk)
        if not unit_import.can_confirm:
            raise ValidationError("这个文件现在不能导入：请先修正文件中的问题，或它已经导入过。")
        unit_import.status = UnitImport.Status.IMPORTING
        unit_import.confirmed_by = by
        unit_import.processed_rows = 0
        unit_import.error = ""
        unit_import.save(
            update_fields=["status", "confirmed_by", "processed_rows", "error", "updated_at"]
        )
    report_progress(
        progress_key(unit_import), processed=0, total=unit_import.total_rows, phase="rechecking"
    )
    tasks.apply_unit_import.enqueue(unit_import.pk)
    return unit_import


class _ChangedSincePreview(Exception):
    def __init__(self, plan: ImportPlan):
        super().__init__("the rows have problems now")
        self.plan = plan


def apply_unit_import(import_id: int) -> None:
    """Background task body: check the rows again against the tree as it is now and write them,
    all in one transaction. If any row has a problem now, nothing is written and the import
    goes back to the preview with the problems."""
    unit_import = UnitImport.objects.select_related("org_unit", "confirmed_by").get(pk=import_id)
    if unit_import.status != UnitImport.Status.IMPORTING:
        return
    by = unit_import.confirmed_by
    key = progress_key(unit_import)
    try:
        with transaction.atomic():
            plan, units = _plan(unit_import, by, phase="rechecking")
            if plan.problem_rows:
                raise _ChangedSincePreview(plan)
            created, updated = _write(plan, units, unit_import, key)
            _store_plan(unit_import, plan, UnitImport.Status.DONE)
            unit_import.finished_at = timezone.now()
            unit_import.save()
            if created or updated:
                audit.record(
                    by,
                    "org.units_imported",
                    unit_import,
                    before={str(unit.pk): old for unit, old in updated},
                    after={
                        **{str(unit.pk): new for unit, new in created},
                        **{str(unit.pk): new for unit, new in _after(updated)},
                    },
                    org_unit=unit_import.org_unit,
                    filename=unit_import.filename,
                    created=len(created),
                    updated=len(updated),
                    unchanged=unit_import.unchanged_count,
                )
    except _ChangedSincePreview as changed:
        _store_plan(unit_import, changed.plan, UnitImport.Status.READY)
        unit_import.error = "预览之后组织机构有了变化，部分行现在有问题，没有导入任何单位。请核对。"
        unit_import.save()
    except Exception as error:
        _fail(unit_import, error, "导入失败，没有保存任何单位")
        raise
    finally:
        clear_progress(key)


# Checking or importing even 20,000 rows takes well under a minute; an import still "running"
# after this long was cut off (the server restarted) and, being one transaction, saved nothing.
STALE_AFTER = datetime.timedelta(minutes=30)


def give_up_if_stale(unit_import: UnitImport) -> UnitImport:
    """Mark an import whose background work was cut off as failed, so its page stops waiting."""
    if unit_import.is_running and unit_import.updated_at < timezone.now() - STALE_AFTER:
        UnitImport.objects.filter(pk=unit_import.pk, status=unit_import.status).update(
            status=UnitImport.Status.FAILED,
            error="处理被中断（可能是服务器重启），没有保存任何单位。请重新上传文件。",
            finished_at=timezone.now(),
        )
        clear_progress(progress_key(unit_import))
        unit_import.refresh_from_db()
    return unit_import


def _after(updated):
    for unit, old in updated:
        yield unit, {name: getattr(unit, name) for name in old} | {"name": unit.name}


def _plan(unit_import: UnitImport, by, *, phase: str) -> tuple[ImportPlan, dict[int, OrgUnit]]:
    org_unit = OrgUnit.objects.get(pk=unit_import.org_unit_id)
    if by is None or not scope_of(by).can("org.manage", org_unit):
        raise PermissionDenied(f"您没有管理“{org_unit.name}”的权限。")
    units = {
        unit.pk: unit
        for unit in OrgUnit.objects.filter(
            Q(path__startswith=org_unit.path) | Q(pk__in=org_unit.ancestor_ids)
        )
    }
    known = [
        KnownUnit(
            id=unit.pk,
            name=unit.name,
            parent_id=unit.parent_id,
            kind=unit.kind,
            code=unit.code,
            credit_code=unit.credit_code,
            address=unit.address,
            contact_name=unit.contact_name,
            contact_phone=unit.contact_phone,
            manageable=unit.path.startswith(org_unit.path),
        )
        for unit in units.values()
    ]
    fields = list(_row_values({}))
    rows = [(row["line"], {name: row.get(name, "") for name in fields}) for row in unit_import.rows]
    total = len(rows)
    key = progress_key(unit_import)
    plan = plan_import(
        rows,
        known,
        scope_name=org_unit.name,
        progress=lambda done: report_progress(key, processed=done, total=total, phase=phase),
    )
    return plan, units


def _store_plan(unit_import: UnitImport, plan: ImportPlan, status: str) -> None:
    unit_import.rows = [row.as_json() for row in plan.rows]
    unit_import.status = status
    unit_import.total_rows = len(plan.rows)
    unit_import.processed_rows = len(plan.rows)
    unit_import.problem_rows = len(plan.problem_rows)
    unit_import.created_count = plan.count("create")
    unit_import.updated_count = plan.count("update")
    unit_import.unchanged_count = plan.count("unchanged")


def _fail(unit_import: UnitImport, error: Exception, what: str) -> None:
    logger.exception("unit import %s failed", unit_import.pk)
    reason = " ".join(getattr(error, "messages", None) or [str(error)])
    UnitImport.objects.filter(pk=unit_import.pk).update(
        status=UnitImport.Status.FAILED, error=f"{what}：{reason}", finished_at=timezone.now()
    )


_BATCH = 500


def _write(plan: ImportPlan, units: dict[int, OrgUnit], unit_import: UnitImport, key: str):
    """Update and create in bulk: one statement per batch, new units level by level so each
    level's parents already have ids and paths. Returns (created, updated) for the audit."""
    kinds = kind_choices()
    total = len(plan.rows)
    done = 0

    updated: list[tuple[OrgUnit, dict]] = []
    for row in plan.rows:
        if row.action != "update":
            continue
        unit = units[row.unit_id]
        updated.append((unit, {name: old for name, (old, _new) in row.changes.items()}))
        for name, (_old, new) in row.changes.items():
            setattr(unit, name, new)
    for start in range(0, len(updated), _BATCH):
        batch = [unit for unit, _old in updated[start : start + _BATCH]]
        OrgUnit.objects.bulk_update(batch, UPDATABLE)
        done += len(batch)
        report_progress(key, processed=done, total=total, phase="saving")

    new_rows = [row for row in plan.rows if row.action == "create"]
    ids: dict[object, int] = {}
    paths: dict[object, str] = {}

    def depth(parent_key) -> int:
        return 0 if parent_key[0] == "unit" else 1 + depth(parent_key[1])

    def parent_of(row) -> tuple[int, str]:
        parent_key = row.key[1]
        if parent_key[0] == "unit":
            parent = units[parent_key[1]]
            return parent.pk, parent.path
        return ids[parent_key], paths[parent_key]

    created: list[tuple[OrgUnit, dict]] = []
    levels: dict[int, list] = {}
    for row in new_rows:
        levels.setdefault(depth(row.key[1]), []).append(row)
    for level in sorted(levels):
        rows = levels[level]
        for start in range(0, len(rows), _BATCH):
            batch_rows = rows[start : start + _BATCH]
            batch = []
            for row in batch_rows:
                values = row.values
                parent_id, _path = parent_of(row)
                batch.append(
                    OrgUnit(
                        parent_id=parent_id,
                        name=values["name"],
                        kind=kinds[values["kind"]],
                        code=values["code"],
                        credit_code=values["credit_code"],
                        address=values["address"],
                        contact_name=values["contact_name"],
                        contact_phone=values["contact_phone"],
                        pinyin=pinyin_key(values["name"]),
                    )
                )
            OrgUnit.objects.bulk_create(batch)
            for row, unit in zip(batch_rows, batch, strict=True):
                _parent_id, parent_path = parent_of(row)
                unit.path = f"{parent_path}{unit.pk}/"
                ids[row.key], paths[row.key] = unit.pk, unit.path
                row.unit_id = unit.pk
                created.append((unit, audit.snapshot(unit, _AUDITED)))
            OrgUnit.objects.bulk_update(batch, ["path"])
            done += len(batch)
            report_progress(key, processed=done, total=total, phase="saving")
    return created, updated


# Units of a district's upward package -------------------------------------------------------------


@dataclass(frozen=True)
class ImportedUnits:
    """The package's units by the caller's key, and what was taken differently from it."""

    units: dict[str, OrgUnit]
    notes: list[str]


def resolve_imported_units(
    district: OrgUnit, by, entries: list[dict[str, Any]], *, sha256: str = ""
) -> ImportedUnits:
    """The units of a district's upward package, each found by its names below the district
    (``path``: ["张江高科技园区", "某公司"], [] being the district itself), the missing ones
    created with the rules every unit keeps (``ValidationError`` naming the unit otherwise).
    Units in between that the city does not know yet are created as 其他.

    ``entries``: ``{"key", "path", "kind", "credit_code"?}``. A credit code that does not pass
    GB 32100 is left blank, and a note says so: the unit's figures matter to the city, and the
    district, not the city, corrects its code.

    Called by ``upward`` for a city user importing the package: the user needs
    ``upward.receive`` on the district's city (`Scope.require_import_for`). One audit entry
    lists the units created.
    """
    scope_of(by).require_import_for(district)
    units: dict[str, OrgUnit] = {}
    created: list[OrgUnit] = []
    notes: list[str] = []
    with transaction.atomic():
        for entry in sorted(entries, key=lambda e: len(e["path"])):
            unit = district
            for depth, name in enumerate(entry["path"]):
                child = OrgUnit.objects.filter(parent=unit, name=name).first()
                if child is None:
                    last = depth == len(entry["path"]) - 1
                    child = _imported_unit(unit, name, entry if last else {}, notes)
                    created.append(child)
                unit = child
            units[entry["key"]] = unit
        if created:
            audit.record(
                by,
                "org.units_imported_from_package",
                district,
                after={str(unit.pk): audit.snapshot(unit, _AUDITED) for unit in created},
                org_unit=district,
                created=len(created),
                notes=notes,
                sha256=sha256,
            )
    return ImportedUnits(units, notes)


def _imported_unit(parent: OrgUnit, name: str, entry: dict[str, Any], notes: list[str]) -> OrgUnit:
    unit = OrgUnit(
        parent=parent,
        **_tidy({"name": name, "credit_code": entry.get("credit_code") or ""}),
        kind=entry.get("kind") or OrgUnit.Kind.OTHER,
    )
    if unit.credit_code and (problem := check_credit_code(unit.credit_code)):
        notes.append(
            f"单位“{unit.name}”的统一社会信用代码“{unit.credit_code}”有误（{problem}），已留空。"
        )
        unit.credit_code = ""
    try:
        _validate(unit)
    except ValidationError as error:
        raise described(error, unit, f"单位“{name}”") from error
    unit.save()
    return unit


# Data shipped with the platform ------------------------------------------------------------------


@dataclass(frozen=True)
class ShippedUnit:
    """A unit of a tree shipped as data: its names from the root down ("上海市", "浦东新区",
    "陆家嘴街道"), its kind and the fields ``create_unit`` takes."""

    path: tuple[str, ...]
    kind: str
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.path[-1]


def shanghai_units() -> list[ShippedUnit]:
    """Shanghai, its 16 districts and Pudong's 36 streets and towns, parents first."""
    city = ("上海市",)
    units = [ShippedUnit(city, OrgUnit.Kind.CITY)]
    for position, row in enumerate(_rows("shanghai-districts.csv"), start=1):
        units.append(
            ShippedUnit((*city, row["name"]), OrgUnit.Kind.DISTRICT, {"sort_order": position})
        )
    pudong = (*city, "浦东新区")
    for position, row in enumerate(_rows("pudong-streets-towns.csv"), start=1):
        units.append(
            ShippedUnit((*pudong, row["name"]), _KIND_WORDS[row["kind"]], {"sort_order": position})
        )
    return units


def _rows(filename: str) -> list[dict[str, str]]:
    text = resources.files("qualitymonth.orgs").joinpath("data", filename).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))

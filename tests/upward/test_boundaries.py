"""Each app writes its own tables: the upward import hands every row to the app that owns it.

Two guards. The first reads the upward package's source: no create, save, delete or bulk write
on anything but upward's own `UpwardPackage` rows. The second watches the database during an
import, a replacement and a refusal: every INSERT, UPDATE and DELETE comes from the code of the
app whose table it is (a deletion's cascades, which the owning app declares on its foreign
keys, excepted), and upward deletes only its own rows.
"""

from __future__ import annotations

import ast
import re
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection

import qualitymonth
from qualitymonth.upward import services
from qualitymonth.upward.package import PackageError

from .conftest import rebuilt

SOURCE = Path(qualitymonth.__file__).resolve().parent
UPWARD = SOURCE / "upward"
# Methods that write: on a manager or queryset (create, update, delete …) or on a row.
WRITES = {
    "create",
    "bulk_create",
    "bulk_update",
    "update",
    "delete",
    "save",
    "get_or_create",
    "update_or_create",
}
ROW_WRITES = {"save", "delete"}


def _root(node: ast.AST) -> tuple[str | None, list[str]]:
    """The name an attribute chain starts from, and the attributes along it:
    ``Report.objects.filter(x).delete`` → ("Report", ["objects", "filter", "delete"])."""
    attributes: list[str] = []
    while True:
        if isinstance(node, ast.Attribute):
            attributes.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        elif isinstance(node, ast.Subscript):
            node = node.value
        elif isinstance(node, ast.Name):
            return node.id, attributes[::-1]
        else:
            return None, attributes[::-1]


def foreign_writes(source: str, own_models: set[str]) -> list[str]:
    """The calls in ``source`` that write something other than ``own_models``' rows: a write
    through a manager (``X.objects…create()``, ``…delete()``, ``bulk_create``) of another
    model, or ``save``/``delete`` on a name not bound to an own model (a parameter annotated
    with it, or assigned from it)."""
    tree = ast.parse(source)
    rows = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.arg) and node.annotation is not None:
            if _root(node.annotation)[0] in own_models:
                rows.add(node.arg)
        if isinstance(node, ast.Assign) and _root(node.value)[0] in own_models:
            rows.update(target.id for target in node.targets if isinstance(target, ast.Name))
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        method = node.func.attr
        if method not in WRITES:
            continue
        root, chain = _root(node.func.value)
        through_manager = "objects" in chain or method.startswith("bulk_")
        if through_manager and root not in own_models:
            found.append(f"line {node.lineno}: {ast.unparse(node.func)}")
        elif method in ROW_WRITES and not through_manager and root not in own_models | rows:
            found.append(f"line {node.lineno}: {ast.unparse(node.func)}")
    return found


def test_the_guard_sees_writes_on_other_apps_models():
    own = {"UpwardPackage"}
    source = """
def replace(old: UpwardPackage, campaign):
    row = UpwardPackage.objects.get(pk=1)
    row.save()
    old.file.delete(save=False)
    UpwardPackage.objects.filter(pk=2).delete()
    Report.objects.filter(item__campaign=campaign).delete()
    Campaign.objects.create(title="x")
    ReportValue.objects.bulk_create([])
    campaign.delete()
    photo.web.storage.delete(photo.web.name)
    values.update({"a": 1})
"""
    assert [problem.split(": ")[1] for problem in foreign_writes(source, own)] == [
        "Report.objects.filter(item__campaign=campaign).delete",
        "Campaign.objects.create",
        "ReportValue.objects.bulk_create",
        "campaign.delete",
        "photo.web.storage.delete",
    ]


MODULES = sorted(path for path in UPWARD.rglob("*.py") if "migrations" not in path.parts)


@pytest.mark.parametrize("path", MODULES, ids=lambda path: str(path.relative_to(UPWARD)))
def test_upward_writes_only_its_own_rows(path):
    own = {model.__name__ for model in apps.get_app_config("upward").get_models()}
    assert foreign_writes(path.read_text("utf-8"), own) == [], (
        f"{path.relative_to(SOURCE)} writes other apps' rows: hand them to that app's service"
    )


# Watching the database -------------------------------------------------------------------

_STATEMENT = re.compile(r'\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


def _writer(table: str) -> tuple[str, bool]:
    """The app whose code ran a statement on ``table``'s app (the innermost frame in the
    qualitymonth package; core's shared helpers, such as the audit log, act for the app that
    called them unless the table is core's), and whether Django's deletion collector ran it (a
    deletion and its cascades)."""
    frame = sys._getframe(2)
    cascade = False
    while frame is not None:
        filename = Path(frame.f_code.co_filename)
        if filename.name == "deletion.py" and "django" in filename.parts:
            cascade = True
        if SOURCE in filename.parents:
            app = filename.relative_to(SOURCE).parts[0]
            if app != "core" or table == "core":
                return app, cascade
        frame = frame.f_back
    return "?", cascade


@contextmanager
def writes():
    """Every INSERT, UPDATE and DELETE run inside: (statement, table's app, writer's app,
    from a deletion)."""
    tables = {
        model._meta.db_table: model._meta.app_label
        for model in apps.get_models(include_auto_created=True)
    }
    seen: list[tuple[str, str, str, bool]] = []

    def watch(execute, sql, params, many, context):
        match = _STATEMENT.match(sql)
        if match:
            table = tables.get(match[2], "?")
            writer, cascade = _writer(table)
            seen.append((match[1].split()[0].upper(), table, writer, cascade))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(watch):
        yield seen


def trespasses(seen) -> set[tuple[str, str, str, bool]]:
    """The kinds of write an app made to another app's table: any from upward's code, and any
    other that is not a deletion's cascade."""
    return {
        (statement, table, writer, cascade)
        for statement, table, writer, cascade in seen
        if table != writer and (writer == "upward" or not cascade)
    }


def test_importing_replacing_and_refusing_each_app_writes_its_own_tables(
    district_campaign, exported, city, city_viewer, lujiazui
):
    services.delete_campaign_rows(district_campaign)
    lujiazui.name = "陆家嘴街道（旧）"  # so orgs creates a unit too
    lujiazui.save()

    with writes() as seen:
        services.import_file(exported.data, "first.zip", city_viewer, city)
        services.import_file(exported.data, "second.zip", city_viewer, city)  # replaces
        broken = rebuilt(
            exported.data,
            lambda manifest, files: files.update({"photos/002.jpg": b"\xff\xd8 not a photo"}),
        )
        with pytest.raises(PackageError):
            services.import_file(broken, "broken.zip", city_viewer, city)

    tables = {table for _statement, table, _writer, _cascade in seen}
    assert {"orgs", "campaigns", "events", "reports", "upward", "core"} <= tables
    assert trespasses(seen) == set()

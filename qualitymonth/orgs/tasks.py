"""Background work of the organisation tree: checking and applying a units workbook."""

from django_tasks import task

from . import services


@task
def check_unit_import(import_id: int) -> None:
    services.check_unit_import(import_id)


@task
def apply_unit_import(import_id: int) -> None:
    services.apply_unit_import(import_id)

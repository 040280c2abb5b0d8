"""The organisation tree's test world: tasks run inline, uploads go to a temporary folder, and
workbooks are written with openpyxl the way people fill them in."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from qualitymonth.orgs.importing import HEADERS
from qualitymonth.orgs.models import OrgUnit

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def inline_tasks_and_media(settings, tmp_path):
    # Tests run inside a transaction that a background thread could not see: run tasks inline.
    settings.TASKS = IMMEDIATE
    settings.MEDIA_ROOT = tmp_path / "media"


def workbook_bytes(rows, headers=HEADERS, title="单位") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    if headers:
        sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_upload(rows, name="单位.xlsx", **kwargs) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, workbook_bytes(rows, **kwargs), content_type=XLSX)


@pytest.fixture
def zhangjiang(pudong) -> OrgUnit:
    return OrgUnit.objects.create(name="张江高科技园区", kind=OrgUnit.Kind.PARK, parent=pudong)

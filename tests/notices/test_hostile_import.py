"""Importing a hostile notice: refused ones change nothing, accepted ones store cleanly.

A notice the reader or the scope refuses leaves every table and the stored files as they were.
A notice the reader accepts is stored even where PostgreSQL is stricter than SQLite: no NUL in
text, no plan number beyond a small integer.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from qualitymonth.campaigns.models import Campaign
from qualitymonth.notices import reader, services
from qualitymonth.notices.reader import MAX_NOTICE_BYTES, read_notice
from tests.notices.hostile import claims_to_be_huge, docx_zip, paragraph


def database_rows() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def stored_files(root) -> list[str]:
    return sorted(str(path) for path in root.rglob("*") if path.is_file()) if root.exists() else []


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(client, pudong, data: bytes, name: str):
    file = io.BytesIO(data)
    file.name = name
    return client.post(reverse("notices:upload"), {"org_unit": pudong.pk, "file": file})


def plan_table(*numbers: str) -> bytes:
    def row(*cells: str) -> str:
        return "<w:tr>" + "".join(f"<w:tc>{paragraph(c)}</w:tc>" for c in cells) + "</w:tr>"

    rows = row("序号", "活动内容", "牵头部门")
    rows += "".join(row(number, f"举办活动{i}", "质量处") for i, number in enumerate(numbers))
    title = paragraph("关于开展质量月活动的通知")
    return docx_zip(f"{title}<w:tbl>{rows}</w:tbl>")


def rezipped(data: bytes, drop: str = "", add: dict[str, bytes] | None = None) -> bytes:
    """The .docx without the member `drop` and with the members `add`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as archive:
        for name in source.namelist():
            if name != drop:
                archive.writestr(name, source.read(name))
        for name, content in (add or {}).items():
            archive.writestr(name, content, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


A_DOCX = plan_table("1", "2")

REFUSED = {
    "a .docx claiming to expand to 4 GB": (claims_to_be_huge(A_DOCX), "通知.docx", "解压后超过"),
    "a .docx cut short": (A_DOCX[: len(A_DOCX) // 2], "通知.docx", "不是有效的 Word 文档"),
    "a .docx with broken XML": (
        docx_zip("<w:p><w:r><w:t>关于</w:t></w:r>"),
        "通知.docx",
        "不是有效的 Word 文档",
    ),
    "a .docx without its document": (
        rezipped(A_DOCX, drop="word/document.xml"),
        "通知.docx",
        "不是有效的",
    ),
    "a .docx renamed .txt, without its document": (
        rezipped(A_DOCX, drop="word/document.xml"),
        "通知.txt",
        "压缩包",
    ),
    "a .docx of 3,000 members": (
        rezipped(A_DOCX, add={f"word/media/{i}.png": b"" for i in range(3000)}),
        "通知.docx",
        "超过 2000 个部件",
    ),
    "a .docx with 20,001 paragraphs": (
        docx_zip(paragraph("关于开展质量月活动的通知") * 20_001),
        "通知.docx",
        "超过 20000 段",
    ),
    "a .docx table of 20,001 rows": (
        plan_table(*["1"] * 20_000),
        "通知.docx",
        "超过 20000 段",
    ),
    "a text of 20,001 lines": ("质\n".encode() * 20_001, "通知.txt", "超过 20000 段"),
    "a text of 20,001 pages of one line": ("质\f".encode() * 20_001, "通知.txt", "超过 20000 段"),
    "an image named .txt": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "通知.txt", "不是文本"),
    "a PDF": (b"%PDF-1.7\n" + bytes(200), "通知.pdf", "PDF"),
    "more than 10 MB": ("质".encode() * (MAX_NOTICE_BYTES // 3 + 1), "通知.txt", "10 MB"),
    "an empty file": (b"\n \n", "通知.txt", "空"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_a_refused_file_changes_nothing(client, admin, pudong, media_root, case):
    data, name, message = REFUSED[case]
    client.force_login(admin)
    before = database_rows()
    response = upload(client, pudong, data, name)
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert errors and message in errors[0]
    assert database_rows() == before
    assert stored_files(media_root) == []


def test_a_docx_with_more_xml_than_a_notice_is_refused(client, admin, pudong, monkeypatch):
    """python-docx parses XML whole (20 bytes of memory per byte): XML is counted by its
    content, so an XML part named like an image counts too; real images do not."""
    monkeypatch.setattr(reader, "MAX_DOCX_XML_BYTES", 1024 * 1024)
    client.force_login(admin)
    disguised = rezipped(A_DOCX, add={"word/media/image1.png": b"<a/>" * 300_000})
    before = database_rows()
    response = upload(client, pudong, disguised, "通知.docx")
    assert "超过 1 MB" in response.context["form"].non_field_errors()[0]
    assert database_rows() == before
    image = rezipped(A_DOCX, add={"word/media/image1.png": b"\x89PNG\r\n" + bytes(1_200_000)})
    assert upload(client, pudong, image, "通知.docx").status_code == 302


def test_an_import_the_scope_refuses_changes_nothing(reporter, pudong, media_root):
    """A street's reporter may not import the district's notice, even by calling the service."""
    data = plan_table("1", "2")
    before = database_rows()
    with pytest.raises(PermissionDenied):
        services.import_notice(
            read_notice(data, "通知.docx"), org_unit=pudong, by=reporter, original=data
        )
    assert database_rows() == before
    assert stored_files(media_root) == []


def test_plan_numbers_beyond_a_small_integer_are_not_numbers(client, admin, pudong, media_root):
    """A 序号 of 70000 once made the import fail on PostgreSQL (smallint out of range)."""
    client.force_login(admin)
    response = upload(client, pudong, plan_table("70000", "一二三四五六", "²", "3"), "通知.docx")
    assert response.status_code == 302
    items = Campaign.objects.get().items.order_by("order")
    assert [(item.number, item.title) for item in items] == [
        (None, "举办活动0"),
        (None, "举办活动1"),
        (None, "举办活动2"),
        (3, "举办活动3"),
    ]


def test_a_nul_character_is_not_stored(client, admin, pudong, media_root):
    """A UTF-16 file may hold NUL, which PostgreSQL cannot store in text (a server error)."""
    client.force_login(admin)
    preamble = "为全面推动质量强区建设，现将有关事项通知如下。" * 3  # binary above 2% controls
    text = f"关于开展质量月活动的通知\n{preamble}\n一、活动内容\n1. 举办启\x00动仪式。\n"
    response = upload(client, pudong, text.encode("utf-16"), "通知.txt")
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert campaign.notice_import.text == text.replace("\x00", "")
    assert campaign.items.get().title == "举办启动仪式"

"""Importing a notice through the service, the page and the command line."""

import datetime
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.urls import reverse

from qualitymonth.campaigns.models import Campaign, Deadline
from qualitymonth.core.models import AuditEntry
from qualitymonth.notices.models import NoticeImport
from tests.conftest import SEED_NOTICE

D = datetime.date


def test_seed_notice_becomes_a_draft_campaign(seed_campaign, admin):
    campaign = seed_campaign
    assert campaign.status == Campaign.Status.DRAFT
    assert campaign.kind == Campaign.Kind.QUALITY_MONTH and campaign.year == 2024
    assert campaign.name == "2024年浦东新区质量月"
    assert campaign.doc_number == "浦市监质〔2024〕99号"
    assert campaign.issuer == "上海市浦东新区市场监督管理局"
    assert campaign.theme == "加快培育新质生产力，助推浦东高质量发展"
    assert (campaign.start_date, campaign.end_date) == (D(2024, 9, 1), D(2024, 9, 30))
    assert (campaign.signing_date, campaign.print_date) == (D(2024, 9, 5), D(2024, 9, 6))
    assert campaign.upward_recipient == "上海市质量工作领导小组办公室"
    assert campaign.categories.count() == 5
    assert list(campaign.items.values_list("number", flat=True)) == list(range(1, 21))
    assert campaign.items.get(number=13).title == "开展重点领域产品质量监督抽查"
    contact = campaign.contacts.get()
    assert (contact.name, contact.phone, contact.email) == (
        "陈择源",
        "68824341",
        "chenzeyuan@pudong.gov.cn",
    )
    deadline = campaign.deadlines.get()
    assert deadline.due_date == D(2024, 9, 30) and deadline.kind == Deadline.Kind.SUMMARY
    assert campaign.sections[0]["heading"] == "指导思想"
    assert len(campaign.requirements) == 3
    record = campaign.notice_import
    assert record.parsed["doc_number"] == "浦市监质〔2024〕99号"
    assert AuditEntry.objects.filter(action="notice.imported", actor=admin).exists()


def upload(client, **data):
    return client.post(reverse("notices:upload"), data)


def named(content: bytes, name: str) -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


def test_admin_uploads_the_notice_file(client, admin, pudong, seed_notice_bytes):
    client.force_login(admin)
    response = upload(client, org_unit=pudong.pk, file=named(seed_notice_bytes, SEED_NOTICE.name))
    campaign = Campaign.objects.get()
    assert response.url == reverse("notices:review", kwargs={"pk": campaign.pk})
    assert campaign.items.count() == 20
    record = campaign.notice_import
    assert record.filename == SEED_NOTICE.name
    assert record.original.read() == seed_notice_bytes


def test_pasted_text_is_imported(client, admin, pudong, seed_notice_bytes):
    client.force_login(admin)
    upload(client, org_unit=pudong.pk, text=seed_notice_bytes.decode("utf-8"))
    assert Campaign.objects.get().items.count() == 20


def not_a_docx_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "hello")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "notice.txt", "空"),
        (b"   \n\n  ", "notice.txt", "空"),
        (bytes(range(256)) * 40, "notice.txt", "文件"),
        (b"this is plain text, not a word file", "notice.docx", ".docx"),
        (not_a_docx_zip(), "notice.docx", ".docx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "notice.doc", ".docx"),
    ],
)
def test_bad_files_get_a_clear_message_and_save_nothing(
    client, admin, pudong, content, name, message
):
    client.force_login(admin)
    response = upload(client, org_unit=pudong.pk, file=named(content, name))
    assert response.status_code == 200
    errors = response.context["form"].non_field_errors()
    assert errors and message in errors[0]
    assert not Campaign.objects.exists() and not NoticeImport.objects.exists()


def test_a_huge_file_is_refused_naming_the_cap(client, admin, pudong):
    client.force_login(admin)
    response = upload(client, org_unit=pudong.pk, file=named(b"a" * (11 * 1024 * 1024), "big.txt"))
    errors = response.context["form"].non_field_errors()
    assert "10 MB" in errors[0]
    assert not Campaign.objects.exists()


def test_nothing_uploaded(client, admin, pudong):
    client.force_login(admin)
    response = upload(client, org_unit=pudong.pk)
    assert "请选择通知文件，或粘贴通知全文。" in response.content.decode()


def test_a_notice_with_nothing_recognisable_still_imports_with_warnings(client, admin, pudong):
    client.force_login(admin)
    upload(client, org_unit=pudong.pk, text="会议纪要\n今天天气很好。")
    campaign = Campaign.objects.get()
    page = client.get(reverse("notices:review", kwargs={"pk": campaign.pk})).content.decode()
    assert "以下内容需要您核对" in page
    assert "未识别到活动事项" in page


def review_data(client, campaign):
    """The review form as the page filled it in, ready to post back."""
    response = client.get(reverse("notices:review", kwargs={"pk": campaign.pk}))
    data = {}
    for form in (
        [response.context["form"]]
        + [f for _, f in response.context["category_forms"]]
        + [f for _, f in response.context["item_forms"]]
    ):
        for field in form:
            value = field.value()
            if value is None:
                continue
            if isinstance(value, list):
                value = "、".join(value)
            if isinstance(value, datetime.date):
                value = value.isoformat()
            data[field.html_name] = value
    return data


def test_review_corrects_and_publishes(client, admin, seed_campaign):
    client.force_login(admin)
    item = seed_campaign.items.get(number=3)
    data = review_data(client, seed_campaign)
    data[f"item-{item.pk}-title"] = "加强食品安全知识宣传"
    data["campaign-theme"] = "加快培育新质生产力，助推浦东高质量发展！"
    data["publish"] = "1"
    response = client.post(reverse("notices:review", kwargs={"pk": seed_campaign.pk}), data)
    assert response.url == reverse("campaigns:overview", kwargs={"pk": seed_campaign.pk})
    seed_campaign.refresh_from_db()
    item.refresh_from_db()
    assert seed_campaign.is_published
    assert item.title == "加强食品安全知识宣传"
    assert seed_campaign.theme.endswith("！")
    entry = AuditEntry.objects.get(action="item.updated", target_id=str(item.pk))
    assert entry.before == {"title": "加强食品安全知识媒体宣传"}
    # Only the corrected item was written.
    assert AuditEntry.objects.filter(action="item.updated").count() == 1


def test_review_with_an_error_saves_nothing_and_says_what_is_wrong(client, admin, seed_campaign):
    client.force_login(admin)
    item = seed_campaign.items.get(number=3)
    data = review_data(client, seed_campaign)
    data[f"item-{item.pk}-title"] = ""
    data["campaign-end_date"] = "2024-08-01"
    response = client.post(reverse("notices:review", kwargs={"pk": seed_campaign.pk}), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "结束日期不能早于开始日期。" in page and "这个字段是必填项。" in page
    item.refresh_from_db()
    assert item.title == "加强食品安全知识媒体宣传"


def test_saving_is_kept_when_publishing_is_refused(client, admin, pudong):
    client.force_login(admin)
    upload(
        client, org_unit=pudong.pk, text="关于开展质量月活动的通知\n一、活动内容\n1. 举办启动仪式。"
    )
    campaign = Campaign.objects.get()
    data = review_data(client, campaign)
    data["campaign-theme"] = "质量强国"
    data["publish"] = "1"
    response = client.post(reverse("notices:review", kwargs={"pk": campaign.pk}), data, follow=True)
    page = response.content.decode()
    assert "修改已保存，但还不能发布" in page and "请填写活动开始和结束日期。" in page
    campaign.refresh_from_db()
    assert campaign.theme == "质量强国" and not campaign.is_published


# A notice imported twice ---------------------------------------------------------------------


def import_again(pudong, admin, seed_notice_bytes, **options):
    from qualitymonth.notices.reader import read_notice
    from qualitymonth.notices.services import import_notice

    source = read_notice(seed_notice_bytes, SEED_NOTICE.name)
    return import_notice(source, org_unit=pudong, by=admin, **options)


def test_importing_a_notice_again_is_refused_before_anything_is_saved(
    admin, pudong, seed_campaign, seed_notice_bytes
):
    from qualitymonth.campaigns.services import DuplicateCampaign

    entries = AuditEntry.objects.count()
    with pytest.raises(DuplicateCampaign) as error:
        import_again(pudong, admin, seed_notice_bytes)
    assert [d.campaign for d in error.value.duplicates] == [seed_campaign]
    assert error.value.messages[0].startswith(
        "不能导入：浦东新区已有同一份通知的活动 2024年浦东新区质量月（浦市监质〔2024〕99号，草稿，"
    )
    assert Campaign.objects.get() == seed_campaign and NoticeImport.objects.count() == 1
    assert AuditEntry.objects.count() == entries


def test_an_admin_who_means_a_second_campaign_says_so_and_it_is_recorded(
    admin, pudong, seed_campaign, seed_notice_bytes
):
    record = import_again(pudong, admin, seed_notice_bytes, allow_duplicate=True)
    assert record.campaign != seed_campaign and record.campaign.items.count() == 20
    entry = AuditEntry.objects.get(action="notice.imported", target_id=str(record.pk))
    assert entry.detail["duplicate_confirmed"] is True
    assert entry.detail["duplicate_of"] == [seed_campaign.pk]


def test_another_district_imports_the_same_notice_freely(
    huangpu, huangpu_admin, seed_campaign, seed_notice_bytes
):
    record = import_again(huangpu, huangpu_admin, seed_notice_bytes)
    assert record.campaign.org_unit == huangpu


def test_the_upload_page_stops_a_second_import_and_links_the_existing_campaign(
    client, admin, pudong, seed_campaign, seed_notice_bytes
):
    client.force_login(admin)
    file = named(seed_notice_bytes, SEED_NOTICE.name)
    response = upload(client, org_unit=pudong.pk, file=file)
    assert response.status_code == 200
    page = response.content.decode()
    overview = reverse("campaigns:overview", kwargs={"pk": seed_campaign.pk})
    assert f'href="{overview}"' in page and "发文字号相同" in page
    assert "不能导入：浦东新区已有同一份通知的活动" in page
    assert 'name="allow_duplicate"' in page
    assert Campaign.objects.count() == 1

    # Ticked: the draft is made, and its review page still shows the campaign it duplicates.
    file = named(seed_notice_bytes, SEED_NOTICE.name)
    response = upload(client, org_unit=pudong.pk, file=file, allow_duplicate="on")
    second = Campaign.objects.exclude(pk=seed_campaign.pk).get()
    assert response.url == reverse("notices:review", kwargs={"pk": second.pk})
    page = client.get(response.url).content.decode()
    assert f'href="{overview}"' in page and 'name="allow_duplicate"' in page


def test_publishing_from_the_review_page_needs_the_box_ticked(
    client, admin, pudong, seed_campaign, seed_notice_bytes
):
    second = import_again(pudong, admin, seed_notice_bytes, allow_duplicate=True).campaign
    client.force_login(admin)
    review = reverse("notices:review", kwargs={"pk": second.pk})
    data = review_data(client, second)
    data["campaign-theme"] = "质量强国"
    data["publish"] = "1"
    page = client.post(review, data, follow=True).content.decode()
    assert "修改已保存，但还不能发布" in page and "不能发布：浦东新区已有同一份通知的活动" in page
    second.refresh_from_db()
    assert second.theme == "质量强国" and second.is_draft

    data["allow_duplicate"] = "1"
    response = client.post(review, data)
    assert response.url == reverse("campaigns:overview", kwargs={"pk": second.pk})
    second.refresh_from_db()
    assert second.is_published
    entry = AuditEntry.objects.get(action="campaign.published", target_id=str(second.pk))
    assert entry.detail == {"duplicate_confirmed": True, "duplicate_of": [seed_campaign.pk]}


def test_command_prints_what_was_read(capsys, tmp_path, seed_notice_bytes):
    call_command("import_notice", str(SEED_NOTICE))
    text = capsys.readouterr().out
    assert "浦市监质〔2024〕99号" in text and "20" in text and "陈择源" in text
    call_command("import_notice", str(SEED_NOTICE), "--json")
    data = json.loads(capsys.readouterr().out)
    assert data["doc_number"] == "浦市监质〔2024〕99号"
    assert sum(len(c["items"]) for c in data["categories"]) == 20


def test_command_reports_a_bad_file_without_a_traceback(tmp_path):
    from django.core.management.base import CommandError

    bad = tmp_path / "notice.docx"
    bad.write_bytes(b"not a docx")
    with pytest.raises(CommandError, match="docx"):
        call_command("import_notice", str(bad))
    with pytest.raises(CommandError, match="找不到"):
        call_command("import_notice", str(tmp_path / "missing.txt"))

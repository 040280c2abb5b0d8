"""The staff's pages: the list with clocks, masking in the list and the export, the audited
"查看完整信息", and who may see any of it."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from qualitymonth.cases import clock
from qualitymonth.cases.models import Case
from qualitymonth.core.models import AuditEntry
from tests.cases.conftest import file_case
from tests.conftest import make_person
from tests.core.hostile_xlsx import DANGEROUS, assert_no_formulas

FULL = ("13812341234", "张三丰", "11010519491231002X")


@pytest.fixture
def on_day(monkeypatch):
    """Staff look at the list on a given day (the clock reads clock.today())."""

    def set_day(day):
        monkeypatch.setattr(clock, "today", lambda: day)

    return set_day


def test_the_list_shows_clocks_in_working_days_and_masks_contacts(
    client, complaint, service, on_day
):
    import datetime

    on_day(datetime.date(2024, 10, 8))
    client.force_login(service)
    page = client.get(reverse("cases:list")).content.decode()
    assert complaint.tracking_number in page
    assert "受理决定：剩余 4 个工作日" in page
    assert "138****1234" in page and "张**" in page
    for value in FULL:
        assert value not in page

    on_day(datetime.date(2024, 10, 15))
    page = client.get(reverse("cases:list"), {"clock": "over"}).content.decode()
    assert "已超期 2 个工作日" in page and "case-clock-over" in page


def test_filters(client, complaint, bureau, service, on_day):
    import datetime

    on_day(datetime.date(2024, 10, 8))
    consultation = file_case(bureau, kind="consultation", subject="电子秤检定")
    client.force_login(service)
    page = client.get(reverse("cases:list"), {"kind": "consultation"}).content.decode()
    assert consultation.tracking_number in page and complaint.tracking_number not in page
    page = client.get(reverse("cases:list"), {"q": "电子秤"}).content.decode()
    assert consultation.tracking_number in page and complaint.tracking_number not in page
    page = client.get(reverse("cases:list"), {"clock": "near"}).content.decode()
    assert complaint.tracking_number not in page  # 4 working days left


def test_the_export_masks_personal_data(client, complaint, service):
    client.force_login(service)
    response = client.get(reverse("cases:export"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:8] == [
        "受理编号", "类型", "收到日期", "产品或服务", "经营者", "联系人", "手机号", "身份证号",
    ]  # fmt: skip
    assert rows[1][5:8] == ["张**", "138****1234", "110105********002X"]
    text = repr(rows)
    for value in FULL:
        assert value not in text


def test_the_detail_page_masks_until_the_audited_full_view(client, complaint, service):
    client.force_login(service)
    page = client.get(reverse("cases:detail", args=[complaint.pk])).content.decode()
    assert "138****1234" in page and "查看完整信息" in page
    for value in FULL:
        assert value not in page
    assert not AuditEntry.objects.filter(action="case.personal_data_viewed").exists()

    response = client.post(reverse("cases:contact", args=[complaint.pk]), HTTP_HX_REQUEST="true")
    fragment = response.content.decode()
    for value in FULL:
        assert value in fragment
    assert "<html" not in fragment
    client.post(reverse("cases:contact", args=[complaint.pk]))
    entries = AuditEntry.objects.filter(action="case.personal_data_viewed")
    assert entries.count() == 2  # every view, not just the first
    entry = entries.first()
    assert entry.actor == service and entry.target_id == str(complaint.pk)
    for value in FULL:
        assert value not in repr(entry.detail)


def test_the_full_view_is_a_post(client, complaint, service):
    client.force_login(service)
    assert client.get(reverse("cases:contact", args=[complaint.pk])).status_code == 405


@pytest.mark.parametrize(
    ("who", "list_status", "case_status"),
    [
        ("service", 200, 200),
        ("admin", 200, 200),
        ("metrology", 403, 404),
        ("huangpu_admin", 200, 404),  # handles Huangpu's cases, never Pudong's
        ("reporter", 403, 404),
        ("citizen", 403, 404),
    ],
)
def test_who_sees_cases(
    client, complaint, service, other_service, admin, huangpu_admin, reporter, who, list_status,
    case_status,
):  # fmt: skip
    people = {
        "service": service,
        "admin": admin,
        "metrology": other_service,
        "huangpu_admin": huangpu_admin,
        "reporter": reporter,
        "citizen": make_person("citizen"),
    }
    client.force_login(people[who])
    response = client.get(reverse("cases:list"))
    assert response.status_code == list_status
    assert (complaint.tracking_number in response.content.decode()) == (case_status == 200)
    assert client.get(reverse("cases:detail", args=[complaint.pk])).status_code == case_status
    assert client.post(reverse("cases:contact", args=[complaint.pk])).status_code == case_status
    assert client.get(reverse("cases:export")).status_code == list_status


def test_anonymous_is_sent_to_log_in(client, complaint):
    assert client.get(reverse("cases:list")).status_code == 302
    assert client.post(reverse("cases:contact", args=[complaint.pk])).status_code == 302


def test_staff_handle_a_case_through_the_page(client, complaint, service, admin):
    client.force_login(admin)
    url = reverse("cases:action", args=[complaint.pk, "assign"])
    assert client.post(url, {"handler": service.pk}).status_code == 302
    client.force_login(service)
    assert (
        client.post(
            reverse("cases:action", args=[complaint.pk, "accept"]), {"accept-text": ""}
        ).status_code
        == 302
    )
    response = client.post(
        reverse("cases:action", args=[complaint.pk, "reply"]), {"reply-text": ""}
    )
    assert response.status_code == 400
    client.post(
        reverse("cases:action", args=[complaint.pk, "reply"]), {"reply-text": "已联系商家。"}
    )
    client.post(
        reverse("cases:action", args=[complaint.pk, "close"]),
        {"close-text": "调解成功，商家退货。"},
    )
    complaint.refresh_from_db()
    assert complaint.status == "closed" and complaint.handler == service
    assert (
        client.post(
            reverse("cases:action", args=[complaint.pk, "bogus"]), {"text": "x"}
        ).status_code
        == 404
    )


def test_the_rules_page(client, service, db):
    from qualitymonth.accounts.models import User

    client.force_login(service)
    page = client.get(reverse("cases:rules")).content.decode()
    assert "第四十六条" in page and "现行" in page
    assert client.post(reverse("cases:rules"), {}).status_code == 403
    root = User.objects.create_superuser("root", password="x")
    client.force_login(root)
    response = client.post(
        reverse("cases:rules"),
        {
            "kind": "consultation",
            "milestone": "closing",
            "working_days": 3,
            "start_event": "received",
            "legal_basis": "本局服务承诺（修订）",
            "effective_from": "2025-01-01",
        },
    )
    assert response.status_code == 302
    assert "本局服务承诺（修订）" in client.get(reverse("cases:rules")).content.decode()


def test_the_nav_shows_cases_to_case_staff_only(client, service, other_service):
    client.force_login(service)
    assert "咨询投诉" in client.get(reverse("core:inbox")).content.decode()
    client.force_login(other_service)
    assert "咨询投诉" not in client.get(reverse("core:inbox")).content.decode()


def test_the_list_reads_a_fixed_number_of_queries(
    client, bureau, service, django_assert_max_num_queries
):
    for n in range(3):
        file_case(bureau, subject=f"产品{n}")
    client.force_login(service)
    client.get(reverse("cases:list"))  # warm the session
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("cases:list"))
    for n in range(3, 15):
        file_case(bureau, subject=f"产品{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("cases:list"))


def test_the_export_writes_what_citizens_typed_as_text_never_as_a_formula(client, bureau, service):
    for text in DANGEROUS:
        file_case(bureau, subject=text, business_name=text)
    client.force_login(service)
    data = b"".join(client.get(reverse("cases:export")).streaming_content)
    assert_no_formulas(data)
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(min_row=2, values_only=True))
    saved = sorted(Case.objects.values_list("subject", flat=True))
    assert len(saved) == len(DANGEROUS)
    assert sorted(row[3] for row in rows) == saved == sorted(row[4] for row in rows)

"""The six 文书 a desk prints most, written from a case's data through the work summary's
document writer, read back with python-docx (and one laid out by LibreOffice); printing is for
the case's staff only and recorded in the audit log."""

import datetime
import io

import docx
import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx.enum.text import WD_ALIGN_PARAGRAPH

from qualitymonth.cases import documents, services
from qualitymonth.cases.models import CaseKind
from qualitymonth.core.models import AuditEntry
from tests.cases.conftest import at, file_case
from tests.core import pdf_layout
from tests.core.pdf_layout import LEFT, RIGHT, RIGHT_SPACE

BUREAU = "浦东新区市场监督管理局"


def read(data: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(data))


def texts(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.text.strip()]


def cells(document) -> list[str]:
    return [cell.text for table in document.tables for row in table.rows for cell in row.cells]


@pytest.fixture
def complaint(bureau, service):
    case = file_case(bureau, received_at=at(2026, 9, 29))
    return services.record_12315_number(case, service, "13100000202609290001")


@pytest.fixture
def mediating(complaint, service):
    services.assign_case(complaint, service, service)
    services.accept_case(complaint, service, at=at(2026, 10, 9))
    services.start_mediation(complaint, service, method="on_site", at=at(2026, 10, 12))
    complaint.refresh_from_db()
    return complaint


def test_the_complaint_register_carries_the_citizen_and_the_12315_number(complaint, service):
    name, data = services.print_document(complaint, service, "complaint_register")
    assert name == f"投诉登记表_{complaint.tracking_number}.docx"
    document = read(data)
    assert texts(document)[0] == "投诉登记表"
    assert texts(document)[1] == f"登记单位：{BUREAU}　编号：{complaint.tracking_number}"
    table = cells(document)
    for value in (
        "张三丰",
        "13812341234",
        "11010519491231002X",
        "某某车行",
        "13100000202609290001",
    ):
        assert value in table
    assert "买后三天电池无法充电，商家拒绝退换。" in table
    assert "投诉人（签字）" in table and "经办人（签字）" in table
    entry = AuditEntry.objects.get(action="case.document_printed")
    assert entry.detail["document"] == "complaint_register" and entry.actor == service


def test_an_anonymous_report_registers_as_anonymous(bureau, service):
    report = file_case(bureau, kind=CaseKind.REPORT, contact_name="", received_at=at(2026, 10, 8))
    document = read(services.print_document(report, service, "report_register")[1])
    assert texts(document)[0] == "举报登记表"
    assert "匿名" in cells(document) and "（尚未登记）" in cells(document)
    with pytest.raises(ValidationError):
        services.print_document(report, service, "complaint_register")


def test_the_acceptance_decision_is_addressed_to_the_complainant(mediating, service):
    document = read(services.print_document(mediating, service, "acceptance")[1])
    lines = texts(document)
    assert lines[0] == "投诉受理决定书"
    assert lines[1] == "________市监________〔2026〕第________号"
    assert document.paragraphs[1].alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert lines[2] == "张三丰："
    assert lines[3].startswith("我局于2026年9月29日收到你关于某某车行电动自行车的投诉。")
    assert "《市场监督管理投诉举报处理办法》规定的受理条件，我局决定受理。" in lines[3]
    assert "联系人：" in lines[4] and "特此告知。" in lines
    assert lines[-2:] == [BUREAU, "2026年10月9日"]


def test_the_refusal_states_the_ground_the_reasons_and_the_other_routes(complaint, service):
    services.refuse_case(
        complaint, service, "经核实，投诉人拒绝核验身份。", ground="6", at=at(2026, 10, 9)
    )
    complaint.refresh_from_db()
    lines = texts(read(services.print_document(complaint, service, "refusal")[1]))
    assert lines[0] == "投诉不予受理决定书"
    body = "".join(lines)
    assert (
        "第十六条第（六）项规定的“冒用他人名义或者拒不配合市场监督管理部门核验真实身份信息的”情形"
        in body
    )
    assert "理由：经核实，投诉人拒绝核验身份。" in body
    assert "你还可以按照《中华人民共和国消费者权益保护法》第三十九条规定的其他途径" in body
    assert lines[-1] == "2026年10月9日"


def test_the_termination_decision_goes_to_both_parties(mediating, service):
    services.terminate_mediation(
        mediating, service, ground="3", text="被投诉人明确表示不同意更换。", at=at(2026, 11, 20)
    )
    mediating.refresh_from_db()
    lines = texts(read(services.print_document(mediating, service, "termination")[1]))
    assert lines[0] == "投诉终止调解决定书"
    assert lines[2] == "张三丰、某某车行："
    assert (
        "第二十三条第一款第（三）项规定的“经组织调解，投诉人或者被投诉人明确表示无法达成调解协议的”情形"
        in lines[3]
    )
    assert "我局于2026年10月9日受理" in lines[3]
    assert "说明：被投诉人明确表示不同意更换。" in lines
    assert lines[-2:] == [BUREAU, "2026年11月20日"]


def test_the_mediation_book_lists_the_agreement_and_the_signatures(mediating, service):
    services.record_agreement(
        mediating, service, form="book", text="1. 商家更换蓄电池。\n2. 投诉人不再追究。",
        at=at(2026, 11, 2),
    )  # fmt: skip
    mediating.refresh_from_db()
    document = read(services.print_document(mediating, service, "agreement")[1])
    lines = texts(document)
    assert lines[0] == "调解书"
    assert "投诉人：张三丰，联系电话：13812341234。" in lines
    assert "1. 商家更换蓄电池。" in lines and "2. 投诉人不再追究。" in lines
    assert "组织双方现场调解，双方自愿达成如下协议：" in "".join(lines)
    assert {"投诉人（签字）", "被投诉人（签字）", "调解人员（签字）"} <= set(cells(document))
    assert lines[-1] == "2026年11月2日"


def test_each_case_offers_the_forms_it_has(complaint, mediating, bureau, service):
    consultation = file_case(bureau, kind=CaseKind.CONSULTATION)
    assert documents.available(consultation) == []
    assert [name for name, _form in documents.available(mediating)] == [
        "complaint_register",
        "acceptance",
    ]


def test_the_page_prints_by_post_for_case_staff_only(client, mediating, service, other_service):
    url = reverse("cases:document", args=[mediating.pk, "acceptance"])
    client.force_login(service)
    page = client.get(reverse("cases:detail", args=[mediating.pk])).content.decode()
    assert "下载投诉受理决定书" in page and "下载投诉终止调解决定书" not in page
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    assert texts(read(data))[0] == "投诉受理决定书"
    assert client.post(reverse("cases:document", args=[mediating.pk, "refusal"])).status_code == 404
    client.force_login(other_service)
    assert client.post(url).status_code == 404


def test_libreoffice_lays_out_the_termination_decision_as_the_form_does(
    mediating, service, tmp_path
):
    services.terminate_mediation(mediating, service, ground="1", at=at(2026, 11, 20))
    mediating.refresh_from_db()
    data = services.print_document(mediating, service, "termination")[1]
    laid_out = pdf_layout.pages(pdf_layout.to_pdf(data, tmp_path))
    first = laid_out[0]
    assert first[0].text == "投诉终止调解决定书"
    assert first[1].text.startswith("________市监________〔2026〕")
    addressee = next(line for line in first if line.text == "张三丰、某某车行：")
    assert addressee.left == pytest.approx(LEFT, abs=1.5)  # 顶格
    signature, date = pdf_layout.line_of(laid_out, BUREAU)
    assert date is not None and date.text == "2026年11月20日"
    assert signature.right == pytest.approx(RIGHT - RIGHT_SPACE, abs=1.5)
    text = "".join(line.text for lines in laid_out for line in lines)
    assert "投诉人撤回投诉或者双方自行和解的" in text


def test_documents_are_dated_in_the_bureaus_time_zone(mediating, service):
    # Accepted at 00:30 on 10 October in Shanghai (16:30 UTC the day before).
    case = file_case(mediating.org_unit, received_at=at(2026, 10, 8))
    services.accept_case(case, service, at=datetime.datetime.fromisoformat("2026-10-09T16:30Z"))
    case.refresh_from_db()
    lines = texts(read(services.print_document(case, service, "acceptance")[1]))
    assert lines[-1] == "2026年10月10日"

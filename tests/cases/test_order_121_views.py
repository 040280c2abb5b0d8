"""The staff's pages under the 2026 rules: a case's page offers the steps its state allows, each
a form that calls its service; the list shows 12315 numbers and the cases lacking one."""

import datetime

import pytest
from django.urls import reverse

from qualitymonth.cases import clock
from qualitymonth.cases.models import Case, CaseKind, Milestone
from tests.cases.conftest import at, file_case


@pytest.fixture
def staff(client, service, monkeypatch):
    client.force_login(service)

    def on(*args):
        moment = datetime.datetime(*args, tzinfo=at(2026, 1, 1).tzinfo)
        monkeypatch.setattr(clock, "now", lambda: moment)

    return on


def post(client, case, action, data):
    return client.post(reverse("cases:action", args=[case.pk, action]), data)


def page_of(client, case) -> str:
    return client.get(reverse("cases:detail", args=[case.pk])).content.decode()


def test_a_complaint_is_handled_step_by_step_on_its_page(client, bureau, staff):
    staff(2026, 9, 29, 10)
    case = file_case(bureau, received_at=at(2026, 9, 29))
    page = page_of(client, case)
    assert "尚未登记到全国12315平台" in page
    assert 'name="refuse-ground"' in page and "（六）冒用他人名义" in page
    assert 'id="action-mediate"' not in page

    staff(2026, 10, 9, 9)
    assert post(client, case, "accept", {"accept-text": ""}).status_code == 302
    page = page_of(client, case)
    assert 'id="action-mediate"' in page and 'id="action-terminate"' in page
    assert 'id="action-close"' not in page  # a complaint ends by agreement or termination
    assert "调解期限：剩余 60 日" in page

    response = post(client, case, "mediate", {"mediate-method": "on_site"})
    assert response.status_code == 302
    mediation = case.deadlines.get(milestone=Milestone.MEDIATION)
    page = page_of(client, case)
    assert f'name="pause-deadline" value="{mediation.pk}"' in page
    assert 'type="date" name="pause-on" value="2026-10-09"' in page  # today, as a date input reads
    response = post(
        client,
        case,
        "pause",
        {"pause-deadline": mediation.pk, "pause-on": "2026-11-02", "pause-reason": "testing"},
    )
    assert response.status_code == 302
    page = page_of(client, case)
    assert "已暂停计时（检验、检测、鉴定，自2026年11月2日起）" in page
    assert 'id="action-resume"' in page and 'id="action-pause"' not in page
    response = post(client, case, "resume", {"resume-deadline": mediation.pk, "resume-on": "x"})
    assert response.status_code == 400
    post(client, case, "resume", {"resume-deadline": mediation.pk, "resume-on": "2026-11-12"})
    mediation.refresh_from_db()
    assert mediation.due_on == datetime.date(2026, 12, 18)

    staff(2026, 11, 20, 15)
    response = post(client, case, "terminate", {"terminate-ground": "5"})
    assert response.status_code == 400
    assert "调解期限至2026年12月18日届满" in response.content.decode()
    post(client, case, "terminate", {"terminate-ground": "3", "terminate-text": "商家拒绝。"})
    page = page_of(client, case)
    assert "下载投诉终止调解决定书" in page and 'id="action-tell"' in page
    assert "告知终止调解：剩余 7 个工作日" in page
    post(client, case, "tell", {"tell-text": "电话告知。"})
    case.refresh_from_db()
    assert case.status_text == "已办结（终止调解）"


def test_a_report_is_filed_extended_and_merged_on_its_page(client, bureau, staff):
    staff(2026, 10, 22, 10)
    first = file_case(bureau, kind=CaseKind.REPORT, received_at=at(2026, 10, 8))
    page = page_of(client, first)
    assert ">立案</button>" in page and ">不予立案</button>" in page
    assert 'name="refuse-ground"' not in page
    decision = first.deadlines.get()
    post(
        client,
        first,
        "extend",
        {"extend-deadline": decision.pk, "extend-approver": "王局长", "extend-reason": "调取记录"},
    )
    decision.refresh_from_db()
    assert decision.extended
    assert 'id="action-extend"' not in page_of(client, first)

    second = file_case(bureau, kind=CaseKind.REPORT, received_at=at(2026, 10, 22))
    page = page_of(client, second)
    assert 'id="action-merge"' in page and first.tracking_number in page
    response = post(client, second, "merge", {"merge-into": first.pk, "merge-new_facts": "yes"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.outcome, second.related) == ("merged", first)


def test_the_12315_number_is_recorded_on_the_page_and_the_list_shows_who_lacks_one(
    client, bureau, staff
):
    staff(2026, 10, 8, 9)
    complaint = file_case(bureau, received_at=at(2026, 9, 29))
    report = file_case(bureau, kind=CaseKind.REPORT, received_at=at(2026, 9, 29))
    file_case(bureau, kind=CaseKind.CONSULTATION, received_at=at(2026, 9, 29))
    page = client.get(reverse("cases:list")).content.decode()
    assert "有 2 件投诉举报尚未登记12315工单号。" in page
    response = post(client, complaint, "number_12315", {"number_12315-number": "12"})
    assert response.status_code == 400 and "6–40 位" in response.content.decode()
    post(client, complaint, "number_12315", {"number_12315-number": "13100000202609290001"})
    page = client.get(reverse("cases:list")).content.decode()
    assert "有 1 件投诉举报尚未登记12315工单号。" in page
    assert "13100000202609290001" in page
    lacking = client.get(reverse("cases:list"), {"lacking_12315": "on", "status": "all"})
    text = lacking.content.decode()
    assert report.tracking_number in text and complaint.tracking_number not in text
    found = client.get(reverse("cases:list"), {"q": "202609290001"}).content.decode()
    assert complaint.tracking_number in found and report.tracking_number not in found


def test_the_detail_page_reads_a_fixed_number_of_queries(
    client, bureau, service, staff, django_assert_max_num_queries
):
    staff(2026, 10, 9, 9)
    from qualitymonth.cases import services

    case = file_case(bureau, received_at=at(2026, 9, 29))
    services.accept_case(case, service)
    services.start_mediation(case, service, method="on_site")
    client.get(reverse("cases:detail", args=[case.pk]))
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("cases:detail", args=[case.pk]))
    for n in range(10):
        services.add_note(case, service, f"记录{n}")
        services.reply_case(case, service, f"答复{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("cases:detail", args=[case.pk]))
    assert Case.objects.count() == 1

"""The public case forms beside 12315: complaints and reports say they will be registered in the
全国12315平台 and name its channels in plain text; the follow page shows the outcome and the
12315 number once recorded."""

import re

import pytest
from django.urls import reverse

from qualitymonth.cases import services
from tests.cases.conftest import at, file_case

CHANNELS = ("12315 热线电话", "全国12315平台网站（www.12315.cn）", "“全国12315”手机 App", "小程序")


@pytest.mark.parametrize(("kind", "label"), [("complaint", "投诉"), ("report", "举报")])
def test_complaint_and_report_forms_tell_of_12315_and_its_channels(client, service, kind, label):
    page = client.get(reverse("portal:case_new", args=[kind])).content.decode()
    notice = page.split('id="notice-12315"')[1].split("</div>")[0]
    assert f"您在这里提交的{label}，将由受理单位登记到全国12315平台" in notice
    for channel in CHANNELS:
        assert channel in notice
    # Plain text: nothing on the page points or loads outside the platform.
    assert not re.search(r"""(href|src)=["']?(https?:)?//""", page)


@pytest.mark.parametrize("kind", ["consultation", "testing"])
def test_consultations_and_testing_requests_have_no_12315_notice(client, service, kind):
    page = client.get(reverse("portal:case_new", args=[kind])).content.decode()
    assert 'id="notice-12315"' not in page


def test_the_citizen_sees_the_outcome_and_the_12315_number(client, bureau, service):
    case = file_case(bureau, received_at=at(2026, 9, 29))
    services.record_12315_number(case, service, "13100000202609290001")
    services.accept_case(case, service, at=at(2026, 10, 9))
    services.start_mediation(case, service, method="remote", at=at(2026, 10, 12))
    services.terminate_mediation(case, service, ground="1", at=at(2026, 10, 20))
    services.tell_parties(case, service, at=at(2026, 10, 21))
    page = client.post(
        reverse("portal:case_follow"),
        {"tracking_number": case.tracking_number, "mobile": "13812341234"},
    ).content.decode()
    assert "已办结（终止调解）" in page
    assert "13100000202609290001" in page
    assert "第二十三条第一款第（一）项：投诉人撤回投诉或者双方自行和解的" in page
    assert "已将终止调解决定告知投诉人和被投诉人。" in page

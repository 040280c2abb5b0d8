"""The public pages (landing, calendar, event page, ticket, cancel link) and the organiser's
pages (settings, list, check-in, export): captcha, rate limits, permissions and masking."""

import datetime
import io

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from qualitymonth.accounts.models import Role
from qualitymonth.events.services import set_status
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.registrations import services
from qualitymonth.registrations.models import Registration
from qualitymonth.reports import services as report_services
from tests.conftest import make_person
from tests.core.hostile_xlsx import DANGEROUS, assert_no_formulas

from .conftest import applicant

pytestmark = pytest.mark.django_db


def form(n: int, captcha="PASSED", **extra):
    return {
        "name": f"市民{n}",
        "mobile": f"138 0000 {n:04d}",
        "captcha_0": "x",
        "captcha_1": captcha,
        **extra,
    }


@pytest.fixture
def event(make_event):
    return make_event(capacity=1)


def test_registering_on_the_event_page_leads_to_the_ticket_with_code_and_qr(
    client, event, captcha_test_mode, fresh_cache
):
    page = client.get(reverse("portal:event", args=[event.pk]))
    assert "剩余 1 / 1 个名额" in page.content.decode()
    response = client.post(reverse("portal:event", args=[event.pk]), form(1))
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("portal:ticket", args=[registration.token])
    assert registration.mobile == "13800000001"
    ticket = client.get(response.url).content.decode()
    assert "报名成功" in ticket and registration.code in ticket
    assert "<svg" in ticket and "ticket-qr" in ticket
    assert "style=" not in ticket.split("<svg", 1)[1].split("</svg>", 1)[0]
    # The event is now full: the page offers the waiting list.
    page = client.get(reverse("portal:event", args=[event.pk])).content.decode()
    assert "名额已满" in page and "报名候补" in page


def test_a_wrong_captcha_registers_nobody(client, event, captcha_test_mode, fresh_cache):
    response = client.post(reverse("portal:event", args=[event.pk]), form(1, captcha="WRONG"))
    assert response.status_code == 400
    assert "验证码不正确" in response.content.decode()
    assert not Registration.objects.exists()


def test_registration_is_rate_limited_per_address_and_per_mobile(
    client, make_event, captcha_test_mode, fresh_cache
):
    event = make_event(capacity=50)
    url = reverse("portal:event", args=[event.pk])
    for n in range(10):
        assert client.post(url, form(n)).status_code == 302
    refused = client.post(url, form(99))
    assert refused.status_code == 429 and "操作过于频繁" in refused.content.decode()
    assert Registration.objects.count() == 10

    cache.clear()
    events = [make_event(capacity=5, title=f"开放日{n}") for n in range(6)]
    statuses = [
        client.post(
            reverse("portal:event", args=[e.pk]), form(7), REMOTE_ADDR=f"10.0.0.{n}"
        ).status_code
        for n, e in enumerate(events)
    ]
    assert statuses == [302] * 5 + [429]


def test_the_ticket_and_the_cancel_link(client, event, captcha_test_mode):
    first = services.register(event, applicant(1))
    second = services.register(event, applicant(2))
    ticket = client.get(reverse("portal:ticket", args=[second.token])).content.decode()
    assert "候补第 1 位" in ticket and "<svg" not in ticket
    cancel_url = reverse("portal:ticket_cancel", args=[services.cancel_link_token(first)])
    assert "确认取消报名" in client.get(cancel_url).content.decode()
    response = client.post(cancel_url)
    assert response.url == reverse("portal:ticket", args=[first.token])
    assert "报名已取消" in client.get(response.url).content.decode()
    # The second moved up and their ticket says so, with the QR code.
    ticket = client.get(reverse("portal:ticket", args=[second.token])).content.decode()
    assert "报名成功" in ticket and second.code in ticket and "<svg" in ticket
    used = client.get(cancel_url)
    assert used.status_code == 400 and "已经取消，无需再次操作" in used.content.decode()
    broken = client.get(reverse("portal:ticket_cancel", args=["abc:def"]))
    assert broken.status_code == 400 and "取消链接不完整或已失效" in broken.content.decode()
    assert client.get(reverse("portal:ticket", args=["nonsense"])).status_code == 404


def test_the_landing_page_shows_the_campaign_and_whats_on(client, campaign, make_event):
    campaign.theme = "质量强国 标准先行"
    campaign.save()
    event = make_event(capacity=3)
    page = client.get(reverse("portal:home")).content.decode()
    assert "质量强国 标准先行" in page
    assert reverse("portal:events") in page and reverse("portal:case_kinds") in page
    assert "QUIZ LINK" not in page  # the marked spot is a template comment
    assert event.title in page  # this week's, or the upcoming ones


def test_the_public_calendar_lists_only_public_events_and_filters_them(
    client, make_event, reporter, item, lujiazui, pudong
):
    visible = make_event(capacity=3, title="质量开放日")
    online = make_event(capacity=3, title="线上质量课堂", mode="online", online_url="https://x.cn")
    private = make_event(capacity=3, title="内部培训")
    private.is_public = False
    private.save()
    cancelled = make_event(capacity=3, title="取消的开放日")
    set_status(cancelled, reporter, "cancelled", "台风")

    url = reverse("portal:events")
    page = client.get(url).content.decode()
    assert visible.title in page and online.title in page and "取消的开放日" in page
    assert "内部培训" not in page
    page = client.get(url, {"mode": "online"}).content.decode()
    assert online.title in page and visible.title not in page
    page = client.get(url, {"street": lujiazui.pk}).content.decode()
    assert visible.title in page
    day = timezone.localtime(visible.starts_at).date()
    page = client.get(url, {"date": day.isoformat()}).content.decode()
    assert visible.title in page
    page = client.get(url, {"date": (day + datetime.timedelta(days=1)).isoformat()}).content
    assert "没有符合条件的活动" in page.decode()
    month = client.get(url, {"view": "month", "date": day.isoformat()}).content.decode()
    assert f"?date={day.isoformat()}" in month
    assert client.get(reverse("portal:event", args=[private.pk])).status_code == 404
    page = client.get(reverse("portal:event", args=[cancelled.pk])).content.decode()
    assert "本场活动已取消" in page and "台风" in page and "提交报名" not in page


def test_events_of_a_draft_campaign_are_not_public(client, make_event, campaign):
    event = make_event(capacity=3)
    campaign.status = "draft"
    campaign.save()
    assert client.get(reverse("portal:event", args=[event.pk])).status_code == 404


def test_a_reporter_of_another_unit_cannot_see_the_list_or_check_in(client, event, pudong, admin):
    registration = services.register(event, applicant(1))
    zhoujiadu = OrgUnit.objects.create(
        name="周家渡街道", kind=OrgUnit.Kind.SUBDISTRICT, parent=pudong
    )
    make_person("zhoujiadu", Role.REPORTER, zhoujiadu)
    client.login(username="zhoujiadu", password="Strong-Password-1")
    for name in ("manage", "checkin", "export"):
        assert client.get(reverse(f"registrations:{name}", args=[event.pk])).status_code == 403
    response = client.post(
        reverse("registrations:checkin", args=[event.pk]), {"code": registration.code}
    )
    assert response.status_code == 403
    registration.refresh_from_db()
    assert registration.checked_in_at is None
    client.logout()
    client.login(username="admin", password="Strong-Password-1")  # the district admin may
    assert client.get(reverse("registrations:manage", args=[event.pk])).status_code == 200


def test_the_list_and_its_export_mask_names_and_mobile_numbers(client, make_event, reporter):
    event = make_event(capacity=5, questions=services.parse_questions("年龄段：老/中/青"))
    services.register(event, applicant(1234, answers={"q1": "中"}))
    client.login(username="reporter", password="Strong-Password-1")
    page = client.get(reverse("registrations:manage", args=[event.pk])).content.decode()
    assert "138****1234" in page and "13800001234" not in page
    assert "市*****" in page and "市民1234" not in page
    response = client.get(reverse("registrations:export", args=[event.pk]))
    data = b"".join(response.streaming_content)
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][:4] == ["序号", "姓名", "手机号码", "状态"] and rows[0][-1] == "年龄段"
    assert rows[1][1:4] == ["市*****", "138****1234", "报名成功"] and rows[1][-1] == "中"
    assert "13800001234" not in str(rows)


def test_checking_in_by_typed_code_and_as_json_for_the_camera(client, event, reporter):
    registration = services.register(event, applicant(1))
    client.login(username="reporter", password="Strong-Password-1")
    url = reverse("registrations:checkin", args=[event.pk])
    page = client.post(url, {"code": registration.code.lower()}).content.decode()
    assert "签到成功：市**" in page
    answer = client.post(
        url, {"code": registration.code, "method": "scan"}, HTTP_ACCEPT="application/json"
    ).json()
    assert answer["ok"] is True and answer["already"] is True and answer["checked_in"] == 1
    wrong = client.post(url, {"code": "XXXX"}, HTTP_ACCEPT="application/json")
    assert wrong.status_code == 409 and "不是这场活动的报名" in wrong.json()["message"]


def test_bulk_check_in_from_the_list(client, make_event, reporter):
    event = make_event(capacity=5)
    people = [services.register(event, applicant(n)) for n in range(3)]
    client.login(username="reporter", password="Strong-Password-1")
    client.post(
        reverse("registrations:checkin_many", args=[event.pk]),
        {"registration": [people[0].pk, people[2].pk]},
    )
    assert services.checked_in_count(event.pk) == 2


def test_check_ins_flow_into_the_event_report_as_its_participant_figure(
    client, make_event, reporter, item, lujiazui, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    event = make_event(capacity=5)
    people = [services.register(event, applicant(n)) for n in range(4)]
    services.check_in_many(event, reporter, [p.pk for p in people[:3]])
    report = report_services.start_report(reporter, item=item, org_unit=lujiazui, event=event)
    indicator = item.indicators.get(name="参与人数")
    client.login(username="reporter", password="Strong-Password-1")
    page = client.get(reverse("reports:edit", args=[report.pk])).content.decode()
    assert "签到人数 3" in page
    assert f'name="figure-{indicator.pk}" value="3"' in page  # pre-filled from the check-ins
    # A figure the reporter typed is kept, and the page says it differs from the count.
    report_services.save_draft(report, reporter, figures={indicator.pk: "40"})
    page = client.get(reverse("reports:edit", args=[report.pk])).content.decode()
    assert f'name="figure-{indicator.pk}" value="40' in page
    assert "系统统计为 3" in page


def test_the_login_page_sends_citizens_to_the_portal(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert f'href="{reverse("portal:home")}"' in page


def test_the_export_writes_answers_that_look_like_formulas_as_text(client, make_event, reporter):
    event = make_event(capacity=20, questions=services.parse_questions("单位名称"))
    for n, answer in enumerate(DANGEROUS):
        services.register(event, applicant(n, answers={"q1": answer}))
    client.login(username="reporter", password="Strong-Password-1")
    data = b"".join(client.get(reverse("registrations:export", args=[event.pk])).streaming_content)
    assert_no_formulas(data)
    rows = list(load_workbook(io.BytesIO(data)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][-1] == "单位名称"
    saved = [r.answers["单位名称"] for r in Registration.objects.order_by("position")]
    assert len(saved) == len(DANGEROUS) and all(answer.strip() for answer in saved)
    assert [row[-1] for row in rows[1:]] == saved

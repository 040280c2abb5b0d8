"""Registering, the waiting list and its SMS, cancel links, one registration per mobile, and
check-in: the rules of registrations.services."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.utils import timezone

from qualitymonth.accounts.models import Role
from qualitymonth.core.models import AuditEntry, SmsMessage
from qualitymonth.events.services import set_status
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.registrations import services
from qualitymonth.registrations.models import Registration
from tests.conftest import make_person

from .conftest import applicant

Status = Registration.Status
pytestmark = pytest.mark.django_db


def register(event, n, **extra):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.register(event, applicant(n, **extra))


def cancel(registration):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.cancel_by_link(services.cancel_link_token(registration))


def test_places_are_confirmed_until_full_then_the_waiting_list_takes_the_rest(
    make_event, sms_outbox
):
    event = make_event(capacity=2)
    first, second, third, fourth = (register(event, n) for n in range(1, 5))
    assert [r.status for r in (first, second, third, fourth)] == [
        Status.CONFIRMED,
        Status.CONFIRMED,
        Status.WAITING,
        Status.WAITING,
    ]
    assert services.waiting_place(third) == 1 and services.waiting_place(fourth) == 2
    assert len({r.code for r in (first, second, third, fourth)}) == 4
    assert all(set(r.code) <= set(services.CODE_ALPHABET) for r in (first, third))
    # Everyone is told by SMS: the confirmed with their code, the waiting with their place.
    assert first.code in sms_outbox[0][1] and "/portal/tickets/" in sms_outbox[0][1]
    assert "候补名单第 2 位" in sms_outbox[3][1]
    assert SmsMessage.objects.filter(status=SmsMessage.Status.SENT).count() == 4


def test_a_cancelled_place_goes_to_the_first_on_the_waiting_list_who_is_told_by_sms(
    make_event, sms_outbox
):
    event = make_event(capacity=2)
    first, _second, third, fourth = (register(event, n) for n in range(1, 5))
    sms_outbox.clear()

    cancel(first)

    third.refresh_from_db()
    fourth.refresh_from_db()
    assert third.status == Status.CONFIRMED and third.promoted_at is not None
    assert fourth.status == Status.WAITING and services.waiting_place(fourth) == 1
    assert sms_outbox == [(third.mobile, sms_outbox[0][1])]
    assert "已转为报名成功" in sms_outbox[0][1] and third.code in sms_outbox[0][1]
    message = SmsMessage.objects.get(kind="registration_promoted")
    assert message.ref == f"registrations.event:{event.pk}"
    assert AuditEntry.objects.filter(action="registration.promoted").count() == 1
    # Cancelling a waiting place moves nobody.
    cancel(fourth)
    assert Registration.objects.filter(event=event, status=Status.CONFIRMED).count() == 2


def test_raising_the_capacity_moves_the_waiting_list_up(make_event, reporter, sms_outbox):
    event = make_event(capacity=1)
    register(event, 1)
    waiting = [register(event, n) for n in (2, 3, 4)]
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.configure(event, reporter, capacity=3)
    statuses = [Registration.objects.get(pk=r.pk).status for r in waiting]
    assert statuses == [Status.CONFIRMED, Status.CONFIRMED, Status.WAITING]
    assert [kind for kind in SmsMessage.objects.values_list("kind", flat=True)].count(
        "registration_promoted"
    ) == 2


def test_without_a_waiting_list_a_full_event_refuses(make_event):
    event = make_event(capacity=1, waiting_list=False)
    register(event, 1)
    with pytest.raises(ValidationError, match="名额已满"):
        register(event, 2)


def test_one_active_registration_per_mobile_number_per_event(make_event):
    event = make_event(capacity=5)
    first = register(event, 1)
    with pytest.raises(ValidationError, match="该手机号已报名"):
        register(event, 1)
    cancel(first)
    again = register(event, 1)  # after cancelling, the number may register again
    assert again.status == Status.CONFIRMED
    other = make_event(capacity=5, title="市民看质量")
    assert register(other, 1).status == Status.CONFIRMED  # another event is another matter


def test_cancel_links_say_clearly_why_they_cannot_be_used(make_event, monkeypatch):
    event = make_event(capacity=2)
    registration = register(event, 1)
    token = services.cancel_link_token(registration)

    with pytest.raises(ValidationError, match="取消链接不完整或已失效"):
        services.cancel_by_link(token[:-3] + "abc")
    monkeypatch.setattr(services, "CANCEL_LINK_MAX_AGE", -1)
    with pytest.raises(ValidationError, match="取消链接已过期"):
        services.cancel_by_link(token)
    monkeypatch.undo()

    cancel(registration)
    with pytest.raises(ValidationError, match="已经取消，无需再次操作"):
        services.cancel_by_link(token)

    later = register(event, 2)
    with pytest.raises(ValidationError, match="活动已开始"):
        services.cancel_by_link(
            services.cancel_link_token(later), at=event.starts_at + datetime.timedelta(minutes=5)
        )


def test_registration_is_only_open_when_the_organiser_says_so(make_event, reporter):
    event = make_event(capacity=2)
    now = timezone.now()
    services.configure(event, reporter, opens_at=now + datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="报名将于"):
        register(event, 1)
    services.configure(
        event, reporter, opens_at=None, closes_at=now - datetime.timedelta(minutes=1)
    )
    with pytest.raises(ValidationError, match="报名已截止"):
        register(event, 1)
    services.configure(event, reporter, closes_at=None, enabled=False)
    with pytest.raises(ValidationError, match="尚未开放报名"):
        register(event, 1)
    services.configure(event, reporter, enabled=True)
    set_status(event, reporter, "cancelled", "场地维修")
    with pytest.raises(ValidationError, match="活动已取消"):
        register(event, 1)


def test_the_organisers_questions_are_data_and_are_checked(make_event):
    questions = services.parse_questions("*年龄段：18岁以下/18-60岁/60岁以上\n单位名称")
    assert questions == [
        {
            "key": "q1",
            "label": "年龄段",
            "kind": "choice",
            "choices": ["18岁以下", "18-60岁", "60岁以上"],
            "required": True,
        },
        {"key": "q2", "label": "单位名称", "kind": "text", "choices": [], "required": False},
    ]
    assert services.questions_text(questions) == "*年龄段：18岁以下/18-60岁/60岁以上\n单位名称"
    with pytest.raises(ValidationError):
        services.parse_questions("*年龄段：只有一个")
    event = make_event(capacity=2, questions=questions)
    with pytest.raises(ValidationError) as refused:
        register(event, 1)
    assert "请回答“年龄段”。" in refused.value.message_dict["q1"]
    with pytest.raises(ValidationError):
        register(event, 1, answers={"q1": "100岁"})
    registration = register(event, 1, answers={"q1": "60岁以上", "q2": "某某公司"})
    assert registration.answers == {"年龄段": "60岁以上", "单位名称": "某某公司"}


def test_only_the_units_reporters_and_the_district_admin_organise(make_event, admin, pudong):
    event = make_event(capacity=2)
    zhoujiadu = OrgUnit.objects.create(
        name="周家渡街道", kind=OrgUnit.Kind.SUBDISTRICT, parent=pudong
    )
    stranger = make_person("zhoujiadu", Role.REPORTER, zhoujiadu)
    registration = register(event, 1)
    with pytest.raises(PermissionDenied):
        services.check_in(event, stranger, registration.code)
    with pytest.raises(PermissionDenied):
        services.configure(event, stranger, capacity=10)
    assert services.check_in(event, admin, registration.code).already is False


def test_check_in_by_code_once_with_clear_refusals_and_an_audit_entry(make_event, reporter):
    event = make_event(capacity=1)
    confirmed = register(event, 1)
    waiting = register(event, 2)
    typed = f" {confirmed.code[:4].lower()}-{confirmed.code[4:]} "  # as people type it

    done = services.check_in(event, reporter, typed)
    assert done.already is False and done.registration.checked_in_by == reporter
    assert services.check_in(event, reporter, confirmed.code).already is True
    with pytest.raises(ValidationError, match="仍在候补中"):
        services.check_in(event, reporter, waiting.code)
    with pytest.raises(ValidationError, match="不是这场活动的报名"):
        services.check_in(event, reporter, "XXXXXXXX")
    entries = AuditEntry.objects.filter(action="registration.checked_in")
    assert entries.count() == 1 and entries.get().actor == reporter


def test_ticking_people_in_bulk_from_the_list(make_event, reporter):
    event = make_event(capacity=3)
    people = [register(event, n) for n in range(1, 5)]  # the 4th waits
    count = services.check_in_many(event, reporter, [str(r.pk) for r in people])
    assert count == 3
    assert services.checked_in_count(event.pk) == 3
    assert AuditEntry.objects.filter(action="registration.checked_in").count() == 3
    assert services.check_in_many(event, reporter, [str(people[0].pk)]) == 0


def test_a_failing_sms_gateway_is_recorded_not_raised(make_event, settings):
    event = make_event(capacity=2)
    settings.SMS_BACKEND = "tests.registrations.test_services.BrokenGateway"
    registration = register(event, 1)
    assert registration.status == Status.CONFIRMED
    message = SmsMessage.objects.get()
    assert message.status == SmsMessage.Status.FAILED and "网关超时" in message.error


class BrokenGateway:
    def send(self, mobile, text):
        raise RuntimeError("网关超时")

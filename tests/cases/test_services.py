"""Filing and handling cases, their clocks in working days, and the rules as data."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qualitymonth.cases import clock, services
from qualitymonth.cases.models import Case, CaseKind, CaseStep, Milestone, TimeLimitRule
from qualitymonth.cases.queries import clocks_of, find_case
from qualitymonth.core.models import AuditEntry, Notification
from tests.cases.conftest import at, file_case
from tests.conftest import make_person
from tests.reports.conftest import photo_bytes

D = datetime.date


def test_the_seeded_rules_carry_their_legal_basis(db):
    rule = TimeLimitRule.in_force(D(2024, 9, 27)).get(kind="complaint", milestone="decision")
    assert rule.days == 7
    assert "第十四条" in rule.legal_basis
    assert "消费者权益保护法》第四十六条" in rule.legal_basis
    assert TimeLimitRule.in_force(D(2024, 9, 27)).filter(kind="report").exists()


def test_a_complaint_gets_a_tracking_number_and_the_decision_limit_across_national_day(complaint):
    assert complaint.tracking_number == "ZJ2024092700001"
    decision = complaint.deadlines.get(milestone=Milestone.DECISION)
    assert decision.starts_on == D(2024, 9, 27)
    # Day 1 the 调休 Sunday 29 September, the holiday 1–7 October skipped, day 7 the 调休
    # Saturday 12 October.
    assert decision.due_on == D(2024, 10, 12)
    closing = complaint.deadlines.get(milestone=Milestone.CLOSING)
    assert closing.due_on is None  # counted from acceptance
    assert complaint.steps.get().kind == CaseStep.Kind.RECEIVED


def test_tracking_numbers_count_per_day(bureau, service):
    first = file_case(bureau, received_at=at(2024, 10, 8))
    second = file_case(bureau, received_at=at(2024, 10, 8, 15))
    other_day = file_case(bureau, received_at=at(2024, 10, 9))
    assert [first.tracking_number, second.tracking_number, other_day.tracking_number] == [
        "ZJ2024100800001",
        "ZJ2024100800002",
        "ZJ2024100900001",
    ]


@pytest.mark.parametrize(
    ("today", "text", "state"),
    [
        (D(2024, 9, 30), "剩余 5 个工作日", "ok"),
        (D(2024, 10, 3), "剩余 5 个工作日", "ok"),  # the holiday does not count down
        (D(2024, 10, 8), "剩余 4 个工作日", "ok"),
        (D(2024, 10, 10), "剩余 2 个工作日", "near"),
        (D(2024, 10, 12), "今日到期", "near"),
        (D(2024, 10, 13), "已超期", "over"),  # a Sunday: past the limit, no working day yet
        (D(2024, 10, 15), "已超期 2 个工作日", "over"),
    ],
)
def test_the_clock_in_working_days(complaint, today, text, state):
    (decision,) = clocks_of(complaint, today)
    assert (decision.milestone, decision.text, decision.state) == ("受理决定", text, state)


def test_the_warning_threshold_is_a_setting(complaint, settings):
    settings.CASE_CLOCK_WARN_DAYS = 4
    assert clocks_of(complaint, D(2024, 10, 8))[0].state == "near"


def test_accepting_meets_the_decision_limit_and_starts_mediation(complaint, service):
    services.accept_case(complaint, service, "符合受理条件。", at=at(2024, 10, 8))
    complaint.refresh_from_db()
    assert complaint.status == Case.Status.ACCEPTED
    decision = complaint.deadlines.get(milestone=Milestone.DECISION)
    assert decision.met_at is not None
    closing = complaint.deadlines.get(milestone=Milestone.CLOSING)
    assert closing.starts_on == D(2024, 10, 8)
    assert closing.days == 45
    assert [c.milestone for c in clocks_of(complaint, D(2024, 10, 9))] == ["办结"]
    assert AuditEntry.objects.filter(action="case.accepted", target_id=str(complaint.pk)).exists()


def test_refusing_needs_a_reason_and_ends_every_clock(complaint, service):
    with pytest.raises(ValidationError):
        services.refuse_case(complaint, service, "  ")
    services.refuse_case(
        complaint, service, "不属于本局管辖，请向住所地市场监管部门投诉。", ground="1"
    )
    complaint.refresh_from_db()
    assert complaint.status == Case.Status.REFUSED
    assert clocks_of(complaint, D(2024, 10, 8)) == []
    assert complaint.deadlines.get(milestone=Milestone.CLOSING).cancelled
    with pytest.raises(ValidationError):
        services.accept_case(complaint, service)


def test_a_consultation_closes_with_its_answer(bureau, service):
    case = file_case(bureau, kind=CaseKind.CONSULTATION, business_name="", business_address="")
    assert case.deadlines.get().due_on == D(2024, 10, 10)  # 29 (调休), 30, 8, 9, 10
    services.close_case(case, service, "电子秤须每年强制检定，可预约上门检定。")
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert case.deadlines.get().met_at is not None


def test_a_complaint_cannot_close_before_it_is_accepted(complaint, service):
    with pytest.raises(ValidationError, match="须先受理"):
        services.close_case(complaint, service, "已调解。")


def test_replies_are_public_notes_are_not(complaint, service):
    services.add_note(complaint, service, "电话联系商家，约定周三到店检测。")
    services.reply_case(complaint, service, "已联系商家，请周三携带发票到店。")
    found = find_case(complaint.tracking_number, "138 1234 1234")
    assert [step.kind for step in found.public_steps] == ["received", "reply"]
    assert found.public_steps[-1].text == "已联系商家，请周三携带发票到店。"


def test_the_follow_lookup_needs_the_matching_mobile(complaint, bureau):
    file_case(bureau, mobile="13900001111")
    assert find_case(complaint.tracking_number, "13812341234") == complaint
    assert find_case(complaint.tracking_number.lower(), "13812341234") == complaint
    assert find_case(complaint.tracking_number, "13900001111") is None
    assert find_case("ZJ2099010100001", "13812341234") is None
    assert find_case(complaint.tracking_number, "") is None


def test_only_case_staff_of_the_unit_handle_it(complaint, other_service, huangpu_admin, admin):
    for outsider in (other_service, huangpu_admin, make_person("citizen")):
        with pytest.raises(PermissionDenied):
            services.accept_case(complaint, outsider)
    services.accept_case(complaint, admin)  # the district's campaign admin reaches the bureau


def test_assigning_needs_a_handler_who_may_handle_cases(complaint, service, other_service, admin):
    with pytest.raises(ValidationError):
        services.assign_case(complaint, admin, other_service)
    services.assign_case(complaint, admin, service)
    complaint.refresh_from_db()
    assert complaint.handler == service
    assert Notification.objects.filter(recipient=service, kind="case_assigned").exists()


def test_new_cases_notify_the_units_case_staff(complaint, service, other_service):
    assert Notification.objects.filter(recipient=service, kind="case_received").count() == 1
    assert not Notification.objects.filter(recipient=other_service).exists()


def test_photos_are_kept_without_location_and_bad_files_refuse_the_whole_case(bureau, service):
    case = file_case(
        bureau,
        photos=[services.Upload("IMG_1.JPG", photo_bytes(1))],
        files=[services.Upload("发票.pdf", b"%PDF-1.4 invoice")],
    )
    assert case.photos.count() == 1 and case.attachments.count() == 1
    before = Case.objects.count()
    with pytest.raises(ValidationError, match="不是支持的图片格式"):
        file_case(bureau, photos=[services.Upload("fake.jpg", b"%PDF-1.4 not a photo")])
    with pytest.raises(ValidationError, match="类型不支持"):
        file_case(bureau, files=[services.Upload("virus.exe", b"MZ....")])
    assert Case.objects.count() == before


def test_no_personal_data_in_audit_entries(complaint, service):
    services.accept_case(complaint, service)
    for entry in AuditEntry.objects.filter(target_type="cases.case"):
        text = f"{entry.before}{entry.after}{entry.detail}"
        assert "13812341234" not in text
        assert "张三丰" not in text
        assert "11010519491231002X" not in text


# The rules as data ---------------------------------------------------------------------------


@pytest.fixture
def sysadmin(db):
    from qualitymonth.accounts.models import User

    return User.objects.create_superuser("root", password="x")


def test_a_rule_change_applies_to_cases_received_from_its_date_only(bureau, service, sysadmin):
    old_case = file_case(bureau, received_at=at(2026, 9, 29))
    services.add_rule(
        sysadmin,
        kind="complaint",
        milestone="decision",
        days=5,
        start_event="received",
        legal_basis="（修订后）自收到投诉之日起五个工作日内作出受理决定。",
        effective_from=D(2026, 10, 12),
    )
    previous = TimeLimitRule.objects.get(
        kind="complaint", milestone="decision", effective_from=D(2026, 4, 15)
    )
    assert previous.effective_to == D(2026, 10, 11)
    day_before = file_case(bureau, received_at=at(2026, 10, 11))
    new_case = file_case(bureau, received_at=at(2026, 10, 12))

    def decision(case):
        return case.deadlines.get(milestone=Milestone.DECISION)

    assert decision(old_case).days == 7
    assert decision(old_case).due_on == D(2026, 10, 14)
    assert decision(day_before).days == 7  # received on the Sunday before, old rule
    assert decision(day_before).due_on == D(2026, 10, 20)
    assert decision(new_case).days == 5
    assert decision(new_case).due_on == D(2026, 10, 19)  # 13, 14, 15, 16, 19
    assert "修订后" in decision(new_case).legal_basis
    assert AuditEntry.objects.filter(action="case_rule.added").exists()


def test_overlapping_rules_are_refused_and_only_the_system_admin_changes_them(db, sysadmin, admin):
    fields = dict(
        kind="complaint",
        milestone="decision",
        days=5,
        start_event="received",
        legal_basis="x",
    )
    with pytest.raises(PermissionDenied):
        services.add_rule(admin, effective_from=D(2025, 1, 1), **fields)
    with pytest.raises(ValidationError, match="重叠"):
        services.add_rule(sysadmin, effective_from=D(2019, 1, 1), **fields)


def test_a_case_received_beyond_the_known_calendar_keeps_no_due_date(bureau, service):
    case = file_case(bureau, received_at=at(2026, 12, 30))
    assert case.deadlines.get(milestone=Milestone.DECISION).due_on is None


# Clock notifications -------------------------------------------------------------------------


def test_check_case_clocks_notifies_near_and_over_once_each(complaint, service, bureau):
    assert services.check_case_clocks(D(2024, 10, 8)) == []
    near = services.check_case_clocks(D(2024, 10, 10))
    assert [(n.case, n.state) for n in near] == [(complaint, "near")]
    assert services.check_case_clocks(D(2024, 10, 11)) == []  # near already told
    over = services.check_case_clocks(D(2024, 10, 14))
    assert [n.state for n in over] == ["over"]
    assert services.check_case_clocks(D(2024, 10, 15)) == []
    kinds = list(
        Notification.objects.filter(recipient=service, kind__startswith="case_clock")
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["case_clock_near", "case_clock_over"]
    title = Notification.objects.get(kind="case_clock_over").title
    assert complaint.tracking_number in title and "受理决定" in title


def test_check_case_clocks_tells_the_handler_only_once_assigned(complaint, service, admin, bureau):
    other = make_person("another")
    from qualitymonth.accounts.models import Duty, Membership, Role

    Membership.objects.create(
        user=other, org_unit=bureau, role=Role.SERVICE_STAFF, duties=[Duty.CASES]
    )
    services.assign_case(complaint, admin, other)
    services.check_case_clocks(D(2024, 10, 14))
    assert Notification.objects.filter(recipient=other, kind="case_clock_over").exists()
    assert not Notification.objects.filter(recipient=service, kind="case_clock_over").exists()


def test_clock_today_is_the_local_date():
    assert clock.today() == clock.now().astimezone(clock.timezone.get_current_timezone()).date()

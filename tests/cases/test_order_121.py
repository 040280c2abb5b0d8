"""Complaints and reports under 《市场监督管理投诉举报处理办法》 (总局令第121号) from 2026-04-15,
on the real 2026 calendar: the new limits and counting, cases received before keeping the old
ones, pauses, mediation and its end, reports merged or split, and 12315 numbers."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from qualitymonth.cases import services
from qualitymonth.cases.models import Case, CaseDeadline, CaseKind, CaseStep, Milestone
from qualitymonth.cases.queries import CaseFilters, case_list, clocks_of, find_case
from qualitymonth.core.models import AuditEntry, Notification
from tests.cases.conftest import at, file_case
from tests.conftest import make_person

D = datetime.date


def deadline(case, milestone) -> CaseDeadline:
    return case.deadlines.get(milestone=milestone)


@pytest.fixture
def complaint(bureau, service):
    """A complaint received on Tuesday 29 September 2026, before the National Day holiday."""
    return file_case(bureau, received_at=at(2026, 9, 29))


@pytest.fixture
def mediating(complaint, service):
    """The complaint accepted on Friday 9 October 2026 and being mediated on site."""
    services.accept_case(complaint, service, at=at(2026, 10, 9))
    services.start_mediation(complaint, service, method="on_site", at=at(2026, 10, 12))
    complaint.refresh_from_db()
    return complaint


# The clocks -------------------------------------------------------------------------------


def test_a_complaint_received_before_national_day_2026_gets_the_new_limits(complaint, service):
    decision = deadline(complaint, Milestone.DECISION)
    assert (decision.days, decision.counting) == (7, "working")
    # 30 September, then 8, 9, 10 (调休 Saturday), 12, 13 and 14 October.
    assert decision.due_on == D(2026, 10, 14)
    assert "第121号" in decision.legal_basis and "第十五条" in decision.legal_basis
    mediation = deadline(complaint, Milestone.MEDIATION)
    assert (mediation.days, mediation.counting, mediation.due_on) == (60, "calendar", None)
    assert "六十日" in mediation.legal_basis and "第二十三条" in mediation.legal_basis
    assert not complaint.deadlines.filter(milestone=Milestone.CLOSING).exists()

    services.accept_case(complaint, service, at=at(2026, 10, 9))
    mediation.refresh_from_db()
    assert mediation.starts_on == D(2026, 10, 9)
    assert mediation.due_on == D(2026, 12, 8)  # the 60th day after, a Tuesday
    (clock,) = clocks_of(Case.objects.get(pk=complaint.pk), D(2026, 10, 12))
    assert (clock.milestone, clock.text, clock.state) == ("调解期限", "剩余 57 日", "ok")


def test_a_complaint_received_on_20_march_2026_keeps_the_2020_rules(bureau, service):
    case = file_case(bureau, received_at=at(2026, 3, 20))
    decision = deadline(case, Milestone.DECISION)
    assert decision.due_on == D(2026, 3, 31)
    assert "暂行办法" in decision.legal_basis
    assert not case.deadlines.filter(milestone=Milestone.MEDIATION).exists()
    services.accept_case(case, service, at=at(2026, 3, 25))
    closing = deadline(case, Milestone.CLOSING)
    assert (closing.days, closing.counting) == (45, "working")
    assert closing.due_on == D(2026, 6, 1)  # 45 working days, Labour Day not counted
    # Mediation steps work on the old limit too: an agreement meets it.
    services.start_mediation(case, service, method="remote", at=at(2026, 4, 20))
    services.record_agreement(case, service, form="record", text="商家当场退货退款。")
    closing.refresh_from_db()
    assert closing.met_at is not None


def test_a_mediation_paused_ten_days_for_testing_ends_ten_days_later(mediating, service):
    mediation = deadline(mediating, Milestone.MEDIATION)
    assert mediation.due_on == D(2026, 12, 8)
    services.pause_clock(
        mediation, service, reason="testing", note="送区质检所检测蓄电池", on=D(2026, 11, 2)
    )
    (clock,) = clocks_of(Case.objects.get(pk=mediating.pk), D(2026, 11, 5))
    assert clock.state == "paused"
    assert clock.text == "已暂停计时（检验、检测、鉴定，自2026年11月2日起）"
    # While paused, nothing is announced, even past the old last day.
    assert services.check_case_clocks(D(2026, 12, 9)) == []

    services.resume_clock(mediation, service, on=D(2026, 11, 12))
    mediation.refresh_from_db()
    assert (mediation.paused_days, mediation.paused_since) == (10, None)
    assert mediation.due_on == D(2026, 12, 18)
    assert mediation.limit_text == "60 日，暂停 10 日不计入"
    steps = find_case(mediating.tracking_number, mediating.mobile).public_steps
    assert "暂停的 10 日不计入，期限为2026年12月18日" in steps[-1].text
    assert "第二十二条" in steps[-2].text


def test_a_recusal_request_suspends_mediation_but_not_the_decision(complaint, service):
    with pytest.raises(ValidationError, match="不能因“回避申请”暂停计时"):
        services.pause_clock(deadline(complaint, Milestone.DECISION), service, reason="recusal")
    services.accept_case(complaint, service, at=at(2026, 10, 9))
    mediation = deadline(complaint, Milestone.MEDIATION)
    services.pause_clock(mediation, service, reason="recusal", on=D(2026, 10, 20))
    with pytest.raises(ValidationError, match="已经暂停"):
        services.pause_clock(mediation, service, reason="testing", on=D(2026, 10, 21))
    with pytest.raises(ValidationError, match="不能早于暂停日"):
        services.resume_clock(mediation, service, on=D(2026, 10, 19))


def test_a_last_day_on_a_holiday_moves_to_the_first_working_day_after_it(bureau, service):
    case = file_case(bureau, received_at=at(2026, 7, 30))
    services.accept_case(case, service, at=at(2026, 8, 2))
    # The 60th day is 1 October 2026, National Day; the holiday ends on the 7th.
    assert deadline(case, Milestone.MEDIATION).due_on == D(2026, 10, 8)


def test_a_calendar_day_limit_warns_by_working_days_left(mediating):
    case = Case.objects.get(pk=mediating.pk)
    # Friday 4 December: 4 days but only 2 working days (7th, 8th) are left.
    (clock,) = clocks_of(case, D(2026, 12, 4))
    assert (clock.text, clock.state) == ("剩余 4 日", "near")
    (clock,) = clocks_of(case, D(2026, 12, 10))
    assert (clock.text, clock.state) == ("已超期 2 日", "over")


def test_a_mediation_ending_in_a_year_the_calendar_does_not_know_is_provisional(bureau, service):
    case = file_case(bureau, received_at=at(2026, 12, 2))
    services.accept_case(case, service, at=at(2026, 12, 9))
    mediation = deadline(case, Milestone.MEDIATION)
    # 7 February 2027: the calendar (to 2026) cannot tell whether it is a holiday; the day
    # itself is kept, the earliest the period can end, and marked provisional.
    assert (mediation.due_on, mediation.provisional) == (D(2027, 2, 7), True)
    (clock,) = clocks_of(Case.objects.get(pk=case.pk), D(2026, 12, 10))
    assert clock.text == "剩余 59 日"
    assert "暂定：2027年的法定节假日安排尚未收录" in clock.note


def test_provisional_ends_are_settled_once_the_calendar_knows_the_year(mediating):
    # As an upgraded calendar would leave it: a provisional last day, Sunday 13 December 2026,
    # in a year the calendar knows now.
    mediation = deadline(mediating, Milestone.MEDIATION)
    CaseDeadline.objects.filter(pk=mediation.pk).update(
        provisional=True, due_on=D(2026, 12, 13), paused_days=5
    )
    assert services.settle_provisional_deadlines() == 1
    mediation.refresh_from_db()
    assert (mediation.due_on, mediation.provisional) == (D(2026, 12, 14), False)
    assert AuditEntry.objects.filter(action="case.deadline_settled").count() == 1
    assert services.settle_provisional_deadlines() == 0


# Mediation and its end ---------------------------------------------------------------------


def test_refusing_a_complaint_names_its_ground_and_the_other_routes(complaint, service):
    with pytest.raises(ValidationError, match="第十六条"):
        services.refuse_case(complaint, service, "经电话核实，投诉人拒绝提供身份信息。")
    services.refuse_case(
        complaint, service, "经电话核实，投诉人拒绝提供身份信息。", ground="6", at=at(2026, 10, 9)
    )
    complaint.refresh_from_db()
    assert (complaint.status, complaint.outcome, complaint.refusal_ground) == (
        "refused",
        "refused",
        "6",
    )
    told = find_case(complaint.tracking_number, complaint.mobile).public_steps[-1].text
    assert "第十六条第（六）项：冒用他人名义或者拒不配合市场监督管理部门核验真实身份信息的" in told
    assert "经电话核实，投诉人拒绝提供身份信息。" in told
    assert "《中华人民共和国消费者权益保护法》第三十九条" in told
    assert deadline(complaint, Milestone.MEDIATION).cancelled


def test_entrusted_mediation_needs_both_parties_consent(complaint, service):
    services.accept_case(complaint, service, at=at(2026, 10, 9))
    with pytest.raises(ValidationError, match="第十九条"):
        services.start_mediation(
            complaint, service, method="on_site", entrusted_to="浦东新区消费者权益保护委员会"
        )
    services.start_mediation(
        complaint,
        service,
        method="remote",
        entrusted_to="浦东新区消费者权益保护委员会",
        consent=True,
    )
    complaint.refresh_from_db()
    assert complaint.status == "mediating"
    step = complaint.steps.get(kind=CaseStep.Kind.MEDIATION)
    assert step.public and "委托浦东新区消费者权益保护委员会远程调解" in step.text


def test_an_agreement_closes_the_case_with_a_mediation_book(mediating, service):
    services.record_agreement(
        mediating, service, form="book", text="1. 商家更换蓄电池。\n2. 投诉人不再追究。"
    )
    mediating.refresh_from_db()
    assert (mediating.status, mediating.outcome, mediating.agreement_form) == (
        "closed",
        "mediated",
        "book",
    )
    assert mediating.status_text == "已办结（调解成功）"
    assert deadline(mediating, Milestone.MEDIATION).met_at is not None
    assert deadline(mediating, Milestone.TERMINATION_NOTICE).cancelled


def test_ground_five_waits_for_the_sixty_days_to_pass(mediating, service):
    with pytest.raises(ValidationError, match="调解期限至2026年12月8日届满"):
        services.terminate_mediation(mediating, service, ground="5", at=at(2026, 12, 8))
    services.terminate_mediation(mediating, service, ground="5", at=at(2026, 12, 9))
    mediating.refresh_from_db()
    assert mediating.status == "terminated"


def test_termination_starts_the_seven_working_days_to_tell_both_parties(mediating, service):
    with pytest.raises(ValidationError, match="第二十三条"):
        services.terminate_mediation(mediating, service, ground="9")
    services.terminate_mediation(
        mediating, service, ground="3", text="被投诉人明确表示不同意更换。", at=at(2026, 11, 20)
    )
    mediating.refresh_from_db()
    assert (mediating.status, mediating.termination_ground) == ("terminated", "3")
    assert mediating.is_open
    assert deadline(mediating, Milestone.MEDIATION).met_at is not None
    notice = deadline(mediating, Milestone.TERMINATION_NOTICE)
    # Friday 20 November: 23–27, 30 November and 1 December.
    assert (notice.starts_on, notice.due_on) == (D(2026, 11, 20), D(2026, 12, 1))
    (clock,) = clocks_of(Case.objects.get(pk=mediating.pk), D(2026, 11, 30))
    assert (clock.milestone, clock.text) == ("告知终止调解", "剩余 1 个工作日")

    services.tell_parties(mediating, service, "短信和电话告知。", at=at(2026, 11, 23))
    mediating.refresh_from_db()
    assert (mediating.status, mediating.outcome) == ("closed", "terminated")
    assert mediating.status_text == "已办结（终止调解）"
    found = find_case(mediating.tracking_number, mediating.mobile)
    texts = [step.text for step in found.public_steps]
    assert any("第二十三条第一款第（三）项" in text for text in texts)
    assert "已将终止调解决定告知投诉人和被投诉人。短信和电话告知。" in texts


def test_a_complaint_in_mediation_does_not_close_without_agreement_or_termination(
    complaint, service
):
    services.accept_case(complaint, service, at=at(2026, 10, 9))
    with pytest.raises(ValidationError, match="以调解协议或终止调解结束"):
        services.close_case(complaint, service, "已办结。")
    services.start_mediation(complaint, service, method="on_site")
    with pytest.raises(ValidationError, match="调解中的投诉"):
        services.close_case(complaint, service, "已办结。")


# Reports ----------------------------------------------------------------------------------


@pytest.fixture
def report(bureau, service):
    return file_case(bureau, kind=CaseKind.REPORT, received_at=at(2026, 9, 29))


def test_a_report_is_checked_in_15_working_days_extended_once_by_the_head(
    report, complaint, service
):
    decision = deadline(report, Milestone.DECISION)
    assert (decision.due_on, decision.extension_days) == (D(2026, 10, 26), 15)
    assert "第三十六条" in decision.legal_basis
    with pytest.raises(ValidationError, match="负责人"):
        services.extend_deadline(decision, service, approver="", reason="")
    services.extend_deadline(decision, service, approver="王局长", reason="需调取交易记录")
    decision.refresh_from_db()
    assert (decision.extended, decision.due_on) == (True, D(2026, 11, 16))
    with pytest.raises(ValidationError, match="已经延长过一次"):
        services.extend_deadline(decision, service, approver="王局长", reason="再延")
    with pytest.raises(ValidationError, match="不能延长"):
        services.extend_deadline(
            deadline(complaint, Milestone.DECISION), service, approver="王局长", reason="x"
        )
    step = report.steps.get(kind=CaseStep.Kind.EXTENDED)
    assert not step.public and "经王局长批准" in step.text


def test_a_report_is_filed_or_not(report, bureau, service):
    services.accept_case(report, service, at=at(2026, 10, 9))
    report.refresh_from_db()
    assert (report.outcome, report.status_text) == ("filed", "办理中（立案）")
    other = file_case(bureau, kind=CaseKind.REPORT, received_at=at(2026, 10, 9))
    services.refuse_case(other, service, "经核查，未发现违法事实。")
    other.refresh_from_db()
    assert (other.outcome, other.refusal_ground) == ("not_filed", "")


def test_a_repeated_report_is_not_handled_again(report, bureau, service):
    again = file_case(bureau, kind=CaseKind.REPORT, received_at=at(2026, 10, 20))
    services.merge_report(again, service, report, new_facts=False)
    again.refresh_from_db()
    assert (again.status, again.outcome, again.related) == ("closed", "not_handled", report)
    assert "不再重复处理" in again.decision
    assert deadline(report, Milestone.DECISION).due_on == D(2026, 10, 26)  # unchanged


def test_a_report_with_new_facts_is_merged_and_the_check_restarts(bureau, service):
    first = file_case(bureau, kind=CaseKind.REPORT, received_at=at(2026, 10, 8))
    decision = deadline(first, Milestone.DECISION)
    services.extend_deadline(decision, service, approver="王局长", reason="需调取记录")
    newer = file_case(bureau, kind=CaseKind.REPORT, received_at=at(2026, 10, 22))
    services.merge_report(newer, service, first, new_facts=True)
    decision.refresh_from_db()
    assert (decision.starts_on, decision.due_on, decision.extended) == (
        D(2026, 10, 22),
        D(2026, 11, 12),
        False,
    )
    newer.refresh_from_db()
    assert (newer.outcome, newer.related) == ("merged", first)
    assert first.steps.filter(kind=CaseStep.Kind.NOTE, text__contains=newer.description).exists()
    stranger = file_case(
        bureau, kind=CaseKind.REPORT, received_at=at(2026, 10, 23), mobile="13900001111",
        id_number="",
    )  # fmt: skip
    with pytest.raises(ValidationError, match="举报人不同"):
        services.merge_report(stranger, service, first, new_facts=True)
    with pytest.raises(ValidationError, match="先收到"):
        services.merge_report(first, service, newer, new_facts=False)


def test_material_holding_a_complaint_and_a_report_is_split_in_two(complaint, service):
    report = services.split_case(complaint, service, "商家销售的蓄电池无3C认证标志。")
    assert (report.kind, report.source, report.related) == ("report", "split", complaint)
    assert report.received_at == complaint.received_at
    assert deadline(report, Milestone.DECISION).due_on == D(2026, 10, 26)
    assert report.mobile == complaint.mobile
    told = complaint.steps.get(kind=CaseStep.Kind.SPLIT).text
    assert report.tracking_number in told and "第九条" in told
    with pytest.raises(ValidationError, match="只有投诉和举报"):
        consultation = file_case(complaint.org_unit, kind=CaseKind.CONSULTATION)
        services.split_case(consultation, service, "x")


# 12315 -------------------------------------------------------------------------------------


def test_a_12315_number_is_recorded_once_searched_and_missing_ones_listed(
    complaint, bureau, service
):
    report = file_case(bureau, kind=CaseKind.REPORT, received_at=at(2026, 9, 30))
    consultation = file_case(bureau, kind=CaseKind.CONSULTATION, received_at=at(2026, 9, 30))
    lacking = case_list(service, CaseFilters(status="all", lacking_12315=True), D(2026, 10, 8))
    assert set(lacking) == {complaint, report}  # a consultation needs none

    with pytest.raises(ValidationError, match="6–40 位"):
        services.record_12315_number(complaint, service, "12 3")
    services.record_12315_number(complaint, service, " 1310 0000 2026 0929 0001 ")
    complaint.refresh_from_db()
    assert complaint.number_12315 == "13100000202609290001"
    with pytest.raises(ValidationError, match=complaint.tracking_number):
        services.record_12315_number(report, service, "13100000202609290001")

    found = case_list(service, CaseFilters(status="all", q="2026 0929 0001"), D(2026, 10, 8))
    assert list(found) == [complaint]
    lacking = case_list(service, CaseFilters(status="all", lacking_12315=True), D(2026, 10, 8))
    assert list(lacking) == [report]
    assert consultation.needs_12315 is False
    entry = AuditEntry.objects.get(action="case.number_12315")
    assert entry.after["number_12315"] == "13100000202609290001"
    assert find_case(complaint.tracking_number, complaint.mobile).public_steps[-1].kind == (
        CaseStep.Kind.NUMBER_12315
    )


# Permissions and audit ---------------------------------------------------------------------


def test_only_the_units_case_staff_take_the_new_actions(
    mediating, report, other_service, huangpu_admin
):
    mediation = deadline(mediating, Milestone.MEDIATION)
    for outsider in (other_service, huangpu_admin, make_person("citizen")):
        for attempt in (
            lambda who: services.record_12315_number(mediating, who, "13100000202609290001"),
            lambda who: services.pause_clock(mediation, who, reason="testing"),
            lambda who: services.terminate_mediation(mediating, who, ground="1"),
            lambda who: services.record_agreement(mediating, who, form="record", text="x"),
            lambda who: services.split_case(mediating, who, "x"),
            lambda who: services.extend_deadline(
                deadline(report, Milestone.DECISION), who, approver="x", reason="x"
            ),
            lambda who: services.print_document(mediating, who, "complaint_register"),
            lambda who: services.import_cases([], who, mediating.org_unit),
        ):
            with pytest.raises(PermissionDenied):
                attempt(outsider)


def test_the_new_steps_are_audited_without_personal_data(mediating, service):
    mediation = deadline(mediating, Milestone.MEDIATION)
    services.record_12315_number(mediating, service, "13100000202609290001")
    services.pause_clock(mediation, service, reason="testing", on=D(2026, 11, 2))
    services.resume_clock(mediation, service, on=D(2026, 11, 12))
    services.terminate_mediation(mediating, service, ground="1", at=at(2026, 11, 20))
    services.tell_parties(mediating, service)
    actions = set(
        AuditEntry.objects.filter(target_id=str(mediating.pk)).values_list("action", flat=True)
    )
    assert {
        "case.accepted",
        "case.mediation_started",
        "case.number_12315",
        "case.clock_paused",
        "case.clock_resumed",
        "case.mediation_terminated",
        "case.parties_told",
    } <= actions
    for entry in AuditEntry.objects.filter(target_type="cases.case"):
        text = f"{entry.before}{entry.after}{entry.detail}"
        assert "13812341234" not in text and "张三丰" not in text


def test_the_termination_notice_clock_is_announced_like_the_others(mediating, service):
    services.terminate_mediation(mediating, service, ground="1", at=at(2026, 11, 20))
    sent = services.check_case_clocks(D(2026, 11, 27))  # 30 Nov and 1 Dec left
    assert [(n.deadline.milestone, n.state) for n in sent] == [("termination_notice", "near")]
    assert Notification.objects.filter(kind="case_clock_near", recipient=service).exists()

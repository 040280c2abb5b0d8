"""Attempts: one per mobile number (also when two starts race against the real database), the
server's time limit, scoring; who may manage banks and quizzes; the report's figures."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from qualitymonth.core.models import AuditEntry
from qualitymonth.quizzes import services
from qualitymonth.quizzes.models import Attempt, Question
from qualitymonth.reports import participation
from qualitymonth.reports import services as report_services
from tests.conftest import make_person

from .conftest import answer_all


def test_an_attempt_draws_different_questions_and_scores_them(quiz):
    attempt = services.start_attempt(quiz, name="王小明", mobile="13812341234")
    assert len(attempt.question_ids) == len(set(attempt.question_ids)) == 3
    assert attempt.deadline_at - attempt.started_at == datetime.timedelta(minutes=5)
    answer_all(attempt, rightly=2)
    attempt.refresh_from_db()
    assert attempt.finished_at is not None
    assert (attempt.correct_count, attempt.score) == (2, 67)
    assert AuditEntry.objects.filter(action="quiz.attempt_started").get().detail["mobile"] == (
        "138****1234"
    )


def test_one_attempt_per_mobile_number(quiz):
    services.start_attempt(quiz, name="王小明", mobile="13812341234")
    with pytest.raises(services.AlreadyAttempted) as refused:
        services.start_attempt(quiz, name="王小明", mobile="13812341234")
    assert refused.value.messages == [
        "手机号 138****1234 已参加过本次答题。每个手机号只能参加一次。"
    ]
    assert Attempt.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_starts_at_the_same_moment_make_one_attempt(quiz):
    """Both requests pass the "already taken?" look-up; the database constraint decides."""
    barrier = threading.Barrier(2)
    outcomes = []
    real_exists = services.Attempt.objects.filter(quiz=quiz, mobile="13912345678").exists

    def start():
        try:
            barrier.wait(timeout=10)
            outcomes.append(services.start_attempt(quiz, name="李四", mobile="13912345678"))
        except services.AlreadyAttempted as refused:
            outcomes.append(refused)
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert real_exists() is True
    assert sorted(type(outcome).__name__ for outcome in outcomes) == [
        "AlreadyAttempted",
        "Attempt",
    ]
    assert Attempt.objects.filter(quiz=quiz, mobile="13912345678").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_constraint_holds_even_when_the_look_up_is_skipped(quiz, monkeypatch):
    """The check before inserting is a courtesy; a start that slips past it still fails."""
    services.start_attempt(quiz, name="王小明", mobile="13812341234")
    monkeypatch.setattr(services.Attempt.objects, "filter", lambda **kw: Attempt.objects.none())
    with pytest.raises(services.AlreadyAttempted):
        services.start_attempt(quiz, name="王小明", mobile="13812341234")
    monkeypatch.undo()
    assert Attempt.objects.filter(mobile="13812341234").count() == 1


def test_answers_after_the_time_limit_are_not_counted(quiz):
    start = datetime.datetime(2024, 9, 10, 10, 0, tzinfo=datetime.UTC)
    attempt = services.start_attempt(quiz, name="王小明", mobile="13812341234", at=start)
    first, second, third = attempt.question_ids
    right = {q.pk: q.answer for q in Question.objects.all()}
    assert services.answer(attempt, first, right[first], at=start + datetime.timedelta(minutes=1))
    # 5 minutes and 3 seconds: within the few seconds forgiven for the network.
    assert services.answer(
        attempt, second, right[second], at=start + datetime.timedelta(minutes=5, seconds=3)
    )
    late = start + datetime.timedelta(minutes=6)
    assert not services.answer(attempt, third, right[third], at=late)
    attempt.refresh_from_db()
    assert attempt.answers == {str(first): right[first], str(second): right[second]}
    assert (attempt.correct_count, attempt.score) == (2, 67)
    assert attempt.finished_at <= attempt.deadline_at + datetime.timedelta(seconds=1)
    assert attempt.duration_seconds == 303


def test_a_resent_answer_or_an_answer_out_of_turn_is_ignored(quiz):
    attempt = services.start_attempt(quiz, name="王小明", mobile="13812341234")
    first, second, _third = attempt.question_ids
    right = {q.pk: q.answer for q in Question.objects.all()}
    assert not services.answer(attempt, second, right[second])  # not its turn yet
    assert services.answer(attempt, first, "Z")
    assert not services.answer(attempt, first, right[first])  # the same form sent again
    attempt.refresh_from_db()
    assert attempt.answers == {str(first): "Z"} and attempt.correct_count == 0


def test_a_closed_quiz_takes_no_one(quiz, reporter):
    services.close_quiz(quiz, reporter)
    with pytest.raises(ValidationError, match="未开放或已结束"):
        services.start_attempt(quiz, name="王小明", mobile="13812341234")


def test_a_contest_needs_the_participants_unit(contest, enterprises):
    with pytest.raises(ValidationError, match="请选择您所在的单位"):
        services.start_attempt(contest, name="张三", mobile="13812341234")
    attempt = services.start_attempt(
        contest, name="张三", mobile="13812341234", org_unit=enterprises[0]
    )
    assert attempt.org_unit == enterprises[0]


def test_opening_needs_a_published_campaign_and_enough_questions(reporter, item, lujiazui, bank):
    quiz = services.create_quiz(
        reporter, item=item, org_unit=lujiazui, bank=bank, kind="quiz", title="大题量",
        question_count=10, time_limit_minutes=5,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="题库只有 4 道题，少于每人题数 10"):
        services.open_quiz(quiz, reporter)


# Who may do what ---------------------------------------------------------------------------


def test_only_units_assigned_to_the_item_organise_its_quizzes(
    item, bank, lujiazui, make_other_reporter, admin, pudong
):
    street = make_other_reporter.memberships.get().org_unit
    fields = dict(bank=bank, kind="quiz", title="问答", question_count=3, time_limit_minutes=5)
    with pytest.raises(PermissionDenied):
        services.create_quiz(make_other_reporter, item=item, org_unit=street, **fields)
    with pytest.raises(PermissionDenied):  # 陆家嘴 is assigned, but not theirs
        services.create_quiz(make_other_reporter, item=item, org_unit=lujiazui, **fields)
    # The campaign's admin organises for the assigned unit or the district itself.
    assert services.create_quiz(admin, item=item, org_unit=pudong, **fields).org_unit == pudong


def test_reporters_manage_their_own_units_banks_and_quizzes_only(
    quiz, bank, make_other_reporter, admin, reviewer_of_pudong
):
    assert services.may_manage_quiz(admin, quiz)
    for outsider in (make_other_reporter, reviewer_of_pudong):
        assert not services.may_manage_quiz(outsider, quiz)
        assert not services.may_manage_bank(outsider, bank)
        with pytest.raises(PermissionDenied):
            services.close_quiz(quiz, outsider)
        with pytest.raises(PermissionDenied):
            services.reveal_participants(quiz, outsider)


@pytest.fixture
def reviewer_of_pudong(pudong):
    from qualitymonth.accounts.models import Role

    return make_person("reviewer", Role.REVIEWER, pudong)


def test_the_bank_cannot_change_once_people_have_answered(quiz, reporter, lujiazui):
    services.start_attempt(quiz, name="王小明", mobile="13812341234")
    other = services.create_bank(reporter, org_unit=lujiazui, name="另一个题库")
    with pytest.raises(ValidationError, match="已有人答题"):
        services.update_quiz(quiz, reporter, bank=other)
    services.update_quiz(quiz, reporter, title="新名称")
    assert AuditEntry.objects.filter(action="quiz.updated").get().after == {"title": "新名称"}


# The item's report --------------------------------------------------------------------------


def test_the_organisers_report_of_the_item_counts_quiz_takers_and_contest_units(
    quiz, contest, enterprises, reporter, item, lujiazui
):
    services.start_attempt(quiz, name="甲", mobile="13800000001")
    services.start_attempt(contest, name="乙", mobile="13800000002", org_unit=enterprises[0])
    services.start_attempt(contest, name="丙", mobile="13800000003", org_unit=enterprises[0])
    services.start_attempt(contest, name="丁", mobile="13800000004", org_unit=enterprises[1])
    report = report_services.start_report(reporter, item=item, org_unit=lujiazui)
    figures = participation.figures_for(report)
    assert [(f.label, f.value, f.indicator) for f in figures] == [
        ("答题人数", 4, "参与人数"),
        ("参赛单位", 2, ""),
    ]

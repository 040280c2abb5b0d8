"""Every change to question banks, quizzes and attempts.

Back-office functions check the person may make the change (``scope_of(by)``: "quiz.manage" on
the owning unit, or "campaign.admin" on the quiz's campaign), save in one transaction and write
the audit entry. The public functions (``start_attempt``, ``answer``, ``finish_attempt``) take no
person: the portal view has checked the captcha and rate limits before calling them.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from qualitymonth.accounts.scope import scope_of
from qualitymonth.assignments.models import Assignment
from qualitymonth.campaigns.models import Campaign, Item
from qualitymonth.core import audit
from qualitymonth.core.privacy import mask_phone
from qualitymonth.orgs.models import OrgUnit

from . import scoring
from .bank_import import QuestionRow, require_clean
from .models import Attempt, Question, QuestionBank, Quiz

MAX_QUESTIONS = 100
MAX_MINUTES = 180


def now() -> datetime.datetime:
    """The server's clock; tests move it."""
    return timezone.now()


# Who may do what ---------------------------------------------------------------------------


def may_manage_bank(by, bank: QuestionBank) -> bool:
    return scope_of(by).can("quiz.manage", bank.org_unit)


def may_manage_quiz(by, quiz: Quiz) -> bool:
    scope = scope_of(by)
    return scope.can("quiz.manage", quiz.org_unit) or scope.can(
        "campaign.admin", quiz.item.campaign.org_unit
    )


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("您没有权限管理这个题库或答题活动。")


# Question banks ----------------------------------------------------------------------------


def create_bank(by, *, org_unit: OrgUnit, name: str) -> QuestionBank:
    _require(scope_of(by).can("quiz.manage", org_unit))
    name = name.strip()
    if QuestionBank.objects.filter(org_unit=org_unit, name=name).exists():
        raise ValidationError({"name": "本单位已有同名题库。"})
    with transaction.atomic():
        bank = QuestionBank.objects.create(org_unit=org_unit, name=name, created_by=by)
        audit.record(by, "quiz.bank_created", bank, org_unit=org_unit, after=audit.snapshot(bank))
    return bank


def import_questions(bank: QuestionBank, rows: list[QuestionRow], by) -> dict[str, int]:
    """Save checked rows, all or nothing: new questions added, changed ones updated, the same
    ones left alone (importing one file twice adds nothing)."""
    _require(may_manage_bank(by, bank))
    require_clean(rows)
    done = {"create": 0, "update": 0, "unchanged": 0}
    with transaction.atomic():
        QuestionBank.objects.select_for_update().filter(pk=bank.pk).first()
        current = {q.text_key: q for q in bank.questions.all()}
        order = max((q.order for q in current.values()), default=0)
        for row in rows:
            fields = {
                "kind": row.kind,
                "text": row.text,
                "options": row.options,
                "answer": row.answer,
                "explanation": row.explanation,
                "is_active": True,
            }
            question = current.get(row.key)
            if question is None:
                order += 1
                Question.objects.create(bank=bank, text_key=row.key, order=order, **fields)
                done["create"] += 1
            elif any(getattr(question, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(question, name, value)
                question.save()
                done["update"] += 1
            else:
                done["unchanged"] += 1
        bank.save(update_fields=["updated_at"])
        audit.record(by, "quiz.questions_imported", bank, org_unit=bank.org_unit, **done)
    return done


def remove_question(question: Question, by) -> None:
    """Take a question out of the bank; attempts that drew it keep it for their results."""
    _require(may_manage_bank(by, question.bank))
    with transaction.atomic():
        question.is_active = False
        question.save(update_fields=["is_active", "updated_at"])
        audit.record(
            by, "quiz.question_removed", question, org_unit=question.bank.org_unit,
            text=question.text[:100],
        )  # fmt: skip


# Quizzes -----------------------------------------------------------------------------------

QUIZ_FIELDS = [
    "title",
    "description",
    "kind",
    "bank",
    "question_count",
    "time_limit_minutes",
    "show_unit_ranking",
]


def organiser_units(by, item: Item):
    """The units ``by`` may name as a quiz's organiser for ``item``: the item's assigned units
    within their reach, and for the campaign's admins the campaign's own unit too."""
    scope = scope_of(by)
    assigned = OrgUnit.objects.filter(
        pk__in=Assignment.objects.filter(item=item).values("org_unit")
    )
    units = assigned & scope.units("quiz.manage")
    if scope.can("campaign.admin", item.campaign.org_unit):
        units = units | OrgUnit.objects.filter(
            pk__in=[item.campaign.org_unit_id, *assigned.values_list("pk", flat=True)]
        )
    return units.distinct()


def _check_quiz(quiz: Quiz, by) -> None:
    if not 1 <= quiz.question_count <= MAX_QUESTIONS:
        raise ValidationError({"question_count": f"每人题数应为 1–{MAX_QUESTIONS}。"})
    if not 1 <= quiz.time_limit_minutes <= MAX_MINUTES:
        raise ValidationError({"time_limit_minutes": f"答题时限应为 1–{MAX_MINUTES} 分钟。"})
    if not may_manage_bank(by, quiz.bank):
        raise ValidationError({"bank": "只能使用您所在单位的题库。"})


def create_quiz(by, *, item: Item, org_unit: OrgUnit, **fields) -> Quiz:
    if not organiser_units(by, item).filter(pk=org_unit.pk).exists():
        raise PermissionDenied("只能为承担这个事项的单位创建答题活动。")
    quiz = Quiz(item=item, org_unit=org_unit, created_by=by, **fields)
    _check_quiz(quiz, by)
    with transaction.atomic():
        quiz.save()
        audit.record(by, "quiz.created", quiz, org_unit=org_unit, after=audit.snapshot(quiz))
    return quiz


def update_quiz(quiz: Quiz, by, **fields) -> Quiz:
    _require(may_manage_quiz(by, quiz))
    before = audit.snapshot(quiz, QUIZ_FIELDS)
    if quiz.attempts.exists() and any(
        name in fields and fields[name] != getattr(quiz, name)
        for name in ("bank", "question_count", "kind")
    ):
        raise ValidationError("已有人答题，不能再更改题库、题数或类型，以免成绩不可比。")
    for name, value in fields.items():
        if name not in QUIZ_FIELDS:
            raise ValueError(name)
        setattr(quiz, name, value)
    _check_quiz(quiz, by)
    with transaction.atomic():
        quiz.save()
        changed_before, changed_after = audit.changes(before, audit.snapshot(quiz, QUIZ_FIELDS))
        audit.record(
            by, "quiz.updated", quiz, org_unit=quiz.org_unit,
            before=changed_before, after=changed_after,
        )  # fmt: skip
    return quiz


def open_quiz(quiz: Quiz, by) -> Quiz:
    """Open the quiz to the public: its campaign is published and its bank holds enough
    questions for everyone to get ``question_count`` different ones."""
    _require(may_manage_quiz(by, quiz))
    if quiz.item.campaign.status != Campaign.Status.PUBLISHED:
        raise ValidationError("活动尚未发布，不能开放答题。")
    available = quiz.bank.questions.filter(is_active=True).count()
    if available < quiz.question_count:
        raise ValidationError(
            f"题库只有 {available} 道题，少于每人题数 {quiz.question_count}，请先导入题目。"
        )
    return _set_status(quiz, by, Quiz.Status.OPEN, "quiz.opened")


def close_quiz(quiz: Quiz, by) -> Quiz:
    _require(may_manage_quiz(by, quiz))
    return _set_status(quiz, by, Quiz.Status.CLOSED, "quiz.closed")


def _set_status(quiz: Quiz, by, status: str, action: str) -> Quiz:
    with transaction.atomic():
        before = quiz.status
        quiz.status = status
        quiz.save(update_fields=["status", "updated_at"])
        audit.record(
            by, action, quiz, org_unit=quiz.org_unit,
            before={"status": before}, after={"status": status},
        )  # fmt: skip
    return quiz


def reveal_participants(quiz: Quiz, by) -> None:
    """Full names and mobile numbers for the organisers (to hand out prizes); every view is
    recorded in the audit log."""
    _require(may_manage_quiz(by, quiz))
    with transaction.atomic():
        audit.record(
            by, "quiz.personal_data_viewed", quiz, org_unit=quiz.org_unit,
            fields="姓名、手机号",
        )  # fmt: skip


# Answering (public) ------------------------------------------------------------------------


class AlreadyAttempted(ValidationError):
    """The mobile number has taken this quiz; ``attempt`` is theirs."""

    def __init__(self, mobile: str):
        super().__init__(f"手机号 {mask_phone(mobile)} 已参加过本次答题。每个手机号只能参加一次。")


def start_attempt(
    quiz: Quiz,
    *,
    name: str,
    mobile: str,
    org_unit: OrgUnit | None = None,
    at: datetime.datetime | None = None,
) -> Attempt:
    """Start one person's attempt: draw the questions and set the deadline by the server's
    clock. The second start for the same mobile number fails on the database constraint, even
    when both arrive at the same moment (``AlreadyAttempted``)."""
    at = at or now()
    if not quiz.is_open:
        raise ValidationError("本次答题未开放或已结束。")
    if quiz.is_contest and org_unit is None:
        raise ValidationError("请选择您所在的单位。")
    if Attempt.objects.filter(quiz=quiz, mobile=mobile).exists():
        raise AlreadyAttempted(mobile)
    pool = list(quiz.bank.questions.filter(is_active=True).values_list("pk", flat=True))
    drawn = scoring.draw(pool, quiz.question_count)
    if not drawn:
        raise ValidationError("题库中还没有题目，请稍后再来。")
    attempt = Attempt(
        quiz=quiz,
        name=name.strip(),
        mobile=mobile,
        org_unit=org_unit if quiz.is_contest else None,
        question_ids=drawn,
        started_at=at,
        deadline_at=at + datetime.timedelta(minutes=quiz.time_limit_minutes),
    )
    try:
        with transaction.atomic():
            attempt.save()
            audit.record(
                None, "quiz.attempt_started", attempt, org_unit=quiz.org_unit,
                mobile=mask_phone(mobile), questions=len(drawn),
            )  # fmt: skip
    except IntegrityError as error:
        raise AlreadyAttempted(mobile) from error
    return attempt


def current_question_id(attempt: Attempt) -> int | None:
    """The next question to answer, in the order drawn; None once all are answered."""
    for question_id in attempt.question_ids:
        if str(question_id) not in attempt.answers:
            return question_id
    return None


def is_over(attempt: Attempt, at: datetime.datetime | None = None) -> bool:
    at = at or now()
    return attempt.finished_at is not None or not scoring.in_time(attempt.deadline_at, at)


def answer(
    attempt: Attempt, question_id: int, given: str, *, at: datetime.datetime | None = None
) -> bool:
    """Record the answer to the attempt's current question; True when it counted.

    An answer received after the time limit is not counted and ends the attempt; an answer to
    another question than the current one (a resent form) is ignored.
    """
    at = at or now()
    with transaction.atomic():
        current = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if current.finished_at is not None:
            _copy(current, attempt)
            return False
        if not scoring.in_time(current.deadline_at, at):
            _finish(current, at)
            _copy(current, attempt)
            return False
        if current_question_id(current) != question_id:
            _copy(current, attempt)
            return False
        question = Question.objects.get(pk=question_id)
        current.answers[str(question_id)] = given
        if scoring.is_correct(question.answer, given):
            current.correct_count += 1
        current.score = scoring.score(current.correct_count, current.total)
        current.duration_seconds = max(0, int((at - current.started_at).total_seconds()))
        fields = ["answers", "correct_count", "score", "duration_seconds"]
        current.save(update_fields=fields)
        if current_question_id(current) is None:
            _finish(current, at)
        _copy(current, attempt)
    return True


def finish_attempt(attempt: Attempt, *, at: datetime.datetime | None = None) -> Attempt:
    """End the attempt (all answered, the time is up, or the person hands in early)."""
    at = at or now()
    with transaction.atomic():
        current = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if current.finished_at is None:
            _finish(current, at)
        _copy(current, attempt)
    return attempt


def _finish(attempt: Attempt, at: datetime.datetime) -> None:
    attempt.finished_at = min(at, attempt.deadline_at + datetime.timedelta(seconds=1))
    if not attempt.answers:
        attempt.duration_seconds = int((attempt.finished_at - attempt.started_at).total_seconds())
    attempt.save(update_fields=["finished_at", "duration_seconds"])
    audit.record(
        None, "quiz.attempt_finished", attempt, org_unit=attempt.quiz.org_unit,
        score=attempt.score, correct=attempt.correct_count, total=attempt.total,
    )  # fmt: skip


def _copy(source: Attempt, target: Attempt) -> None:
    for name in ("answers", "correct_count", "score", "duration_seconds", "finished_at"):
        setattr(target, name, getattr(source, name))

"""Reads: what a person may manage, the public list, rankings, results, report figures."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from qualitymonth.accounts.scope import scope_of
from qualitymonth.campaigns.models import Campaign
from qualitymonth.core.figures import PARTICIPANTS
from qualitymonth.orgs.models import OrgUnit

from . import scoring
from .models import Attempt, Question, QuestionBank, Quiz


def banks_in_scope(user) -> QuerySet[QuestionBank]:
    return (
        QuestionBank.objects.filter(org_unit__in=scope_of(user).units("quiz.manage"))
        .select_related("org_unit")
        .annotate(question_total=Count("questions", filter=Q(questions__is_active=True)))
    )


def quizzes_in_scope(user) -> QuerySet[Quiz]:
    scope = scope_of(user)
    return (
        Quiz.objects.filter(
            Q(org_unit__in=scope.units("quiz.manage"))
            | Q(item__campaign__org_unit__in=scope.units("campaign.admin"))
        )
        .select_related("org_unit", "item__campaign__org_unit", "bank")
        .annotate(attempt_total=Count("attempts"))
        .distinct()
    )


def public_quizzes() -> QuerySet[Quiz]:
    """Open and finished quizzes of published campaigns, the open ones first."""
    return (
        Quiz.objects.filter(
            status__in=[Quiz.Status.OPEN, Quiz.Status.CLOSED],
            item__campaign__status=Campaign.Status.PUBLISHED,
        )
        .select_related("org_unit", "item__campaign__org_unit")
        .order_by("-status", "-created_at")  # descending: "open" before "closed"
    )


MAX_UNIT_MATCHES = 20


def contest_units(quiz: Quiz, text: str) -> list[OrgUnit]:
    """Enterprises of the campaign's area matching a name (or short name) part, or exactly a
    统一社会信用代码."""
    text = (text or "").strip()
    if len(text) < 2:
        return []
    enterprises = OrgUnit.objects.filter(
        kind=OrgUnit.Kind.ENTERPRISE, path__startswith=quiz.item.campaign.org_unit.path
    )
    if len(text) == 18 and text.isalnum():
        return list(enterprises.filter(credit_code=text.upper()))
    matches = enterprises.filter(Q(name__contains=text) | Q(short_name__contains=text))
    return list(matches.order_by("pinyin")[:MAX_UNIT_MATCHES])


def contest_unit_choices(quiz: Quiz) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(
        kind=OrgUnit.Kind.ENTERPRISE, path__startswith=quiz.item.campaign.org_unit.path
    )


def counted_attempts(quiz: Quiz, at: datetime.datetime) -> QuerySet[Attempt]:
    """Attempts that are over (handed in, or past the time limit): the ones ranked."""
    grace = datetime.timedelta(seconds=scoring.GRACE_SECONDS)
    return quiz.attempts.filter(
        Q(finished_at__isnull=False) | Q(deadline_at__lt=at - grace)
    ).select_related("org_unit")


@dataclass
class PersonPlace:
    place: int
    attempt: Attempt


@dataclass
class UnitPlace:
    place: int
    unit: OrgUnit
    people: int
    average_score: float
    average_seconds: float
    best_score: int


def people_ranking(quiz: Quiz, at: datetime.datetime) -> list[PersonPlace]:
    """Everyone by score, then time taken (less is better); equal ones share a place."""
    attempts = list(counted_attempts(quiz, at))
    ranked = scoring.rank(attempts, key=lambda a: (-a.score, a.duration_seconds))
    return [PersonPlace(place, attempt) for place, attempt in ranked]


def unit_ranking(quiz: Quiz, at: datetime.datetime) -> list[UnitPlace]:
    """Units by their participants' average score, then average time taken, then more
    participants: a unit is not ahead because one person did well alone."""
    groups: dict[int, list[Attempt]] = {}
    for attempt in counted_attempts(quiz, at).exclude(org_unit=None):
        groups.setdefault(attempt.org_unit_id, []).append(attempt)
    rows = []
    for attempts in groups.values():
        count = len(attempts)
        rows.append(
            UnitPlace(
                0,
                attempts[0].org_unit,
                count,
                round(sum(a.score for a in attempts) / count, 1),
                round(sum(a.duration_seconds for a in attempts) / count, 1),
                max(a.score for a in attempts),
            )
        )
    ranked = scoring.rank(rows, key=lambda r: (-r.average_score, r.average_seconds, -r.people))
    for place, row in ranked:
        row.place = place
    return [row for _place, row in ranked]


@dataclass
class ResultLine:
    number: int
    question: Question
    given: str | None  # None: not answered (time ran out)
    correct: bool

    @property
    def given_text(self) -> str:
        return self.question.answer_text(self.given or "")


def results(attempt: Attempt) -> list[ResultLine]:
    questions = Question.objects.in_bulk(attempt.question_ids)
    lines = []
    for number, question_id in enumerate(attempt.question_ids, start=1):
        question = questions.get(question_id)
        if question is None:
            continue
        given = attempt.answers.get(str(question_id))
        lines.append(
            ResultLine(number, question, given, scoring.is_correct(question.answer, given or ""))
        )
    return lines


def figures(quizzes: QuerySet[Quiz]) -> tuple[int, int]:
    """(people who took part, units they answered for)."""
    attempts = Attempt.objects.filter(quiz__in=quizzes)
    people = attempts.count()
    units = attempts.exclude(org_unit=None).values("org_unit").distinct().count()
    return people, units


def report_figures(report) -> list:
    """The organiser's quiz figures for its report of the item (not an event's report): 答题人数
    pre-fills 参与人数; 参赛单位 is shown for contests."""
    from qualitymonth.reports.participation import Figure

    if report.event_id is not None:
        return []
    quizzes = Quiz.objects.filter(item_id=report.item_id, org_unit_id=report.org_unit_id)
    if not quizzes.exists():
        return []
    people, units = figures(quizzes)
    result = [Figure("答题人数", people, source="知识问答", indicator=PARTICIPANTS)]
    if quizzes.filter(kind=Quiz.Kind.CONTEST).exists():
        result.append(Figure("参赛单位", units, source="知识竞赛"))
    return result

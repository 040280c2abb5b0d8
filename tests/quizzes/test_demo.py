"""The demo's sample quiz and contest: a real bank, open to the public, loaded twice without
duplicates."""

from django.core.management import call_command

from qualitymonth.quizzes.models import Attempt, Question, Quiz
from qualitymonth.quizzes.queries import unit_ranking


def test_the_demo_has_a_sample_quiz_and_contest_once(db):
    call_command("demo", "--load-only")
    call_command("demo", "--load-only")
    quizzes = Quiz.objects.filter(title__startswith="【示例】")
    assert sorted(quizzes.values_list("kind", flat=True)) == ["contest", "quiz"]
    assert all(quiz.is_open for quiz in quizzes)
    assert Question.objects.filter(bank__name__startswith="【示例】").count() == 15
    assert all(q.explanation for q in Question.objects.all())
    contest = quizzes.get(kind="contest")
    assert Attempt.objects.filter(quiz=contest).count() == 6
    places = unit_ranking(contest, contest.created_at)
    assert len(places) == 4 and places[0].average_score == 100

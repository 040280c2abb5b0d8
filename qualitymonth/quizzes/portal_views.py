"""The public side of quizzes (no account, phone first): the list, a quiz's page with the start
form, one question at a time, and the result with every explanation.

The questions of an attempt reach the browser one at a time, when it is their turn; the answer
key never does before the attempt is over. The time limit is the server's: the page's countdown
(static/quizzes/countdown.js) only shows it. Starting is rate-limited per address and per mobile
number and carries the captcha; one attempt per mobile number per quiz is a database
constraint.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from qualitymonth.core.antiabuse import Rate, RateLimited, limit_address

from . import scoring, services
from .forms import StartForm, given_answer
from .models import Attempt, Question
from .queries import contest_unit_choices, contest_units, public_quizzes, results, unit_ranking

# Starting: 20 a hour from one address (a class or an office shares one), 5 tries a day for
# one mobile number (the second start is refused anyway; this stops guessing through the
# form). Looking up units: 60 a hour from one address.
START_PER_ADDRESS = Rate(20, 3600)
START_PER_MOBILE = Rate(5, 86400)
UNIT_SEARCH_PER_ADDRESS = Rate(60, 3600)

SESSION_KEY = "quiz_attempts"  # {"<quiz id>": "<attempt token>"}
LATE_SESSION_KEY = "quiz_late_answer"
PUBLIC_TOP_UNITS = 10


def public_list(request):
    return render(request, "quizzes/portal/list.html", {"quizzes": public_quizzes()})


def _quiz(pk: int):
    return get_object_or_404(public_quizzes(), pk=pk)


def _my_attempt(request, quiz) -> Attempt | None:
    token = request.session.get(SESSION_KEY, {}).get(str(quiz.pk))
    if not token:
        return None
    return Attempt.objects.filter(quiz=quiz, token=token).first()


def quiz_page(request, pk: int):
    """The quiz, its rules and the start form; a contest also finds the person's unit (by name
    or 统一社会信用代码, a GET search that works without JavaScript)."""
    quiz = _quiz(pk)
    mine = _my_attempt(request, quiz)
    search = request.GET.get("q", "").strip()
    matches = []
    status = 200
    form = StartForm(request.POST or None, quiz=quiz, units=contest_unit_choices(quiz))
    if quiz.is_contest and search and request.method == "GET":
        try:
            limit_address(request, "quiz.unit_search", UNIT_SEARCH_PER_ADDRESS)
            matches = contest_units(quiz, search)
        except RateLimited as limited:
            form.add_error(None, limited.message)
            status = 429
    if request.method == "POST":
        if mine is not None:
            return redirect("quizzes:attempt", token=mine.token)
        if form.allowed(request, "quiz.start", START_PER_ADDRESS, START_PER_MOBILE):
            try:
                attempt = services.start_attempt(
                    quiz,
                    name=form.cleaned_data["name"],
                    mobile=form.cleaned_data["mobile"],
                    org_unit=form.cleaned_data.get("unit"),
                )
                attempts = request.session.get(SESSION_KEY, {})
                attempts[str(quiz.pk)] = str(attempt.token)
                request.session[SESSION_KEY] = attempts
                return redirect("quizzes:attempt", token=attempt.token)
            except ValidationError as error:
                form.refuse(error, 409 if isinstance(error, services.AlreadyAttempted) else 400)
        status = form.status
        if quiz.is_contest and form.cleaned_data.get("unit"):
            matches = [form.cleaned_data["unit"]]
    top_units = []
    if quiz.is_contest and quiz.show_unit_ranking:
        top_units = unit_ranking(quiz, services.now())[:PUBLIC_TOP_UNITS]
    return render(
        request,
        "quizzes/portal/quiz.html",
        {
            "quiz": quiz,
            "form": form,
            "mine": mine,
            "search": search,
            "matches": matches,
            "searched": bool(search),
            "top_units": top_units,
        },
        status=status,
    )


def _attempt(request, token) -> Attempt:
    """The attempt of this browser only: its token in the link and in the session."""
    attempt = get_object_or_404(Attempt.objects.select_related("quiz"), token=token)
    if request.session.get(SESSION_KEY, {}).get(str(attempt.quiz_id)) != str(attempt.token):
        raise Http404
    return attempt


def attempt_page(request, token):
    """The current question with the time left; when the time is up or all are answered, the
    result."""
    attempt = _attempt(request, token)
    if request.method == "POST":
        return _answer(request, attempt)
    if services.is_over(attempt):
        if attempt.finished_at is None:
            services.finish_attempt(attempt)
        return redirect("quizzes:result", token=attempt.token)
    question_id = services.current_question_id(attempt)
    if question_id is None:
        services.finish_attempt(attempt)
        return redirect("quizzes:result", token=attempt.token)
    return _question_page(request, attempt, question_id)


def _question_page(request, attempt, question_id, *, error: str = "", status: int = 200):
    question = get_object_or_404(Question, pk=question_id)
    number = attempt.question_ids.index(question_id) + 1
    remaining = scoring.remaining_seconds(attempt.deadline_at, services.now())
    return render(
        request,
        "quizzes/portal/question.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "question": question,
            "number": number,
            "total": attempt.total,
            "remaining": remaining,
            "remaining_text": f"{remaining // 60}:{remaining % 60:02d}",
            "multiple": question.kind == scoring.MULTIPLE,
            "error": error,
        },
        status=status,
    )


def _answer(request, attempt):
    if "finish" in request.POST:
        services.finish_attempt(attempt)
        return redirect("quizzes:result", token=attempt.token)
    try:
        question_id = int(request.POST.get("question", ""))
    except ValueError:
        return redirect("quizzes:attempt", token=attempt.token)
    question = Question.objects.filter(pk=question_id).first()
    given = given_answer(question, request.POST.getlist("answer")) if question else ""
    if question is not None and not given and not services.is_over(attempt):
        if services.current_question_id(attempt) == question_id:
            return _question_page(
                request, attempt, question_id, error=_("请选择答案。"), status=400
            )
    at = services.now()
    counted = services.answer(attempt, question_id, given, at=at)
    if not counted and not scoring.in_time(attempt.deadline_at, at):
        request.session[LATE_SESSION_KEY] = str(attempt.token)  # the result page says so
    return redirect("quizzes:attempt", token=attempt.token)


def result_page(request, token):
    attempt = _attempt(request, token)
    if not services.is_over(attempt) and services.current_question_id(attempt) is not None:
        return redirect("quizzes:attempt", token=attempt.token)
    if attempt.finished_at is None:
        services.finish_attempt(attempt)
    late = request.session.pop(LATE_SESSION_KEY, None) == str(attempt.token)
    return render(
        request,
        "quizzes/portal/result.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "lines": results(attempt),
            "late": late,
            "minutes": attempt.duration_seconds // 60,
            "seconds": attempt.duration_seconds % 60,
        },
    )

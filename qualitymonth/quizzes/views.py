"""The back office of quizzes: question banks with .xlsx import and export, quizzes and
contests, their rankings and the rankings' export. Every page asks the scope ("quiz.manage");
a bank or quiz outside it is "not found"."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qualitymonth.accounts.scope import scope_of
from qualitymonth.assignments.models import Assignment
from qualitymonth.campaigns.models import Item
from qualitymonth.core.chinese import chinese_date
from qualitymonth.core.downloads import xlsx_response
from qualitymonth.core.feedback import show_errors
from qualitymonth.core.uploads import PendingUpload
from qualitymonth.core.xlsx import Sheet, XlsxError, write_workbook

from . import bank_import, services
from .forms import BankForm, QuizForm, UploadForm
from .queries import banks_in_scope, people_ranking, quizzes_in_scope, unit_ranking

IMPORT_SESSION_KEY = "quiz_bank_import_file"


def _require_manager(request) -> None:
    if not scope_of(request.user).anywhere("quiz.manage"):
        raise PermissionDenied(_("只有区级管理员和承担活动事项的单位可以管理知识问答。"))


def _bank(request, pk: int):
    return get_object_or_404(banks_in_scope(request.user), pk=pk)


def _quiz(request, pk: int):
    return get_object_or_404(quizzes_in_scope(request.user), pk=pk)


@login_required
def quiz_list(request):
    _require_manager(request)
    return render(
        request,
        "quizzes/list.html",
        {
            "banks": banks_in_scope(request.user).order_by("org_unit__path", "name"),
            "quizzes": quizzes_in_scope(request.user).order_by("-created_at"),
        },
    )


# Question banks ----------------------------------------------------------------------------


@login_required
def bank_new(request):
    _require_manager(request)
    form = BankForm(request.POST or None, units=scope_of(request.user).units("quiz.manage"))
    if request.method == "POST" and form.is_valid():
        try:
            bank = services.create_bank(request.user, **form.cleaned_data)
        except ValidationError as error:
            show_errors(request, error, form)
        else:
            messages.success(request, _("题库已创建，请导入题目。"))
            return redirect("quizzes:bank_import", pk=bank.pk)
    return render(request, "quizzes/bank_new.html", {"form": form})


@login_required
def bank_detail(request, pk: int):
    bank = _bank(request, pk)
    if request.method == "POST":
        question = get_object_or_404(bank.questions, pk=request.POST.get("remove") or 0)
        services.remove_question(question, request.user)
        messages.success(request, _("已从题库中移除这道题。"))
        return redirect("quizzes:bank", pk=bank.pk)
    questions = bank.questions.filter(is_active=True)
    return render(request, "quizzes/bank_detail.html", {"bank": bank, "questions": questions})


@login_required
def bank_template(request):
    _require_manager(request)
    return xlsx_response(bank_import.template_workbook(), "题库导入模板.xlsx")


@login_required
def bank_export(request, pk: int):
    bank = _bank(request, pk)
    return xlsx_response(bank_import.export_workbook(bank), f"题库_{bank.name}.xlsx")


@login_required
def bank_import_view(request, pk: int):
    """Upload → every row checked, problems shown → confirm → all saved at once."""
    bank = _bank(request, pk)
    form = UploadForm(request.POST or None, request.FILES or None)
    pending = PendingUpload(request, IMPORT_SESSION_KEY, "imports/quizzes")
    rows = None
    if request.method == "POST" and "confirm" in request.POST:
        data = pending.read()
        if data is None:
            messages.error(request, _("上传的文件已过期，请重新上传。"))
            return redirect("quizzes:bank_import", pk=bank.pk)
        rows = _check(request, data, bank)
        if rows is not None:
            try:
                done = services.import_questions(bank, rows, request.user)
            except ValidationError as error:
                show_errors(request, error)
            else:
                pending.discard()
                messages.success(
                    request,
                    _("导入完成：新增 %(create)s 题，更新 %(update)s 题，未变 %(unchanged)s 题。")
                    % done,
                )
                return redirect("quizzes:bank", pk=bank.pk)
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        rows = _check(request, data, bank)
        if rows is not None:
            pending.keep(data)
    return render(
        request,
        "quizzes/bank_import.html",
        {
            "bank": bank,
            "form": form,
            "rows": rows,
            "has_problems": bool(rows) and any(row.problems for row in rows),
            "counts": bank_import.counts(rows or []),
        },
    )


def _check(request, data: bytes, bank):
    try:
        return bank_import.read_file(data, bank)
    except XlsxError as error:
        messages.error(request, error.message)
        return None


# Quizzes -----------------------------------------------------------------------------------


def _items(request):
    """Items the person may organise a quiz for."""
    scope = scope_of(request.user)
    assigned = Assignment.objects.filter(org_unit__in=scope.units("quiz.manage")).values("item")
    return (
        Item.objects.filter(
            Q(pk__in=assigned) | Q(campaign__org_unit__in=scope.units("campaign.admin"))
        )
        .select_related("campaign__org_unit", "category")
        .order_by("-campaign__year", "campaign_id", "category__order", "order", "id")
    )


@login_required
def quiz_new(request, item_pk: int | None = None):
    _require_manager(request)
    if item_pk is None:
        return render(request, "quizzes/quiz_items.html", {"items": _items(request)})
    item = get_object_or_404(_items(request), pk=item_pk)
    units = services.organiser_units(request.user, item)
    form = QuizForm(request.POST or None, units=units, banks=banks_in_scope(request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            quiz = services.create_quiz(
                request.user, item=item, org_unit=data.pop("org_unit"), **data
            )
        except ValidationError as error:
            show_errors(request, error, form)
        else:
            messages.success(request, _("已创建。题库题目足够后即可开放答题。"))
            return redirect("quizzes:detail", pk=quiz.pk)
    return render(request, "quizzes/quiz_form.html", {"form": form, "item": item})


@login_required
def quiz_edit(request, pk: int):
    quiz = _quiz(request, pk)
    if not services.may_manage_quiz(request.user, quiz):
        raise PermissionDenied
    locked = quiz.attempts.exists()
    form = QuizForm(
        request.POST or None,
        instance=quiz,
        units=None,
        banks=banks_in_scope(request.user),
        locked=locked,
    )
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.QUIZ_FIELDS}
        quiz.refresh_from_db()  # the form wrote into the instance; the service compares
        try:
            services.update_quiz(quiz, request.user, **fields)
        except ValidationError as error:
            show_errors(request, error, form)
        else:
            messages.success(request, _("已保存。"))
            return redirect("quizzes:detail", pk=quiz.pk)
    context = {"form": form, "item": quiz.item, "quiz": quiz}
    return render(request, "quizzes/quiz_form.html", context)


@login_required
@require_POST
def quiz_status(request, pk: int, action: str):
    quiz = _quiz(request, pk)
    change = {"open": services.open_quiz, "close": services.close_quiz}.get(action)
    if change is None:
        return redirect("quizzes:detail", pk=quiz.pk)
    try:
        change(quiz, request.user)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("已开放答题。") if action == "open" else _("已结束答题。"))
    return redirect("quizzes:detail", pk=quiz.pk)


def _detail(request, quiz, *, revealed: bool = False):
    at = services.now()
    people = people_ranking(quiz, at)
    units = unit_ranking(quiz, at) if quiz.is_contest else []
    return render(
        request,
        "quizzes/quiz_detail.html",
        {
            "quiz": quiz,
            "people": people,
            "units": units,
            "revealed": revealed,
            "available": quiz.bank.questions.filter(is_active=True).count(),
            "in_progress": quiz.attempts.count() - len(people),
            "unit_total": len(units),
        },
    )


@login_required
def quiz_detail(request, pk: int):
    return _detail(request, _quiz(request, pk))


@login_required
@require_POST
def quiz_reveal(request, pk: int):
    """显示完整信息: names and mobile numbers in full, audited."""
    quiz = _quiz(request, pk)
    services.reveal_participants(quiz, request.user)
    return _detail(request, quiz, revealed=True)


def minutes_seconds(seconds: float) -> str:
    seconds = round(seconds)
    return f"{seconds // 60}分{seconds % 60:02d}秒"


@login_required
def quiz_export(request, pk: int):
    """Both rankings as .xlsx; names and mobile numbers masked."""
    quiz = _quiz(request, pk)
    at = services.now()
    people = [
        [
            p.place,
            p.attempt.masked_name,
            p.attempt.masked_mobile,
            p.attempt.org_unit.name if p.attempt.org_unit else "",
            p.attempt.score,
            f"{p.attempt.correct_count}/{p.attempt.total}",
            minutes_seconds(p.attempt.duration_seconds),
            chinese_date(p.attempt.started_at.date()),
        ]
        for p in people_ranking(quiz, at)
    ]
    sheets = [
        Sheet(
            "个人排名",
            ["名次", "姓名", "手机号", "单位", "得分", "答对", "用时", "答题日期"],
            people,
            [8, 10, 15, 30, 8, 8, 12, 16],
        )
    ]
    if quiz.is_contest:
        units = [
            [
                u.place,
                u.unit.name,
                u.unit.credit_code,
                u.people,
                u.average_score,
                u.best_score,
                minutes_seconds(u.average_seconds),
            ]
            for u in unit_ranking(quiz, at)
        ]
        sheets.append(
            Sheet(
                "单位排名",
                ["名次", "单位", "统一社会信用代码", "参赛人数", "平均分", "最高分", "平均用时"],
                units,
                [8, 36, 22, 10, 10, 10, 12],
            )
        )
    content = write_workbook(
        sheets,
        notes=[
            f"{quiz.title}（{quiz.get_kind_display()}），导出时间 {at:%Y-%m-%d %H:%M}。",
            "个人按得分从高到低、用时从少到多排名；得分和用时相同的名次并列。",
            "单位按参赛人员平均分、平均用时、参赛人数排名。",
            "个人信息已脱敏；完整信息只能由主办单位在系统中查看，且每次查看均记入审计日志。",
        ],
    )
    return xlsx_response(content, f"{quiz.title}_排名.xlsx")

"""The back office of cases: the list with clocks, a case's page and its actions, the rules."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from qualitymonth.accounts.scope import scope_of
from qualitymonth.core.chinese import chinese_date
from qualitymonth.core.downloads import xlsx_response
from qualitymonth.core.xlsx import write_table

from . import clock, services
from .forms import AssignForm, CaseFilterForm, RuleForm, TextForm
from .models import Case, CaseAttachment, CasePhoto, TimeLimitRule
from .queries import CaseFilters, case_list, clocks_of, handler_choices, visible_cases


def _require_case_staff(user) -> None:
    if not scope_of(user).units("case.handle").exists():
        raise PermissionDenied(_("您没有办理咨询投诉举报的权限。"))


def _filters(request) -> tuple[CaseFilterForm, CaseFilters]:
    form = CaseFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    return form, CaseFilters(
        kind=data.get("kind", ""),
        status=data.get("status", ""),
        clock=data.get("clock", ""),
        mine=bool(data.get("mine")),
        q=data.get("q", ""),
    )


@login_required
def case_list_view(request):
    _require_case_staff(request.user)
    form, filters = _filters(request)
    today = clock.today()
    page = Paginator(case_list(request.user, filters, today), 50).get_page(request.GET.get("page"))
    rows = [(case, clocks_of(case, today)) for case in page]
    return render(
        request,
        "cases/list.html",
        {"form": form, "page": page, "rows": rows, "today": today, "warn": clock.warn_days()},
    )


@login_required
def case_export(request):
    """The filtered list as .xlsx, with names, mobile and ID numbers masked."""
    _require_case_staff(request.user)
    _form, filters = _filters(request)
    today = clock.today()
    rows = []
    for case in case_list(request.user, filters, today):
        clocks = clocks_of(case, today)
        rows.append(
            [
                case.tracking_number,
                case.get_kind_display(),
                chinese_date(case.received_on),
                case.subject,
                case.business_name,
                case.masked_name,
                case.masked_mobile,
                case.masked_id_number,
                case.get_status_display(),
                case.handler.display_name if case.handler else "",
                "；".join(f"{c.milestone} {c.text}（{c.due_text}）" for c in clocks),
            ]
        )
    headers = [
        "受理编号", "类型", "收到日期", "产品或服务", "经营者", "联系人", "手机号",
        "身份证号", "状态", "承办人", "办理时限",
    ]  # fmt: skip
    content = write_table(
        headers,
        rows,
        title="咨询投诉举报",
        widths=[18, 10, 16, 24, 24, 10, 15, 22, 10, 10, 40],
        notes=[
            "个人信息已脱敏。完整联系方式只能由承办人员在系统中查看，且每次查看均记入审计日志。"
        ],
    )
    return xlsx_response(content, f"咨询投诉举报_{today:%Y%m%d}.xlsx")


def _case(request, pk: int) -> Case:
    case = get_object_or_404(
        visible_cases(request.user).select_related("org_unit", "handler"), pk=pk
    )
    return case


def _detail(request, case: Case, *, contact=None, forms=None, status=200):
    today = clock.today()
    forms = forms or {}
    context = {
        "case": case,
        "clocks": clocks_of(case, today),
        "deadlines": case.deadlines.select_related("rule").order_by("id"),
        "steps": case.steps.select_related("actor"),
        "photos": case.photos.all(),
        "attachments": case.attachments.all(),
        "contact": contact,
        "assign_form": forms.get("assign")
        or AssignForm(handlers=handler_choices(case.org_unit), initial={"handler": case.handler}),
        "accept_form": forms.get("accept")
        or TextForm(label=_("受理意见"), required=False, prefix="accept"),
        "refuse_form": forms.get("refuse") or TextForm(label=_("不予受理的理由"), prefix="refuse"),
        "note_form": forms.get("note") or TextForm(label=_("办理记录（内部）"), prefix="note"),
        "reply_form": forms.get("reply") or TextForm(label=_("答复（投诉人可见）"), prefix="reply"),
        "close_form": forms.get("close")
        or TextForm(label=_("处理结果（投诉人可见）"), prefix="close"),
        "today": today,
    }
    template = "cases/_contact.html" if contact and request.htmx else "cases/detail.html"
    return render(request, template, context, status=status)


@login_required
def case_detail(request, pk: int):
    return _detail(request, _case(request, pk))


@login_required
@require_POST
def case_contact(request, pk: int):
    """查看完整信息: the contact details in full, audited on every view."""
    case = _case(request, pk)
    contact = services.reveal_contact(case, request.user)
    return _detail(request, case, contact=contact)


ACTIONS = {
    "accept": (services.accept_case, gettext_lazy("已受理。")),
    "refuse": (services.refuse_case, gettext_lazy("已不予受理。")),
    "note": (services.add_note, gettext_lazy("办理记录已保存。")),
    "reply": (services.reply_case, gettext_lazy("答复已发送。")),
    "close": (services.close_case, gettext_lazy("已办结。")),
}


@login_required
@require_POST
def case_action(request, pk: int, action: str):
    case = _case(request, pk)
    if action == "assign":
        form = AssignForm(request.POST, handlers=handler_choices(case.org_unit))
        if form.is_valid():
            try:
                services.assign_case(case, request.user, form.cleaned_data["handler"])
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("已分派。"))
                return redirect("cases:detail", pk=case.pk)
        return _detail(request, case, forms={"assign": form}, status=400)
    if action not in ACTIONS:
        raise Http404
    run, done = ACTIONS[action]
    form = TextForm(request.POST, required=action != "accept", prefix=action)
    if form.is_valid():
        try:
            run(case, request.user, form.cleaned_data["text"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect("cases:detail", pk=case.pk)
    return _detail(request, case, forms={action: form}, status=400)


FILES = {"thumb": "thumbnail", "web": "web", "full": "public_original"}


@login_required
def case_photo(request, pk: int, size: str):
    photo = get_object_or_404(CasePhoto, pk=pk)
    _case(request, photo.case_id)
    if size not in FILES:
        raise Http404
    field = getattr(photo, FILES[size])
    content_type = "image/png" if field.name.endswith(".png") else "image/jpeg"
    return FileResponse(field.open("rb"), content_type=content_type)


@login_required
def case_attachment(request, pk: int):
    attachment = get_object_or_404(CaseAttachment, pk=pk)
    _case(request, attachment.case_id)
    return FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name
    )


@login_required
def rules(request):
    """The time limits in force and their history; the system administrator adds new ones."""
    if not (request.user.is_superuser or scope_of(request.user).units("case.handle").exists()):
        raise PermissionDenied(_("您没有办理咨询投诉举报的权限。"))
    form = None
    if request.user.is_superuser:
        form = RuleForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.add_rule(request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("时限规则已保存，自施行日期起收到的件按新规则计时。"))
                return redirect("cases:rules")
    elif request.method == "POST":
        raise PermissionDenied(_("只有系统管理员可以修改办理时限规则。"))
    today = clock.today()
    all_rules = TimeLimitRule.objects.all()
    in_force = set(TimeLimitRule.in_force(today).values_list("pk", flat=True))
    return render(
        request,
        "cases/rules.html",
        {"rules": all_rules, "in_force": in_force, "form": form, "today": today},
    )

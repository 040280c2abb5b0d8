"""The back office of cases: the list with clocks and 12315 numbers, a case's page and its
actions, the 文书, the 12315 import, the rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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
from qualitymonth.core.downloads import docx_response, xlsx_response
from qualitymonth.core.uploads import PendingUpload
from qualitymonth.core.xlsx import XlsxError, write_table

from . import clock, documents, import12315, legal, services
from .forms import (
    AgreementForm,
    AssignForm,
    CaseFilterForm,
    DeadlineForm,
    ExtendForm,
    ImportUploadForm,
    MappingForm,
    MediationForm,
    MergeForm,
    Number12315Form,
    PauseForm,
    RefuseForm,
    RuleForm,
    SplitForm,
    TerminateForm,
    TextForm,
)
from .models import Case, CaseAttachment, CaseKind, CasePhoto, TimeLimitRule
from .queries import (
    CaseFilters,
    case_list,
    clocks_of,
    deadlines_prefetch,
    earlier_reports,
    handler_choices,
    lacking_12315,
    visible_cases,
)

IMPORT_SESSION_KEY = "cases_12315_import_file"


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
        lacking_12315=bool(data.get("lacking_12315")),
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
        {
            "form": form,
            "page": page,
            "rows": rows,
            "today": today,
            "warn": clock.warn_days(),
            "lacking_12315": lacking_12315(visible_cases(request.user)).count(),
        },
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
                case.number_12315,
                case.get_kind_display(),
                chinese_date(case.received_on),
                case.subject,
                case.business_name,
                case.masked_name,
                case.masked_mobile,
                case.masked_id_number,
                case.status_text,
                case.handler.display_name if case.handler else "",
                "；".join(f"{c.milestone} {c.text}（{c.due_text}）" for c in clocks),
            ]
        )
    headers = [
        "受理编号", "12315工单号", "类型", "收到日期", "产品或服务", "经营者", "联系人",
        "手机号", "身份证号", "状态", "承办人", "办理时限",
    ]  # fmt: skip
    content = write_table(
        headers,
        rows,
        title="咨询投诉举报",
        widths=[18, 22, 10, 16, 24, 24, 10, 15, 22, 18, 10, 40],
        notes=[
            "个人信息已脱敏。完整联系方式只能由承办人员在系统中查看，且每次查看均记入审计日志。"
        ],
    )
    return xlsx_response(content, f"咨询投诉举报_{today:%Y%m%d}.xlsx")


def _case(request, pk: int) -> Case:
    return get_object_or_404(
        visible_cases(request.user)
        .select_related("org_unit", "handler", "related")
        .prefetch_related(deadlines_prefetch()),
        pk=pk,
    )


# Actions: each a form and the service it calls -------------------------------------------


def _deadline(case: Case, data: dict):
    for deadline in case.all_deadlines:
        if deadline.pk == data["deadline"]:
            return deadline
    raise ValidationError(_("该件没有这个期限。"))


@dataclass(frozen=True)
class Action:
    form: Callable  # (case, data or None, request, prefix) → an unbound or bound form
    run: Callable  # (case, user, cleaned data)
    done: str
    button: str
    title: str = ""
    style: str = "secondary"  # the button's class: "", "secondary" or "danger"


def _text(label, required=True):
    return lambda case, data, request, prefix: TextForm(
        data, label=label, required=required, prefix=prefix
    )


def _plain(form_class):
    return lambda case, data, request, prefix: form_class(data, prefix=prefix)


ACTIONS: dict[str, Action] = {
    "number_12315": Action(
        lambda case, data, request, prefix: Number12315Form(
            data, prefix=prefix, initial={"number": case.number_12315}
        ),
        lambda case, user, d: services.record_12315_number(case, user, d["number"]),
        gettext_lazy("12315工单号已登记。"),
        button=gettext_lazy("登记工单号"),
        title=gettext_lazy("全国12315平台工单号"),
    ),
    "accept": Action(
        _text(gettext_lazy("受理意见"), required=False),
        lambda case, user, d: services.accept_case(case, user, d["text"]),
        gettext_lazy("已受理。"),
        button=gettext_lazy("受理"),
        style="",
    ),
    "refuse": Action(
        lambda case, data, request, prefix: RefuseForm(data, case=case, prefix=prefix),
        lambda case, user, d: services.refuse_case(
            case, user, d["text"], ground=d.get("ground", "")
        ),
        gettext_lazy("已不予受理。"),
        button=gettext_lazy("不予受理"),
        style="danger",
    ),
    "mediate": Action(
        _plain(MediationForm),
        lambda case, user, d: services.start_mediation(
            case, user, method=d["method"], entrusted_to=d["entrusted_to"], consent=d["consent"]
        ),
        gettext_lazy("已开始调解。"),
        button=gettext_lazy("开始调解"),
        title=gettext_lazy("组织调解"),
        style="",
    ),
    "agreement": Action(
        _plain(AgreementForm),
        lambda case, user, d: services.record_agreement(case, user, form=d["form"], text=d["text"]),
        gettext_lazy("调解协议已记录，已办结。"),
        button=gettext_lazy("记录调解协议并办结"),
        title=gettext_lazy("达成调解协议"),
        style="",
    ),
    "terminate": Action(
        _plain(TerminateForm),
        lambda case, user, d: services.terminate_mediation(
            case, user, ground=d["ground"], text=d["text"]
        ),
        gettext_lazy("已终止调解。请在 7 个工作日内告知投诉人和被投诉人。"),
        button=gettext_lazy("终止调解"),
        title=gettext_lazy("终止调解"),
        style="danger",
    ),
    "tell": Action(
        _text(gettext_lazy("告知方式（选填）"), required=False),
        lambda case, user, d: services.tell_parties(case, user, d["text"]),
        gettext_lazy("已记录告知，已办结。"),
        button=gettext_lazy("已告知双方，办结"),
        title=gettext_lazy("告知投诉人和被投诉人（第二十三条）"),
        style="",
    ),
    "note": Action(
        _text(gettext_lazy("办理记录（内部）")),
        lambda case, user, d: services.add_note(case, user, d["text"]),
        gettext_lazy("办理记录已保存。"),
        button=gettext_lazy("保存办理记录"),
    ),
    "reply": Action(
        _text(gettext_lazy("答复（投诉人可见）")),
        lambda case, user, d: services.reply_case(case, user, d["text"]),
        gettext_lazy("答复已发送。"),
        button=gettext_lazy("发送答复"),
    ),
    "close": Action(
        _text(gettext_lazy("处理结果（投诉人可见）")),
        lambda case, user, d: services.close_case(case, user, d["text"]),
        gettext_lazy("已办结。"),
        button=gettext_lazy("办结"),
        style="",
    ),
    "split": Action(
        _plain(SplitForm),
        lambda case, user, d: services.split_case(case, user, d["text"]),
        gettext_lazy("已另立一件分别处理。"),
        button=gettext_lazy("另立一件"),
        title=gettext_lazy("分别处理（第九条）：材料中同时有投诉和举报的，另立一件"),
    ),
    "merge": Action(
        lambda case, data, request, prefix: MergeForm(
            data, reports=earlier_reports(case, request.user), prefix=prefix
        ),
        lambda case, user, d: services.merge_report(
            case, user, d["into"], new_facts=d["new_facts"]
        ),
        gettext_lazy("已按第三十五条处理。"),
        button=gettext_lazy("按第三十五条处理"),
        title=gettext_lazy("重复举报（第三十五条）"),
    ),
    "pause": Action(
        lambda case, data, request, prefix: PauseForm(
            data,
            prefix=prefix,
            initial={"on": clock.today()},
            reasons=pause_reasons(case, clock_action_deadline(case, "pause")),
        ),
        lambda case, user, d: services.pause_clock(
            _deadline(case, d), user, reason=d["reason"], note=d["note"], on=d["on"]
        ),
        gettext_lazy("已暂停计时。"),
        button=gettext_lazy("暂停计时"),
        title=gettext_lazy("暂停计时（检验、检测、鉴定或回避申请期间不计入）"),
    ),
    "resume": Action(
        lambda case, data, request, prefix: DeadlineForm(
            data, prefix=prefix, initial={"on": clock.today()}
        ),
        lambda case, user, d: services.resume_clock(_deadline(case, d), user, on=d["on"]),
        gettext_lazy("已恢复计时。"),
        button=gettext_lazy("恢复计时"),
        title=gettext_lazy("恢复计时"),
        style="",
    ),
    "extend": Action(
        _plain(ExtendForm),
        lambda case, user, d: services.extend_deadline(
            _deadline(case, d), user, approver=d["approver"], reason=d["reason"]
        ),
        gettext_lazy("期限已延长。"),
        button=gettext_lazy("延长期限"),
        title=gettext_lazy("延长期限（须经负责人批准，限一次）"),
    ),
}


def available_actions(case: Case, request) -> list[str]:
    """The actions the case's page offers now, in the order they are shown."""
    names = []
    if case.kind in (CaseKind.COMPLAINT, CaseKind.REPORT):
        names.append("number_12315")
    if not case.is_open:
        return names
    complaint = case.kind == CaseKind.COMPLAINT
    if case.status == Case.Status.RECEIVED:
        names += ["accept", "refuse"]
        if case.kind == CaseKind.CONSULTATION:
            names.append("close")
    elif case.status == Case.Status.ACCEPTED:
        names += ["mediate", "terminate"] if complaint else ["close"]
    elif case.status == Case.Status.MEDIATING:
        names += ["agreement", "terminate"]
    elif case.status == Case.Status.TERMINATED:
        names.append("tell")
    names += [name for name in CLOCK_ACTIONS if clock_action_deadline(case, name)]
    names += ["reply", "note"]
    if case.kind in (CaseKind.COMPLAINT, CaseKind.REPORT):
        names.append("split")
    if case.kind == CaseKind.REPORT and earlier_reports(case, request.user).exists():
        names.append("merge")
    return names


def _action_form(case: Case, request, name: str, data=None):
    form = ACTIONS[name].form(case, data, request, name)
    if name in CLOCK_ACTIONS and data is None:
        form.initial["deadline"] = clock_action_deadline(case, name).pk
    return form


CLOCK_ACTIONS = ("pause", "resume", "extend")


def pause_reasons(case: Case, deadline) -> list[str]:
    """Why this limit may stop: the reasons whose rule covers its kind and step."""
    if deadline is None:
        return []
    return [r for r, steps in legal.PAUSABLE.items() if (case.kind, deadline.milestone) in steps]


def clock_action_deadline(case: Case, name: str):
    """The running limit a pause, resume or extension would act on, or None: one that may
    pause and is not paused, the paused one, one whose rule allows an unused extension."""
    for deadline in case.all_deadlines:
        if not deadline.running:
            continue
        if name == "pause" and not deadline.paused and pause_reasons(case, deadline):
            return deadline
        if name == "resume" and deadline.paused:
            return deadline
        if name == "extend" and deadline.extension_days and not deadline.extended:
            return deadline
    return None


# A report is opened (立案) or not, where a complaint is accepted or not.
REPORT_BUTTONS = {"accept": gettext_lazy("立案"), "refuse": gettext_lazy("不予立案")}


def _detail(request, case: Case, *, contact=None, bound=None, status=200):
    today = clock.today()
    panels = []
    for name in available_actions(case, request):
        form = bound[1] if bound and bound[0] == name else _action_form(case, request, name)
        action = ACTIONS[name]
        button = action.button
        if case.kind == CaseKind.REPORT:
            button = REPORT_BUTTONS.get(name, button)
        panels.append({"name": name, "form": form, "action": action, "button": button})
    context = {
        "case": case,
        "clocks": clocks_of(case, today),
        "deadlines": sorted(case.all_deadlines, key=lambda d: d.pk),
        "steps": case.steps.select_related("actor"),
        "photos": case.photos.all(),
        "attachments": case.attachments.all(),
        "contact": contact,
        "assign_form": (
            bound[1]
            if bound and bound[0] == "assign"
            else AssignForm(
                handlers=handler_choices(case.org_unit), initial={"handler": case.handler}
            )
        ),
        "panels": panels,
        "documents": documents.available(case),
        "refusal_ground": (legal.refusal_text(case.refusal_ground) if case.refusal_ground else ""),
        "termination_ground": (
            legal.termination_text(case.termination_ground) if case.termination_ground else ""
        ),
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
        return _detail(request, case, bound=("assign", form), status=400)
    if action not in ACTIONS:
        raise Http404
    form = _action_form(case, request, action, request.POST)
    if form.is_valid():
        try:
            ACTIONS[action].run(case, request.user, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, ACTIONS[action].done)
            return redirect("cases:detail", pk=case.pk)
    return _detail(request, case, bound=(action, form), status=400)


@login_required
@require_POST
def case_document(request, pk: int, name: str):
    """One of the order's 文书 for this case, as .docx (audited: it carries contact details)."""
    case = _case(request, pk)
    try:
        filename, content = services.print_document(case, request.user, name)
    except ValidationError as error:
        raise Http404(error.messages[0]) from error
    return docx_response(content, filename)


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


# The 12315 import ---------------------------------------------------------------------------


@login_required
def import_12315(request):
    """Upload a 12315 export → preview: the columns matched to ours (changeable) and each row's
    problems → confirm → every new case created at once."""
    _require_case_staff(request.user)
    units = scope_of(request.user).units("case.handle").order_by("path")
    pending = PendingUpload(request, IMPORT_SESSION_KEY, "imports/cases")
    step = request.POST.get("step") if request.method == "POST" else None
    upload = ImportUploadForm(
        request.POST if step == "upload" else None,
        request.FILES if step == "upload" else None,
        units=units,
    )
    context = {"upload": upload, "preview": None, "mapping_form": None}
    if step == "upload" and upload.is_valid():
        data = upload.cleaned_data["file"].read()
        context.update(_preview(request, data, upload.cleaned_data, units))
        if context["preview"] is not None:
            pending.keep(data)
    elif step == "map":
        data = pending.read()
        if data is None:
            messages.error(request, _("上传的文件已过期，请重新上传。"))
            return redirect("cases:import_12315")
        context.update(_preview(request, data, request.POST, units))
        preview = context["preview"]
        if "confirm" in request.POST and preview is not None and not preview.has_problems:
            unit = context["settings"]["org_unit"]
            try:
                created = services.import_cases(preview.to_import(), request.user, unit)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                pending.discard()
                messages.success(
                    request,
                    _("已导入 %(n)d 件；已导入过的 %(u)d 件未作改动。")
                    % {"n": len(created), "u": preview.counts["unchanged"]},
                )
                return redirect("cases:list")
    return render(request, "cases/import_12315.html", context)


def _preview(request, data: bytes, chosen, units) -> dict:
    """The preview of ``data``: at upload (``chosen`` the upload form's cleaned data) with the
    columns matched by name; after (``chosen`` the posted mapping form) with the person's
    matches."""
    try:
        headers = import12315.file_headers(data)
    except XlsxError as error:
        messages.error(request, error.message)
        return {"preview": None}
    if "file" in chosen:  # the upload
        settings, mapping = chosen, None
    else:
        form = MappingForm(chosen, units=units, headers=headers)
        if not form.is_valid():
            messages.error(request, _("所选的处理单位或列不正确，请重新选择。"))
            return {"preview": None, "mapping_form": form}
        settings, mapping = form.cleaned_data, form.mapping()
    try:
        preview = import12315.preview(data, mapping, settings["default_kind"])
    except XlsxError as error:
        messages.error(request, error.message)
        return {"preview": None}
    initial = {
        "org_unit": settings["org_unit"],
        "default_kind": settings["default_kind"],
        **{f"map_{key}": column for key, column in preview.mapping.items()},
    }
    form = MappingForm(initial=initial, units=units, headers=preview.headers)
    return {"preview": preview, "mapping_form": form, "settings": settings}


# Rules --------------------------------------------------------------------------------------


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

"""Organisation tree pages for campaign admins: the tree, search, a unit's page, its form, and the
.xlsx template, export and import. Views read input and call ``services``; every page asks the
user's scope, and a unit outside it is "not found"."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from qualitymonth.accounts.scope import scope_of
from qualitymonth.core.downloads import xlsx_response
from qualitymonth.core.feedback import show_errors
from qualitymonth.core.privacy import mask_phone
from qualitymonth.core.tasks import read_progress

from . import services
from .forms import OrgUnitForm, UnitImportForm
from .importing import FIELD_LABELS, UPDATABLE
from .models import OrgUnit, UnitImport
from .queries import (
    ancestors_within,
    children_of,
    managed_roots,
    managed_units,
    search_units,
    unit_tree,
)
from .workbooks import template_workbook, units_workbook

# What the import page shows of a large file; the counts always cover every row.
PREVIEW_LIMIT = 300


def _managed(request):
    units = managed_units(request.user)
    if not units.exists():
        raise PermissionDenied(_("只有区级管理员可以管理组织机构。"))
    return units


def get_unit(request, pk: int) -> OrgUnit:
    """A unit the user manages; any other id is "not found", never "forbidden"."""
    return get_object_or_404(_managed(request), pk=pk)


def get_import(request, pk: int) -> UnitImport:
    _managed(request)
    unit_import = get_object_or_404(UnitImport.objects.select_related("org_unit"), pk=pk)
    if not scope_of(request.user).can("org.manage", unit_import.org_unit):
        raise Http404
    return services.give_up_if_stale(unit_import)


@login_required
def tree(request):
    """The tree folded below the top units, or, with ?q=, the matching units as a list."""
    units = _managed(request)
    query = request.GET.get("q", "").strip()
    context = {"query": query}
    if query:
        context["results"], context["result_count"] = search_units(request.user, query)
    else:
        context["roots"] = unit_tree(units)
        context["unit_count"] = sum(1 + root.size for root in context["roots"])
    return render(request, "orgs/tree.html", context)


@login_required
def unit_detail(request, pk: int):
    unit = get_unit(request, pk)
    children = children_of(unit)
    return render(
        request,
        "orgs/unit_detail.html",
        {
            "unit": unit,
            "ancestors": ancestors_within(unit, request.user),
            "children": children,
            "descendant_count": unit.descendants(include_self=False).count(),
        },
    )


@login_required
def unit_new(request):
    units = _managed(request)
    parent_id = request.GET.get("parent", "")
    if not parent_id.isdigit():
        parent_id = managed_roots(request.user).values_list("pk", flat=True).first()
    initial = {"parent": parent_id}
    form = OrgUnitForm(request.POST or None, initial=initial, units=units)
    if request.method == "POST" and form.is_valid():
        fields = {
            name: form.cleaned_data[name] for name in services.UNIT_FIELDS if name in form.fields
        }
        try:
            unit = services.create_unit(form.cleaned_data["parent"], request.user, **fields)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("已新增单位“%(name)s”。") % {"name": unit.name})
            return redirect("orgs:unit", pk=unit.pk)
    return render(request, "orgs/unit_form.html", {"form": form, "unit": None})


@login_required
def unit_edit(request, pk: int):
    units = _managed(request)
    unit = get_object_or_404(units, pk=pk)
    form = OrgUnitForm(request.POST or None, instance=unit, units=units)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        # The ModelForm copied the values onto the instance; reload so the service records a
        # true before/after and moves the unit from where it really is.
        unit = OrgUnit.objects.get(pk=unit.pk)
        try:
            services.update_unit(unit, request.user, **changes)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("单位信息已保存。"))
            return redirect("orgs:unit", pk=unit.pk)
    return render(request, "orgs/unit_form.html", {"form": form, "unit": unit})


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


# Workbooks -------------------------------------------------------------------------------------


@login_required
def template_download(request):
    _managed(request)
    return xlsx_response(template_workbook(), "单位导入模板.xlsx")


@login_required
def export(request):
    units = list(_managed(request))
    ids = {unit.pk for unit in units}
    outer = OrgUnit.objects.filter(
        pk__in={unit.parent_id for unit in units if unit.parent_id not in ids}
    )
    filename = f"组织机构_{timezone.localdate():%Y%m%d}.xlsx"
    return xlsx_response(units_workbook(units, list(outer)), filename)


@login_required
def import_upload(request):
    _managed(request)
    roots = managed_roots(request.user)
    form = UnitImportForm(request.POST or None, request.FILES or None, org_units=roots)
    if request.method == "POST" and form.is_valid():
        unit_import = services.start_unit_import(
            form.cleaned_data["org_unit"],
            request.user,
            upload=form.cleaned_data["file"],
            rows=form.rows,
        )
        return redirect("orgs:import_detail", pk=unit_import.pk)
    recent = UnitImport.objects.filter(org_unit__in=roots).select_related("uploaded_by")[:10]
    return render(request, "orgs/import_upload.html", {"form": form, "recent": recent})


@login_required
def import_detail(request, pk: int):
    """Progress while checking or importing; then the preview, or the result."""
    unit_import = get_import(request, pk)
    rows = unit_import.rows
    problem_rows = [row for row in rows if row.get("problems")]
    change_rows = [
        _display(row)
        for row in rows
        if not row.get("problems") and row.get("action") in {"create", "update"}
    ][:PREVIEW_LIMIT]
    form = None
    if unit_import.status in {UnitImport.Status.READY, UnitImport.Status.FAILED}:
        form = UnitImportForm(org_units=managed_roots(request.user))
    return render(
        request,
        "orgs/import_detail.html",
        {
            "unit_import": unit_import,
            "progress": _progress(unit_import),
            "problem_rows": problem_rows[:PREVIEW_LIMIT],
            "change_rows": change_rows,
            "hidden_problem_rows": max(len(problem_rows) - PREVIEW_LIMIT, 0),
            "hidden_change_rows": max(unit_import.change_count - PREVIEW_LIMIT, 0),
            "form": form,
        },
    )


_ACTION_LABELS = {"create": _lazy("新增"), "update": _lazy("更新"), "unchanged": _lazy("不变")}


def _display(row: dict) -> dict:
    """A preview row with its action and what it sets or changes, as the admin reads them."""
    kinds = dict(OrgUnit.Kind.choices)

    def shown(name: str, value: str) -> str:
        if name == "kind":
            return str(kinds.get(value, value))
        if name == "contact_phone":
            return mask_phone(value)
        return value

    if row["action"] == "update":
        changes = [
            (FIELD_LABELS[name], shown(name, old), shown(name, new))
            for name, (old, new) in row["changes"].items()
        ]
    else:
        changes = [
            (FIELD_LABELS[name], "", shown(name, row[name])) for name in UPDATABLE if row.get(name)
        ]
    return {**row, "action_label": _ACTION_LABELS[row["action"]], "change_list": changes}


@login_required
def import_progress(request, pk: int):
    """The polled progress bar; once the work is done, the page reloads to show the outcome."""
    unit_import = get_import(request, pk)
    if not unit_import.is_running:
        return HttpResponseClientRefresh()
    return render(
        request,
        "orgs/_import_progress.html",
        {"unit_import": unit_import, "progress": _progress(unit_import)},
    )


def _progress(unit_import: UnitImport) -> dict:
    progress = read_progress(services.progress_key(unit_import)) or {}
    total = progress.get("total") or unit_import.total_rows
    return {
        "processed": progress.get("processed", 0),
        "total": total,
        "phase": progress.get("phase") or unit_import.status,
    }


@login_required
@require_POST
def import_confirm(request, pk: int):
    unit_import = get_import(request, pk)
    try:
        services.confirm_unit_import(unit_import, request.user)
    except ValidationError as error:
        show_errors(request, error)
    return redirect("orgs:import_detail", pk=unit_import.pk)

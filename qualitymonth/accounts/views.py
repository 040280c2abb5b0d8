"""People pages of campaign admins, and a person's own password."""

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qualitymonth.core.downloads import xlsx_response
from qualitymonth.core.feedback import show_errors
from qualitymonth.core.uploads import PendingUpload
from qualitymonth.core.xlsx import XlsxError

from . import people_import, services
from .forms import PeopleFilterForm, PersonForm, RoleFields, UploadForm
from .queries import people_in_scope
from .scope import scope_of

IMPORT_SESSION_KEY = "people_import_file"


def _admin_units(request):
    units = scope_of(request.user).units("people.manage")
    if not units.exists():
        raise PermissionDenied(_("只有区级管理员可以管理人员。"))
    return units


def _person(request, pk: int):
    """A person the admin manages; anyone else is "not found"."""
    _admin_units(request)
    person = get_object_or_404(people_in_scope(request.user), pk=pk)
    if not services.can_manage(request.user, person):
        raise PermissionDenied(_("此人在您管理范围以外的单位也有角色，请由上级管理员管理。"))
    return person


@login_required
def people_list(request):
    units = _admin_units(request)
    filters = PeopleFilterForm(request.GET or None, units=units)
    criteria = filters.cleaned_data if filters.is_valid() else {}
    people = people_in_scope(
        request.user,
        q=criteria.get("q", ""),
        org_unit=criteria.get("org_unit"),
        role=criteria.get("role", ""),
    )
    page = Paginator(people, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/people_list.html", {"filters": filters, "page": page})


@login_required
def person_new(request):
    units = _admin_units(request)
    form = PersonForm(request.POST or None)
    role_form = RoleFields(request.POST or None, units=units, prefix="role")
    if request.method == "POST" and form.is_valid() and role_form.is_valid():
        try:
            person, password = services.create_person(
                request.user,
                username=form.cleaned_data["username"],
                full_name=form.cleaned_data["full_name"],
                phone=form.cleaned_data["phone"],
                email=form.cleaned_data["email"],
                org_unit=role_form.cleaned_data["org_unit"],
                role=role_form.cleaned_data["role"],
                duties=role_form.cleaned_data["duties"],
                covers_sub_units=role_form.cleaned_data["covers_sub_units"],
            )
        except ValidationError as error:
            show_errors(request, error, form)
        else:
            return render(
                request,
                "accounts/password_issued.html",
                {"people": [(person, password)], "title": _("已创建账号")},
            )
    return render(request, "accounts/person_new.html", {"form": form, "role_form": role_form})


@login_required
def person_detail(request, pk: int):
    person = _person(request, pk)
    units = _admin_units(request)
    form = PersonForm(request.POST or None, instance=person)
    role_form = RoleFields(units=units, prefix="role")
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        person.refresh_from_db()
        try:
            services.update_person(person, request.user, **changes)
        except ValidationError as error:
            show_errors(request, error, form)
        else:
            messages.success(request, _("已保存。"))
            return redirect("accounts:person", pk=person.pk)
    return render(
        request,
        "accounts/person_detail.html",
        {
            "person": person,
            "form": form,
            "role_form": role_form,
            "memberships": person.memberships.select_related("org_unit"),
        },
    )


@login_required
@require_POST
def person_action(request, pk: int):
    person = _person(request, pk)
    action = request.POST.get("action")
    try:
        if action == "reset_password":
            password = services.reset_password(person, request.user)
            return render(
                request,
                "accounts/password_issued.html",
                {"people": [(person, password)], "title": _("已重置密码")},
            )
        if action in {"deactivate", "activate"}:
            services.set_active(person, request.user, action == "activate")
            messages.success(
                request, _("账号已停用。") if action == "deactivate" else _("账号已启用。")
            )
        elif action == "add_role":
            role_form = RoleFields(request.POST, units=_admin_units(request), prefix="role")
            if not role_form.is_valid():
                raise ValidationError(_("请选择单位和角色。"))
            services.add_membership(person, request.user, **role_form.cleaned_data)
            messages.success(request, _("已添加角色。"))
        elif action == "remove_role":
            membership = get_object_or_404(person.memberships, pk=request.POST.get("membership"))
            services.remove_membership(membership, request.user)
            messages.success(request, _("已移除角色。"))
    except ValidationError as error:
        show_errors(request, error)
    return redirect("accounts:person", pk=person.pk)


@login_required
def people_template(request):
    _admin_units(request)
    return xlsx_response(people_import.template_workbook(), "人员导入模板.xlsx")


@login_required
def people_import_view(request):
    """Upload → preview with each row's problems → confirm → everyone created at once."""
    _admin_units(request)
    form = UploadForm(request.POST or None, request.FILES or None)
    pending = PendingUpload(request, IMPORT_SESSION_KEY, "imports/people")
    rows = None
    if request.method == "POST" and "confirm" in request.POST:
        data = pending.read()
        if data is None:
            messages.error(request, _("上传的文件已过期，请重新上传。"))
            return redirect("accounts:people_import")
        rows = _check(request, data)
        if rows is not None:
            try:
                created = people_import.apply_rows(rows, request.user)
            except ValidationError as error:
                show_errors(request, error)
            else:
                pending.discard()
                return render(
                    request,
                    "accounts/password_issued.html",
                    {"people": created, "title": _("导入完成"), "imported": len(rows)},
                )
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"].read()
        rows = _check(request, data)
        if rows is not None:
            pending.keep(data)
    return render(
        request,
        "accounts/people_import.html",
        {
            "form": form,
            "rows": rows,
            "has_problems": bool(rows) and any(r.problems for r in rows),
            "counts": _counts(rows or []),
        },
    )


def _check(request, data: bytes):
    try:
        return people_import.read_file(data, request.user)
    except XlsxError as error:
        messages.error(request, error.message)
        return None


def _counts(rows) -> dict:
    counts = {"create": 0, "add_role": 0, "unchanged": 0, "problems": 0}
    for row in rows:
        counts["problems" if row.problems else row.action] += 1
    return counts


class PasswordChangeView(auth_views.PasswordChangeView):
    """A person sets their own password; the temporary one from an admin stops working."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(self.request.user)
        update_session_auth_hash(self.request, self.request.user)
        messages.success(self.request, _("密码已修改。"))
        return response

"""The audit log pages: a filtered, paginated list and its .xlsx export. Read-only by design:
there is no view that changes or removes an entry."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from qualitymonth.core.downloads import xlsx_response
from qualitymonth.core.xlsx import write_table

from . import display
from .forms import AuditFilterForm
from .queries import can_view_audit, filter_choices, filter_entries, visible_entries

PAGE_SIZE = 50
EXPORT_LIMIT = 50_000
EXPORT_HEADERS = ["操作时间", "操作人", "操作", "对象类型", "对象", "对象编号", "修改内容", "说明"]
EXPORT_WIDTHS = [20, 14, 22, 14, 36, 10, 70, 30]


def _entries_and_form(request):
    """The user's entries under the request's filters; people without "audit.view" get 403."""
    if not can_view_audit(request.user):
        raise PermissionDenied(_("您没有权限查看审计日志。"))
    entries = visible_entries(request.user)
    form = AuditFilterForm(request.GET or None, choices=filter_choices(entries))
    return filter_entries(entries, form.filters()), form


@login_required
@require_safe
def entry_list(request):
    entries, form = _entries_and_form(request)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "entry": entry,
            "action": display.action_label(entry.action),
            "target_type": display.target_type_label(entry.target_type),
            "changes": display.changes(entry),
            "detail": display.detail_text(entry),
        }
        for entry in page
    ]
    return render(
        request,
        "audit/entry_list.html",
        {"form": form, "page": page, "rows": rows, "export_limit": EXPORT_LIMIT},
    )


@login_required
@require_safe
def export(request):
    """The filtered list as a workbook, times in the local time zone (Asia/Shanghai)."""
    entries, _form = _entries_and_form(request)
    total = entries.count()
    if total > EXPORT_LIMIT:
        messages.error(
            request,
            _("筛选结果共 %(total)s 条，超过单次导出上限 %(limit)s 条，请缩小日期范围后再导出。")
            % {"total": total, "limit": EXPORT_LIMIT},
        )
        return redirect(reverse("audit:list") + f"?{request.GET.urlencode()}")
    rows = (
        [
            # Excel and WPS have no time zones: the local wall-clock time, without a zone.
            timezone.localtime(entry.created_at).replace(tzinfo=None, microsecond=0),
            entry.actor_name,
            display.action_label(entry.action),
            display.target_type_label(entry.target_type),
            entry.target_repr,
            entry.target_id,
            display.changes_text(entry),
            display.detail_text(entry),
        ]
        for entry in entries.iterator(chunk_size=2000)
    )
    data = write_table(EXPORT_HEADERS, rows, title="审计日志", widths=EXPORT_WIDTHS)
    return xlsx_response(data, f"审计日志-{timezone.localtime():%Y%m%d-%H%M}.xlsx")

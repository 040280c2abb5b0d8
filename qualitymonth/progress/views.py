"""The 通报 of a campaign: who has sent what, ranked; its .xlsx; a unit's reports; reminders.

Campaign admins and reviewers of the campaign's organisation see these pages; anyone else who
can see the campaign is refused, and a campaign the user cannot see is "not found".
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qualitymonth.accounts.scope import scope_of
from qualitymonth.campaigns.models import Campaign
from qualitymonth.campaigns.views import get_campaign
from qualitymonth.core.chinese import chinese_date
from qualitymonth.core.downloads import xlsx_response
from qualitymonth.core.feedback import show_errors
from qualitymonth.core.xlsx import write_table
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.reports.models import Report

from . import services
from .completeness import DRAFT, MISSING, Completeness, SummaryState
from .forms import ProgressFilterForm, ReminderRuleForm
from .models import ReminderRule
from .queries import (
    campaign_completeness,
    recent_reminders,
    report_due_date,
    summary_due_date,
    unit_kinds,
    unit_reports,
)


def _campaign(request, pk: int) -> Campaign:
    campaign = get_campaign(request, pk)
    if not scope_of(request.user).can("report.review", campaign.org_unit):
        raise PermissionDenied(_("只有区级管理员和审核员可以查看报送进度通报。"))
    # The report and summary due dates both read the deadlines: one query.
    prefetch_related_objects([campaign], "deadlines")
    return campaign


def summary_label(state: SummaryState) -> str:
    """未报, 草稿未提交, 待审核, 已退回, 已采用; "（逾期）" after a late one."""
    if state.status == MISSING:
        label = _("未报")
    elif state.status == DRAFT:
        label = _("草稿未提交")
    else:
        label = str(Report.Status(state.status).label)
    return label + _("（逾期）") if state.late else label


CELL_LABELS = {"on_time": "按时", "late": "逾期", MISSING: "未报"}


@login_required
def board(request, pk: int):
    campaign = _campaign(request, pk)
    filters = ProgressFilterForm(request.GET or None, kinds=unit_kinds(campaign))
    progress = campaign_completeness(campaign, unit_kind=filters.unit_kind)
    can_admin = scope_of(request.user).can("campaign.admin", campaign.org_unit)
    rule = ReminderRule.objects.filter(campaign=campaign).first()
    return render(
        request,
        "progress/board.html",
        _board_context(campaign, progress, filters)
        | {
            "can_admin": can_admin,
            "rule": rule,
            "rule_form": ReminderRuleForm(instance=rule) if can_admin else None,
            "reminders": recent_reminders(campaign) if can_admin else [],
        },
    )


def _board_context(campaign: Campaign, progress: Completeness, filters) -> dict:
    unit_names = {p.unit_id: p.unit.name for p in progress.units}
    for unit in progress.units:
        unit.summary_label = summary_label(unit.summary)
    for item in progress.items:
        item.missing_names = [unit_names[unit_id] for unit_id in item.missing_unit_ids]
    return {
        "campaign": campaign,
        "progress": progress,
        "filters": filters,
        "query": filters.data.urlencode() if filters.is_bound else "",
        "report_due": report_due_date(campaign),
        "summary_due": summary_due_date(campaign),
        "today": timezone.localdate(),
    }


EXPORT_HEADERS = [
    "排名",
    "单位",
    "单位类型",
    "应报事项",
    "已报",
    "已采用",
    "按时",
    "逾期",
    "未报",
    "完成率",
    "按时率",
    "报送篇数",
    "书面小结状态",
]
EXPORT_WIDTHS = [8, 30, 12, 10, 8, 8, 8, 8, 8, 10, 10, 10, 16]


@login_required
def export(request, pk: int):
    """The ranking as a workbook with Chinese headers, the same filter as the page."""
    campaign = _campaign(request, pk)
    filters = ProgressFilterForm(request.GET or None, kinds=unit_kinds(campaign))
    progress = campaign_completeness(campaign, unit_kind=filters.unit_kind)
    rows = [
        [
            p.rank,
            p.unit.name,
            p.unit.get_kind_display(),
            p.reports.expected,
            p.reports.sent,
            p.reports.accepted,
            p.reports.on_time,
            p.reports.late,
            p.reports.missing,
            p.reports.completion_percent,
            p.reports.on_time_percent,
            p.report_count,
            summary_label(p.summary),
        ]
        for p in progress.units
    ]
    today = timezone.localdate()
    kind = filters.kind_label()
    notes = [
        f"{campaign.name}报送进度通报{f'（{kind}）' if kind else ''}",
        f"统计时间：{timezone.localtime():%Y-%m-%d %H:%M}",
        f"信息报送截止日期：{chinese_date(report_due_date(campaign)) or '未设置'}",
        f"书面小结截止日期：{chinese_date(summary_due_date(campaign)) or '未设置'}",
        "应报事项：单位承担（牵头或参与）的事项数，每个事项至少报送一篇信息。",
        "已报：已提交的事项数（待审核、已采用、退回修改中的都算已报，草稿不算）；"
        "按时 + 逾期 = 已报，已报 + 未报 = 应报事项。",
        "已采用：至少有一篇信息被采用的事项数。报送篇数：已提交的信息篇数。",
        "排名：按完成率、按时率、已采用事项数从高到低；相同的并列，按单位名称拼音排列。",
    ]
    content = write_table(
        EXPORT_HEADERS, rows, title="报送进度通报", widths=EXPORT_WIDTHS, notes=notes
    )
    suffix = f"（{kind}）" if kind else ""
    return xlsx_response(content, f"{campaign.name}报送进度通报{suffix}_{today:%Y%m%d}.xlsx")


@login_required
def unit_detail(request, pk: int, unit_pk: int):
    """One unit's part in the campaign: its items with their state, its summary, its reports."""
    campaign = _campaign(request, pk)
    unit = get_object_or_404(OrgUnit, pk=unit_pk)
    progress = campaign_completeness(campaign, unit=unit)
    if not progress.units:
        raise Http404(_("这个单位没有承担本活动的事项。"))
    unit_progress = progress.units[0]
    items = {p.item_id: p.item for p in progress.items}
    cells = [
        {"item": items[cell.item_id], "cell": cell, "label": CELL_LABELS[cell.state]}
        for cell in unit_progress.cells
    ]
    return render(
        request,
        "progress/unit_detail.html",
        {
            "campaign": campaign,
            "unit": unit,
            "progress": unit_progress,
            "summary_label": summary_label(unit_progress.summary),
            "cells": cells,
            "reports": unit_reports(campaign, unit),
            "report_due": report_due_date(campaign),
            "summary_due": summary_due_date(campaign),
        },
    )


@login_required
@require_POST
def reminder_rule(request, pk: int):
    campaign = get_campaign(request, pk)
    scope_of(request.user).require("campaign.admin", campaign.org_unit)
    rule = ReminderRule.objects.filter(campaign=campaign).first()
    form = ReminderRuleForm(request.POST, instance=rule)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("progress:board", pk=campaign.pk)
    try:
        rule = services.set_reminder_rule(
            campaign,
            request.user,
            days_before=form.cleaned_data["days_before"],
            enabled=form.cleaned_data["enabled"],
        )
    except ValidationError as error:
        show_errors(request, error)
    else:
        if rule.enabled:
            messages.success(
                request,
                _("已保存：截止日期前 %(n)s 天起提醒未报单位的填报员。") % {"n": rule.days_before},
            )
        else:
            messages.success(request, _("已保存：催报提醒已关闭。"))
    return redirect("progress:board", pk=campaign.pk)

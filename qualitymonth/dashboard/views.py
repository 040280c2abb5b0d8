"""数据看板: a campaign's figures (for its admins and reviewers, and the city above), the city's
roll-up over its districts, the reports behind any figure, .xlsx of every table, and the
derived figures an admin defines.

A campaign or city the user cannot see is "not found"; one they see but may not analyse is
refused with a message.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qualitymonth.accounts.scope import scope_of
from qualitymonth.campaigns import services as campaign_services
from qualitymonth.campaigns.models import Campaign, Category, Formula, Item
from qualitymonth.campaigns.views import get_admin_campaign, get_campaign
from qualitymonth.core.downloads import xlsx_response
from qualitymonth.orgs.models import OrgUnit
from qualitymonth.progress.queries import campaign_completeness
from qualitymonth.reports.models import ReportValue

from . import charts
from .exports import CAMPAIGN_GROUPS, GROUP_TITLES, dashboard_workbook
from .forms import FormulaForm
from .queries import (
    PARTICIPANTS,
    Dashboard,
    Slice,
    build_dashboard,
    district_campaigns,
    district_choices,
)

CITY_GROUPS = ("district", "day")
DRILL_FILTERS = ("category", "item", "unit", "street", "district")


def _campaign(request, pk: int) -> Campaign:
    campaign = get_campaign(request, pk)
    if not scope_of(request.user).can("dashboard.view", campaign.org_unit):
        raise PermissionDenied(_("只有区级管理员、审核员和市级用户可以查看数据看板。"))
    return campaign


def _city(request, pk: int) -> OrgUnit:
    city = get_object_or_404(OrgUnit, pk=pk, kind=OrgUnit.Kind.CITY)
    if not scope_of(request.user).can("dashboard.view", city):
        raise Http404
    return city


def _link_rows(dashboard: Dashboard, base: str) -> None:
    """Give the total and every row of every table the address of the reports behind it."""
    dashboard.total.url = base
    for rows in dashboard.tables.values():
        for row in rows:
            row.url = _with_filters(base, row.filters)


def _with_filters(base: str, filters: dict) -> str:
    return f"{base}?{urlencode(filters)}" if filters else base


def _charts(dashboard: Dashboard, by: str) -> dict:
    """Bars of a group's accepted reports, the daily line and the share of each category."""
    trend = dashboard.tables.get("day", [])
    result = {
        "bars": charts.bars([(r.label, r.reports_accepted, r.url) for r in dashboard.tables[by]]),
        "trend": charts.line(
            [(r.key, r.reports_accepted, r.url) for r in trend],
            start=dashboard.start,
            end=dashboard.end,
        ),
    }
    if "category" in dashboard.tables:
        result["shares"] = charts.shares(
            [(r.label, r.reports_accepted, r.url) for r in dashboard.tables["category"]]
        )
        participants = [
            (r.label, r.value(PARTICIPANTS) or 0, r.url) for r in dashboard.tables["street"]
        ]
        result["street_bars"] = charts.bars(participants)
    return result


@login_required
def campaign_dashboard(request, pk: int):
    campaign = _campaign(request, pk)
    dashboard = build_dashboard([campaign], CAMPAIGN_GROUPS)
    _link_rows(dashboard, reverse("dashboard:drill", args=[campaign.pk]))
    progress = campaign_completeness(campaign)
    return render(
        request,
        "dashboard/campaign.html",
        {
            "campaign": campaign,
            "dashboard": dashboard,
            "progress": progress,
            "charts": _charts(dashboard, "unit"),
            "groups": [(g, GROUP_TITLES[g]) for g in CAMPAIGN_GROUPS if g != "day"],
            "can_admin": scope_of(request.user).can("campaign.admin", campaign.org_unit),
        },
    )


@login_required
def city_dashboard(request, pk: int, year: int):
    city = _city(request, pk)
    kind = request.GET.get("kind") or Campaign.Kind.QUALITY_MONTH
    choices = district_choices(city, year, kind)
    campaigns = [choice.counted for choice in choices]
    # The page draws the days as a line of report counts: their indicators are not needed.
    dashboard = build_dashboard(campaigns, CITY_GROUPS, counts_only=("day",))
    _link_rows(dashboard, reverse("dashboard:city_drill", args=[city.pk, year]))
    by_district = {c.org_unit_id: c for c in campaigns}
    for row in dashboard.tables["district"]:
        row.campaign = by_district.get(row.key)
    years = sorted(
        set(
            Campaign.objects.filter(
                org_unit__path__startswith=city.path, status=Campaign.Status.PUBLISHED
            ).values_list("year", flat=True)
        ),
        reverse=True,
    )
    districts = OrgUnit.objects.filter(parent=city, kind=OrgUnit.Kind.DISTRICT).order_by("pinyin")
    reported = set(by_district)  # one campaign per district: a district is never counted twice
    return render(
        request,
        "dashboard/city.html",
        {
            "city": city,
            "year": year,
            "years": years,
            "dashboard": dashboard,
            "charts": _charts(dashboard, "district"),
            "districts_reported": len(reported),
            "silent_districts": [d for d in districts if d.pk not in reported],
            "contested": [choice for choice in choices if choice.others],
            "kind_label": Campaign.Kind(kind).label if kind in Campaign.Kind.values else kind,
        },
    )


@login_required
def city_home(request):
    """The city office's way in: its city's dashboard of the latest year with campaigns."""
    scope = scope_of(request.user)
    cities = OrgUnit.objects.filter(kind=OrgUnit.Kind.CITY, pk__in=scope.units("dashboard.view"))
    city = cities.order_by("pk").first()
    if city is None:
        raise Http404
    latest = (
        Campaign.objects.filter(
            org_unit__path__startswith=city.path, status=Campaign.Status.PUBLISHED
        )
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    return redirect("dashboard:city", city.pk, latest or datetime.date.today().year)


# The reports behind a figure ----------------------------------------------------------------


def _slice_from(request, campaign_ids: tuple[int, ...]) -> Slice:
    """The narrowing a drill-down link carries; anything malformed is "not found"."""
    filters = {}
    try:
        for name in DRILL_FILTERS:
            if request.GET.get(name):
                filters[name] = int(request.GET[name])
        if request.GET.get("day"):
            filters["day"] = datetime.date.fromisoformat(request.GET["day"])
    except ValueError as error:
        raise Http404 from error
    if request.GET.get("indicator"):
        filters["indicator"] = request.GET["indicator"][:60]
    return Slice(campaign_ids, **filters)


def _crumbs(slice_: Slice, base: str) -> list[tuple[str, str]]:
    """What the figure is of, coarse to fine, each a link to its own reports."""
    labels = {
        "district": lambda pk: OrgUnit.objects.filter(pk=pk).values_list("name", flat=True),
        "category": lambda pk: [
            c.label + c.title
            for c in Category.objects.filter(pk=pk, campaign_id__in=slice_.campaign_ids)
        ],
        "item": lambda pk: [
            str(i) for i in Item.objects.filter(pk=pk, campaign_id__in=slice_.campaign_ids)
        ],
        "street": lambda pk: OrgUnit.objects.filter(pk=pk).values_list("name", flat=True),
        "unit": lambda pk: OrgUnit.objects.filter(pk=pk).values_list("name", flat=True),
        "day": lambda day: [f"{day.month}月{day.day}日"],
        "indicator": lambda name: [name],
    }
    crumbs, narrowing = [], {}
    for name in ("district", "category", "item", "street", "unit", "day", "indicator"):
        value = getattr(slice_, name)
        if value is None:
            continue
        label = next(iter(labels[name](value)), None)
        if label is None:
            raise Http404
        narrowing[name] = value
        crumbs.append((label, _with_filters(base, dict(narrowing))))
    return crumbs


def _drill(request, campaigns: list[Campaign], base: str, back: tuple[str, str]):
    campaign_ids = tuple(c.pk for c in campaigns)
    slice_ = _slice_from(request, campaign_ids)
    sub_group = "item" if slice_.item is None else "unit" if slice_.unit is None else None
    dashboard = build_dashboard(campaigns, (sub_group,) if sub_group else (), within=slice_)
    total = dashboard.total
    sub_rows = [r for r in dashboard.tables.get(sub_group, []) if r.reports_accepted]
    for row in sub_rows:
        row.url = _with_filters(base, slice_.filters | row.filters)
    reports = (
        slice_.reports()
        .select_related("item__category", "org_unit", "event")
        .prefetch_related(
            Prefetch("values", queryset=ReportValue.objects.select_related("indicator"))
        )
        .order_by("item__category__order", "item__order", "org_unit__pinyin", "id")
    )
    page = Paginator(reports, 50).get_page(request.GET.get("page"))
    for report in page:
        report.figures = {v.indicator.name: v.value for v in report.values.all()}
    return render(
        request,
        "dashboard/drill.html",
        {
            "dashboard": dashboard,
            "total": total,
            "crumbs": _crumbs(slice_, base),
            "back": back,
            "sub_group": sub_group,
            "sub_title": GROUP_TITLES.get(sub_group or "", ""),
            "sub_rows": sub_rows,
            "page": page,
            "query": urlencode(slice_.filters),
        },
    )


@login_required
def campaign_drill(request, pk: int):
    campaign = _campaign(request, pk)
    back = (campaign.name, reverse("dashboard:campaign", args=[campaign.pk]))
    return _drill(request, [campaign], reverse("dashboard:drill", args=[campaign.pk]), back)


@login_required
def city_drill(request, pk: int, year: int):
    city = _city(request, pk)
    campaigns = district_campaigns(
        city, year, request.GET.get("kind") or Campaign.Kind.QUALITY_MONTH
    )
    back = (f"{city.name}{year}年", reverse("dashboard:city", args=[city.pk, year]))
    return _drill(request, campaigns, reverse("dashboard:city_drill", args=[city.pk, year]), back)


# Workbooks ----------------------------------------------------------------------------------


@login_required
def campaign_export(request, pk: int, group: str):
    campaign = _campaign(request, pk)
    groups = CAMPAIGN_GROUPS if group == "all" else (group,)
    if not set(groups) <= set(CAMPAIGN_GROUPS):
        raise Http404
    dashboard = build_dashboard([campaign], groups)
    title = "统计附表" if group == "all" else GROUP_TITLES[group]
    return xlsx_response(dashboard_workbook(dashboard, groups), f"{campaign.name}{title}.xlsx")


@login_required
def city_export(request, pk: int, year: int, group: str):
    city = _city(request, pk)
    groups = CITY_GROUPS if group == "all" else (group,)
    if not set(groups) <= set(CITY_GROUPS):
        raise Http404
    dashboard = build_dashboard(district_campaigns(city, year, Campaign.Kind.QUALITY_MONTH), groups)
    title = "统计表" if group == "all" else GROUP_TITLES[group]
    return xlsx_response(
        dashboard_workbook(dashboard, groups), f"{city.name}{year}年质量月{title}.xlsx"
    )


# Derived figures ----------------------------------------------------------------------------


@login_required
def formulas(request, pk: int):
    campaign = get_admin_campaign(request, pk)
    form = FormulaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            campaign_services.save_formula(campaign, request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("expression", error)
        else:
            messages.success(request, _("已保存派生指标。"))
            return redirect("dashboard:formulas", campaign.pk)
    return render(
        request,
        "dashboard/formulas.html",
        {
            "campaign": campaign,
            "form": form,
            "formulas": campaign.formulas.all(),
            "names": campaign_services.indicator_names(campaign),
        },
    )


@login_required
@require_POST
def formula_delete(request, pk: int, formula_pk: int):
    campaign = get_admin_campaign(request, pk)
    formula = get_object_or_404(Formula, pk=formula_pk, campaign=campaign)
    campaign_services.delete_formula(formula, request.user)
    messages.success(request, _("已删除派生指标“%(name)s”。") % {"name": formula.name})
    return redirect("dashboard:formulas", campaign.pk)

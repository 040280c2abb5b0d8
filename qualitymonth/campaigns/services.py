"""Every change to a campaign and its plan. Each function checks the user may make it, saves in
one transaction and writes the audit entry; views and commands only call these."""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, ProtectedError
from django.utils import timezone

from qualitymonth.accounts.scope import scope_of
from qualitymonth.core import audit, formulas
from qualitymonth.core.validation import check_fields

from .models import (
    DEFAULT_INDICATORS,
    Campaign,
    Category,
    Contact,
    Deadline,
    Formula,
    Indicator,
    Item,
)
from .queries import Duplicate, duplicates_of

CAMPAIGN_FIELDS = [
    "kind",
    "year",
    "title",
    "issuer",
    "doc_number",
    "recipients",
    "preamble",
    "sections",
    "theme",
    "start_date",
    "end_date",
    "requirements",
    "signing_date",
    "print_organ",
    "print_date",
    "upward_recipient",
]
ITEM_FIELDS = [
    "number",
    "title",
    "description",
    "lead_unit_names",
    "co_unit_names",
    "time_text",
    "start_date",
    "end_date",
]


def _require_admin(by, campaign: Campaign) -> None:
    scope_of(by).require("campaign.admin", campaign.org_unit)


def _audit(by, action: str, target: Campaign | Category | Item, **entry: Any) -> None:
    """An audit entry filed under the campaign's organisation."""
    campaign = target if isinstance(target, Campaign) else target.campaign
    audit.record(by, action, target, org_unit=campaign.org_unit, **entry)


# Building a campaign --------------------------------------------------------------------------


def create_campaign(
    org_unit,
    by,
    *,
    fields: dict[str, Any],
    categories: list[dict[str, Any]],
    contacts: list[dict[str, str]] = (),
    deadlines: list[dict[str, Any]] = (),
    copied_from: Campaign | None = None,
) -> Campaign:
    """Create a draft campaign with its whole plan.

    ``categories`` is a list of ``{"number", "title", "items": [{item fields…, "indicators"?}]}``;
    an item without ``indicators`` gets the default ones.
    """
    scope_of(by).require("campaign.admin", org_unit)
    with transaction.atomic():
        campaign = Campaign.objects.create(
            org_unit=org_unit,
            copied_from=copied_from,
            **{key: fields[key] for key in CAMPAIGN_FIELDS if key in fields},
        )
        for order, category_data in enumerate(categories, start=1):
            category = Category.objects.create(
                campaign=campaign,
                number=category_data.get("number") or order,
                title=category_data["title"],
                order=order,
            )
            for item_order, item_data in enumerate(category_data.get("items", []), start=1):
                _create_item(category, item_data, order=item_order)
        Contact.objects.bulk_create(Contact(campaign=campaign, **c) for c in contacts)
        Deadline.objects.bulk_create(Deadline(campaign=campaign, **d) for d in deadlines)
        _audit(by, "campaign.created", campaign, after=audit.snapshot(campaign))
    return campaign


def _create_item(category: Category, data: dict[str, Any], *, order: int) -> Item:
    item = Item.objects.create(
        campaign_id=category.campaign_id,
        category=category,
        order=order,
        **{key: data[key] for key in ITEM_FIELDS if key in data},
    )
    indicators = data.get("indicators")
    if indicators is None:
        indicators = DEFAULT_INDICATORS
    Indicator.objects.bulk_create(
        Indicator(item=item, order=position, **indicator)
        for position, indicator in enumerate(indicators, start=1)
    )
    return item


def update_campaign(campaign: Campaign, by, **changes: Any) -> Campaign:
    _require_admin(by, campaign)
    unknown = set(changes) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise ValueError(f"not campaign fields: {sorted(unknown)}")
    with transaction.atomic():
        before = audit.snapshot(campaign, list(changes))
        for key, value in changes.items():
            setattr(campaign, key, value)
        _validate_period(campaign)
        campaign.save()
        old, new = audit.changes(before, audit.snapshot(campaign, list(changes)))
        if new:
            _audit(by, "campaign.updated", campaign, before=old, after=new)
    return campaign


def _validate_period(campaign: Campaign) -> None:
    if campaign.start_date and campaign.end_date and campaign.start_date > campaign.end_date:
        raise ValidationError({"end_date": "结束日期不能早于开始日期。"})


def set_contacts(campaign: Campaign, by, contacts: list[dict[str, str]]) -> None:
    _replace_children(campaign, by, campaign.contacts, Contact, contacts, "campaign.contacts_set")


def set_deadlines(campaign: Campaign, by, deadlines: list[dict[str, Any]]) -> None:
    _replace_children(
        campaign, by, campaign.deadlines, Deadline, deadlines, "campaign.deadlines_set"
    )


def _replace_children(campaign, by, manager, model, rows, action: str) -> None:
    _require_admin(by, campaign)
    with transaction.atomic():
        before = [audit.snapshot(obj) for obj in manager.all()]
        manager.all().delete()
        created = model.objects.bulk_create(model(campaign=campaign, **row) for row in rows)
        _audit(
            by,
            action,
            campaign,
            before={"rows": before},
            after={"rows": [audit.snapshot(obj) for obj in created]},
        )


# The box an admin ticks to say a second campaign of the same notice is meant.
CONFIRM_DUPLICATE = "确认另建一个活动，不是重复导入"


class DuplicateCampaign(ValidationError):
    """A notice the organisation already has a campaign of; ``duplicates`` names them."""

    def __init__(self, duplicates: list[Duplicate], refused: str):
        described = "；".join(
            f"{d.campaign.name}（{d.campaign.doc_number or '无发文字号'}，"
            f"{d.campaign.get_status_display()}，{d.reason}）"
            for d in duplicates
        )
        super().__init__(
            f"{refused}：{duplicates[0].campaign.org_unit.name}已有同一份通知的活动 {described}。"
            f"请打开已有的活动继续工作；确实要另建一个活动时，请勾选“{CONFIRM_DUPLICATE}”。",
            code="duplicate",
        )
        self.duplicates = duplicates


def refuse_duplicates(
    duplicates: list[Duplicate], *, confirmed: bool, refused: str
) -> dict[str, Any]:
    """Stop at ``duplicates`` unless the admin ``confirmed`` a second campaign on purpose;
    what to add to the audit entry when they did."""
    if not duplicates:
        return {}
    if not confirmed:
        raise DuplicateCampaign(duplicates, refused)
    return {"duplicate_confirmed": True, "duplicate_of": [d.campaign.pk for d in duplicates]}


def publish_campaign(campaign: Campaign, by, *, allow_duplicate: bool = False) -> Campaign:
    """Publish a draft. A campaign needs a title, a period and at least one item to be run,
    and is the organisation's only one of its notice unless ``allow_duplicate`` says the admin
    means a second (see ``queries.duplicate_campaigns``)."""
    _require_admin(by, campaign)
    problems = []
    if not campaign.title.strip():
        problems.append("请填写通知标题。")
    if not (campaign.start_date and campaign.end_date):
        problems.append("请填写活动开始和结束日期。")
    if not campaign.items.exists():
        problems.append("活动至少需要一个活动事项。")
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        campaign = _locked_with_its_organisations(campaign)
        if campaign.is_archived:
            raise ValidationError("活动已归档，请点击“恢复”重新启用。")
        if campaign.is_published:
            return campaign
        duplicate = refuse_duplicates(
            duplicates_of(campaign), confirmed=allow_duplicate, refused="不能发布"
        )
        campaign.status = Campaign.Status.PUBLISHED
        campaign.published_at = timezone.now()
        campaign.save(update_fields=["status", "published_at", "updated_at"])
        _audit(
            by,
            "campaign.published",
            campaign,
            before={"status": Campaign.Status.DRAFT},
            after={"status": campaign.status},
            **duplicate,
        )
    return campaign


def archive_campaign(campaign: Campaign, by) -> Campaign:
    """Put a published campaign out of use (a duplicate, a trial): it leaves the switcher and
    every roll-up and takes no more reports, events or registrations, but keeps everything
    and stays readable. A draft is not archived but deleted."""
    _require_admin(by, campaign)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if not campaign.is_published:
            raise ValidationError("只有已发布的活动可以归档；草稿不再需要时可以直接删除。")
        return _set_status(campaign, by, Campaign.Status.ARCHIVED, "campaign.archived")


def restore_campaign(campaign: Campaign, by, *, allow_duplicate: bool = False) -> Campaign:
    """Bring an archived campaign back, published as it was; like publishing, refused while
    the organisation has another campaign of the same notice, unless ``allow_duplicate``."""
    _require_admin(by, campaign)
    with transaction.atomic():
        campaign = _locked_with_its_organisations(campaign)
        if not campaign.is_archived:
            raise ValidationError("这个活动没有归档，无需恢复。")
        duplicate = refuse_duplicates(
            duplicates_of(campaign), confirmed=allow_duplicate, refused="不能恢复"
        )
        return _set_status(
            campaign, by, Campaign.Status.PUBLISHED, "campaign.restored", **duplicate
        )


def _locked_with_its_organisations(campaign: Campaign) -> Campaign:
    """The campaign re-read under a lock on every campaign of its organisation, taken in one
    order. Without it two admins publishing (or restoring) campaigns of the same notice at the
    same moment both pass the duplicate check, and PostgreSQL would publish both."""
    rows = Campaign.objects.select_for_update().filter(org_unit_id=campaign.org_unit_id)
    return next(row for row in rows.order_by("pk") if row.pk == campaign.pk)


def _set_status(campaign: Campaign, by, status: str, action: str, **entry: Any) -> Campaign:
    fields = ["status", "archived_at"]
    before = audit.snapshot(campaign, fields)
    campaign.status = status
    campaign.archived_at = timezone.now() if status == Campaign.Status.ARCHIVED else None
    campaign.save(update_fields=[*fields, "updated_at"])
    _audit(by, action, campaign, before=before, after=audit.snapshot(campaign, fields), **entry)
    return campaign


def delete_campaign(campaign: Campaign, by) -> None:
    """Delete a campaign nobody has reported in: a wrong import, an empty duplicate, a draft.
    One with reports (of any state), or with events, unit summaries or quizzes that would go
    with it, is refused, saying how many; archive it instead."""
    _require_admin(by, campaign)
    reports = Item.objects.filter(campaign=campaign).aggregate(n=Count("reports"))["n"]
    if reports:
        raise ValidationError(
            f"{campaign.name}已有{reports}条信息报送，不能删除。不再使用的活动请归档。"
        )
    try:
        with transaction.atomic():
            _audit(by, "campaign.deleted", campaign, before=audit.snapshot(campaign))
            campaign.delete()
    except ProtectedError as error:
        held = Counter(str(obj._meta.verbose_name) for obj in error.protected_objects)
        listed = "、".join(f"{name}{count}条" for name, count in held.items())
        raise ValidationError(
            f"{campaign.name}已有{listed}，不能删除。不再使用的活动请归档。"
        ) from error


def copy_campaign(campaign: Campaign, by, year: int) -> Campaign:
    """Start next year's campaign from this one: same plan and indicators, dates moved to
    ``year``, a fresh draft with no notice number, signature or reports."""
    _require_admin(by, campaign)
    shift = year - campaign.year

    def moved(day: datetime.date | None) -> datetime.date | None:
        if day is None:
            return None
        try:
            return day.replace(year=day.year + shift)
        except ValueError:  # 29 February into a common year
            return day.replace(year=day.year + shift, day=28)

    fields = {key: getattr(campaign, key) for key in CAMPAIGN_FIELDS}
    fields.update(
        year=year,
        title=campaign.title.replace(str(campaign.year), str(year)),
        doc_number="",
        start_date=moved(campaign.start_date),
        end_date=moved(campaign.end_date),
        signing_date=None,
        print_date=None,
    )
    categories = [
        {
            "number": category.number,
            "title": category.title,
            "items": [
                {
                    **{key: getattr(item, key) for key in ITEM_FIELDS},
                    "title": item.title.replace(str(campaign.year), str(year)),
                    "start_date": moved(item.start_date),
                    "end_date": moved(item.end_date),
                    "indicators": [
                        {
                            "name": i.name,
                            "unit": i.unit,
                            "value_type": i.value_type,
                            "aggregation": i.aggregation,
                        }
                        for i in item.indicators.all()
                    ],
                }
                for item in category.items.all()
            ],
        }
        for category in campaign.categories.prefetch_related("items__indicators")
    ]
    contacts = [
        {"department": c.department, "name": c.name, "phone": c.phone, "email": c.email}
        for c in campaign.contacts.all()
    ]
    deadlines = [
        {"kind": d.kind, "due_date": moved(d.due_date), "description": d.description}
        for d in campaign.deadlines.all()
    ]
    with transaction.atomic():
        copy = create_campaign(
            campaign.org_unit,
            by,
            fields=fields,
            categories=categories,
            contacts=contacts,
            deadlines=deadlines,
            copied_from=campaign,
        )
        Formula.objects.bulk_create(
            Formula(
                campaign=copy,
                name=f.name,
                expression=f.expression,
                display=f.display,
                decimals=f.decimals,
                order=f.order,
            )
            for f in campaign.formulas.all()
        )
    return copy


# Categories and items ------------------------------------------------------------------------


def add_category(campaign: Campaign, by, title: str) -> Category:
    _require_admin(by, campaign)
    with transaction.atomic():
        last = campaign.categories.aggregate(n=Max("number"), o=Max("order"))
        category = Category.objects.create(
            campaign=campaign, title=title, number=(last["n"] or 0) + 1, order=(last["o"] or 0) + 1
        )
        _audit(by, "category.created", category, after=audit.snapshot(category))
    return category


def update_category(category: Category, by, *, title: str) -> Category:
    _require_admin(by, category.campaign)
    with transaction.atomic():
        before = audit.snapshot(category, ["title"])
        category.title = title
        category.save(update_fields=["title"])
        _audit(by, "category.updated", category, before=before, after={"title": title})
    return category


def delete_category(category: Category, by) -> None:
    _require_admin(by, category.campaign)
    if category.items.exists():
        raise ValidationError("请先移走或删除该类别下的活动事项。")
    with transaction.atomic():
        _audit(by, "category.deleted", category, before=audit.snapshot(category))
        category.delete()
        _renumber_categories(category.campaign)


def move_category(category: Category, by, direction: int) -> None:
    """Move one place up (-1) or down (+1); categories keep their (一)(二)… in order."""
    _require_admin(by, category.campaign)
    with transaction.atomic():
        siblings = list(category.campaign.categories.order_by("order", "id"))
        _swap(siblings, category, direction)
        _renumber_categories(category.campaign, siblings)
        _audit(by, "category.moved", category, direction=direction)


def _renumber_categories(campaign: Campaign, ordered: list[Category] | None = None) -> None:
    ordered = ordered if ordered is not None else list(campaign.categories.order_by("order", "id"))
    for position, category in enumerate(ordered, start=1):
        category.order = category.number = position
    Category.objects.bulk_update(ordered, ["order", "number"])


def _swap(siblings: list, obj, direction: int) -> None:
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == obj.pk)
    target = index + direction
    if 0 <= target < len(siblings):
        siblings[index], siblings[target] = siblings[target], siblings[index]


def add_item(category: Category, by, *, title: str, **fields: Any) -> Item:
    """Add an item at the end of a category, numbered after the campaign's last item."""
    campaign = category.campaign
    _require_admin(by, campaign)
    with transaction.atomic():
        last_number = campaign.items.aggregate(n=Max("number"))["n"] or 0
        last_order = category.items.aggregate(o=Max("order"))["o"] or 0
        item = _create_item(
            category,
            {"number": last_number + 1, **fields, "title": title},
            order=last_order + 1,
        )
        _audit(by, "item.created", item, after=audit.snapshot(item))
    return item


def update_item(item: Item, by, **changes: Any) -> Item:
    """Change an item's fields; ``category`` moves it to the end of another category."""
    _require_admin(by, item.campaign)
    category = changes.pop("category", None)
    unknown = set(changes) - set(ITEM_FIELDS)
    if unknown:
        raise ValueError(f"not item fields: {sorted(unknown)}")
    with transaction.atomic():
        before = audit.snapshot(item)
        for key, value in changes.items():
            setattr(item, key, value)
        if category is not None and category.pk != item.category_id:
            if category.campaign_id != item.campaign_id:
                raise ValidationError("只能移到本活动的类别中。")
            item.category = category
            item.order = (category.items.aggregate(o=Max("order"))["o"] or 0) + 1
        if item.start_date and item.end_date and item.start_date > item.end_date:
            raise ValidationError({"end_date": "结束日期不能早于开始日期。"})
        item.save()
        old, new = audit.changes(before, audit.snapshot(item))
        if new:
            _audit(by, "item.updated", item, before=old, after=new)
    return item


def delete_item(item: Item, by) -> None:
    _require_admin(by, item.campaign)
    with transaction.atomic():
        _audit(by, "item.deleted", item, before=audit.snapshot(item))
        item.delete()


def move_item(item: Item, by, direction: int) -> None:
    """Move one place up (-1) or down (+1) within its category."""
    _require_admin(by, item.campaign)
    with transaction.atomic():
        siblings = list(item.category.items.order_by("order", "id"))
        _swap(siblings, item, direction)
        for position, sibling in enumerate(siblings, start=1):
            sibling.order = position
        Item.objects.bulk_update(siblings, ["order"])
        _audit(by, "item.moved", item, direction=direction)


def renumber_items(campaign: Campaign, by) -> None:
    """Number the items 1…N in plan order, as a notice numbers them across its categories."""
    _require_admin(by, campaign)
    with transaction.atomic():
        items = list(campaign.items.order_by("category__order", "order", "id"))
        before = {str(item.pk): item.number for item in items}
        for number, item in enumerate(items, start=1):
            item.number = number
        Item.objects.bulk_update(items, ["number"])
        after = {str(item.pk): item.number for item in items}
        _audit(by, "campaign.items_renumbered", campaign, before=before, after=after)


def set_indicators(item: Item, by, rows: list[dict[str, Any]]) -> None:
    """Replace an item's indicators with ``rows`` (name, unit, value_type, aggregation), in order.

    Rows with an ``id`` update that indicator, so figures already reported against it keep
    their meaning; indicators not in ``rows`` are removed.
    """
    _require_admin(by, item.campaign)
    names = [row["name"].strip() for row in rows]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValidationError(f"指标名称重复：{'、'.join(duplicates)}")
    with transaction.atomic():
        existing = {indicator.pk: indicator for indicator in item.indicators.all()}
        before = [audit.snapshot(i) for i in existing.values()]
        keep = {row["id"] for row in rows if row.get("id") in existing}
        item.indicators.exclude(pk__in=keep).delete()
        for order, row in enumerate(rows, start=1):
            values = {key: row[key] for key in ("name", "unit", "value_type", "aggregation")}
            values["name"] = values["name"].strip()
            if row.get("id") in existing:
                indicator = existing[row["id"]]
                for key, value in values.items():
                    setattr(indicator, key, value)
                indicator.order = order
                indicator.save()
            else:
                Indicator.objects.create(item=item, order=order, **values)
        after = [audit.snapshot(i) for i in item.indicators.all()]
        _audit(by, "item.indicators_set", item, before={"rows": before}, after={"rows": after})


# Derived figures -----------------------------------------------------------------------------


def indicator_names(campaign: Campaign) -> list[str]:
    """The names a formula of the campaign may use, in plan order, each once."""
    names = Indicator.objects.filter(item__campaign=campaign).order_by(
        "item__category__order", "item__order", "order"
    )
    return list(dict.fromkeys(names.values_list("name", flat=True)))


def save_formula(
    campaign: Campaign,
    by,
    *,
    name: str,
    expression: str,
    display: str = Formula.Display.PERCENT,
    decimals: int = 1,
    formula: Formula | None = None,
) -> Formula:
    """Add a derived figure, or change ``formula``. The expression is checked against the
    campaign's indicator names; ``ValidationError`` says in Chinese what is wrong."""
    _require_admin(by, campaign)
    others = campaign.formulas.exclude(pk=getattr(formula, "pk", None))
    problem = _formula_problem(name, expression, indicator_names(campaign), others)
    if problem:
        raise ValidationError(problem)
    name = name.strip()
    with transaction.atomic():
        before = audit.snapshot(formula) if formula else None
        if formula is None:
            order = (campaign.formulas.aggregate(m=Max("order"))["m"] or 0) + 1
            formula = Formula(campaign=campaign, order=order)
        formula.name = name
        formula.expression = expression.strip()
        formula.display = display
        formula.decimals = decimals
        formula.save()
        audit.record(
            by,
            "formula.saved",
            formula,
            before=before,
            after=audit.snapshot(formula),
            org_unit=campaign.org_unit,
        )
    return formula


def delete_formula(formula: Formula, by) -> None:
    campaign = formula.campaign
    _require_admin(by, campaign)
    with transaction.atomic():
        audit.record(
            by,
            "formula.deleted",
            formula,
            before=audit.snapshot(formula),
            org_unit=campaign.org_unit,
        )
        formula.delete()


# Imported from a district's upward package ---------------------------------------------------
# ``upward`` calls these for a city user importing (or replacing) a district's package; the
# user needs ``upward.receive`` on the district's city (`Scope.require_import_for`).

# As many as the formula form offers.
MAX_FORMULA_DECIMALS = 4


@dataclass(frozen=True)
class ImportedPlan:
    """An imported campaign with its items by the caller's key and their indicators by
    (item key, indicator name)."""

    campaign: Campaign
    items: dict[str, Item]
    indicators: dict[tuple[str, str], Indicator]


def create_imported_campaign(
    district,
    by,
    *,
    fields: dict[str, Any],
    categories: list[dict[str, Any]],
    derived: list[dict[str, Any]] = (),
    deadlines: list[dict[str, Any]] = (),
    sha256: str = "",
) -> ImportedPlan:
    """The published campaign of a district as its upward package describes it.

    ``categories`` as for `create_campaign`, each item with its ``key`` and ``indicators``
    (name, unit, value_type, aggregation); ``derived`` (its formulas): name, expression,
    display, decimals; ``deadlines``: kind, due_date, description. Every row keeps the rules
    the editor keeps
    (required fields, lengths, choices, a period that ends after it starts, indicator names
    unique in their item, formulas over the campaign's indicators as `save_formula` checks
    them); the first problem raises ``ValidationError`` naming the row, and nothing is kept.
    One audit entry, with the counts.
    """
    scope_of(by).require_import_for(district)
    with transaction.atomic():
        campaign = Campaign(
            org_unit=district,
            status=Campaign.Status.PUBLISHED,
            published_at=timezone.now(),
            **{key: fields[key] for key in CAMPAIGN_FIELDS if key in fields},
        )
        check_fields(campaign, "活动")
        _validate_period(campaign)
        campaign.save()
        items: dict[str, Item] = {}
        indicators: dict[tuple[str, str], Indicator] = {}
        for order, category_data in enumerate(categories, start=1):
            category = Category(
                campaign=campaign,
                number=category_data["number"],
                title=category_data["title"],
                order=order,
            )
            check_fields(category, f"活动类别“{category.title}”")
            category.save()
            for item_order, item_data in enumerate(category_data["items"], start=1):
                key = item_data["key"]
                items[key], item_indicators = _imported_item(category, item_data, item_order)
                indicators.update({(key, i.name): i for i in item_indicators})
        Indicator.objects.bulk_create(indicators.values())
        _import_formulas(campaign, derived)
        rows = [Deadline(campaign=campaign, **row) for row in deadlines]
        for deadline in rows:
            check_fields(deadline, f"截止日期“{deadline.description or deadline.due_date}”")
        Deadline.objects.bulk_create(rows)
        _audit(
            by,
            "campaign.imported",
            campaign,
            after=audit.snapshot(campaign),
            sha256=sha256,
            categories=len(categories),
            items=len(items),
            indicators=len(indicators),
            formulas=len(derived),
            deadlines=len(rows),
        )
    return ImportedPlan(campaign, items, indicators)


def _imported_item(
    category: Category, data: dict[str, Any], order: int
) -> tuple[Item, list[Indicator]]:
    item = Item(
        campaign_id=category.campaign_id,
        category=category,
        order=order,
        **{key: data[key] for key in ITEM_FIELDS if key in data},
    )
    where = f"活动事项“{item.title}”"
    check_fields(item, where)
    if item.start_date and item.end_date and item.start_date > item.end_date:
        raise ValidationError(f"{where}的结束日期早于开始日期。")
    item.save()
    indicators: list[Indicator] = []
    for position, row in enumerate(data["indicators"], start=1):
        indicator = Indicator(item=item, order=position, **row)
        if any(other.name == indicator.name for other in indicators):
            raise ValidationError(f"{where}的指标“{indicator.name}”重复。")
        check_fields(indicator, f"{where}的指标“{indicator.name}”")
        indicators.append(indicator)
    return item, indicators


def _import_formulas(campaign: Campaign, rows: list[dict[str, Any]]) -> None:
    names = indicator_names(campaign)
    saved: list[Formula] = []
    for order, row in enumerate(rows, start=1):
        formula = Formula(campaign=campaign, order=order, **row)
        where = f"派生指标“{formula.name}”"
        check_fields(formula, where)
        if formula.decimals > MAX_FORMULA_DECIMALS:
            raise ValidationError(f"{where}的小数位数不能超过 {MAX_FORMULA_DECIMALS} 位。")
        problem = _formula_problem(formula.name, formula.expression, names, saved)
        if problem:
            raise ValidationError(f"{where}：{problem}")
        saved.append(formula)
    Formula.objects.bulk_create(saved)


def _formula_problem(name: str, expression: str, names: list[str], others) -> str:
    """What is wrong with a derived figure of a campaign whose indicators are ``names`` and
    whose other formulas are ``others``, or ""."""
    if not name.strip():
        return "请填写派生指标的名称，例如：合格率"
    try:
        formulas.parse(expression, names)
    except formulas.FormulaError as error:
        return str(error)
    if any(other.name == name.strip() for other in others):
        return f"已有名为“{name.strip()}”的派生指标。"
    return ""


def delete_imported_campaign(campaign: Campaign, by, *, sha256: str = "") -> None:
    """Delete an imported campaign whose package is being replaced, with everything under it:
    its unit summaries, reports (and their files, once the deletion commits) and events, each
    through its own app's service, then the campaign with its plan. Whether ``campaign`` came
    from a package is ``upward``'s to decide.

    The user needs ``upward.receive`` on the district's city (`Scope.require_import_for`).
    One audit entry for the campaign, with the counts, beside those of the other apps.
    """
    # The apps built on a campaign, imported here: campaigns sits below them and imports
    # none of them at load time.
    from qualitymonth.events.services import delete_imported_events
    from qualitymonth.reports.services import delete_imported_reports
    from qualitymonth.summaries.services import delete_imported_summaries

    scope_of(by).require_import_for(campaign.org_unit)
    with transaction.atomic():
        summaries = delete_imported_summaries(campaign, by, sha256=sha256)
        reports = delete_imported_reports(campaign, by, sha256=sha256)
        events = delete_imported_events(campaign, by, sha256=sha256)
        _audit(
            by,
            "campaign.deleted",
            campaign,
            before=audit.snapshot(campaign),
            sha256=sha256,
            summaries=summaries,
            reports=reports,
            events=events,
        )
        campaign.delete()

"""Reads of the organisation tree: what a user manages, the tree in pinyin order, search."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from qualitymonth.accounts.scope import scope_of

from .models import OrgUnit

SEARCH_LIMIT = 200


def managed_units(user) -> QuerySet[OrgUnit]:
    """The units (with their sub-units) whose records the user may manage."""
    return scope_of(user).units("org.manage")


def managed_roots(user) -> QuerySet[OrgUnit]:
    """The top units of the user's managed part of the tree (a district for its admin)."""
    units = managed_units(user)
    return units.exclude(parent_id__in=units.values("pk")).order_by("pinyin", "name")


def pinyin_order(units) -> list[OrgUnit]:
    return sorted(units, key=lambda unit: (unit.pinyin, unit.name))


@dataclass
class TreeNode:
    unit: OrgUnit
    children: list[TreeNode] = field(default_factory=list)

    @property
    def size(self) -> int:
        """How many units are below this one."""
        return sum(1 + child.size for child in self.children)


def unit_tree(units: QuerySet[OrgUnit] | list[OrgUnit]) -> list[TreeNode]:
    """The units as a tree, children in pinyin order, from one list (one query)."""
    nodes = {unit.pk: TreeNode(unit) for unit in units}
    roots: list[TreeNode] = []
    for node in nodes.values():
        parent = nodes.get(node.unit.parent_id)
        (parent.children if parent else roots).append(node)
    for node in nodes.values():
        node.children.sort(key=lambda child: (child.unit.pinyin, child.unit.name))
    roots.sort(key=lambda root: (root.unit.pinyin, root.unit.name))
    return roots


def walk(nodes: list[TreeNode], depth: int = 0):
    """(depth, unit) of every node, parents before children (for pickers and exports)."""
    for node in nodes:
        yield depth, node.unit
        yield from walk(node.children, depth + 1)


def search_units(user, text: str) -> tuple[list[tuple[OrgUnit, list[str]]], int]:
    """Managed units whose name, short name, code, credit code or contact matches ``text``,
    in pinyin order, each with the names of its ancestors; and how many matched in all."""
    text = text.strip()
    condition = Q()
    for word in text.split():
        condition &= (
            Q(name__icontains=word)
            | Q(short_name__icontains=word)
            | Q(code__icontains=word)
            | Q(credit_code__icontains=word.upper())
            | Q(contact_name__icontains=word)
            | Q(contact_phone__icontains=word)
        )
    matches = managed_units(user).filter(condition).order_by("pinyin", "name")
    total = matches.count()
    units = list(matches[:SEARCH_LIMIT])
    return with_ancestor_names(units), total


def with_ancestor_names(units: list[OrgUnit]) -> list[tuple[OrgUnit, list[str]]]:
    """Each unit with the names of the units above it, from one more query."""
    ids = {ancestor for unit in units for ancestor in unit.ancestor_ids[:-1]}
    names = dict(OrgUnit.objects.filter(pk__in=ids).values_list("pk", "name"))
    return [(unit, [names[pk] for pk in unit.ancestor_ids[:-1] if pk in names]) for unit in units]


def ancestors_within(unit: OrgUnit, user) -> list[OrgUnit]:
    """The units above ``unit`` that the user manages, top first (the page's breadcrumbs)."""
    ids = unit.ancestor_ids[:-1]
    ancestors = {a.pk: a for a in managed_units(user).filter(pk__in=ids)}
    return [ancestors[pk] for pk in ids if pk in ancestors]


def children_of(unit: OrgUnit) -> list[OrgUnit]:
    return pinyin_order(unit.children.all())

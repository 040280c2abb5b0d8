"""The folded organisation tree, rendered in one pass (a district can have thousands of units,
too many for a recursive template include)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def org_tree(nodes, open_levels: int = 1):
    """Nested lists of ``TreeNode``s; the first ``open_levels`` levels start unfolded."""
    if not nodes:
        return ""
    base = reverse("orgs:unit", args=[0])[: -len("0/")]
    return format_html('<ul class="org-tree">{}</ul>', _items(nodes, 0, open_levels, base))


def _items(nodes, depth: int, open_levels: int, base: str):
    return format_html_join("", "{}", ((_item(node, depth, open_levels, base),) for node in nodes))


def _item(node, depth: int, open_levels: int, base: str):
    unit = node.unit
    label = format_html(
        '<a href="{}{}/">{}</a> <span class="badge kind">{}</span>',
        base,
        unit.pk,
        unit.name,
        unit.get_kind_display(),
    )
    if not node.children:
        return format_html('<li class="leaf" id="unit-{}">{}</li>', unit.pk, label)
    return format_html(
        '<li id="unit-{}"><details{}><summary>{} <span class="muted count">{}</span></summary>'
        "<ul>{}</ul></details></li>",
        unit.pk,
        mark_safe(" open") if depth < open_levels else "",
        label,
        _("%(n)s 个下级单位") % {"n": node.size},
        _items(node.children, depth + 1, open_levels, base),
    )

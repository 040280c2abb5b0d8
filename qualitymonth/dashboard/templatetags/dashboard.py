from urllib.parse import urlencode

from django import template

from qualitymonth.core.chinese import plain_number

register = template.Library()


@register.simple_tag
def figure(row, name: str) -> str:
    """A row's total of one indicator as people write it, "—" when it has none."""
    return plain_number(row.value(name))


@register.simple_tag
def derived(dashboard, row, name: str) -> str:
    return dashboard.derived_display(name, row.derived.get(name))


@register.simple_tag
def drill(url: str, **filters) -> str:
    """``url`` narrowed further by ``filters``."""
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}{urlencode(filters)}"

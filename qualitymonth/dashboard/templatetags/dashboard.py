from urllib.parse import urlencode

from django import template

from qualitymonth.core import figures
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


@register.simple_tag
def headline_figures() -> tuple:
    """The headline figures of ``core.figures``, in order: the columns of every table."""
    return figures.HEADLINE


@register.simple_tag
def headline_rules() -> list[str]:
    return figures.rules()


@register.simple_tag
def headline(row, figure) -> str:
    """A row's headline figure, "—" where it does not apply to the row."""
    value = row.headline(figure)
    return "—" if value is None else str(value)

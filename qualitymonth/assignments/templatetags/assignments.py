from django import template

from ..queries import units_by_role

register = template.Library()


@register.inclusion_tag("assignments/_item_units.html", takes_context=True)
def item_units(context, item):
    """An item's lead and participating units, on the item page."""
    return {"units": units_by_role(item), "item": item, "can_admin": context.get("can_admin")}

from django import template

from qualitymonth.core.chinese import chinese_date, chinese_period, plain_number
from qualitymonth.core.privacy import mask_phone

register = template.Library()

register.filter("cn_date", chinese_date)
register.filter("plain", plain_number)  # 120.00 → 120


@register.simple_tag
def cn_period(start, end) -> str:
    return chinese_period(start, end)


@register.filter
def join_names(names) -> str:
    """Unit names as a notice lists them: 区市场监管局质量处、各街镇."""
    return "、".join(names or [])


register.filter("masked_phone", mask_phone)


@register.filter
def cn_weekday(value) -> str:
    """2024-09-02 → 周一."""
    return "周" + "一二三四五六日"[value.weekday()] if value else ""

from django import forms
from django.utils.translation import gettext_lazy as _

from qualitymonth.campaigns.models import Formula


class FormulaForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=60, help_text=_("例如：合格率"))
    expression = forms.CharField(
        label=_("公式"),
        max_length=200,
        help_text=_("用指标名称、数字和 + - * / ( ) 书写，例如：合格台数 / 检定台数"),
    )
    display = forms.ChoiceField(
        label=_("显示为"), choices=Formula.Display.choices, initial=Formula.Display.PERCENT
    )
    decimals = forms.IntegerField(label=_("小数位数"), min_value=0, max_value=4, initial=1)

from django import forms
from django.utils.translation import gettext_lazy as _


class DetailsForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=200)
    signature = forms.CharField(label=_("署名"), max_length=120, required=False)
    date = forms.DateField(
        label=_("成文日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("不填则为下载当天。"),
    )


class ParagraphForm(forms.Form):
    text = forms.CharField(
        label=_("内容"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )

from django import forms
from django.utils.translation import gettext_lazy as _


class SummaryForm(forms.Form):
    """The unit's text; photos are checkboxes the view reads, checked by the service."""

    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(
        label=_("正文"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text=_("每段一行。标题层次按公文格式编号：一、（一）1.（1），下载的文档会据此排版。"),
    )

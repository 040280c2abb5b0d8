from django import forms
from django.utils.translation import gettext_lazy as _

from qualitymonth.reports.forms import DraftForm

from .models import UnitSummary


class SummaryForm(DraftForm):
    """The unit's text; photos are checkboxes the view reads, checked by the service."""

    title = forms.CharField(
        label=_("标题"), max_length=200, error_messages={"required": _("请填写标题。")}
    )
    body = forms.CharField(
        label=_("正文"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 24}),
        help_text=_("每段一行。标题层次按公文格式编号：一、（一）1.（1），下载的文档会据此排版。"),
    )

    def __init__(self, summary: UnitSummary, data=None):
        super().__init__(data, initial={"title": summary.title, "body": summary.body})

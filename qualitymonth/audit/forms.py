from django import forms
from django.utils.translation import gettext_lazy as _

from .queries import Filters


class AuditFilterForm(forms.Form):
    """The audit log's filters; every field is optional."""

    actor = forms.ChoiceField(label=_("操作人"), required=False)
    action = forms.ChoiceField(label=_("操作"), required=False)
    target_type = forms.ChoiceField(label=_("对象类型"), required=False)
    date_from = forms.DateField(
        label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    q = forms.CharField(
        label=_("关键词"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("对象名称、操作人或编号")}),
    )

    def __init__(self, data, *, choices: dict[str, list[tuple[str, str]]]):
        super().__init__(data)
        everyone = [("", _("全部"))]
        self.fields["actor"].choices = everyone + choices["actors"]
        self.fields["action"].choices = everyone + choices["actions"]
        self.fields["target_type"].choices = everyone + choices["target_types"]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("结束日期不能早于开始日期。"))
        return cleaned

    def filters(self) -> Filters:
        """The filters that are valid; a wrong one is reported on the form and left out."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return Filters(
            actor=data.get("actor") or "",
            action=data.get("action") or "",
            target_type=data.get("target_type") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            text=data.get("q") or "",
        )

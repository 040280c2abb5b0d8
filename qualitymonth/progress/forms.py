from django import forms
from django.utils.translation import gettext_lazy as _

from qualitymonth.orgs.models import OrgUnit

from .models import ReminderRule


class ReminderRuleForm(forms.ModelForm):
    class Meta:
        model = ReminderRule
        fields = ["days_before", "enabled"]


class ProgressFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("单位类型"), required=False)

    def __init__(self, *args, kinds: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("全部单位"))] + [
            (value, label) for value, label in kinds
        ]

    @property
    def unit_kind(self) -> str:
        if self.is_valid():
            return self.cleaned_data["kind"]
        return ""

    def kind_label(self) -> str:
        return str(dict(OrgUnit.Kind.choices).get(self.unit_kind, ""))

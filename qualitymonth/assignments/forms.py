from django import forms
from django.utils.translation import gettext_lazy as _


class AssignmentForm(forms.Form):
    lead = forms.ModelMultipleChoiceField(
        label=_("牵头单位"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("参与单位"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = units
        self.fields["participants"].queryset = units

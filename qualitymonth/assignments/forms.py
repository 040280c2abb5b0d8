from itertools import groupby

from django import forms
from django.utils.translation import gettext_lazy as _

from qualitymonth.orgs.models import OrgUnit

# The order people look for units in when assigning: streets and towns first.
KIND_ORDER = [
    OrgUnit.Kind.SUBDISTRICT,
    OrgUnit.Kind.TOWN,
    OrgUnit.Kind.PARK,
    OrgUnit.Kind.ENTERPRISE,
    OrgUnit.Kind.SCHOOL,
    OrgUnit.Kind.INSTITUTE,
    OrgUnit.Kind.AGENCY,
    OrgUnit.Kind.DIVISION,
    OrgUnit.Kind.DISTRICT,
    OrgUnit.Kind.CITY,
    OrgUnit.Kind.OTHER,
]


def grouped_choices(units) -> list:
    """Checkbox groups by kind of unit (街道, 镇, 园区 …), each in pinyin order."""
    ordered = sorted(units, key=lambda u: (KIND_ORDER.index(u.kind), u.pinyin))
    return [
        (OrgUnit.Kind(kind).label, [(unit.pk, unit.name) for unit in group])
        for kind, group in groupby(ordered, key=lambda u: u.kind)
    ]


class AssignmentForm(forms.Form):
    lead = forms.ModelMultipleChoiceField(
        label=_("牵头单位"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    participants = forms.ModelMultipleChoiceField(
        label=_("参与单位"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        choices = grouped_choices(units)
        for name in ("lead", "participants"):
            self.fields[name].queryset = units
            self.fields[name].choices = choices

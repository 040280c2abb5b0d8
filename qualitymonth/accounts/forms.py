from django import forms
from django.utils.translation import gettext_lazy as _

from qualitymonth.orgs.models import OrgUnit

from .models import Duty, Role, User


class UnitChoiceField(forms.ModelChoiceField):
    """Units in tree order, indented by depth, so a long list still reads as the tree."""

    def label_from_instance(self, unit: OrgUnit) -> str:
        depth = max(len(unit.ancestor_ids) - self.top_depth, 0)
        return f"{'　' * depth}{unit.name}"

    def set_units(self, units):
        units = units.order_by("path")
        self.queryset = units
        first = units.first()
        self.top_depth = len(first.ancestor_ids) if first else 0


class RoleFields(forms.Form):
    org_unit = UnitChoiceField(label=_("单位"), queryset=OrgUnit.objects.none())
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    duties = forms.MultipleChoiceField(
        label=_("职责（业务人员）"),
        choices=Duty.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    covers_sub_units = forms.BooleanField(
        label=_("填报员也为下级单位填报"),
        required=False,
        help_text=_("只对单位填报员有效；其他角色总是包括下级单位。"),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].set_units(units)


class PersonForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["username", "full_name", "phone", "email"]
        labels = {"username": _("用户名（登录名）"), "email": _("电子邮箱")}
        help_texts = {"username": ""}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False)
    org_unit = UnitChoiceField(label=_("单位"), queryset=OrgUnit.objects.none(), required=False)
    role = forms.ChoiceField(
        label=_("角色"), choices=[("", "全部角色"), *Role.choices], required=False
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].set_units(units)
        self.fields["org_unit"].empty_label = _("全部单位")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("人员表（.xlsx）"),
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

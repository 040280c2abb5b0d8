import re

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Campaign, Contact, Deadline, Indicator, Item


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class UnitNamesField(forms.CharField):
    """Unit names typed as people write them: 区市场监管局质量处、各街镇."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("多个单位用顿号“、”分隔"))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        return "、".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(value)
        return [name.strip() for name in re.split(r"[、，,；;\n]+", text) if name.strip()]


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "kind",
            "year",
            "title",
            "issuer",
            "doc_number",
            "recipients",
            "theme",
            "start_date",
            "end_date",
            "preamble",
            "signing_date",
            "print_organ",
            "print_date",
            "upward_recipient",
        ]
        widgets = {
            "start_date": DateInput,
            "end_date": DateInput,
            "signing_date": DateInput,
            "print_date": DateInput,
            "preamble": forms.Textarea(attrs={"rows": 4}),
        }

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and start > end:
            self.add_error("end_date", _("结束日期不能早于开始日期。"))
        return data


class ItemForm(forms.ModelForm):
    lead_unit_names = UnitNamesField(label=_("牵头部门"))
    co_unit_names = UnitNamesField(label=_("协助部门"))

    class Meta:
        model = Item
        fields = [
            "category",
            "number",
            "title",
            "description",
            "lead_unit_names",
            "co_unit_names",
            "time_text",
            "start_date",
            "end_date",
        ]
        widgets = {
            "start_date": DateInput,
            "end_date": DateInput,
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = campaign.categories.order_by("order")
        self.fields["category"].empty_label = None

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and start > end:
            self.add_error("end_date", _("结束日期不能早于开始日期。"))
        return data


class NewItemForm(forms.Form):
    category = forms.ModelChoiceField(label=_("所属类别"), queryset=None, empty_label=None)
    title = forms.CharField(label=_("事项名称"), max_length=255)

    def __init__(self, *args, campaign: Campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = campaign.categories.order_by("order")


class CategoryForm(forms.Form):
    title = forms.CharField(label=_("类别名称"), max_length=255)


class IndicatorForm(forms.ModelForm):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Indicator
        fields = ["name", "unit", "value_type", "aggregation"]


IndicatorFormSet = forms.formset_factory(IndicatorForm, extra=1, can_delete=True)


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = ["department", "name", "phone", "email"]


class DeadlineForm(forms.ModelForm):
    class Meta:
        model = Deadline
        fields = ["kind", "due_date", "description"]
        widgets = {"due_date": DateInput}


ContactFormSet = forms.formset_factory(ContactForm, extra=1, can_delete=True)
DeadlineFormSet = forms.formset_factory(DeadlineForm, extra=1, can_delete=True)


def filled_rows(formset) -> list[dict]:
    """The rows of a valid formset that were filled in and not marked for deletion."""
    return [
        {key: value for key, value in form.cleaned_data.items() if key != "DELETE"}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class CopyCampaignForm(forms.Form):
    year = forms.IntegerField(label=_("新活动年度"), min_value=2000, max_value=2100)

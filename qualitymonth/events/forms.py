from django import forms
from django.utils.translation import gettext_lazy as _

from qualitymonth.campaigns.forms import DateInput

from .models import Event


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class EventForm(forms.ModelForm):
    online_url = forms.URLField(label=_("线上链接"), required=False, assume_scheme="https")

    class Meta:
        model = Event
        fields = [
            "item",
            "org_unit",
            "title",
            "starts_at",
            "ends_at",
            "mode",
            "address",
            "street_town",
            "online_url",
            "audience",
            "is_public",
            "expected_participants",
        ]
        widgets = {"starts_at": DateTimeInput, "ends_at": DateTimeInput}

    def __init__(self, *args, items, units, streets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["org_unit"].queryset = units
        self.fields["street_town"].queryset = streets
        if units.count() == 1:
            self.fields["org_unit"].initial = units.first()
            self.fields["org_unit"].empty_label = None
        for name in ("item", "street_town"):
            self.fields[name].label_from_instance = str


class EventFilterForm(forms.Form):
    item = forms.ModelChoiceField(label=_("事项"), queryset=None, required=False)
    org_unit = forms.ModelChoiceField(label=_("举办单位"), queryset=None, required=False)
    street_town = forms.ModelChoiceField(label=_("街镇"), queryset=None, required=False)
    start = forms.DateField(label=_("从"), required=False, widget=DateInput)
    end = forms.DateField(label=_("到"), required=False, widget=DateInput)

    def __init__(self, *args, items, units, streets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["org_unit"].queryset = units
        self.fields["street_town"].queryset = streets
        self.fields["item"].empty_label = _("全部事项")
        self.fields["org_unit"].empty_label = _("全部单位")
        self.fields["street_town"].empty_label = _("全部街镇")

    def apply(self, events):
        if not self.is_valid():
            return events
        data = self.cleaned_data
        if data["item"]:
            events = events.filter(item=data["item"])
        if data["org_unit"]:
            events = events.filter(org_unit__path__startswith=data["org_unit"].path)
        if data["street_town"]:
            events = events.filter(street_town=data["street_town"])
        if data["start"]:
            events = events.filter(starts_at__date__gte=data["start"])
        if data["end"]:
            events = events.filter(starts_at__date__lte=data["end"])
        return events


class CancelForm(forms.Form):
    cancel_reason = forms.CharField(label=_("取消原因"), max_length=255)

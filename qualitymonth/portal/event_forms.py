"""Forms of the public events pages: the filter, and registration with the organiser's questions."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qualitymonth.core.antiabuse import CitizenForm
from qualitymonth.events.models import Event


class PublicEventFilter(forms.Form):
    street = forms.ModelChoiceField(label=_("街镇"), queryset=None, required=False)
    category = forms.ModelChoiceField(label=_("活动类别"), queryset=None, required=False)
    mode = forms.ChoiceField(
        label=_("形式"), choices=[("", _("全部")), *Event.Mode.choices], required=False
    )
    date = forms.DateField(
        label=_("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, streets, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["street"].queryset = streets
        self.fields["street"].empty_label = _("全部街镇")
        self.fields["street"].label_from_instance = lambda unit: unit.name
        self.fields["category"].queryset = categories
        self.fields["category"].empty_label = _("全部类别")
        self.fields["category"].label_from_instance = lambda category: category.title

    def apply(self, events):
        if not self.is_valid():
            return events
        data = self.cleaned_data
        if data.get("street"):
            events = events.filter(Q(street_town=data["street"]) | Q(org_unit=data["street"]))
        if data.get("category"):
            events = events.filter(item__category=data["category"])
        if data.get("mode"):
            events = events.filter(mode=data["mode"])
        return events


class RegistrationForm(CitizenForm):
    mobile_help = _("报名结果和候补转正会以短信通知此号码。")

    def __init__(self, *args, questions: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            if q.get("kind") == "choice":
                field = forms.ChoiceField(
                    label=q["label"],
                    choices=[("", "请选择")] + [(c, c) for c in q["choices"]],
                    required=q.get("required", False),
                )
            else:
                field = forms.CharField(
                    label=q["label"], max_length=200, required=q.get("required", False)
                )
            self.fields[q["key"]] = field
        self.fields["captcha"] = self.fields.pop("captcha")

    def answers(self) -> dict[str, str]:
        return {q["key"]: self.cleaned_data.get(q["key"]) or "" for q in self.questions}

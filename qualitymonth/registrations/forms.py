from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qualitymonth.events.forms import DateTimeInput

from . import services
from .models import RegistrationSettings


class SettingsForm(forms.ModelForm):
    questions_text = forms.CharField(
        label=_("附加问题"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "每行一个问题；开头加 * 表示必答；选择题在冒号后列出选项，用“/”分隔。"
            "例如：*年龄段：18岁以下/18-60岁/60岁以上"
        ),
    )

    class Meta:
        model = RegistrationSettings
        fields = ["enabled", "capacity", "waiting_list", "opens_at", "closes_at"]
        widgets = {"opens_at": DateTimeInput, "closes_at": DateTimeInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questions_text"].initial = services.questions_text(self.instance.questions)

    def clean_questions_text(self):
        try:
            return services.parse_questions(self.cleaned_data["questions_text"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["questions"]) from error

    def changes(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["questions"] = self.cleaned_data["questions_text"]
        return data


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("签到码"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

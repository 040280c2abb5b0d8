from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qualitymonth.core.antiabuse import CitizenForm

from . import scoring
from .models import Quiz


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("题库文件（.xlsx）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )


class BankForm(forms.Form):
    org_unit = forms.ModelChoiceField(label=_("所属单位"), queryset=None, empty_label=None)
    name = forms.CharField(label=_("题库名称"), max_length=100)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units
        self.fields["org_unit"].label_from_instance = lambda unit: unit.name


class QuizForm(forms.ModelForm):
    class Meta:
        model = Quiz
        fields = [
            "title",
            "kind",
            "org_unit",
            "bank",
            "question_count",
            "time_limit_minutes",
            "description",
            "show_unit_ranking",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, units, banks, locked: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units
        self.fields["org_unit"].empty_label = None
        self.fields["org_unit"].label_from_instance = lambda unit: unit.name
        self.fields["bank"].queryset = banks
        self.fields["bank"].empty_label = None
        self.fields["bank"].label_from_instance = lambda bank: (
            f"{bank.name}（{bank.org_unit.name}）"
        )
        if self.instance.pk:
            del self.fields["org_unit"]  # the organiser is fixed: the figures are its own
        if locked:
            for name in ("bank", "question_count", "kind"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("已有人答题，不能更改。")


class StartForm(CitizenForm):
    mobile_help = _("每个手机号只能参加一次。")

    unit = forms.ModelChoiceField(
        label=_("所在单位"),
        queryset=None,
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("请重新查找并选择您的单位。")},
    )

    def __init__(self, *args, quiz: Quiz, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.quiz = quiz
        self.fields["unit"].queryset = units
        if not quiz.is_contest:
            del self.fields["unit"]

    def clean_unit(self):
        unit = self.cleaned_data.get("unit")
        if unit is None:
            raise ValidationError(_("请先查找并选择您所在的单位。"))
        return unit


def given_answer(question, values: list[str]) -> str:
    """The letters a person chose, kept to the question's options."""
    valid = scoring.LETTERS[: len(question.options)]
    letters = sorted({value for value in values if len(value) == 1 and value in valid})
    if question.kind != scoring.MULTIPLE:
        letters = letters[:1]
    return "".join(letters)

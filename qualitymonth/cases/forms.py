from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Case, CaseKind, Milestone, StartEvent


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False)
    kind = forms.ChoiceField(
        label=_("类型"), required=False, choices=[("", _("全部类型")), *CaseKind.choices]
    )
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("办理中（未办结）")), ("all", _("全部")), *Case.Status.choices],
    )
    clock = forms.ChoiceField(
        label=_("时限"),
        required=False,
        choices=[("", _("全部")), ("near", _("临近或超期")), ("over", _("已超期"))],
    )
    mine = forms.BooleanField(label=_("只看我承办的"), required=False)


class AssignForm(forms.Form):
    handler = forms.ModelChoiceField(label=_("承办人"), queryset=None, empty_label=None)

    def __init__(self, *args, handlers=(), **kwargs):
        super().__init__(*args, **kwargs)
        from qualitymonth.accounts.models import User

        self.fields["handler"].queryset = User.objects.filter(pk__in=[u.pk for u in handlers])
        self.fields["handler"].label_from_instance = lambda user: user.display_name


class TextForm(forms.Form):
    text = forms.CharField(
        label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )

    def __init__(self, *args, label=None, required=True, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["text"].label = label
        self.fields["text"].required = required


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=CaseKind.choices)
    milestone = forms.ChoiceField(label=_("环节"), choices=Milestone.choices)
    working_days = forms.IntegerField(label=_("工作日数"), min_value=1, max_value=365)
    start_event = forms.ChoiceField(label=_("起算"), choices=StartEvent.choices)
    legal_basis = forms.CharField(
        label=_("依据"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("法律法规名称和条款，或注明“本局服务承诺（非法定时限）”。"),
    )
    effective_from = forms.DateField(
        label=_("施行日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("此日及以后收到的件按本规则计时；同类同环节的现行规则于前一日废止。"),
    )
    effective_to = forms.DateField(
        label=_("废止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

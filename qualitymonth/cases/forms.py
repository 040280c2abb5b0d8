from django import forms
from django.utils.translation import gettext_lazy as _

from qualitymonth.campaigns.forms import DateInput

from . import legal
from .import12315 import FIELDS
from .models import Case, CaseKind, ClockPause, Counting, Milestone, StartEvent


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
    lacking_12315 = forms.BooleanField(label=_("未登记12315工单号"), required=False)


class AssignForm(forms.Form):
    handler = forms.ModelChoiceField(label=_("承办人"), queryset=None, empty_label=None)

    def __init__(self, *args, handlers=(), **kwargs):
        super().__init__(*args, **kwargs)
        from qualitymonth.accounts.models import User

        self.fields["handler"].queryset = User.objects.filter(pk__in=[u.pk for u in handlers])
        self.fields["handler"].label_from_instance = lambda user: user.display_name


def _text_field(label, *, required=True, rows=3):
    return forms.CharField(
        label=label,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
        max_length=4000,
    )


class TextForm(forms.Form):
    text = _text_field(_("内容"))

    def __init__(self, *args, label=None, required=True, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["text"].label = label
        self.fields["text"].required = required


class Number12315Form(forms.Form):
    number = forms.CharField(
        label=_("12315工单号"),
        max_length=60,
        help_text=_("在全国12315平台登记后显示的工单号。"),
    )


class RefuseForm(forms.Form):
    """不予受理 (for a report, 不予立案); a complaint names its 第十六条 ground."""

    ground = forms.ChoiceField(
        label=_("不予受理的情形（第十六条）"), choices=legal.ground_choices(legal.REFUSAL_GROUNDS)
    )
    text = _text_field(_("不予受理的理由"))

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None and case.kind != CaseKind.COMPLAINT:
            del self.fields["ground"]
            if case.kind == CaseKind.REPORT:
                self.fields["text"].label = _("不予立案的理由")


class MediationForm(forms.Form):
    method = forms.ChoiceField(
        label=_("调解方式（第二十条）"),
        choices=Case.MediationMethod.choices,
        widget=forms.RadioSelect,
        initial=Case.MediationMethod.ON_SITE,
    )
    entrusted_to = forms.CharField(
        label=_("委托调解组织（第十九条，选填）"),
        max_length=200,
        required=False,
        help_text=_("委托消费者协会或者依法成立的其他调解组织调解时填写。"),
    )
    consent = forms.BooleanField(label=_("投诉人和被投诉人均已同意委托调解"), required=False)


class AgreementForm(forms.Form):
    form = forms.ChoiceField(
        label=_("调解协议形式（第二十四条）"),
        choices=Case.AgreementForm.choices,
        widget=forms.RadioSelect,
        initial=Case.AgreementForm.BOOK,
        help_text=_("调解协议已即时履行或者双方同意不制作调解书的，可以只作调解记录。"),
    )
    text = _text_field(_("调解协议内容"), rows=4)


class TerminateForm(forms.Form):
    ground = forms.ChoiceField(
        label=_("终止调解的情形（第二十三条第一款）"),
        choices=legal.ground_choices(legal.TERMINATION_GROUNDS),
    )
    text = _text_field(_("说明（选填）"), required=False)


class SplitForm(forms.Form):
    text = _text_field(_("另立一件的内容"), rows=4)


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(label=_("同一举报人先前的举报"), queryset=None, empty_label=None)
    new_facts = forms.TypedChoiceField(
        label=_("本件是否有新的事实"),
        coerce=lambda value: value == "yes",
        choices=[
            ("no", _("没有：同一事实、同一被举报人，不再重复处理")),
            ("yes", _("有：并入先前的举报，核查期限自本件收到之日重新计算")),
        ],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, reports=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = reports
        self.fields["into"].label_from_instance = lambda case: (
            f"{case.tracking_number}（{case.received_on:%Y-%m-%d}，{case.get_status_display()}）"
        )


class DeadlineForm(forms.Form):
    """Which running limit of the case an action is about."""

    deadline = forms.IntegerField(widget=forms.HiddenInput)
    on = forms.DateField(label=_("日期"), widget=DateInput)


class PauseForm(DeadlineForm):
    reason = forms.ChoiceField(label=_("暂停原因"), choices=ClockPause.Reason.choices)
    note = forms.CharField(label=_("说明（选填）"), max_length=500, required=False)

    def __init__(self, *args, reasons=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [
            (value, label) for value, label in ClockPause.Reason.choices if value in reasons
        ]


class ExtendForm(forms.Form):
    deadline = forms.IntegerField(widget=forms.HiddenInput)
    approver = forms.CharField(label=_("批准的负责人"), max_length=60)
    reason = forms.CharField(label=_("延长理由"), max_length=500)


class RuleForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=CaseKind.choices)
    milestone = forms.ChoiceField(label=_("环节"), choices=Milestone.choices)
    days = forms.IntegerField(label=_("天数"), min_value=1, max_value=365)
    counting = forms.ChoiceField(label=_("计算方式"), choices=Counting.choices)
    extension_days = forms.IntegerField(
        label=_("经负责人批准可延长的天数"), min_value=0, max_value=365, initial=0
    )
    start_event = forms.ChoiceField(label=_("起算"), choices=StartEvent.choices)
    legal_basis = forms.CharField(
        label=_("依据"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("法律法规名称和条款，或注明“本局服务承诺（非法定时限）”。"),
    )
    effective_from = forms.DateField(
        label=_("施行日期"),
        widget=DateInput,
        help_text=_("此日及以后收到的件按本规则计时；同类同环节的现行规则于前一日废止。"),
    )
    effective_to = forms.DateField(label=_("废止日期"), required=False, widget=DateInput)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("全国12315平台导出的工单表（.xlsx）"),
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    org_unit = forms.ModelChoiceField(label=_("处理单位"), queryset=None, empty_label=None)
    default_kind = forms.ChoiceField(
        label=_("表中没有类型时按"),
        choices=[(CaseKind.COMPLAINT, _("投诉")), (CaseKind.REPORT, _("举报"))],
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = units
        self.fields["org_unit"].label_from_instance = lambda unit: unit.name


class MappingForm(ImportUploadForm):
    """The preview's form: the unit and kind chosen at upload, and which column of the file
    holds each of our fields."""

    def __init__(self, *args, headers=(), **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["file"]
        self.fields["org_unit"].widget = forms.HiddenInput()
        self.fields["default_kind"].widget = forms.HiddenInput()
        choices = [("", _("（无）")), *((header, header) for header in headers)]
        for item in FIELDS:
            self.fields[f"map_{item.key}"] = forms.ChoiceField(
                label=item.label, choices=choices, required=False
            )

    def mapping(self) -> dict[str, str]:
        return {item.key: self.cleaned_data.get(f"map_{item.key}", "") for item in FIELDS}

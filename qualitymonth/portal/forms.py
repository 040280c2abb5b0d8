import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qualitymonth.cases.models import CaseKind
from qualitymonth.core.antiabuse import CaptchaForm, clean_mobile, mobile_field

_ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
_ID_CHECK = "10X98765432"


def valid_id_number(number: str) -> bool:
    """An 18-character resident ID number with a correct check character (GB 11643)."""
    if not re.fullmatch(r"\d{17}[\dX]", number):
        return False
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (Django's documented pattern); the service checks each."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


KIND_HELP = {
    CaseKind.CONSULTATION: _("对产品质量、计量、标准、认证等问题的咨询。"),
    CaseKind.COMPLAINT: _("购买商品或接受服务时与经营者发生消费纠纷，请求调解。"),
    CaseKind.REPORT: _("反映经营者涉嫌违反市场监管法律法规的线索。"),
    CaseKind.TESTING: _("申请对产品进行检测或质量鉴定。"),
}

# Per kind, which business fields must be filled.
BUSINESS_REQUIRED = {CaseKind.COMPLAINT, CaseKind.REPORT}


class CaseForm(CaptchaForm):
    org_unit = forms.ModelChoiceField(label=_("受理单位"), queryset=None, empty_label=None)
    subject = forms.CharField(
        label=_("产品或服务"), max_length=200, help_text=_("例如：电动自行车、理发服务。")
    )
    business_name = forms.CharField(label=_("经营者名称"), max_length=200, required=False)
    business_address = forms.CharField(label=_("经营者地址"), max_length=300, required=False)
    description = forms.CharField(
        label=_("情况说明"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("时间、地点、经过和您的诉求，2000 字以内。"),
    )
    photos = MultipleFileField(
        label=_("照片"),
        help_text=_("最多 6 张，JPEG、PNG、WebP 或 HEIC，每张不超过 20 MB。"),
        widget=MultipleFileInput(attrs={"accept": "image/*"}),
    )
    files = MultipleFileField(
        label=_("其他材料"),
        help_text=_("购物凭证等，最多 3 个，PDF、Word、Excel 或 JPG，每个不超过 20 MB。"),
    )
    contact_name = forms.CharField(label=_("您的姓名"), max_length=60)
    mobile = mobile_field(_("查询办理进度时需要受理编号和此手机号。"))
    id_number = forms.CharField(
        label=_("身份证号（选填）"),
        max_length=18,
        required=False,
        help_text=_("实名投诉举报时填写，仅承办人员可见。"),
    )

    def __init__(self, *args, kind: str, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["org_unit"].queryset = units
        self.fields["org_unit"].label_from_instance = lambda unit: unit.name
        self.only_unit = units[0] if len(units) == 1 else None
        if self.only_unit is not None:
            self.fields["org_unit"].initial = self.only_unit
            self.fields["org_unit"].widget = forms.HiddenInput()
            self.fields["org_unit"].required = False
        if kind in BUSINESS_REQUIRED:
            self.fields["business_name"].required = True
            self.fields["business_address"].required = True

    def clean_org_unit(self):
        return self.cleaned_data.get("org_unit") or self.only_unit

    def clean_mobile(self):
        return clean_mobile(self.cleaned_data["mobile"])

    def clean_id_number(self):
        number = (self.cleaned_data.get("id_number") or "").strip().upper()
        if number and not valid_id_number(number):
            raise ValidationError(_("身份证号码不正确，请核对 18 位号码（末位可能是 X）。"))
        return number


class FollowForm(forms.Form):
    tracking_number = forms.CharField(
        label=_("受理编号"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
        help_text=_("提交后页面显示的编号，例如 ZJ2024100800012。"),
    )
    mobile = mobile_field()

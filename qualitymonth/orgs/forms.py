from django import forms
from django.utils.translation import gettext_lazy as _

from qualitymonth.core.xlsx import XlsxError

from . import services
from .models import OrgUnit
from .queries import unit_tree, walk
from .validators import check_credit_code, check_phone, normalize_code, normalize_phone


class ParentField(forms.ModelChoiceField):
    """A unit picker listing the tree in pinyin order, indented by depth."""

    def __init__(self, units, **kwargs):
        super().__init__(queryset=units, **kwargs)
        self.choices = [("", "---------")] + [
            (unit.pk, "　" * depth + unit.name) for depth, unit in walk(unit_tree(list(units)))
        ]


class OrgUnitForm(forms.ModelForm):
    """A unit's fields. ``units`` are the units the user manages: the possible parents."""

    class Meta:
        model = OrgUnit
        fields = [
            "name",
            "short_name",
            "kind",
            "parent",
            "code",
            "credit_code",
            "address",
            "contact_name",
            "contact_phone",
        ]
        widgets = {"contact_phone": forms.TextInput(attrs={"inputmode": "tel"})}
        # The words of the import workbook's headers.
        labels = {"name": _("单位名称"), "kind": _("单位类型"), "code": _("单位代码")}
        help_texts = {
            "contact_phone": _("手机号或固定电话，如 13812345678、021-68824341"),
            "code": _("本单位在系统外使用的编号，可不填"),
        }

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        unit = self.instance
        if unit.pk:
            # A unit cannot move below itself; a top unit of the user's scope stays where it is.
            units = units.exclude(path__startswith=unit.path)
        self.fields["parent"] = ParentField(units, label=_("上级单位"))
        if unit.pk and unit.parent_id and not units.filter(pk=unit.parent_id).exists():
            self.fields["parent"].disabled = True
            self.fields["parent"].choices = [(unit.parent_id, str(unit.parent))]
            self.fields["parent"].queryset = OrgUnit.objects.filter(pk=unit.parent_id)
            self.fields["parent"].help_text = _("本单位是您管理范围的最上级，不能移动。")

    def clean_credit_code(self):
        return normalize_code(self.cleaned_data.get("credit_code", ""))

    def clean_contact_phone(self):
        phone = normalize_phone(self.cleaned_data.get("contact_phone", ""))
        if phone and (problem := check_phone(phone)):
            raise forms.ValidationError(problem)
        return phone

    def clean(self):
        data = super().clean()
        # Every organisation's code has the GB 32100 form, so a given one is always checked.
        code = data.get("credit_code")
        if code and (problem := check_credit_code(code)):
            self.add_error("credit_code", problem)
        return data


class UnitImportForm(forms.Form):
    """An uploaded units workbook; ``clean`` reads its rows, so a wrong file is named at once."""

    org_unit = forms.ModelChoiceField(
        label=_("导入到"), queryset=None, empty_label=None, required=False
    )
    file = forms.FileField(
        label=_("单位表（.xlsx）"),
        allow_empty_file=True,  # the reader says what is wrong with an empty file
        help_text=_("请使用下载的模板填写；不超过 10 MB、20000 行"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args, org_units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = org_units
        self.rows: list = []

    def clean_org_unit(self):
        """Most admins manage one district: it is the default."""
        org_unit = self.cleaned_data.get("org_unit")
        choices = self.fields["org_unit"].queryset
        if org_unit is None and len(choices[:2]) == 1:
            org_unit = choices.first()
        if org_unit is None:
            raise forms.ValidationError(_("请选择导入到哪个单位。"))
        return org_unit

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > services.MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                _("文件大小为 %(size).1f MB，超过 10 MB 上限。请分成几个文件导入。")
                % {"size": upload.size / 1024 / 1024}
            )
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                _(
                    "“%(name)s”不是 Excel 工作簿（.xlsx）。请用下载的模板填写后上传；"
                    ".xls 文件请先在 Excel 或 WPS 中另存为 .xlsx。"
                )
                % {"name": upload.name}
            )
        try:
            self.rows = services.read_units_file(upload.read())
        except XlsxError as error:
            raise forms.ValidationError(error.message) from error
        upload.seek(0)
        return upload

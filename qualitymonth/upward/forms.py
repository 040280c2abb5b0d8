from django import forms
from django.utils.translation import gettext_lazy as _

from . import signing
from .package import MAX_PACKAGE_BYTES


class PackageUploadForm(forms.Form):
    """A district's upward package, uploaded at the city; the size is checked before reading."""

    city = forms.ModelChoiceField(label=_("接收单位"), queryset=None, empty_label=None)
    file = forms.FileField(
        label=_("上报包文件"),
        allow_empty_file=True,  # the package check says "文件是空的" more clearly
        help_text=_("区级平台导出的 .zip 上报包，不超过 %(mb)s MB")
        % {"mb": MAX_PACKAGE_BYTES // 1024 // 1024},
        widget=forms.ClearableFileInput(attrs={"accept": ".zip"}),
    )

    def __init__(self, *args, cities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["city"].queryset = cities

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_PACKAGE_BYTES:
            raise forms.ValidationError(
                _("文件大小为 %(size).1f MB，超过 %(mb)s MB 上限。")
                % {"size": upload.size / 1024 / 1024, "mb": MAX_PACKAGE_BYTES // 1024 // 1024}
            )
        return upload


class DistrictKeyForm(forms.Form):
    """A district's public key as the city registers it: pasted or as the exported file, and
    the fingerprint the district read out over the phone."""

    district = forms.ModelChoiceField(label=_("区"), queryset=None)
    public_key = forms.CharField(
        label=_("公钥"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 4, "placeholder": "-----BEGIN PUBLIC KEY-----", "spellcheck": "false"}
        ),
        help_text=_("区级平台运行 qualitymonth upward-keygen 显示的公钥；也可以选择它导出的文件"),
    )
    key_file = forms.FileField(
        label=_("公钥文件"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pem"}),
    )
    fingerprint = forms.CharField(
        label=_("指纹"),
        max_length=80,
        help_text=_("请与区级电话核对：填写区级念出的指纹（8 组、每组 4 位，例如 3F2A 91C0 …）"),
    )

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts

    def clean(self):
        data = super().clean()
        upload = data.get("key_file")
        if upload is not None:
            if upload.size > signing.MAX_KEY_TEXT:
                raise forms.ValidationError({"key_file": _("这个文件不是公钥文件（太大）。")})
            data["public_key"] = upload.read().decode("ascii", errors="replace")
        if not (data.get("public_key") or "").strip():
            raise forms.ValidationError({"public_key": _("请粘贴公钥，或选择公钥文件。")})
        return data


class RevokeKeyForm(forms.Form):
    key = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("吊销原因"), max_length=255)

from django import forms
from django.utils.translation import gettext_lazy as _

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

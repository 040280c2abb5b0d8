from django import forms
from django.utils.translation import gettext_lazy as _

from qualitymonth.campaigns.forms import CampaignForm

from .reader import MAX_NOTICE_BYTES, NoticeReadError, NoticeSource, read_notice, read_notice_text


class NoticeUploadForm(forms.Form):
    """A notice as a file (.docx / .txt) or as pasted text; ``clean`` reads it."""

    org_unit = forms.ModelChoiceField(label=_("组织单位"), queryset=None, empty_label=None)
    file = forms.FileField(
        label=_("通知文件"),
        required=False,
        allow_empty_file=True,  # the reader says "文件是空的" more clearly than Django does
        help_text=_("Word 文档（.docx）或文本文件（.txt），不超过 %(mb)s MB")
        % {"mb": MAX_NOTICE_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ".docx,.txt,.doc"}),
    )
    text = forms.CharField(
        label=_("或粘贴通知全文"),
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 10, "placeholder": _("从 PDF 或 Word 中复制全文粘贴到这里")}
        ),
    )

    # Shown only when the notice turns out to have a campaign already (notices/upload.html).
    allow_duplicate = forms.BooleanField(required=False)

    def __init__(self, *args, org_units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_unit"].queryset = org_units
        self.source: NoticeSource | None = None
        self.original: bytes | None = None

    def clean(self):
        data = super().clean()
        upload, text = data.get("file"), (data.get("text") or "").strip()
        if not upload and not text:
            raise forms.ValidationError(_("请选择通知文件，或粘贴通知全文。"))
        try:
            if upload:
                # Check the size before reading, so a 200 MB mistake never fills memory.
                if upload.size > MAX_NOTICE_BYTES:
                    raise NoticeReadError(
                        _("文件大小为 %(size).1f MB，超过 %(mb)s MB 上限。请上传通知正文文件。")
                        % {
                            "size": upload.size / 1024 / 1024,
                            "mb": MAX_NOTICE_BYTES // 1024 // 1024,
                        }
                    )
                self.original = upload.read()
                self.source = read_notice(self.original, upload.name)
            else:
                self.source = read_notice_text(text)
        except NoticeReadError as error:
            raise forms.ValidationError(str(error.message)) from error
        return data


class NoticeReviewForm(CampaignForm):
    """The campaign fields the admin checks after an import."""

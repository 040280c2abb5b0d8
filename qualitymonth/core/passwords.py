"""Password rules beyond Django's own validators."""

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with a Chinese message.

    Django 5.2 formats this message with ``%d`` while its zh-hans catalogue translates the
    ``%(min_length)d`` form, so the error would appear in English.
    """

    def get_error_message(self) -> str:
        return _("密码太短，至少需要 %(min_length)d 个字符。") % {"min_length": self.min_length}

"""Protection of the public forms (cases, registrations, quizzes): rate limits and a captcha.

Rate limits
    Counted in Django's cache, per client address and per mobile number, in fixed windows
    (``Rate(count, seconds)``). Each public form names its own rates beside its view, e.g. the
    case form: 10 submissions an hour from one address, 5 a day for one mobile number. Keys
    hold a keyed hash of the address or number, never the number itself. The embedded mode uses
    the local-memory cache (one process); a deployment with several app servers must point
    ``CACHES`` at a shared cache (Redis), or each server counts on its own.

    ``hit(...)`` counts one attempt and raises ``RateLimited`` once the window's count is
    exceeded; its ``message`` is the Chinese sentence to show, with when to try again.

Captcha
    django-simple-captcha, chosen over ALTCHA because it works with no JavaScript at all (a
    picture and a text box, the 图形验证码 Chinese users know from every government site), so it
    works in WeChat's browser and under our strict CSP without vendoring a web component; it is
    self-hosted (images drawn by Pillow on our server, challenges kept in our database), so it
    needs no outside service. ALTCHA's proof of work only slows a bot down, a picture stops the
    simple ones. Use ``CaptchaForm`` (or add ``captcha = captcha_field()`` to a form) on every
    public form; tests switch on the library's documented test mode (``CAPTCHA_TEST_MODE``,
    answer "PASSED") through the ``captcha_test_mode`` fixture, never in settings.

    Looking costs nothing: the library stores a challenge each time a form is drawn, so every
    view of a public page (a link shared in a WeChat group, its preview, a crawler) was a
    database write. Here the form carries a key made without the database (``captcha_key``:
    when, a random part, our signature), and the challenge row is made when its picture is
    drawn (``captcha_image``), which only a person's browser asks for. The library then checks
    the answer as before and deletes the row: one try per picture. A key that is not ours, or
    older than ``CAPTCHA_TIMEOUT``, draws nothing. Expired rows are swept whenever a picture
    is drawn and whenever a form is checked (and ``qualitymonth captcha_clean`` sweeps them
    on demand).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import math
import re
import secrets
import time
from dataclasses import dataclass

from captcha import views as captcha_views
from captcha.conf import settings as captcha_settings
from captcha.fields import CaptchaField, CaptchaTextInput
from captcha.models import CaptchaStore
from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from .security import client_ip


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    def describe(self) -> str:
        """ "每小时最多 10 次" and the like, for the message."""
        names = {60: "每分钟", 600: "每 10 分钟", 3600: "每小时", 86400: "每天"}
        period = names.get(self.seconds) or f"每 {math.ceil(self.seconds / 60)} 分钟"
        return f"{period}最多 {self.count} 次"


class RateLimited(Exception):
    """Too many attempts; ``message`` says so in Chinese, ``retry_after`` in seconds."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def _key(bucket: str, kind: str, who: str, window: int) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), who.encode(), hashlib.sha256).hexdigest()
    return f"antiabuse:{bucket}:{kind}:{digest[:32]}:{window}"


def hit(bucket: str, kind: str, who: str, rate: Rate, *, label: str) -> None:
    """Count one attempt of ``who`` (an address, a mobile number) in ``bucket``.

    ``label`` names ``who`` in the message ("同一网络", "该手机号"). Raises ``RateLimited`` when
    this attempt is over ``rate``; the refused attempt still counts, so hammering does not help.
    """
    if not who:
        return
    now = time.time()
    window = int(now // rate.seconds)
    key = _key(bucket, kind, who, window)
    cache.add(key, 0, timeout=rate.seconds + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=rate.seconds + 5)
        count = 1
    if count > rate.count:
        retry_after = max(1, int((window + 1) * rate.seconds - now))
        minutes = max(1, math.ceil(retry_after / 60))
        wait = f"{minutes} 分钟" if minutes < 120 else f"{math.ceil(minutes / 60)} 小时"
        raise RateLimited(f"操作过于频繁：{label}{rate.describe()}，请 {wait}后再试。", retry_after)


def limit_address(request, bucket: str, rate: Rate) -> None:
    """Count one attempt from the request's client address (behind ``PROXY_COUNT`` proxies)."""
    hit(bucket, "ip", client_ip(request) or "", rate, label="同一网络地址")


def limit_mobile(mobile: str, bucket: str, rate: Rate) -> None:
    """Count one attempt for a mobile number (digits only, so "138 1234 5678" is the same)."""
    digits = "".join(ch for ch in mobile or "" if ch.isdigit())
    hit(bucket, "mobile", digits, rate, label="同一手机号")


# Letters and digits nobody mixes up on a phone screen: no 0/O, 1/I/L, 2/Z, 5/S, 8/B.
CAPTCHA_ALPHABET = "34679ACDEFGHJKMNPQRTUVWXY"


def challenge() -> tuple[str, str]:
    """The captcha's text (``CAPTCHA_CHALLENGE_FUNCT``): shown and expected the same."""
    text = "".join(secrets.choice(CAPTCHA_ALPHABET) for _ in range(captcha_settings.CAPTCHA_LENGTH))
    return text, text


def _key_signature(body: str) -> str:
    return salted_hmac("qualitymonth.core.antiabuse.captcha", body).hexdigest()[:16]


def captcha_key(now: float | None = None) -> str:
    """A new captcha key, made without touching the database: 8 hex digits of the time it was
    made, 16 random, 16 of our signature (40 in all, the size of the library's keys)."""
    body = f"{int(now if now is not None else time.time()):08x}{secrets.token_hex(8)}"
    return body + _key_signature(body)


def _key_made_at(key: str) -> float | None:
    """When we made ``key``, if we did and it has not expired."""
    if not re.fullmatch(r"[0-9a-f]{40}", key):
        return None
    body, signature = key[:24], key[24:]
    if not hmac.compare_digest(signature, _key_signature(body)):
        return None
    made = int(body[:8], 16)
    if not 0 <= time.time() - made <= int(captcha_settings.CAPTCHA_TIMEOUT) * 60:
        return None
    return made


def captcha_image(request, key: str):
    """The picture of ``key``'s challenge, stored the first time it is drawn."""
    made = _key_made_at(key)
    if made is None:
        raise Http404
    text, answer = captcha_settings.get_challenge()()
    expires = datetime.datetime.fromtimestamp(made, datetime.UTC) + datetime.timedelta(
        minutes=int(captcha_settings.CAPTCHA_TIMEOUT)
    )
    _store, created = CaptchaStore.objects.get_or_create(
        hashkey=key, defaults={"challenge": text, "response": answer, "expiration": expires}
    )
    if created:
        CaptchaStore.remove_expired()
    return captcha_views.captcha_image(request, key, scale=1)


def captcha_refresh(request):
    """ "看不清，换一张": a new key and its picture's address (static/qualitymonth/captcha.js)."""
    key = captcha_key()
    return JsonResponse({"key": key, "image_url": reverse("captcha-image", args=[key])})


class Captcha(CaptchaTextInput):
    """The picture, the answer box and a "换一张" button (static/qualitymonth/captcha.js)."""

    template_name = "core/captcha_widget.html"
    # One label for the answer box (a MultiWidget would make a fieldset of picture and key).
    use_fieldset = False

    def fetch_captcha_store(self, name, value, attrs=None, generator=None):
        """A key only; the challenge is stored when its picture is drawn."""
        self._key = captcha_key()
        self._value = [self._key, ""]
        self.id_ = self.build_attrs(attrs).get("id", None)


def captcha_field() -> CaptchaField:
    return CaptchaField(
        label=_("验证码"),
        help_text=_("请输入图中的字符，不区分大小写。"),
        widget=Captcha(),
        error_messages={
            "invalid": _("验证码不正确或已过期，请看新的图片重新输入。"),
            "required": _("请输入验证码。"),
        },
    )


MOBILE = re.compile(r"^1[3-9]\d{9}$")


def clean_mobile(value: str) -> str:
    """A mainland mobile number as typed (spaces, dashes, +86 allowed), as 11 digits."""
    digits = re.sub(r"[\s-]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    if not MOBILE.match(digits):
        raise ValidationError(_("请填写 11 位手机号码，例如 13812345678。"))
    return digits


def mobile_field(help_text: str = "") -> forms.CharField:
    """The mobile number a citizen types: the phone keypad, and the browser's autofill."""
    return forms.CharField(
        label=_("手机号码"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
        help_text=help_text,
    )


# Control characters other than tab and line breaks: text pasted from Word and the like
# brings vertical tabs, backspaces and escapes along. They show nothing on screen, and the
# workbooks and documents the text ends up in refuse them.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _without_controls(value):
    return _CONTROL_CHARACTERS.sub("", value) if isinstance(value, str) else value


class CaptchaForm(forms.Form):
    """Base of every public form: its fields, then the captcha last.

    ``class RegistrationForm(CaptchaForm): name = …`` — the captcha is moved to the end so it
    sits above the submit button whatever fields the subclass declares. What a person typed is
    kept as they see it: invisible control characters are dropped before the fields are
    checked (so a name of nothing but them is a missing name).
    """

    captcha = captcha_field()
    status = 200  # what the page answers: 400 for a form to fix, 429 over a rate limit

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["captcha"] = self.fields.pop("captcha")
        if self.is_bound:
            if hasattr(self.data, "getlist"):
                data = self.data.copy()
                for key, values in data.lists():
                    data.setlist(key, [_without_controls(value) for value in values])
            else:
                data = {key: _without_controls(value) for key, value in self.data.items()}
            self.data = data

    def allowed(
        self, request, bucket: str, per_address: Rate, per_mobile: Rate | None = None
    ) -> bool:
        """Count a submission against the client's address and, once the form is valid,
        against its ``mobile``. True when the form may be acted on; otherwise the reason is on
        the form and ``status`` is set."""
        try:
            limit_address(request, bucket, per_address)
            if not self.is_valid():
                self.status = 400
                return False
            if per_mobile is not None:
                limit_mobile(self.cleaned_data["mobile"], bucket, per_mobile)
        except RateLimited as limited:
            self.add_error(None, limited.message)
            self.status = 429
            return False
        return True

    def refuse(self, error: ValidationError, status: int = 400) -> None:
        """A service's refusal, shown on the form: on the fields it names, else above them."""
        if hasattr(error, "error_dict"):
            for key, messages in error.message_dict.items():
                self.add_error(key if key in self.fields else None, messages)
        else:
            self.add_error(None, error)
        self.status = status


class CitizenForm(CaptchaForm):
    """A public form a citizen signs with a name and a mobile number (registration, quiz).
    ``mobile_help`` says what the number is for."""

    mobile_help = ""

    name = forms.CharField(
        label=_("姓名"), max_length=60, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    mobile = mobile_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mobile"].help_text = self.mobile_help

    def clean_mobile(self):
        return clean_mobile(self.cleaned_data["mobile"])

"""The security baseline: passwords, login lockout, idle sessions, content security policy."""

import datetime
import re
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse

from qualitymonth.accounts.models import User
from qualitymonth.core.middleware import LAST_SEEN_KEY
from tests.conftest import make_person

PASSWORD = "Strong-Password-1"
LOGIN = "/accounts/login/"


def password_errors(password: str, user: User | None = None) -> list[str]:
    try:
        validate_password(password, user or User(username="zhangsan", full_name="张三"))
    except ValidationError as error:
        return error.messages
    return []


# Passwords ------------------------------------------------------------------------------------


def test_weak_passwords_are_refused_in_chinese():
    assert password_errors("Abc-12345") == ["密码太短，至少需要 10 个字符。"]
    assert "密码只包含数字。" in password_errors("20240901123456")
    assert "这个密码太常见了。" in password_errors("password123")
    assert any("太相似" in message for message in password_errors("zhangsan2024"))
    assert password_errors("Zhiliangyue-2024") == []


# Login lockout --------------------------------------------------------------------------------


def log_in(client, username: str, password: str, address: str = "127.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_five_wrong_passwords_lock_the_account_for_thirty_minutes(client, db):
    make_person("zhang")
    for _attempt in range(4):
        response = log_in(client, "zhang", "wrong-password")
        assert response.status_code == 200
        assert "锁定" not in response.content.decode()
    fifth = log_in(client, "zhang", "wrong-password")
    assert fifth.status_code == 429
    assert "该账号已被暂时锁定" in fifth.content.decode()

    # The sixth attempt, with the right password, is refused with the time to try again.
    sixth = log_in(client, "zhang", PASSWORD)
    page = sixth.content.decode()
    assert sixth.status_code == 429
    assert "登录失败次数过多，该账号已被暂时锁定" in page
    assert re.search(r"请在 \d{2}:\d{2} 之后（约 (29|30) 分钟后）再试", page)
    assert '<input type="text" name="username" value="zhang"' in page  # the form is still there
    assert "_auth_user_id" not in client.session


def test_lockout_is_per_username_and_address(client, db):
    make_person("zhang")
    make_person("li")
    for _attempt in range(5):
        log_in(client, "zhang", "wrong-password")
    # Another person at the same address, and the same person elsewhere, still log in.
    assert log_in(client, "li", PASSWORD).status_code == 302
    client.logout()
    assert log_in(client, "zhang", PASSWORD, address="10.1.2.3").status_code == 302


def test_the_lockout_ends_after_thirty_minutes(client, db):
    make_person("zhang")
    for _attempt in range(5):
        log_in(client, "zhang", "wrong-password")
    assert log_in(client, "zhang", PASSWORD).status_code == 429
    # Time travel: the failures happened 31 minutes ago.
    for attempt in AccessAttempt.objects.filter(username="zhang"):
        attempt.attempt_time -= datetime.timedelta(minutes=31)
        attempt.save()
    response = log_in(client, "zhang", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(username="zhang").pk)


def test_a_successful_login_resets_the_count(client, db):
    make_person("zhang")
    for _attempt in range(4):
        log_in(client, "zhang", "wrong-password")
    assert log_in(client, "zhang", PASSWORD).status_code == 302
    client.logout()
    for _attempt in range(4):
        log_in(client, "zhang", "wrong-password")
    assert log_in(client, "zhang", PASSWORD).status_code == 302


def test_the_test_clients_login_still_works(client, db):
    """Authentication without a request has no address to lock out; it is not refused."""
    make_person("zhang")
    assert client.login(username="zhang", password=PASSWORD)


# Idle sessions --------------------------------------------------------------------------------


@pytest.fixture
def logged_in(client, admin):
    client.force_login(admin)
    assert client.get(reverse("core:inbox")).status_code == 200
    return client


def travel(client, minutes: int) -> None:
    """Pretend the last refresh of the session was ``minutes`` ago."""
    session = client.session
    session[LAST_SEEN_KEY] -= minutes * 60
    session.save()


def expiry(client) -> datetime.datetime:
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_an_idle_session_expires_after_thirty_minutes(logged_in, settings):
    assert settings.SESSION_IDLE_MINUTES == 30
    travel(logged_in, 31)
    response = logged_in.get(reverse("core:inbox"))
    assert response.status_code == 302
    assert response.url.startswith(f"{LOGIN}?next=")
    page = logged_in.get(response.url).content.decode()
    assert "由于长时间未操作，您已自动退出" in page
    assert logged_in.get(reverse("core:inbox")).status_code == 302


def test_an_active_session_stays(logged_in):
    travel(logged_in, 29)
    assert logged_in.get(reverse("core:inbox")).status_code == 200
    travel(logged_in, 29)
    assert logged_in.get(reverse("core:inbox")).status_code == 200


def test_an_idle_htmx_request_sends_the_whole_page_to_the_login(logged_in):
    travel(logged_in, 31)
    response = logged_in.post(
        reverse("core:inbox_read_all"),
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/inbox/?show=unread"},
    )
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{LOGIN}?next=/inbox/%3Fshow%3Dunread"


def test_the_session_is_written_at_most_once_a_minute(logged_in, settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST is False
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    first = expiry(logged_in)
    for _request in range(3):
        response = logged_in.get(reverse("core:inbox"))
        assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert expiry(logged_in) == first
    # A minute later the next request pushes the expiry forward.
    travel(logged_in, 2)
    response = logged_in.get(reverse("core:inbox"))
    assert settings.SESSION_COOKIE_NAME in response.cookies
    assert expiry(logged_in) > first


# Content security policy ----------------------------------------------------------------------


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.strip().split(" ", 1)[0]: part.strip().partition(" ")[2]
        for part in header.split(";")
        if part.strip()
    }


def test_pages_carry_a_strict_content_security_policy(client, admin):
    for response in (client.get(LOGIN), _logged_in_page(client, admin)):
        directives = policy(response)
        assert directives["default-src"] == "'self'"
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"
        assert directives["form-action"] == "'self'"
        assert directives["img-src"] == "'self' data: blob:"
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert "unsafe-eval" not in response["Content-Security-Policy"]


def _logged_in_page(client, admin):
    client.force_login(admin)
    return client.get(reverse("core:inbox"))


def test_htmx_injects_no_inline_styles(client, admin):
    page = _logged_in_page(client, admin).content.decode()
    assert '"includeIndicatorStyles": false' in page


ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted((ROOT / "qualitymonth").glob("**/templates/**/*.html"))
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "inline event handler"),
    (re.compile(r"\bhx-on", re.I), "hx-on (needs eval)"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_needs_unsafe_inline():
    """The policy blocks inline scripts and styles; a template that relies on one breaks."""
    assert TEMPLATES
    found = [
        f"{path.relative_to(ROOT)}: {label}"
        for path in TEMPLATES
        for pattern, label in INLINE
        if pattern.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []

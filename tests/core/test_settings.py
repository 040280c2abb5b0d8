"""The embedded defaults and the production switch, each in a fresh interpreter."""

import json
import os
import subprocess
import sys

# Set by the browser tests' conftest for this process only; never part of a deployment.
TEST_ONLY_ENV = {"DJANGO_ALLOW_ASYNC_UNSAFE"}
# Variables the tests set themselves; the surrounding shell's values are left out.
SETTINGS_UNDER_TEST = {
    "DATABASE_URL",
    "SECRET_KEY",
    "DEBUG",
    "QUALITYMONTH_ENV",
    "SESSION_IDLE_MINUTES",
}

PRINT_SETTINGS = """
import json
from django.conf import settings
from django.db import connection
connection.ensure_connection()
mode = None
if connection.vendor == "sqlite":
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()[0]
print(json.dumps({"debug": settings.DEBUG, "vendor": connection.vendor, "journal": mode,
                  "key": settings.SECRET_KEY, "lang": settings.LANGUAGE_CODE,
                  "tz": settings.TIME_ZONE, "secure_cookie": settings.SESSION_COOKIE_SECURE,
                  "session_age": settings.SESSION_COOKIE_AGE,
                  "save_every_request": settings.SESSION_SAVE_EVERY_REQUEST,
                  "hsts": getattr(settings, "SECURE_HSTS_SECONDS", 0)}))
"""


def run_settings(tmp_path, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {*SETTINGS_UNDER_TEST, *TEST_ONLY_ENV}
    }
    environment.update(
        QUALITYMONTH_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="qualitymonth.settings"
    )
    environment.update(env)
    code = "import django; django.setup()\n" + PRINT_SETTINGS
    return subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, timeout=60
    )


def test_embedded_default_is_sqlite_in_wal_with_a_kept_secret_key(tmp_path):
    first = run_settings(tmp_path)
    assert first.returncode == 0, first.stderr
    values = json.loads(first.stdout)
    assert values["vendor"] == "sqlite"
    assert values["journal"] == "wal"
    assert values["debug"] is False
    assert values["lang"] == "zh-hans" and values["tz"] == "Asia/Shanghai"
    assert (tmp_path / "qualitymonth.sqlite3").exists()
    # The generated key is kept, so sessions survive a restart.
    second = json.loads(run_settings(tmp_path).stdout)
    assert second["key"] == values["key"] == (tmp_path / "secret_key").read_text().strip()


def test_debug_only_when_asked(tmp_path):
    assert json.loads(run_settings(tmp_path, DEBUG="1").stdout)["debug"] is True


def test_production_requires_a_secret_key(tmp_path):
    result = run_settings(tmp_path, QUALITYMONTH_ENV="production")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_production_uses_secure_cookies_and_hsts(tmp_path):
    result = run_settings(tmp_path, QUALITYMONTH_ENV="production", SECRET_KEY="x" * 60)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["secure_cookie"] is True
    assert values["hsts"] >= 31536000


def test_sessions_expire_after_idle_minutes_without_a_write_per_request(tmp_path):
    default = json.loads(run_settings(tmp_path).stdout)
    assert default["session_age"] == 30 * 60
    assert default["save_every_request"] is False
    assert (
        json.loads(run_settings(tmp_path, SESSION_IDLE_MINUTES="45").stdout)["session_age"]
        == 45 * 60
    )


def test_check_deploy_is_clean_in_production(tmp_path):
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", *TEST_ONLY_ENV}}
    environment.update(
        QUALITYMONTH_DATA_DIR=str(tmp_path),
        QUALITYMONTH_ENV="production",
        SECRET_KEY="a-long-random-production-key-" + "k" * 40,
        ALLOWED_HOSTS="quality.example.gov.cn",
    )
    result = subprocess.run(
        [sys.executable, "-m", "qualitymonth", "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_passwords_are_hashed_with_argon2():
    # The project's own settings module: tests swap in a fast hasher for speed.
    from qualitymonth import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")

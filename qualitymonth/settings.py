"""Settings from the environment, with embedded defaults for one machine.

Nothing set: SQLite (WAL) and media under ``var/``, a generated secret key kept in
``var/secret_key``, DEBUG off. ``DATABASE_URL`` switches to PostgreSQL;
``QUALITYMONTH_ENV=production`` requires ``SECRET_KEY`` and turns on secure cookies and HSTS.
"""

import datetime
import os
import secrets
from pathlib import Path

import dj_database_url


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    return [part.strip() for part in value.split(",") if part.strip()] or default


BASE_DIR = Path(__file__).resolve().parent
_checkout = BASE_DIR.parent
DATA_DIR = Path(
    os.environ.get("QUALITYMONTH_DATA_DIR")
    or (_checkout / "var" if (_checkout / "pyproject.toml").exists() else Path.cwd() / "var")
)

PRODUCTION = os.environ.get("QUALITYMONTH_ENV", "").lower() == "production"
DEBUG = env_bool("DEBUG") and not PRODUCTION


def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    if PRODUCTION:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY must be set when QUALITYMONTH_ENV=production.")
    # Embedded default: generate once and keep it, so sessions survive restarts.
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_htmx",
    "axes",
    "csp",
    "qualitymonth.core",
    "qualitymonth.audit",
    "qualitymonth.orgs",
    "qualitymonth.accounts",
    "qualitymonth.campaigns",
    "qualitymonth.notices",
    "qualitymonth.assignments",
    "qualitymonth.events",
    "qualitymonth.reports",
    "qualitymonth.summaries",
    "qualitymonth.progress",
    "qualitymonth.dashboard",
    "qualitymonth.worksummaries",
    "qualitymonth.demo",
    # self-hosted picture captcha for the public forms (see core/antiabuse.py)
    "captcha",
    "qualitymonth.cases",
    "qualitymonth.portal",
    "qualitymonth.upward",
    "qualitymonth.registrations",
    "qualitymonth.quizzes",
]

MIDDLEWARE = [
    # First: database connections go back to the pool before the response is sent.
    "qualitymonth.core.middleware.ReleaseConnectionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "qualitymonth.accounts.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "qualitymonth.core.middleware.IdleSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: turns a lockout flagged during authentication into the lockout page.
    "axes.middleware.AxesMiddleware",
]

FORM_RENDERER = "qualitymonth.core.forms.FormRenderer"
ROOT_URLCONF = "qualitymonth.urls"
WSGI_APPLICATION = "qualitymonth.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qualitymonth.core.context_processors.inbox",
                "qualitymonth.audit.context_processors.audit_nav",
                "qualitymonth.campaigns.context_processors.campaign_switcher",
                "qualitymonth.accounts.context_processors.user_roles",
                "qualitymonth.orgs.context_processors.org_nav",
                "qualitymonth.cases.context_processors.cases_nav",
                "qualitymonth.quizzes.context_processors.quizzes_nav",
            ],
        },
    },
]

# Database connections ---------------------------------------------------------------------------
# PostgreSQL (DATABASE_URL): one bounded pool of connections per process (Django's native psycopg
# pool), shared by all its threads, whichever way the platform is served. Why:
#   - The embedded server (runserver, behind `qualitymonth demo`) started a thread per request.
#     Django's persistent connections (CONN_MAX_AGE) belong to a thread and runserver never
#     closes them when its threads end: with CONN_MAX_AGE=60 every request thread left a
#     connection open, and simultaneous requests opened as many as there were requests until
#     PostgreSQL refused everyone ("too many clients already"; 425 of 1,000 simultaneous
#     registrations failed). CONN_MAX_AGE=0 alone closes them at request end, but still opens one
#     per simultaneous request and pays a new connection on every request.
#   - With the pool, gunicorn's sync workers (one request at a time) and gthread workers (a fixed
#     set of threads), the embedded server and the task threads (core/tasks.py) all hold at most
#     DATABASE_POOL_MAX connections per process, reused from request to request.
# A request takes a connection at its first query and gives it back once its response is built
# (core.middleware.ReleaseConnectionsMiddleware; CONN_MAX_AGE must be 0 with a pool, Django's
# "close" then returns the connection). The embedded server runs at most DATABASE_POOL_MAX
# requests at once (`serve --threads`) and queues the rest before they need a connection, so a
# burst never times out in the pool (1,000 simultaneous registrations: all served, see
# bench/README.md). Where threads outnumber connections (gunicorn gthread, task threads) a thread
# waits for one up to DATABASE_POOL_TIMEOUT seconds, then its request gets the 503 "服务器繁忙"
# page (core/errors.py): 30 s, psycopg's default, is below gunicorn's worker timeout and nginx's
# proxy_read_timeout, so people see our page rather than theirs. Size: processes ×
# DATABASE_POOL_MAX must stay below PostgreSQL's max_connections (100 by default) with room for
# psql, backups and other users; 0 turns the pool off (a connection per request, closed at its
# end). Health checks: a connection is checked as it leaves the pool, so connections cut by a
# PostgreSQL restart are replaced (the first requests after it wait a moment) instead of failing
# requests. Connections above 2 close after DATABASE_POOL_MAX_IDLE idle seconds.
DATABASE_POOL_MAX = max(0, int(os.environ.get("DATABASE_POOL_MAX") or 10))
DATABASE_POOL_TIMEOUT = float(os.environ.get("DATABASE_POOL_TIMEOUT") or 30)
DATABASE_POOL_MAX_IDLE = 60

if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"], conn_max_age=0, conn_health_checks=True
        )
    }
    if DATABASE_POOL_MAX and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(2, DATABASE_POOL_MAX),
            "max_size": DATABASE_POOL_MAX,
            "timeout": DATABASE_POOL_TIMEOUT,
            "max_idle": DATABASE_POOL_MAX_IDLE,
        }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "qualitymonth.sqlite3",
            "OPTIONS": {
                # WAL lets readers work while a report is being written; IMMEDIATE avoids
                # "database is locked" on write upgrades under concurrent requests.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                # Seconds a writer waits for the lock; past it, the 503 page (core/errors.py).
                "timeout": 20,
            },
        }
    }
# -------------------------------------------------------------------------------------------------

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email", "phone")},
    },
    {
        "NAME": "qualitymonth.core.passwords.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# The demo runs without collectstatic; WhiteNoise serves straight from the app folders.
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or DATA_DIR / "media")
MEDIA_URL = "/media/"

# Notices are a few hundred KB; the cap keeps a mistaken upload from filling memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# Logged out after this many minutes without a request. core.middleware.IdleSessionMiddleware
# keeps an active session alive, writing it at most once a minute (not on every request).
SESSION_IDLE_MINUTES = max(1, int(os.environ.get("SESSION_IDLE_MINUTES") or 30))
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Content security policy: everything from the platform itself, no inline scripts or styles,
# no framing. Pages put behaviour in app.js and styles in app.css.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# Login lockout, two limits (accounts/lockout.py): 5 failed passwords for one username from one
# address lock that pair out for 30 minutes (django-axes); 20 for one username from any
# addresses within an hour lock the account for an hour, except in browsers the person has
# logged in from before. Admins unlock early on the person's page, or with
# `qualitymonth axes_reset_username USERNAME` (both locks).
AUTHENTICATION_BACKENDS = [
    "qualitymonth.core.security.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lockout lasts 30 minutes from the last counted failure; trying again meanwhile does not
# extend it, so the time shown on the login page holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_HANDLER = "qualitymonth.accounts.lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "qualitymonth.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "qualitymonth.core.security.client_ip"
AXES_VERBOSE = False  # no start-up banner on every command; failures are still logged
# The per-account limit, counted across addresses (not an axes setting: accounts/lockout.py).
ACCOUNT_LOCKOUT_FAILURES = 20
ACCOUNT_LOCKOUT_WINDOW = datetime.timedelta(hours=1)
ACCOUNT_LOCKOUT_TIME = datetime.timedelta(hours=1)
# How many reverse proxies (nginx …) stand in front of the app; their X-Forwarded-For then
# names the client. 0: the connection's own address.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT") or 0)

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT") or 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
# A slow mail server must not hold up the page that sent the notification.
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "质量月活动管理平台 <noreply@localhost>")
# The platform's address as people reach it, for links in e-mails.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Background work (django-tasks): in the embedded mode each task runs in a thread of the web
# process; deployments with task workers set another backend here.
TASKS = {"default": {"BACKEND": "qualitymonth.core.tasks.ThreadBackend"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# Consultations and complaints: a running time limit is flagged (and its handler notified by
# `qualitymonth check-case-clocks`) when this many working days or fewer are left.
CASE_CLOCK_WARN_DAYS = int(os.environ.get("CASE_CLOCK_WARN_DAYS") or 2)
# The captcha picture: 4 characters, valid 10 minutes, drawn without letters easily confused.
CAPTCHA_LENGTH = 4
CAPTCHA_TIMEOUT = 10
CAPTCHA_CHALLENGE_FUNCT = "qualitymonth.core.antiabuse.challenge"
# Text messages to citizens (registration, waiting list): the gateway class. The default only
# logs them (the outbox in core.sms keeps every message); production names its gateway here.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "qualitymonth.core.sms.LogBackend")

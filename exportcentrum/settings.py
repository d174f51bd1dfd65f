# Longer than 400 lines: every setting the code reads is declared here with its type and default
# (the convention), so it grows with the portal.
"""Settings for the export-centre portal, read from the environment.

With nothing set the portal runs on an embedded default (SQLite file, filesystem Celery broker,
file-based cache) so `make run` needs no services. DATABASE_URL / REDIS_URL switch to PostgreSQL
and Redis. DJANGO_ENV=production refuses to start without SECRET_KEY (not a placeholder),
ALLOWED_HOSTS, PORTAL_BASE_URL, a delivering EMAIL_BACKEND and a PSEUDONYM_KEY of its own.

Every setting the code reads is declared here, with its type and default: code reads
``settings.NAME``, never ``getattr(settings, "NAME", default)`` (a second default elsewhere would
drift from this one). A value the portal cannot use stops the start with ImproperlyConfigured.
"""

from __future__ import annotations

import os
from datetime import timedelta
from importlib import import_module
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR: Path = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean, got {value!r}")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env_str(name, default) or "").split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of ``choices``; a misspelt value fails instead of quietly meaning the default."""
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}; got {value!r}")
    return value


DJANGO_ENV: str = env_choice("DJANGO_ENV", "development", ("development", "production"))
PRODUCTION: bool = DJANGO_ENV == "production"
DEBUG: bool = env_bool("DJANGO_DEBUG", default=not PRODUCTION)

#: Words of keys copied from examples and defaults: production refuses a SECRET_KEY with one.
PLACEHOLDER_KEY_MARKERS = ("change-me", "changeme", "insecure", "placeholder", "secret-key")
#: Backends that never deliver mail: fine on a laptop, a lost receipt in production.
UNDELIVERED_EMAIL_BACKENDS = ("console", "filebased", "locmem", "dummy")

if PRODUCTION:
    SECRET_KEY: str = env_str("SECRET_KEY") or ""
    ALLOWED_HOSTS: list[str] = env_list("ALLOWED_HOSTS")
    if not SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("Production needs SECRET_KEY (at least 50 characters).")
    if any(marker in SECRET_KEY.lower() for marker in PLACEHOLDER_KEY_MARKERS):
        raise ImproperlyConfigured("SECRET_KEY is a known placeholder; generate a random one.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Production needs ALLOWED_HOSTS (comma-separated).")
    if DEBUG:
        raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")
else:
    # Development only: a fixed key so sessions survive restarts of `make run`.
    SECRET_KEY: str = env_str("SECRET_KEY", "dev-only-insecure-key-" + "x" * 40)  # noqa: S105
    ALLOWED_HOSTS: list[str] = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")

CSRF_TRUSTED_ORIGINS: list[str] = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",  # the widget templates, for FORM_RENDERER below
    "rest_framework",
    "drf_spectacular",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "exportcentrum",
    "regions",
    "routing",
    "indicators",
    "privacy",
    "evaluation",
]
if not PRODUCTION:
    INSTALLED_APPS.append("bench")  # benchmark seeders: bulk fake data, never in production

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the query, the form or the database: NUL/undecodable input is a 400.
    "exportcentrum.input_guard.RejectMalformedInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.scope: who may see what, computed once per request (regions.access).
    "regions.access.ScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Staff: TOTP before any page for the roles that need it, sessions that end after a day idle.
    "regions.access.StaffSecurityMiddleware",
    # Last, so it sees the view's exception first: a lost database is a 503, not a traceback.
    "exportcentrum.unavailable.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "exportcentrum.urls"
WSGI_APPLICATION = "exportcentrum.wsgi.application"

# Forms render through TEMPLATES, so a form's template can include templates/_field.html.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "exportcentrum.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
USING_POSTGRES: bool = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if not USING_POSTGRES:
    # A file, not :memory:, so a separately started Celery worker sees the test database too.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}
    DATABASES["default"]["OPTIONS"] = {"timeout": 20}
# SQLite ignores the covering columns of PostgreSQL's index-only indexes; say nothing about it
# on the development default.
SILENCED_SYSTEM_CHECKS: list[str] = [] if USING_POSTGRES else ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, Celery ---------------------------------------------------------------------------
REDIS_URL: str | None = env_str("REDIS_URL")
if REDIS_URL:
    # Fails open: with Redis down, intake still saves questions (exportcentrum/cache.py).
    CACHES = {
        "default": {"BACKEND": "exportcentrum.cache.ResilientRedisCache", "LOCATION": REDIS_URL}
    }
else:
    # Shared by web, worker and beat processes of `make run` (routing rules version, rate limits).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

CELERY_BROKER_URL: str = env_str("CELERY_BROKER_URL", REDIS_URL) or "filesystem://"
if CELERY_BROKER_URL == "filesystem://":
    _broker_dir = VAR_DIR / "celery-broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
else:
    # Fail fast: a request must not hang when the broker is down (the outbox re-sends later).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "socket_connect_timeout": 1,
        "socket_timeout": 5,
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Publishing never retries: with the broker down a question is filed in milliseconds, not in
# ~0.65 s of reconnect attempts; the outbox's periodic re-send is the retry.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = "Europe/Stockholm"
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")


def _beat_schedule() -> dict[str, dict]:
    """Each app declares its periodic tasks in <app>/schedule.py (plain data, no models).

    Fixed intervals, not local-time crontabs: DST switches neither skip nor repeat a sweep.
    """
    schedule: dict[str, dict] = {}
    for module in ("routing.schedule", "indicators.schedule", "privacy.schedule"):
        try:
            schedule.update(import_module(module).BEAT_SCHEDULE)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
    return schedule


CELERY_BEAT_SCHEDULE = _beat_schedule()

# --- Auth ------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "login": "30/m/ip",
    "signup": "10/h/ip",
    "reset_password": "10/h/ip,5/h/key",
}
# Login limits count per client like every other limit (routing/client_ip.py).
ACCOUNT_ADAPTER = "exportcentrum.account_adapter.PortalAccountAdapter"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Regionala exportcentrum"
# Staff roles (regions.access.Role) that must have TOTP before any page: add "handler" to require
# it of all staff. Off by default in development so the demo is a two-minute affair (the login
# page says so); production refuses to run without the three roles that see beyond one office.
MFA_ALWAYS_REQUIRED_ROLES = frozenset({"coordinator", "national", "admin"})
MFA_REQUIRED_ROLES = frozenset(
    env_list(
        "MFA_REQUIRED_ROLES", ",".join(sorted(MFA_ALWAYS_REQUIRED_ROLES)) if PRODUCTION else ""
    )
)
if unknown_roles := MFA_REQUIRED_ROLES - MFA_ALWAYS_REQUIRED_ROLES - {"handler"}:
    raise ImproperlyConfigured(f"MFA_REQUIRED_ROLES has unknown roles: {sorted(unknown_roles)}")
if PRODUCTION and not MFA_ALWAYS_REQUIRED_ROLES <= MFA_REQUIRED_ROLES:
    raise ImproperlyConfigured(
        "Production requires MFA for coordinators, national staff and admins "
        "(MFA_REQUIRED_ROLES must include coordinator,national,admin)."
    )
# A staff session ends after a working day without a request (see
# regions.access.StaffSecurityMiddleware); company accounts keep Django's session age.
STAFF_SESSION_IDLE = timedelta(hours=env_int("STAFF_SESSION_IDLE_HOURS", 9))

# --- I18n ------------------------------------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Svenska")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
# One date format per language (exportcentrum/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["exportcentrum.formats"]
# The accessibility statement's "last reviewed" date: the newest review recorded in this file.
ACCESSIBILITY_REVIEW_FILE = BASE_DIR / "docs" / "accessibility-review.md"

# --- Static ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it even before collectstatic
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

# --- E-mail ----------------------------------------------------------------------------------
EMAIL_BACKEND: str = env_str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
# A hung SMTP server must not hold a worker (or a request) for ever; the outbox retries.
EMAIL_TIMEOUT: int = env_int("EMAIL_TIMEOUT", 10)
EMAIL_FILE_PATH: str = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST: str = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT: int = env_int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL: str = env_str(
    "DEFAULT_FROM_EMAIL", "Regionalt exportcentrum <noreply@exportcentrum.se>"
)
# Absolute links in e-mails (no request to build them from).
PORTAL_BASE_URL: str | None = env_str(
    "PORTAL_BASE_URL", None if PRODUCTION else "http://127.0.0.1:8000"
)
if PRODUCTION:
    if not PORTAL_BASE_URL:
        raise ImproperlyConfigured("Production needs PORTAL_BASE_URL (the links in e-mails).")
    if EMAIL_BACKEND.rsplit(".", 2)[-2] in UNDELIVERED_EMAIL_BACKENDS:
        raise ImproperlyConfigured(
            f"EMAIL_BACKEND {EMAIL_BACKEND} never delivers mail; production needs a real one."
        )

# --- Client addresses and limits ----------------------------------------------------------------
# How many reverse proxies of ours sit in front of the web process. Each appends the address it
# received from to X-Forwarded-For; the client is read that many entries from the right. 0: the
# header is ignored (anyone can send it) and REMOTE_ADDR is the client.
TRUSTED_PROXY_COUNT: int = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT  # same rule, should allauth read it itself
# Questions accepted through the form per client: (count, window in seconds).
INTAKE_RATE_LIMIT: tuple[int, int] = (
    env_int("INTAKE_RATE_LIMIT_COUNT", 10),
    env_int("INTAKE_RATE_LIMIT_SECONDS", 600),
)
# Receipt mails to one address per hour; further questions are saved without a receipt.
RECEIPT_LIMIT_PER_HOUR: int = env_int("RECEIPT_LIMIT_PER_HOUR", 5)

# --- API -------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "exportcentrum.api_authentication.PortalSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # Our throttles identify clients through routing/client_ip.py; DRF's own, if ever used,
    # applies the same rule.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "questions": env_str("QUESTION_THROTTLE_RATE", "20/hour"),
        "anon": "200/hour",
        "user": "2000/hour",
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Regionala exportcentrum – API",
    "DESCRIPTION": "En dörr in: frågor från företag, status, referensdata och indikatorer.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

# --- Domain settings ---------------------------------------------------------------------------
# "working_day" (24 hours counting only working days) or "calendar_24h".
DEADLINE_POLICY: str = env_choice("DEADLINE_POLICY", "working_day", ("working_day", "calendar_24h"))
# Keyed hash for pseudonymised exports; must differ from SECRET_KEY in production.
PSEUDONYM_KEY: str | None = env_str("PSEUDONYM_KEY", None if PRODUCTION else SECRET_KEY)
if PRODUCTION and (not PSEUDONYM_KEY or PSEUDONYM_KEY == SECRET_KEY):
    # Separate keys: rotating SECRET_KEY must not change every pseudonym in earlier exports.
    raise ImproperlyConfigured("Production needs a PSEUDONYM_KEY that differs from SECRET_KEY.")
# /health/ calls the escalation sweep stale when it has not started for this long.
SWEEP_STALE_AFTER: timedelta = timedelta(minutes=env_int("SWEEP_STALE_AFTER_MINUTES", 5))
# Follow-up survey this long after a case is closed; the effect question months later.
SURVEY_DELAY: timedelta = timedelta(days=env_int("SURVEY_DELAY_DAYS", 1))
EFFECT_SURVEY_DELAY: timedelta = timedelta(days=env_int("EFFECT_SURVEY_DELAY_DAYS", 182))
# A survey link stops working after this long.
SURVEY_LINK_MAX_AGE: timedelta = timedelta(days=env_int("SURVEY_LINK_MAX_AGE_DAYS", 120))
# Dashboards read an indicator snapshot younger than this, else compute and store a new one.
SNAPSHOT_MAX_AGE: timedelta = timedelta(minutes=env_int("SNAPSHOT_MAX_AGE_MINUTES", 15))
# How long personal data is kept (GDPR art. 5.1 e). Shown on the privacy page and in the register
# of processing activities, applied every night by privacy.apply_retention.
RETENTION_CLOSED_CASES_MONTHS: int = env_int("RETENTION_CLOSED_CASES_MONTHS", 36)
RETENTION_SENT_MAIL_DAYS: int = env_int("RETENTION_SENT_MAIL_DAYS", 30)
RETENTION_SURVEY_COMMENTS_MONTHS: int = env_int("RETENTION_SURVEY_COMMENTS_MONTHS", 24)
RETENTION_ACTIVITY_PARTICIPANTS_MONTHS: int = env_int("RETENTION_ACTIVITY_PARTICIPANTS_MONTHS", 36)
RETENTION_SWEEP_RUNS_DAYS: int = env_int("RETENTION_SWEEP_RUNS_DAYS", 90)

# --- Security (production) -------------------------------------------------------------------
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

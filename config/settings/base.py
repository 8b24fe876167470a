"""Settings shared by every environment; everything that varies comes from the environment."""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} must be set for these settings.")
    return value


PRODUCT_NAME = "Plans locaux drogues et addictions"

DEBUG = env_bool("DEBUG", default=False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # Third party
    "axes",
    "bootstrap",
    "crispy_forms",
    "crispy_bootstrap5",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    # Ours, in dependency order: partners <- plans <- indicators
    "partners",
    "plans",
    "indicators",
    # After ours, so that our `db_worker` (which leaves SQLite unlocked while idle) replaces the package's.
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.PagesLoginRequiredMiddleware",
    "config.middleware.ApiBodyLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # A view that met a transient lock runs once more, then answers 503 with what was typed (never a traceback).
    "config.middleware.RetryTransientMiddleware",
    # Must be last: it turns axes' lockout signal into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "config.context_processors.product",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serves `make run`: a web server with several threads and a worker beside it. Readers never wait for
    # the writer (WAL); a transaction that writes takes the write lock when it begins (IMMEDIATE) instead of
    # failing at once with "database is locked" when it upgrades from reading; a writer waits up to 20 s for
    # another (the busy timeout) instead of failing. The worker only takes the lock when a task is ready
    # (indicators/management/commands/db_worker.py).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": int(os.environ.get("SQLITE_BUSY_TIMEOUT", "20")),
            "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The table of the shared cache in production (config/settings/production.py), created by a migration everywhere.
CACHE_TABLE = "cache_entries"

# Authentication
AUTH_USER_MODEL = "partners.User"
AUTHENTICATION_BACKENDS = [
    # Axes first, so that a locked-out client never reaches the password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = 60 * 60 * 10  # a working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Brute-force protection (partners.auth.AccountAndAddressHandler): the sixth failure in a row for one account
# from one address locks that account from that address; 30 failures from one address, whatever the accounts,
# lock that address. Both for 30 minutes.
AXES_HANDLER = "partners.auth.AccountAndAddressHandler"
AXES_FAILURE_LIMIT = 6
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "30"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
# The client's address behind TRUSTED_PROXY_COUNT proxies (the load balancer): see partners.auth.client_ip.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "partners.auth.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_VERBOSE = False

# Internationalisation: French first, English available.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# One date format per language (day first in both) and grouped numbers: see config/formats/.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# Static files come from installed packages (Bootstrap) and static/; never from a CDN.
STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"  # never served as such: evidence goes through a view that checks the user's role

# Evidence files (minutes, attendance sheets, photos): local disk under MEDIA_ROOT by default; any S3-compatible
# store (Scaleway, OVHcloud, Outscale, MinIO, AWS) when EVIDENCE_S3_BUCKET is set. The bucket stays private:
# the product reads the files and streams them to members; nothing is ever reachable by a public URL.
EVIDENCE_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if os.environ.get("EVIDENCE_S3_BUCKET"):
    EVIDENCE_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["EVIDENCE_S3_BUCKET"],
            "endpoint_url": os.environ.get("EVIDENCE_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("EVIDENCE_S3_REGION") or None,
            "access_key": os.environ.get("EVIDENCE_S3_ACCESS_KEY_ID") or None,
            "secret_key": os.environ.get("EVIDENCE_S3_SECRET_ACCESS_KEY") or None,
            "location": os.environ.get("EVIDENCE_S3_PREFIX", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
STORAGES["evidence"] = EVIDENCE_STORAGE
# The site's address, for the links in the mails sent without a request (the daily reminders).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")
# What one plan may hold in evidence files, all together (each file: 10 MB at most, core.uploads).
EVIDENCE_PLAN_QUOTA = int(os.environ.get("EVIDENCE_PLAN_QUOTA_MB", "500")) * 1024 * 1024

# Security headers that hold everywhere; production tightens the transport ones.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True

# Background work (exports of big reports) goes through Django's tasks framework, with the database as the
# queue: PostgreSQL stays the only moving part, and workers on several machines share it
# (`python manage.py db_worker`, see the README).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# An export runs in the background when it may take more than a second: every PDF, any spreadsheet of a plan
# over this many actions.
EXPORTS_INLINE_MAX_ACTIONS = int(os.environ.get("EXPORTS_INLINE_MAX_ACTIONS", "100"))
EXPORTS_MAX_AGE_DAYS = int(os.environ.get("EXPORTS_MAX_AGE_DAYS", "7"))  # prepared files are removed after that
EXPORTS_STALE_MINUTES = int(os.environ.get("EXPORTS_STALE_MINUTES", "10"))  # a worker that died mid-export
EXPORTS_MAX_ATTEMPTS = 3
# A spreadsheet import of more actions than this runs in the background (5,000 rows take seconds).
IMPORT_INLINE_MAX_ACTIONS = int(os.environ.get("IMPORT_INLINE_MAX_ACTIONS", "300"))
# …and a file bigger than this is read by a worker too (50 kB: some 1,200 rows of XLSX, read in half a second).
IMPORT_INLINE_MAX_BYTES = int(os.environ.get("IMPORT_INLINE_MAX_BYTES", "50000"))
# A report's preview is kept this long for a given state of the plan's data (any change makes a new one).
REPORT_PREVIEW_CACHE_SECONDS = int(os.environ.get("REPORT_PREVIEW_CACHE_SECONDS", str(24 * 3600)))
# The overview's totals over every plan followed (thousands, for a préfecture) are recomputed at most this often.
OVERVIEW_ROLLUPS_CACHE_SECONDS = int(os.environ.get("OVERVIEW_ROLLUPS_CACHE_SECONDS", "300"))

# Reasons (a plan reopened, a value corrected) are sentences, not 100-character labels.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

REST_FRAMEWORK = {
    # A personal token (partners.tokens) or the browser's session.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "partners.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated", "partners.tokens.ReadOnlyToken"],
    "DEFAULT_THROTTLE_CLASSES": ["core.rest.UserThrottle", "partners.tokens.TokenThrottle"],
    "DEFAULT_PAGINATION_CLASS": "core.rest.Pagination",
    # JSON bodies only (415 otherwise): the schema declares no other, and a form would dodge the strict fields.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["core.rest.StrictFilterBackend", "core.rest.StrictOrderingFilter"],
    "DEFAULT_SCHEMA_CLASS": "config.schema.Schema",
    "EXCEPTION_HANDLER": "core.rest.exception_handler",
}
# Requests a minute per person (all their tokens and their session together) and per token.
API_THROTTLE_RATES = {
    "user": os.environ.get("API_RATE_USER", "600/minute"),
    "token": os.environ.get("API_RATE_TOKEN", "300/minute"),
}
API_MAX_BODY_BYTES = 1024 * 1024  # a JSON body: a value, an action; never megabytes

SPECTACULAR_SETTINGS = {
    "TITLE": "API des plans locaux drogues et addictions",
    "DESCRIPTION": (
        "Lire les plans (territoires, piliers, axes, actions, indicateurs, trimestres, valeurs, budget, "
        "réunions) et envoyer des valeurs, avec les mêmes règles que les pages. Authentification : un jeton "
        "personnel (`Authorization: Bearer plt_…`, créé sur la page « Mon compte ») ou la session du navigateur. "
        "Erreurs en JSON, un message par champ, dans la langue demandée (`Accept-Language`: fr, en)."
    ),
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "config.schema.contract_hook"],
    "ENUM_NAME_OVERRIDES": {
        "PlanStatusEnum": "plans.enums.PlanStatus",
        "ActionStatusEnum": "plans.enums.ActionStatus",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.utils.autoreload": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
AXES_USERNAME_CALLABLE = "partners.auth.axes_username"

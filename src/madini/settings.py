"""One settings module, driven by environment variables (see README: Configuration)."""

import os
import sys
from pathlib import Path

import dj_database_url
import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_markercluster
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(os.environ.get("MADINI_HOME", Path.cwd()))


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_flag("DEBUG")
TESTING = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "madini-insecure-development-key-never-use-in-production"
    else:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "string (for example: python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=true for local development."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if (DEBUG or TESTING) else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "madini.geo",
    "madini.sites",
    "madini.public",
    "madini.incidents",
    "madini.sms",
    "madini.network",
    "madini.core",
    "rules",
    "axes",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it locks out repeated failed logins.
    "axes.middleware.AxesMiddleware",
]

# Who may do what with incidents is decided by the rules in madini.incidents.permissions.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling: after this many failures for one username from one address, that pair is
# locked out for the cool-off period (the rest of the network can still log in).
AXES_FAILURE_LIMIT = int(os.environ.get("MADINI_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("MADINI_LOGIN_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = int(os.environ.get("MADINI_NUM_PROXIES", "0"))

ROOT_URLCONF = "madini.urls"
WSGI_APPLICATION = "madini.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DEFAULT_SQLITE_PATH = PROJECT_DIR / "madini.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the public pages read while an import writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "public:map"
LOGOUT_REDIRECT_URL = "public:map"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("sw", _("Swahili"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Africa/Lubumbashi"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", PROJECT_DIR / "staticfiles"))
STATICFILES_DIRS = [
    PACKAGE_DIR / "static",
    ("vendor/leaflet", xstatic.pkg.leaflet.BASE_DIR),
    ("vendor/leaflet-markercluster", xstatic.pkg.leaflet_markercluster.BASE_DIR),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "madini.core.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Madini <no-reply@madini.invalid>")

# Production-safe defaults: everything below relaxes only when DEBUG is asked for.
SESSION_COOKIE_SECURE = env_flag("SESSION_COOKIE_SECURE", not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = env_flag("CSRF_COOKIE_SECURE", not DEBUG and not TESTING)
SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_flag("BEHIND_TLS_PROXY") else None
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache"
        if not os.environ.get("REDIS_URL")
        else "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ.get("REDIS_URL", "madini"),
    }
}
PUBLIC_CACHE_SECONDS = int(os.environ.get("MADINI_PUBLIC_CACHE_SECONDS", "300"))

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Staff API (/api/incidents/): a logged-in session or a token (`madini drf_create_token USER`).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("MADINI_API_ANON_RATE", "600/minute"),
        # Signed-in staff (the incidents API): generous, but a leaked token cannot scrape at will.
        "user": os.environ.get("MADINI_API_USER_RATE", "1200/minute"),
    },
    # Trust X-Forwarded-For only behind as many proxies as configured: otherwise a client could
    # escape the throttle by sending the header itself.
    "NUM_PROXIES": int(os.environ.get("MADINI_NUM_PROXIES", "0")),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Madini API",
    "DESCRIPTION": "Artisanal mine sites and their field visits, as open data.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served by the platform itself: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {"AccessEnum": "madini.sites.models.Visit.Access"},
}

# Where the published open data lives (the publisher's GeoServer WFS, CSV output).
MADINI_IPIS_SOURCE_URL = os.environ.get(
    "MADINI_IPIS_SOURCE_URL",
    "https://geo.ipisresearch.be/geoserver/public/ows?service=WFS&version=1.0.0"
    "&request=GetFeature&typeName=public:cod_mines_curated_all_opendata_p_ipis&outputFormat=csv",
)
MADINI_DATA_DIR = os.environ.get("MADINI_DATA_DIR", str(PROJECT_DIR.parent / "shared" / "data"))
MADINI_TILE_URL = os.environ.get("MADINI_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MADINI_TILE_ATTRIBUTION = os.environ.get(
    "MADINI_TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Background work (outbound SMS, processing inbound messages): django-tasks with its database
# backend, run by `madini db_worker`. Tests run tasks in-process (ImmediateBackend).
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "MADINI_TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend" if TESTING else "django_tasks_db.DatabaseBackend",
        ),
        "QUEUES": [],
    }
}

# Reporter anonymity: both keys live outside the database (see README: Anonymity).
# MADINI_PSEUDONYM_KEY: HMAC key for reporter pseudonyms. MADINI_NUMBER_KEYS: comma-separated
# Fernet keys, newest first; `madini sms rotate-keys` re-encrypts with the first one.
_DEVELOPMENT_PSEUDONYM_KEY = "madini-development-pseudonym-key"
_DEVELOPMENT_NUMBER_KEY = "bWFkaW5pLWRldmVsb3BtZW50LW9ubHkta2V5LTAwMDA="
MADINI_PSEUDONYM_KEY = os.environ.get("MADINI_PSEUDONYM_KEY", "")
MADINI_NUMBER_KEYS = env_list("MADINI_NUMBER_KEYS")
if DEBUG or TESTING:
    MADINI_PSEUDONYM_KEY = MADINI_PSEUDONYM_KEY or _DEVELOPMENT_PSEUDONYM_KEY
    MADINI_NUMBER_KEYS = MADINI_NUMBER_KEYS or [_DEVELOPMENT_NUMBER_KEY]
# In production, missing keys stop SMS intake with a clear error (sms.anonymity) rather than
# the whole platform: the public map and data do not need them.

MADINI_SMS_SESSION_MINUTES = int(os.environ.get("MADINI_SMS_SESSION_MINUTES", "60"))
MADINI_SMS_MAX_INCIDENTS_PER_DAY = int(os.environ.get("MADINI_SMS_MAX_INCIDENTS_PER_DAY", "5"))
MADINI_SMS_WEBHOOK_RATE = os.environ.get("MADINI_SMS_WEBHOOK_RATE", "120/minute")
MADINI_SMS_SEND_MAX_ATTEMPTS = int(os.environ.get("MADINI_SMS_SEND_MAX_ATTEMPTS", "6"))
# Case management (madini.incidents). Deadlines per severity (1 high, 2 medium, 3 low), in days;
# an incident with no severity yet counts as MADINI_DEFAULT_SEVERITY.
MADINI_VALIDATION_DEADLINE_DAYS = {1: 3, 2: 7, 3: 14}
MADINI_RESOLUTION_DEADLINE_DAYS = {1: 30, 2: 91, 3: 182}
MADINI_DEFAULT_SEVERITY = 2
# The public sees a published incident only this many days after it was reported.
MADINI_PUBLICATION_DELAY_DAYS = int(os.environ.get("MADINI_PUBLICATION_DELAY_DAYS", "0"))
# "site": a published incident linked to a site is shown at the site; "territory": always at its territory.
MADINI_PUBLIC_INCIDENT_LOCATION = os.environ.get("MADINI_PUBLIC_INCIDENT_LOCATION", "site")
# A reporter's encrypted reply number is erased this long after their last open incident closed.
MADINI_REPLY_NUMBER_RETENTION_DAYS = int(os.environ.get("MADINI_REPLY_NUMBER_RETENTION_DAYS", "90"))
# Possible duplicates: same site or within this distance, same category, within these days.
MADINI_DUPLICATE_DISTANCE_KM = 5
MADINI_DUPLICATE_DAYS = 3

MADINI_PUBLIC_BASE_URL = os.environ.get("MADINI_PUBLIC_BASE_URL", "http://127.0.0.1:8000")
AXES_VERBOSE = False

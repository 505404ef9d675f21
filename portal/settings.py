"""One settings module, driven by the environment.

Every knob is an environment variable. DEBUG is off unless asked for: `make run` sets DEBUG=1
for a laptop (SQLite in the project folder, development keys), and the test runner gets the
same development defaults. Production sets SECRET_KEY, PERSONAL_DATA_KEY, ALLOWED_HOSTS,
DATABASE_URL and REDIS_URL.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name, default):
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Off unless asked for (issue 16): a forgotten variable must not publish tracebacks. pytest sets
# PYTEST_VERSION while it runs, so the test suite keeps the development defaults it always had.
DEBUG = env_bool("DEBUG", "PYTEST_VERSION" in os.environ)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (for development: DEBUG=1).")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"

# Key for ID-card and mobile numbers at rest (portal/personal_store.py): encryption and keyed
# hashes. Losing it makes stored numbers unreadable; a dump without it reveals none.
# Several keys, newest first, while a rotation is under way (PERSONAL_DATA_KEYS below).
PERSONAL_DATA_KEYS = env_list("PERSONAL_DATA_KEYS")
PERSONAL_DATA_KEY = os.environ.get("PERSONAL_DATA_KEY", "") or next(iter(PERSONAL_DATA_KEYS), "")
if not PERSONAL_DATA_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("PERSONAL_DATA_KEY must be set when DEBUG is off (for development: DEBUG=1).")
    PERSONAL_DATA_KEY = "dev-only-personal-data-key-never-use-in-production"

# Personal-data keys, newest first: PERSONAL_DATA_KEYS="new,old" (comma-separated). The newest
# encrypts and fingerprints; the others only decrypt, until `manage.py rotate_personal_data_key`
# has re-encrypted everything with the newest. PERSONAL_DATA_KEY alone is the one-key form and,
# when both are given, must be the first of the list. The code reads PERSONAL_DATA_KEYS only.
if PERSONAL_DATA_KEYS and PERSONAL_DATA_KEYS[0] != PERSONAL_DATA_KEY:
    raise ImproperlyConfigured("PERSONAL_DATA_KEY must be the first (newest) entry of PERSONAL_DATA_KEYS.")
PERSONAL_DATA_KEYS = PERSONAL_DATA_KEYS or [PERSONAL_DATA_KEY]

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "portal.apps.PortalAdminConfig",  # django.contrib.admin with the portal's site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "axes",
    "auditlog",
    "django_tasks",
    "django_tasks_db",
    "portal",
    "grids",
    "centers",
    "projects",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.middleware.PublicGZipMiddleware",  # static files come precompressed (gzip and brotli) from whitenoise
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.ChineseByDefaultMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "portal.middleware.BadParameterMiddleware",
    "portal.middleware.PersonalDataKeyMiddleware",
    "portal.middleware.RateLimitMiddleware",
    "portal.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.middleware.StaffSessionMiddleware",
    "portal.middleware.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "portal.audit.AuditMiddleware",  # after authentication: who and from where, for the audit trail
]

# The benchmark (bench/public_pages.py) serves a hello-world view beside the portal to compare
# against; that URL exists only under this setting, never in production's URL conf.
ROOT_URLCONF = "portal.bench_urls" if env_bool("BENCH_HELLO", False) else "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

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
                "portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # PostgreSQL's JIT compiles a dashboard's grouped query for seconds before running it for
    # milliseconds (issue 12: 2.9 s of 3.5 s for 100,000 members); short queries gain nothing.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    # Several stateless processes share one cache and the rate-limit counters through Redis.
    # While Redis is unreachable the cache is no cache (portal/cache.py). Sessions stay in the
    # database (Django's default engine): with cached_db, a logout or password change made while
    # Redis was down would leave the old session in Redis, alive again once Redis is back.
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    CACHES["progress"] = CACHES["default"]
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # A job's progress, written by the worker and read by the web server: two processes,
        # so not the per-process memory cache (with it the bar moved only at the end).
        "progress": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": os.environ.get("JOBS_PROGRESS_DIR", str(BASE_DIR / "var" / "job-progress")),
        },
    }

# Public pages and figures for anonymous visitors (portal/core/pagecache.py, README "Caching").
# Their versions must be shared by every process: Redis in production; on the embedded default a
# file cache (several gunicorn workers on one machine see each other's bumps); the test run keeps
# it in memory.
PUBLIC_CACHE_ALIAS = "pages"
if REDIS_URL:
    CACHES[PUBLIC_CACHE_ALIAS] = CACHES["default"] | {"KEY_PREFIX": "pages"}
elif "PYTEST_VERSION" in os.environ:
    CACHES[PUBLIC_CACHE_ALIAS] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"}
else:
    CACHES[PUBLIC_CACHE_ALIAS] = {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": os.environ.get("PUBLIC_CACHE_DIR", str(BASE_DIR / ".cache" / "pages")),
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
PUBLIC_CACHE_ENABLED = env_bool("PUBLIC_CACHE_ENABLED", True)
PUBLIC_CACHE_TIMEOUT = env_int("PUBLIC_CACHE_TIMEOUT", 300)  # the longest any entry lives (a write round the signals)
PUBLIC_CACHE_APPS = {"grids", "centers", "projects"}
# Rows no public page shows, written on every change (the trail) or by staff only.
PUBLIC_CACHE_IGNORED_MODELS = {"grids.auditentry", "grids.personaldatareveal", "grids.accountevent", "grids.unittally"}

# MLPS 2.0 (等保 level 3): at least 8 characters of at least three kinds, not like the username,
# not a common password, not the current one. Messages from our own catalogue (portal/core/passwords.py).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "portal.core.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "portal.core.passwords.CharacterKindsValidator", "OPTIONS": {"min_kinds": 3}},
    {"NAME": "portal.core.passwords.UserAttributeSimilarityValidator"},
    {"NAME": "portal.core.passwords.CommonPasswordValidator"},
    {"NAME": "portal.core.passwords.NotCurrentPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "staff_home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# Each app keeps its own catalogue (its code and its templates under <app>/templates/); the
# project catalogue holds portal/ and templates/. makemessages picks the first entry whose
# folder contains a file, so the apps come before the project-wide one.
LOCALE_PATHS = [BASE_DIR / app / "locale" for app in ("grids", "centers", "projects")] + [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# manage.py backup writes its archives here unless given --output-dir (README "Backups").
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "backups"))

# Background jobs (issue 10): django-tasks with its database backend, so a laptop needs no extra
# service (`make run` starts `manage.py jobs_worker` beside the server). Under pytest jobs run at
# once in the test's process (the immediate backend); one test runs a real worker.
JOBS_BACKEND = os.environ.get(
    "JOBS_BACKEND", "immediate" if "PYTEST_VERSION" in os.environ and "JOBS_WORKER" not in os.environ else "database"
)
TASKS = {
    "default": {
        "BACKEND": {
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
            "database": "django_tasks_db.DatabaseBackend",
        }[JOBS_BACKEND]
    }
}
# A running job whose worker (on another machine) has given no sign of life for this long is queued again.
JOBS_STALE_AFTER = env_int("JOBS_STALE_AFTER", 900)
# Modules that register more job kinds (tests use it for a slow job).
JOBS_EXTRA_MODULES = env_list("JOBS_EXTRA_MODULES")

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Map tiles: a URL template and the coordinate system its tiles are drawn in. Storage is
# always WGS-84; with GCJ-02 tiles (AMap, Tencent) points are shifted for display only.
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_CRS = os.environ.get("MAP_TILE_CRS", "wgs84").lower()
if MAP_TILE_CRS not in {"wgs84", "gcj02"}:
    raise ImproperlyConfigured("MAP_TILE_CRS must be 'wgs84' or 'gcj02'.")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "© OpenStreetMap")

# Cookie names the templates read: the large-text (适老化) mode.
LARGE_TEXT_COOKIE = "large_text"

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

PORTAL_NAME = _("Party-Masses Service Portal")

# --- Login, sessions and security headers (issue 16, section 1) ----------------------------
# django-axes refuses a locked-out username (AXES_FAILURE_LIMIT failures) or address
# (LOGIN_FAILURES_PER_ADDRESS failures, counted over every username) for AXES_COOLOFF_TIME
# after the last failure (portal/auth.py). Every failure is kept in axes' AccessFailureLog and
# every sign-in in its AccessLog, in the database, whether or not Redis is up.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: a locked-out request never reaches the password check
    "portal.auth.StaffBackend",
]
AXES_HANDLER = "portal.auth.LockoutHandler"
AXES_FAILURE_LIMIT = 5
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 50)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # each on its own (portal/auth.py reads this order)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# axes trims each username's failure log to this many rows; the trail is purged by age instead.
AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT = 10**9
AXES_COOLOFF_MESSAGE = _("Too many failed logins: this account is locked for 15 minutes.")

# Staff sessions (portal.middleware.StaffSessionMiddleware): end after SESSION_IDLE_TIMEOUT
# seconds without a request and SESSION_MAX_AGE after the login, whatever the activity.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_MINUTES", 30) * 60
SESSION_MAX_AGE = 12 * 3600
SESSION_COOKIE_AGE = SESSION_MAX_AGE

# Mail (password reset; notifications too unless NOTIFY_BY_EMAIL=0, linking to PORTAL_URL):
# EMAIL_URL such as smtp+tls://user:password@mail.example:587 (smtp:// plain, smtp+tls:// STARTTLS,
# smtps:// TLS), or Django's EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD,
# EMAIL_USE_TLS, EMAIL_USE_SSL. Without either the reset page says no mail can be sent.
EMAIL_URL = os.environ.get("EMAIL_URL", "")
if EMAIL_URL:
    _mail = urlsplit(EMAIL_URL)
    if _mail.scheme not in {"smtp", "smtp+tls", "smtps"}:
        raise ImproperlyConfigured("EMAIL_URL must start with smtp://, smtp+tls:// or smtps://.")
    EMAIL_HOST = _mail.hostname or "localhost"
    EMAIL_PORT = _mail.port or {"smtp": 25, "smtp+tls": 587, "smtps": 465}[_mail.scheme]
    EMAIL_HOST_USER = unquote(_mail.username or "")
    EMAIL_HOST_PASSWORD = unquote(_mail.password or "")
    EMAIL_USE_TLS = _mail.scheme == "smtp+tls"
    EMAIL_USE_SSL = _mail.scheme == "smtps"
else:
    EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "portal@localhost")
MAIL_CONFIGURED = bool(EMAIL_URL or os.environ.get("EMAIL_HOST"))
NOTIFY_BY_EMAIL, PORTAL_URL = env_bool("NOTIFY_BY_EMAIL", MAIL_CONFIGURED), os.environ.get("PORTAL_URL", "").rstrip("/")

# Content-Security-Policy (django-csp): scripts only from our own static files, no inline
# script and no event-handler attribute anywhere; images also from the map tile host. Inline
# styles stay allowed (Leaflet and Bootstrap position elements with them; a style cannot run code).
_TILES = urlsplit(MAP_TILE_URL)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", f"{_TILES.scheme}://{_TILES.netloc.replace('{s}', '*')}"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Features a page may use (portal.middleware.PermissionsPolicyMiddleware): the nearby search
# and the proposal form ask for the location, on this site only; nothing else is needed.
PERMISSIONS_POLICY = "geolocation=(self), camera=(), microphone=(), payment=(), usb=()"

# --- Rate limits, outages, uploads (issue 16, sections 2 and 5) ---------------------------
# The client's address: behind TRUSTED_PROXY_HOPS proxies that each append to X-Forwarded-For,
# the hops-th entry from the right (portal/core/ratelimit.py); 0 ignores the header.
TRUSTED_PROXY_HOPS = env_int("TRUSTED_PROXY_HOPS", 1 if env_bool("BEHIND_PROXY", False) else 0)
RATELIMIT_IP_META_KEY = "portal.core.ratelimit.client_ip"
AXES_CLIENT_IP_CALLABLE = "portal.core.ratelimit.client_ip"  # failures per address, the same address
# With Redis unreachable the counters cannot be read: allow (and log, portal/cache.py) rather
# than refuse every resident; failed logins are still locked out by django-axes in the database.
RATELIMIT_FAIL_OPEN = True
# group → requests per client address and period (django-ratelimit's "N/period", e.g. 5/h, 30/10m).
RATE_LIMITS = {
    "propose": "5/h",  # micro-projects really created
    "demand": "10/h",  # residents' demands really created, "我也遇到" and return visits sent
    "signup": "20/h",  # volunteer sign-up forms sent
    "cancel": "20/h",  # cancellations sent
    "lookup": "60/h",  # tracking codes, certificate checks, cancellation links opened
    "login": "60/10m",  # staff and admin login forms sent, per address (django-axes locks accounts apart)
    "password_reset": "10/h",  # password-reset mails asked for
    "download": "60/h",  # public downloads written (not those served from the page cache)
}
RATE_LIMITS.update(dict(item.split("=", 1) for item in env_list("RATE_LIMITS")))
# Seconds a client is asked to wait when the database is unreachable (503 page).
DATABASE_RETRY_AFTER = env_int("DATABASE_RETRY_AFTER", 10)

# --- Audit trail (issue 16, section 4) -------------------------------------------------------
# django-auditlog writes grids.AuditEntry (its LogEntry with the owning unit) for every change of
# every domain model (portal/audit.py). Entries are kept at least AUDIT_MIN_RETENTION_DAYS;
# `purge_audit --older-than DAYS` is the only way they go (with axes' login logs).
AUDITLOG_LOGENTRY_MODEL = "grids.AuditEntry"
# auditlog's own migrations would create its LogEntry table although the model is swapped out:
# an unused table whose foreign key to the accounts keeps PostgreSQL from truncating them.
MIGRATION_MODULES = {"auditlog": None}
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_MASK_CALLABLE = "grids.services.audit.mask_changed"
AUDIT_MIN_RETENTION_DAYS = 180

"""Pillars settings: one file, configured from the environment (12-factor).

Safe by default: DEBUG is off unless DEBUG=1, and with DEBUG off a SECRET_KEY must be set.
`make run` sets DEBUG=1 for the local development server; production sets the variables
listed in README.md.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see README).")
    # Only ever used by the local development server (DEBUG=1).
    SECRET_KEY = "django-insecure-development-only-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "orgs.staff.apps.StaffAdminConfig",  # Django's admin, its site asking staff for a second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",  # search lookups and functions on PostgreSQL only
    "django_countries",
    "django_filters",
    "simple_history",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "drf_spectacular",
    "orgs",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "orgs.middleware.SecurityHeadersMiddleware",
    "orgs.opendata.middleware.OpenDataMiddleware",
    "csp.middleware.CSPMiddleware",
    "orgs.middleware.RequestLimitsMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "orgs.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "orgs.staff.sessions.StaffSessionMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "directory.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "orgs.context_processors.canonical",
                "orgs.context_processors.section",
            ],
        },
    },
]

WSGI_APPLICATION = "directory.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'var' / 'pillars.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# A sick database must not hang the site: every wait on it is bounded (milliseconds; 0 turns
# one off, e.g. for a long maintenance command). A request that hits a bound gets a 503 with
# Retry-After (orgs.middleware.DatabaseUnavailableMiddleware), not a worker held for good.
DB_CONNECT_TIMEOUT = int(os.environ.get("DB_CONNECT_TIMEOUT", "5"))  # seconds
DB_STATEMENT_TIMEOUT_MS = int(os.environ.get("DB_STATEMENT_TIMEOUT_MS", "15000"))
DB_LOCK_TIMEOUT_MS = int(os.environ.get("DB_LOCK_TIMEOUT_MS", "5000"))
_db_options = DATABASES["default"].setdefault("OPTIONS", {})
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiles any query it guesses is costly: on the search page's facet
    # counts it spent over a second compiling a query that runs in a fraction of that
    # (docs/benchmarks.md). No query of this site is long enough to repay it.
    _db_options["connect_timeout"] = DB_CONNECT_TIMEOUT
    _db_options["options"] = " ".join(
        [
            "-c jit=off",
            f"-c statement_timeout={DB_STATEMENT_TIMEOUT_MS}",
            f"-c lock_timeout={DB_LOCK_TIMEOUT_MS}",
            "-c idle_in_transaction_session_timeout=60000",
        ]
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL: readers never wait for a writer (an import does not block public pages). IMMEDIATE:
    # a transaction takes the write lock when it starts, so two writers queue for up to the
    # busy timeout instead of one failing with "database is locked" half way through.
    _db_options["timeout"] = DB_LOCK_TIMEOUT_MS / 1000 or 5
    _db_options["transaction_mode"] = "IMMEDIATE"
    _db_options["init_command"] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Staff sign-in (README, "Signing in").
# Every staff account gives a TOTP code, or a recovery code, after its password (orgs/staff/).
OTP_TOTP_ISSUER = "Pillars"
# django-axes counts failed sign-ins and refuses a locked-out client before its password is
# hashed, so guessing is bounded and costs the workers little. Locked after 5 failures for one
# account from one address, STAFF_LOGIN_ADDRESS_LIMIT from one address whatever the accounts,
# or STAFF_LOGIN_ACCOUNT_TOTAL_LIMIT for one account whatever the addresses (a guesser with
# many addresses; the account's owner is locked out too, until an editor unlocks it), until
# STAFF_LOCKOUT_MINUTES after the last try (orgs/staff/lockout.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "orgs.staff.lockout.StaffLoginHandler"
AXES_CLIENT_IP_CALLABLE = "orgs.client_ip.lockout_address"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = int(os.environ.get("STAFF_LOGIN_ACCOUNT_LIMIT", "5"))
STAFF_LOGIN_ADDRESS_LIMIT = int(os.environ.get("STAFF_LOGIN_ADDRESS_LIMIT", "20"))
STAFF_LOGIN_ACCOUNT_TOTAL_LIMIT = int(os.environ.get("STAFF_LOGIN_ACCOUNT_TOTAL_LIMIT", "30"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("STAFF_LOCKOUT_MINUTES", "60")))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "orgs.staff.lockout.lockout_response"
# A staff session ends STAFF_SESSION_HOURS after signing in, or after STAFF_IDLE_MINUTES
# without a request to the admin (orgs/staff/sessions.py); visitors' sessions are unaffected.
STAFF_SESSION_HOURS = float(os.environ.get("STAFF_SESSION_HOURS", "8"))
STAFF_IDLE_MINUTES = float(os.environ.get("STAFF_IDLE_MINUTES", "30"))

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Production hardening. Each can be relaxed through the environment, for example
# SECURE_SSL_REDIRECT=0 behind a proxy that already redirects.
# How many proxies we run in front of the site, each appending to X-Forwarded-For: the client's
# address is the entry the outermost one appended (orgs/client_ip.py). 0: REMOTE_ADDR, and no
# X-Forwarded-* header is trusted. BEHIND_PROXY=1, the older setting, still means one proxy.
TRUSTED_PROXY_COUNT = int(
    os.environ.get("TRUSTED_PROXY_COUNT") or (1 if env_bool("BEHIND_PROXY") else 0)
)
# Behind a TLS-terminating proxy, its X-Forwarded-Proto is trusted (and only then).
BEHIND_PROXY = TRUSTED_PROXY_COUNT > 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Pillars' own settings.
ORGS_PAGE_SIZE = 20
# Anonymous public pages may be reused by browsers and proxies this long (orgs/caching.py);
# after that they are revalidated with their ETag.
ORGS_PAGE_MAX_AGE = int(os.environ.get("ORGS_PAGE_MAX_AGE", "60"))

# Curation (docs: /methodology/). Vetting criteria a listing must meet before it is
# published, by slug; the rest are shown with their evidence but do not block publishing.
MANDATORY_CRITERIA = env_list("MANDATORY_CRITERIA", "long-standing")
# A published listing is due for review this many days after its last review.
REVIEW_INTERVAL_DAYS = int(os.environ.get("REVIEW_INTERVAL_DAYS", "365"))
# Suggestions and corrections from the public: how many one address may send in an hour.
ORGS_SUBMISSIONS_PER_HOUR = int(os.environ.get("ORGS_SUBMISSIONS_PER_HOUR", "5"))
# The public address of the site, e.g. https://pillars.example.org (no trailing slash), for
# canonical links, OpenGraph and the sitemap; blank: the address of the request.
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
# /bench/bare, the ceiling `make load` compares pages with; off (404) unless BENCH_BARE_VIEW=1.
BENCH_BARE_VIEW = env_bool("BENCH_BARE_VIEW")
# Kosovo has no ISO 3166 code yet; "XK" is the code the EU, the UN's own lists and most
# registers use for it, and the seeded directory uses it too.
COUNTRIES_OVERRIDE = {"XK": "Kosovo"}
# The largest CSV file the admin imports (10,000 listings are about 6 MB).
ORGS_CSV_MAX_UPLOAD_BYTES = int(os.environ.get("ORGS_CSV_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))

# Caches. With REDIS_URL (production: Debian's redis-server), one Redis shared by every worker
# and server holds the rate-limit counters, sessions and search results. Without it, the
# embedded default is Django's database cache (`manage.py createcachetable`; `make run` does
# it), shared by the processes of one server; the search results stay per process there (each
# is checked against the database's search token, so no process serves a stale one).
# A per-process cache for "default" is refused with DEBUG off (orgs/checks.py): rate limits
# would multiply by the number of workers.
REDIS_URL = os.environ.get("REDIS_URL", "")
SEARCH_CACHE_SECONDS = int(os.environ.get("ORGS_SEARCH_CACHE_SECONDS", "3600"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
        "search": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "search",
            "TIMEOUT": SEARCH_CACHE_SECONDS,
        },
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "pillars_cache",
        },
        "search": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "search",
            "TIMEOUT": SEARCH_CACHE_SECONDS,
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("ORGS_SEARCH_CACHE_ENTRIES", "1000"))},
        },
    }
# Values each process may derive for itself, for a few minutes (the spelling vocabulary).
CACHES["local"] = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local"}
# How many processes serve this site (gunicorn.conf.py reads the same variable).
WEB_CONCURRENCY = int(os.environ.get("WEB_CONCURRENCY", "0")) or None

# Request bodies. Public forms take a few kilobytes of text and never a file; the admin takes a
# CSV file up to ORGS_CSV_MAX_UPLOAD_BYTES (orgs.middleware.RequestLimitsMiddleware answers 413
# or 415 before anything is read).
PUBLIC_MAX_BODY_BYTES = int(os.environ.get("PUBLIC_MAX_BODY_BYTES", 64 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Security headers: a strict Content-Security-Policy (django-csp; the one inline script is
# allowed by its hash, templates/orgs/organisation_list.html), Permissions-Policy and
# Cross-Origin-Resource-Policy (orgs.middleware.SecurityHeadersMiddleware).
FOLD_FILTERS_SCRIPT_HASH = "sha256-g7xYXxlEroOJhskovoYZwKIJDsVc0y4+zOGgBo6njRQ="
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'none'"],
        "script-src": ["'self'", f"'{FOLD_FILTERS_SCRIPT_HASH}'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "manifest-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
# Open data (README, "Open data"): the read-only JSON API at /api/v1/ (orgs/opendata/).
# Requests one client address may make to it a minute, counted in the shared "default" cache.
API_REQUESTS_PER_MINUTE = int(os.environ.get("API_REQUESTS_PER_MINUTE", "120"))
REST_FRAMEWORK = {
    # JSON only: the documentation is a server-rendered page (/api/v1/docs/), so no API page
    # needs scripts or styles the Content-Security-Policy would have to allow.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    # Public and read-only: no sessions or users (so no CSRF), nothing to permit.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_THROTTLE_CLASSES": ["orgs.opendata.rest.AddressRateThrottle"],
    "EXCEPTION_HANDLER": "orgs.opendata.rest.json_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Pillars open data API",
    "DESCRIPTION": (
        "The published listings of Pillars, a vetted directory of long-standing "
        "anti-trafficking organisations, read-only; also as Open Referral HSDS 3.1 under "
        "/api/v1/hsds/. Data licence: CC BY 4.0 (cite Pillars). Rate limit per address; 429 "
        "with Retry-After beyond it."
    ),
    "VERSION": "1.0.0",
    "LICENSE": {"name": "Data: CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
}

PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=(), "
    "interest-cohort=()"
)
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

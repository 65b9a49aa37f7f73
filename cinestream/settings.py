"""CineStream settings: the only module that reads the environment.

Every value has a default that makes `make run` work on a bare machine (SQLite,
in-memory channel layer and cache, Celery tasks run in-process). Production sets
DATABASE_URL and REDIS_URL. A missing or malformed value raises
ImproperlyConfigured naming the variable; the entry points (manage.py, asgi.py,
celery.py) turn that into one line on stderr.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from redis.exceptions import ConnectionError as RedisConnectionError

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
_env_file = env.str("CINESTREAM_ENV_FILE", default=str(BASE_DIR / ".env"))
if _env_file and Path(_env_file).is_file():
    # Variables already in the environment win over the file.
    env.read_env(_env_file)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _bool(name: str, default: bool) -> bool:
    raw = env.str(name, default=None)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}: expected true or false, got {raw!r}")


def _int(name: str, default: int, minimum: int = 0) -> int:
    raw = env.str(name, default=None)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected a whole number, got {raw!r}") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}: expected a number >= {minimum}, got {value}")
    return value


def _float(name: str, default: float) -> float:
    raw = env.str(name, default=None)
    if raw is None:
        return default
    try:
        return float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected a number, got {raw!r}") from None


def _url(name: str, default: str | None, schemes: tuple[str, ...] = ("http", "https")) -> str:
    raw = env.str(name, default=default)
    if raw is None:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in schemes or not (parts.netloc or parts.path):
        expected = " or ".join(f"{scheme}://" for scheme in schemes)
        raise ImproperlyConfigured(f"{name}: expected a URL starting with {expected}, got {raw!r}")
    return raw.rstrip("/")


def _choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env.str(name, default=default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}: expected one of {', '.join(choices)}, got {value!r}")
    return value


def _list(name: str, default: list[str]) -> list[str]:
    return [item.strip() for item in env.list(name, default=default) if item.strip()]


# --- Core --------------------------------------------------------------------

DEBUG = _bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY: required when DEBUG is off (set SECRET_KEY, or DEBUG=true for development)"
        )
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = _list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = _list("CSRF_TRUSTED_ORIGINS", default=[])
for _origin in CSRF_TRUSTED_ORIGINS:
    if not _origin.startswith(("http://", "https://")):
        raise ImproperlyConfigured(
            f"CSRF_TRUSTED_ORIGINS: expected origins like https://example.com, got {_origin!r}"
        )

INSTALLED_APPS = [
    "daphne",  # first, so that `runserver` serves ASGI too
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "ninja",
    "csp",
    "axes",
    "django_structlog",
    "core",
    "apps.accounts",
    "apps.analytics",
    "apps.catalog",
    "apps.scraping",
    "apps.showtimes",
    "apps.stream",
    "apps.trends",
]

MIDDLEWARE = [
    # First: a sign-in refused as busy costs no thread, session or database query.
    "cinestream.signin.sign_in_limit_middleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cinestream.language.language_middleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
    # Last, as django-axes asks: it turns a lockout into the 429 page.
    "axes.middleware.AxesMiddleware",
]

# django-axes first: a locked-out client is refused before any password is hashed.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "cinestream.urls"
ASGI_APPLICATION = "cinestream.asgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------

_DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql", "pgsql")
_database_url = env.str("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
if urlsplit(_database_url).scheme not in _DATABASE_SCHEMES:
    raise ImproperlyConfigured(
        f"DATABASE_URL: expected sqlite:///path or postgres://user@host:port/name, got {_database_url!r}"
    )
DATABASES = {"default": env.db_url_config(_database_url)}
IS_SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
if IS_SQLITE:
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers (the stream, pages) run while a writer commits; IMMEDIATE
        # takes the write lock at BEGIN so two writers queue instead of deadlocking.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not memory, so that test servers in subprocesses share it; one per test run
    # (process), so that two runs at once do not break each other's database.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / f".pytest-db-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = _int("DATABASE_CONN_MAX_AGE", default=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# --- Redis: cache, sessions, channel layer, Celery ---------------------------

REDIS_URL = _url("REDIS_URL", default=None, schemes=("redis", "rediss", "unix"))

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "cinestream",
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            # One PUBLISH per group message whatever the group size (see docs/architecture.md).
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                # Retry a command once on a dropped connection: after a Redis restart the
                # pool's idle connections are dead, and the first command on one would fail.
                "hosts": [{"address": REDIS_URL, "retry_on_error": [RedisConnectionError]}],
                "prefix": "cinestream",
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Sessions live in the database and are read through the cache: a Redis restart
# (it keeps nothing on disk) must not sign everybody out.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = _int("CELERY_TASK_SOFT_TIME_LIMIT", default=55 * 60, minimum=1)
CELERY_TASK_TIME_LIMIT = _int("CELERY_TASK_TIME_LIMIT", default=60 * 60, minimum=1)
CELERY_RESULT_EXPIRES = timedelta(days=1)
# Redis redelivers an unacknowledged task after the visibility timeout: it must
# outlast the longest task (time limit) and the longest countdown/ETA used.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 2 * 60 * 60}
CELERY_TASK_DEFAULT_QUEUE = "cinestream"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Workers log through LOGGING below (JSON in production), not Celery's own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE = {
    "stream-events-prune": {"task": "apps.stream.tasks.events_prune_task", "schedule": timedelta(hours=1)},
    # IMDb refreshes its datasets daily; only titles that changed produce events.
    "catalog-imdb-datasets-refresh": {
        "task": "apps.catalog.tasks.imdb_datasets_refresh_task",
        "schedule": crontab(hour=5, minute=30),
    },
    # After the datasets refresh: the top chart, then the pages of the titles the site shows
    # most. No view counts exist yet, so "most shown" is the catalog's most voted titles
    # (apps.catalog.selectors.titles_most_shown) until the trends app counts views.
    "catalog-imdb-pages-daily-refresh": {
        "task": "apps.catalog.tasks.scrape_daily_refresh_task",
        "schedule": crontab(hour=6, minute=15),
    },
    # Vote counts move the (decade, genre) tops that recommendations draw on.
    "catalog-recommendations-buckets-refresh": {
        "task": "apps.catalog.tasks.recommendations_buckets_refresh_task",
        "schedule": crontab(hour=7, minute=0),
    },
    # A safety net: an ingest that stopped half-way leaves titles pending enrichment.
    "catalog-pending-enrich": {
        "task": "apps.catalog.tasks.pending_enrich_task",
        "schedule": timedelta(minutes=15),
    },
}

# --- Live stream -------------------------------------------------------------

STREAM_RETENTION_DAYS = _int("STREAM_RETENTION_DAYS", default=7, minimum=1)
STREAM_HEARTBEAT_SECONDS = _float("STREAM_HEARTBEAT_SECONDS", default=15.0)
STREAM_RETRY_MS = _int("STREAM_RETRY_MS", default=3000, minimum=100)
# Events queued for one connection before it counts as too slow and is cut off.
STREAM_BUFFER_EVENTS = _int("STREAM_BUFFER_EVENTS", default=2048, minimum=1)
STREAM_MAX_PER_IP = _int("STREAM_MAX_PER_IP", default=16, minimum=1)
# Server processes sharing the cap: when Redis cannot answer, each admits at most
# STREAM_MAX_PER_IP // STREAM_SERVER_PROCESSES streams per address (at least 1).
STREAM_SERVER_PROCESSES = _int("STREAM_SERVER_PROCESSES", default=1, minimum=1)
# Redis calls a process makes at once to count streams, and how long one may wait for a
# connection and for the answer before the process falls back to its share.
STREAM_SLOTS_REDIS_CONNECTIONS = _int("STREAM_SLOTS_REDIS_CONNECTIONS", default=8, minimum=1)
STREAM_SLOTS_REDIS_TIMEOUT_SECONDS = _float("STREAM_SLOTS_REDIS_TIMEOUT_SECONDS", default=0.5)
# How often each process checks the event log for events it was not told about
# (another process without Redis, a lost Redis message).
STREAM_POLL_SECONDS = _float("STREAM_POLL_SECONDS", default=2.0 if REDIS_URL else 0.5)
STREAM_REDIS_CHANNEL = env.str("STREAM_REDIS_CHANNEL", default="cinestream:events")

# --- Internationalization ----------------------------------------------------

LANGUAGE_CODE = "uk"
LANGUAGES = [("uk", _("Ukrainian")), ("en", _("English")), ("ru", _("Russian"))]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Kyiv")
try:
    ZoneInfo(TIME_ZONE)
except (ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(
        f"TIME_ZONE: expected an IANA zone such as Europe/Kyiv, got {TIME_ZONE!r}"
    ) from None

# --- Static files ------------------------------------------------------------

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_AUTOREFRESH = DEBUG

# --- Security ----------------------------------------------------------------

SECURE_HSTS_SECONDS = _int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = _bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_SSL_REDIRECT = _bool("SECURE_SSL_REDIRECT", default=False)
SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", default=False)
CSRF_COOKIE_SECURE = _bool("CSRF_COOKIE_SECURE", default=False)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
if _bool("SECURE_PROXY_SSL_HEADER", default=False):
    # nginx sets X-Forwarded-Proto; trust it only when told to (deploy.sh does).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4 format). No page has inline scripts, styles or on*=
# handlers, so nothing inline is allowed; posters come from IMDb's and TMDB's image hosts.
# cinestream.security sends the same policy on responses Django never sees (the SSE stream).
CSP_IMAGE_HOSTS = _list("CSP_IMAGE_HOSTS", default=["https://m.media-amazon.com", "https://image.tmdb.org"])
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # data: for the SVG icons inside the API docs' (Swagger UI's) stylesheet.
        "img-src": ["'self'", "data:", *CSP_IMAGE_HOSTS],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Sign-in lockout (django-axes). Failures are counted in the database, which every process
# shares in both modes (the cache handler needs Redis: a local-memory cache is per process).
# Locked by address and, separately, by account; every refused attempt restarts the cool-off.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = _int("LOGIN_FAILURE_LIMIT", default=5, minimum=1)
AXES_COOLOFF_TIME = timedelta(seconds=_int("LOGIN_COOLOFF_SECONDS", default=15 * 60, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_LOCKOUT_CALLABLE = "cinestream.signin.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Its start-up banner went to every command's stdout (stream_publish prints the event id there).
AXES_VERBOSE = False
# The client address is REMOTE_ADDR only: Daphne --proxy-headers already puts nginx's
# X-Forwarded-For there, and a client-sent X-Forwarded-For must not pick a fresh address.
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
# Password checks one process runs at once (each is ~1,000,000 PBKDF2 rounds of CPU); more
# sign-ins at the same moment are answered 429 "busy, retry" (cinestream.signin).
LOGIN_CONCURRENT_CHECKS = _int(
    "LOGIN_CONCURRENT_CHECKS", default=max(1, (os.cpu_count() or 2) // 2), minimum=1
)

# --- External services -------------------------------------------------------

IMDB_BASE_URL = _url("IMDB_BASE_URL", default="https://www.imdb.com")
IMDB_DATASETS_URL = _url("IMDB_DATASETS_URL", default="https://datasets.imdbws.com")
IMDB_DATASETS_TYPES = _list("IMDB_DATASETS_TYPES", default=["movie", "tvSeries", "tvMiniSeries"])
IMDB_DATASETS_MIN_VOTES = _int("IMDB_DATASETS_MIN_VOTES", default=1000)

# GOOGLE_API_KEY wins over GEMINI_API_KEY, as it does in the google-genai SDK itself.
GEMINI_API_KEY = env.str("GOOGLE_API_KEY", default="") or env.str("GEMINI_API_KEY", default="")
GEMINI_BASE_URL = _url("GEMINI_BASE_URL", default="https://generativelanguage.googleapis.com")
GEMINI_API_VERSION = _choice("GEMINI_API_VERSION", default="v1beta", choices=("v1", "v1beta"))
GEMINI_MODEL_IDS = {
    "flash": env.str("GEMINI_FLASH_MODEL_ID", default="gemini-3.5-flash"),
    "pro": env.str("GEMINI_PRO_MODEL_ID", default="gemini-3.1-pro-preview"),
}
GEMINI_MODEL = _choice("GEMINI_MODEL", default="flash", choices=tuple(GEMINI_MODEL_IDS))
GEMINI_MODEL_ID = GEMINI_MODEL_IDS[GEMINI_MODEL]
GEMINI_TIMEOUT_SECONDS = _float("GEMINI_TIMEOUT_SECONDS", default=60.0)

TMDB_API_KEY = env.str("TMDB_API_KEY", default="")
TMDB_BASE_URL = _url("TMDB_BASE_URL", default="https://api.themoviedb.org")
TMDB_TIMEOUT_SECONDS = _float("TMDB_TIMEOUT_SECONDS", default=10.0)

CHROMEDRIVER_PATH = env.str("CHROMEDRIVER_PATH", default="/usr/bin/chromedriver")
CHROME_BINARY = env.str("CHROME_BINARY", default="/usr/bin/chromium")

# IMDb page scraper (apps/scraping/imdb_client.py). Polite by default: few browsers, a pause
# between page loads, retries spaced out, and a circuit breaker that stops everything when
# IMDb's WAF keeps blocking.
SCRAPER_BROWSERS = _int("SCRAPER_BROWSERS", default=2, minimum=1)
SCRAPER_DELAY_SECONDS = _float("SCRAPER_DELAY_SECONDS", default=2.0)
SCRAPER_PAGE_LOAD_TIMEOUT_SECONDS = _int("SCRAPER_PAGE_LOAD_TIMEOUT_SECONDS", default=30, minimum=1)
# How long a page's content (data-testid hooks) or a WAF challenge may take to appear.
SCRAPER_WAIT_SECONDS = _int("SCRAPER_WAIT_SECONDS", default=15, minimum=1)
SCRAPER_ATTEMPTS = _int("SCRAPER_ATTEMPTS", default=3, minimum=1)
SCRAPER_BACKOFF_SECONDS = _float("SCRAPER_BACKOFF_SECONDS", default=5.0)
SCRAPER_BACKOFF_MAX_SECONDS = _float("SCRAPER_BACKOFF_MAX_SECONDS", default=120.0)
SCRAPER_BREAKER_BLOCKS = _int("SCRAPER_BREAKER_BLOCKS", default=5, minimum=1)
SCRAPER_BREAKER_PAUSE_SECONDS = _int("SCRAPER_BREAKER_PAUSE_SECONDS", default=30 * 60, minimum=1)
# The daily beat refresh: the top chart and this many of the titles the site shows most.
SCRAPER_DAILY_TITLES = _int("SCRAPER_DAILY_TITLES", default=100)
SCRAPER_DAILY_LANGUAGES = _list("SCRAPER_DAILY_LANGUAGES", default=["en", "uk", "ru"])
for _language in SCRAPER_DAILY_LANGUAGES:
    if _language not in ("uk", "en", "ru"):
        raise ImproperlyConfigured(f"SCRAPER_DAILY_LANGUAGES: expected uk, en or ru, got {_language!r}")
for _name in ("SCRAPER_DELAY_SECONDS", "SCRAPER_BACKOFF_SECONDS", "SCRAPER_BACKOFF_MAX_SECONDS"):
    if globals()[_name] < 0:
        raise ImproperlyConfigured(f"{_name}: expected a number >= 0, got {globals()[_name]}")

# S3 or any S3-compatible store (MinIO, Ceph, Cloudflare R2…) for the catalog's data lake
# (export_catalog / import_catalog with s3://bucket/prefix). Empty values leave boto3 to its
# own defaults: AWS's endpoints, ~/.aws, an instance role.
AWS_ENDPOINT_URL = _url("AWS_ENDPOINT_URL", default=None)
AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default="")
AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default="")
AWS_DEFAULT_REGION = env.str("AWS_DEFAULT_REGION", default="")
# Path-style (http://host/bucket/key) is what S3-compatible servers accept everywhere.
AWS_S3_ADDRESSING_STYLE = _choice(
    "AWS_S3_ADDRESSING_STYLE",
    default="path" if AWS_ENDPOINT_URL else "auto",
    choices=("auto", "path", "virtual"),
)

# --- Logging -----------------------------------------------------------------

LOG_FORMAT = _choice("LOG_FORMAT", default="console" if DEBUG else "json", choices=("console", "json"))
LOG_LEVEL = _choice("LOG_LEVEL", default="info", choices=("debug", "info", "warning", "error")).upper()
DJANGO_STRUCTLOG_CELERY_ENABLED = True

from cinestream.logging_setup import logging_config  # noqa: E402  (needs LOG_* above)

LOGGING = logging_config(log_format=LOG_FORMAT, level=LOG_LEVEL)

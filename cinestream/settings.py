"""CineStream settings: the only module whose values come from the environment (read through
cinestream/env.py).

Every value has a default that makes `make run` work on a bare machine (SQLite,
in-memory channel layer and cache, Celery tasks run in-process). Production sets
DATABASE_URL and REDIS_URL. A missing or malformed value raises
ImproperlyConfigured naming the variable; the entry points (manage.py, asgi.py,
celery.py) turn that into one line on stderr.
"""

import os
from datetime import timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from redis.exceptions import ConnectionError as RedisConnectionError

from cinestream.env import (
    BASE_DIR,
    env,
    env_bool,
    env_choice,
    env_database,
    env_float,
    env_int,
    env_list,
    env_origins,
    env_rate,
    env_url,
)
from core.redis_clients import CONNECTION_OPTIONS as REDIS_CONNECTION_OPTIONS

# --- Core --------------------------------------------------------------------

DEBUG = env_bool("DEBUG", default=False)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY: required when DEBUG is off (set SECRET_KEY, or DEBUG=true for development)"
        )
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_origins("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",  # first, so that `runserver` serves ASGI too
    # Django's admin with a site that lets staff in only after TOTP (apps/accounts/admin_site.py).
    "apps.accounts.apps.StaffAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "channels",
    "ninja",
    "corsheaders",
    "csp",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_structlog",
    "core",
    "apps.accounts",
    "apps.analytics",
    "apps.catalog",
    "apps.memberships",
    "apps.scraping",
    "apps.showtimes",
    "apps.stream",
    "apps.trends",
]

MIDDLEWARE = [
    # First: a sign-in refused as busy costs no thread, session or database query.
    "cinestream.signin.sign_in_limit_middleware",
    "django.middleware.security.SecurityMiddleware",
    # Before anything that may answer on its own, so that every /api/ reply (a preflight,
    # a 304, an error) carries the CORS headers (CORS_URLS_REGEX limits it to /api/).
    "corsheaders.middleware.CorsMiddleware",
    # ETag/If-None-Match on the API's reads, over the final body (cinestream/api_http.py).
    "cinestream.api_http.ApiConditionalGetMiddleware",
    # Inside the one above: an error Django or ninja answered in HTML or text becomes JSON.
    "cinestream.api_http.api_error_json_middleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cinestream.language.language_middleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_structlog.middlewares.RequestMiddleware",
    # Counts pages and visitors for the footer and the admin (apps/analytics); no write per page.
    "apps.analytics.middleware.page_views_middleware",
    # Counts title pages' views (apps/trends), so the catalog's views stay unaware of trends.
    "apps.trends.middleware.title_page_views_middleware",
    # Last, as django-axes asks: it turns a lockout into the 429 page.
    "axes.middleware.AxesMiddleware",
    # Innermost: the whole stack runs in one thread, not a thread hop per hook (core/middleware.py).
    "core.middleware.one_thread_middleware",
]

# django-axes first: a locked-out client is refused before any password is hashed.
# allauth's backend finds the account by e-mail address whatever its letter case.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_USER_MODEL = "accounts.User"
# Argon2id for new and changed passwords; older PBKDF2 hashes still check (and are upgraded
# to Argon2 on the next sign-in).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
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
                "apps.analytics.context_processors.visitor_counter",
                "apps.memberships.context_processors.donation",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------

DATABASES = {"default": env_database("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
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
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("DATABASE_CONN_MAX_AGE", default=0)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# --- Redis: cache, sessions, channel layer, Celery ---------------------------

REDIS_URL = env_url("REDIS_URL", default=None, schemes=("redis", "rediss", "unix"))

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "cinestream",
            # A Redis that stops answering fails a read in 2 s instead of holding the thread.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2, **REDIS_CONNECTION_OPTIONS},
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            # One PUBLISH per group message whatever the group size (see docs/architecture.md).
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                # Retry a command once on a dropped connection: after a Redis restart the
                # pool's idle connections are dead, and the first command on one would fail.
                "hosts": [
                    {
                        "address": REDIS_URL,
                        "retry_on_error": [RedisConnectionError],
                        **REDIS_CONNECTION_OPTIONS,
                    }
                ],
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

# Redis by default; RabbitMQ (the original trend analyzer's queue) when set to amqp://….
CELERY_BROKER_URL = (
    env_url("CELERY_BROKER_URL", default=None, schemes=("redis", "rediss", "amqp", "amqps"))
    or REDIS_URL
    or "memory://"
)
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = CELERY_BROKER_URL == "memory://"
# Celery's fixed behaviour (late acks, prefetch, the beat schedule…) is set in cinestream/celery.py.
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", default=55 * 60, minimum=1)
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", default=60 * 60, minimum=1)
# Redis redelivers an unacknowledged task after the visibility timeout: it must
# outlast the longest task (time limit) and the longest countdown/ETA used.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT + 2 * 60 * 60}
# Settable so that tests (and deployments sharing one broker) keep their queues apart.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="cinestream")

# --- Live stream -------------------------------------------------------------

STREAM_RETENTION_DAYS = env_int("STREAM_RETENTION_DAYS", default=7, minimum=1)
STREAM_HEARTBEAT_SECONDS = env_float("STREAM_HEARTBEAT_SECONDS", default=15.0)
STREAM_RETRY_MS = env_int("STREAM_RETRY_MS", default=3000, minimum=100)
# Events queued for one connection before it counts as too slow and is cut off.
STREAM_BUFFER_EVENTS = env_int("STREAM_BUFFER_EVENTS", default=2048, minimum=1)
STREAM_MAX_PER_IP = env_int("STREAM_MAX_PER_IP", default=16, minimum=1)
# Server processes sharing the cap: when Redis cannot answer, each admits at most
# STREAM_MAX_PER_IP // STREAM_SERVER_PROCESSES streams per address (at least 1).
STREAM_SERVER_PROCESSES = env_int("STREAM_SERVER_PROCESSES", default=1, minimum=1)
# Redis calls a process makes at once to count streams, and how long one may wait for a
# connection and for the answer before the process falls back to its share.
STREAM_SLOTS_REDIS_CONNECTIONS = env_int("STREAM_SLOTS_REDIS_CONNECTIONS", default=8, minimum=1)
STREAM_SLOTS_REDIS_TIMEOUT_SECONDS = env_float("STREAM_SLOTS_REDIS_TIMEOUT_SECONDS", default=0.5)
# How often each process checks the event log for events it was not told about
# (another process without Redis, a lost Redis message).
STREAM_POLL_SECONDS = env_float("STREAM_POLL_SECONDS", default=2.0 if REDIS_URL else 0.5)
STREAM_REDIS_CHANNEL = env.str("STREAM_REDIS_CHANNEL", default="cinestream:events")

# --- Trends (apps/trends; the formula is published at /trends/about) ----------

# Internal views weigh half as much after this many days.
TRENDS_VIEWS_HALF_LIFE_DAYS = env_float("TRENDS_VIEWS_HALF_LIFE_DAYS", default=3.0)
# Older views are not read at all (they weigh under 1% with the default half-life).
TRENDS_VIEWS_WINDOW_DAYS = env_int("TRENDS_VIEWS_WINDOW_DAYS", default=21, minimum=1)
# m of the Bayesian weighted rating: votes a title needs before its own rating outweighs the mean.
TRENDS_RATING_MIN_VOTES = env_int("TRENDS_RATING_MIN_VOTES", default=1000, minimum=1)
TRENDS_WEIGHT_VIEWS = env_float("TRENDS_WEIGHT_VIEWS", default=1.0)
TRENDS_WEIGHT_RATING = env_float("TRENDS_WEIGHT_RATING", default=0.5)
TRENDS_WEIGHT_POPULARITY = env_float("TRENDS_WEIGHT_POPULARITY", default=0.5)
TRENDS_WEIGHT_SESSIONS = env_float("TRENDS_WEIGHT_SESSIONS", default=0.5)
TRENDS_BOARD_SIZE = env_int("TRENDS_BOARD_SIZE", default=100, minimum=10)
# A visitor's reloads of a title page within this many seconds count once.
TRENDS_REVIEW_SECONDS = env_int("TRENDS_REVIEW_SECONDS", default=5 * 60, minimum=1)
TRENDS_REDIS_PREFIX = env.str("TRENDS_REDIS_PREFIX", default="cinestream:trends")

# --- Analytics (apps/analytics) ---------------------------------------------------
# Page views and unique visitors wait in Redis under this prefix until the minute's flush.
ANALYTICS_REDIS_PREFIX = env.str("ANALYTICS_REDIS_PREFIX", default="cinestream:analytics")

# --- Public API (/api/; cinestream/api.py) ------------------------------------

# Writes (every POST) per client address, counted in the cache: Redis in production, so
# every process shares one count. Reads are not limited here.
API_WRITE_RATE = env_rate("API_WRITE_RATE", default="120/minute")
# The API is public and read without cookies: any origin may read it unless this names the
# ones allowed (https://app.example.com, …). Credentials are never allowed.
API_CORS_ALLOWED_ORIGINS = env_origins("API_CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_ALL_ORIGINS = not API_CORS_ALLOWED_ORIGINS
CORS_ALLOWED_ORIGINS = API_CORS_ALLOWED_ORIGINS
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_HEADERS = ["accept", "accept-language", "content-type", "if-none-match", "last-event-id"]
# What a page on another origin may read from a reply besides the simple headers.
CORS_EXPOSE_HEADERS = ["ETag", "Location", "Retry-After"]

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

# Served under a path prefix (deploy.sh's http://localhost/cinestream/): the prefix, and the
# static files' URL under it. Unset: the site's root, as `make run` serves it.
FORCE_SCRIPT_NAME = env.str("FORCE_SCRIPT_NAME", default="").rstrip("/") or None
STATIC_URL = env.str("STATIC_URL", default=f"{FORCE_SCRIPT_NAME}/static/" if FORCE_SCRIPT_NAME else "static/")
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

# Secure by default: with DEBUG off the site is HTTPS-only unless HTTPS=false says otherwise
# (deploy.sh writes that for a plain-HTTP install on localhost; install-ssl flips it back).
# Each setting below can still be set on its own.
HTTPS = env_bool("HTTPS", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", default=365 * 24 * 60 * 60 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=HTTPS)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=HTTPS)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=HTTPS)
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Production runs behind nginx, which always sets X-Forwarded-Proto (overwriting a client's);
# Daphne listens on loopback only, so nobody else can send it.
if env_bool("SECURE_PROXY_SSL_HEADER", default=not DEBUG):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp 4 format). No page has inline scripts, styles or on*=
# handlers, so nothing inline is allowed; posters come from IMDb's and TMDB's image hosts.
# cinestream.security sends the same policy on responses Django never sees (the SSE stream).
CSP_IMAGE_HOSTS = env_list(
    "CSP_IMAGE_HOSTS", default=["https://m.media-amazon.com", "https://image.tmdb.org"]
)
# The payment providers' hosted pages. The checkout and donation forms post here and are
# redirected there, and browsers hold a form's redirects to form-action too (monobank's
# documented pageUrl host; Stripe Checkout's and its portal's).
CSP_PAYMENT_PAGES = env_list(
    "CSP_PAYMENT_PAGES",
    default=["https://pay.mbnk.biz", "https://checkout.stripe.com", "https://billing.stripe.com"],
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # data: for the SVG icons inside the API docs' (Swagger UI's) stylesheet.
        "img-src": ["'self'", "data:", *CSP_IMAGE_HOSTS],
        # Trailers: YouTube's cookieless player, inserted only when a visitor clicks play.
        "frame-src": ["https://www.youtube-nocookie.com"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'", *CSP_PAYMENT_PAGES],
        "frame-ancestors": ["'none'"],
    }
}

# Sign-in lockout (django-axes). Failures are counted in the database, which every process
# shares in both modes (the cache handler needs Redis: a local-memory cache is per process).
# Locked by address and, separately, by account; every refused attempt restarts the cool-off.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", default=5, minimum=1)
AXES_COOLOFF_TIME = timedelta(seconds=env_int("LOGIN_COOLOFF_SECONDS", default=15 * 60, minimum=1))
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
LOGIN_CONCURRENT_CHECKS = env_int(
    "LOGIN_CONCURRENT_CHECKS", default=max(1, (os.cpu_count() or 2) // 2), minimum=1
)
# The sign-in form is allauth's: its field is `login`, it authenticates with `email=`.
AXES_USERNAME_CALLABLE = "cinestream.signin.sign_in_username"

# --- Accounts (django-allauth, apps/accounts) ---------------------------------

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "CineStream: "
# allauth's own limits on sign-in and sign-up attempts (right or wrong), counted in the cache
# (Redis in production, shared by every process; "ip" counts per address, "key" per e-mail).
# Wrong passwords are axes' to count (in the database, with its lockout page), so allauth's
# "login_failed" limit, which would answer the same thing differently, is off.
ACCOUNT_RATE_LIMITS = {
    "login": env.str("ACCOUNT_RATE_LIMIT_LOGIN", default="30/m/ip"),
    "login_failed": None,
    "signup": env.str("ACCOUNT_RATE_LIMIT_SIGNUP", default="20/m/ip"),
    "reset_password": "20/m/ip,5/m/key",
    "confirm_email": "1/3m/key",
}
# Two-factor sign-in: TOTP apps and one-time recovery codes. Staff need TOTP for the admin.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "CineStream"
MFA_ADAPTER = "apps.accounts.adapters.MfaAdapter"

# Mail: printed to the console unless EMAIL_HOST names an SMTP server.
EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_PORT = env_int("EMAIL_PORT", default=587, minimum=1)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", default=10, minimum=1)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CineStream <noreply@cinestream.local>")
# The site's address as people reach it, for links in mail sent by background tasks.
SITE_URL = env_url("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# --- Outside systems ---------------------------------------------------------
# IMDb, Gemini, TMDB, Chromium, payment providers, S3: each client's settings.
from cinestream.settings_clients import *  # noqa: E402, F403

# Showtimes pages: "this session is wrong" reports one visitor may send an hour (a cache
# counter: per process in embedded mode, shared through Redis in production).
SHOWTIMES_REPORTS_PER_HOUR = env_int("SHOWTIMES_REPORTS_PER_HOUR", default=10, minimum=1)
# Showtimes runs (apps/showtimes): the days ahead kept per city, the movies asked about at
# once (each movie's days go in order, as a movie stops early after empty days; more movies
# than GEMINI_MAX_PARALLEL_CALLS keep the client's slots busy while a movie awaits its next day), how long a
# run may go without a heartbeat before another may take the city over (its worker died),
# when a failed city is tried again, and after how many days unseen sessions and city
# movies are purged.
SHOWTIMES_HORIZON_DAYS = env_int("SHOWTIMES_HORIZON_DAYS", default=14, minimum=1)
SHOWTIMES_PARALLEL_MOVIES = env_int("SHOWTIMES_PARALLEL_MOVIES", default=32, minimum=1)
SHOWTIMES_LOCK_SECONDS = env_int("SHOWTIMES_LOCK_SECONDS", default=5 * 60, minimum=1)
SHOWTIMES_RETRY_MINUTES = env_int("SHOWTIMES_RETRY_MINUTES", default=30, minimum=1)
SHOWTIMES_EXPIRE_DAYS = env_int("SHOWTIMES_EXPIRE_DAYS", default=90, minimum=1)
# Embedded mode runs Celery tasks in-process: a city's run then goes to a thread of its own, so
# the visitor's request that queued it answers at once and the page follows the run live.
SHOWTIMES_RUN_IN_THREAD = env_bool("SHOWTIMES_RUN_IN_THREAD", default=not REDIS_URL)
# Cinemas open and close rarely: a run asks for them again only after this many days.
SHOWTIMES_CINEMAS_REFRESH_DAYS = env_int("SHOWTIMES_CINEMAS_REFRESH_DAYS", default=7, minimum=0)

# Anonymous pages a view marks shareable are answered from each process's memory for this
# many seconds (core/page_cache.py); 0 turns the cache off, as DEBUG does by default so that a
# developer sees each change at once.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", default=0 if DEBUG else 10)
PAGE_CACHE_ENTRIES = env_int("PAGE_CACHE_ENTRIES", default=2_000, minimum=1)
PAGE_CACHE_MAX_BYTES = env_int("PAGE_CACHE_MAX_BYTES", default=512 * 1024, minimum=1)
# All the pages one process keeps, in bytes of their bodies; the least recently used go first.
PAGE_CACHE_MEMORY_BYTES = env_int("PAGE_CACHE_MEMORY_BYTES", default=32 * 1024 * 1024, minimum=1)

# --- Logging -----------------------------------------------------------------

LOG_FORMAT = env_choice("LOG_FORMAT", default="console" if DEBUG else "json", choices=("console", "json"))
LOG_LEVEL = env_choice("LOG_LEVEL", default="info", choices=("debug", "info", "warning", "error")).upper()
DJANGO_STRUCTLOG_CELERY_ENABLED = True

from cinestream.logging_setup import logging_config  # noqa: E402  (needs LOG_* above)

LOGGING = logging_config(log_format=LOG_FORMAT, level=LOG_LEVEL)

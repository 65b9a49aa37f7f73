"""Settings of CineStream's clients of outside systems, read from the environment: IMDb,
Gemini, TMDB, the scraper's Chromium, the payment providers and S3.

Part of the settings (cinestream/settings.py imports every name here), kept apart because each
block belongs to one client module and none depends on the rest of the settings.
"""

from cinestream.env import env, env_choice, env_decimal, env_float, env_int, env_list, env_url

IMDB_BASE_URL = env_url("IMDB_BASE_URL", default="https://www.imdb.com")
IMDB_DATASETS_URL = env_url("IMDB_DATASETS_URL", default="https://datasets.imdbws.com")
IMDB_DATASETS_TYPES = env_list("IMDB_DATASETS_TYPES", default=["movie", "tvSeries", "tvMiniSeries"])
IMDB_DATASETS_MIN_VOTES = env_int("IMDB_DATASETS_MIN_VOTES", default=1000)

# GOOGLE_API_KEY wins over GEMINI_API_KEY, as it does in the google-genai SDK itself.
GEMINI_API_KEY = env.str("GOOGLE_API_KEY", default="") or env.str("GEMINI_API_KEY", default="")
GEMINI_BASE_URL = env_url("GEMINI_BASE_URL", default="https://generativelanguage.googleapis.com")
GEMINI_API_VERSION = env_choice("GEMINI_API_VERSION", default="v1beta", choices=("v1", "v1beta"))
GEMINI_MODEL_IDS = {
    "flash": env.str("GEMINI_FLASH_MODEL_ID", default="gemini-3.5-flash"),
    "pro": env.str("GEMINI_PRO_MODEL_ID", default="gemini-3.1-pro-preview"),
}
GEMINI_MODEL = env_choice("GEMINI_MODEL", default="flash", choices=tuple(GEMINI_MODEL_IDS))
GEMINI_MODEL_ID = GEMINI_MODEL_IDS[GEMINI_MODEL]
GEMINI_TIMEOUT_SECONDS = env_float("GEMINI_TIMEOUT_SECONDS", default=60.0, minimum=0)
# Paid prices in USD per 1M tokens, per model key (thinking tokens are billed as output), and
# per request grounded with Google Search (Gemini 3: $14 per 1,000 after the free monthly 5,000).
GEMINI_PRICES_USD = {
    "flash": {
        "input": env_decimal("GEMINI_FLASH_INPUT_USD_PER_1M", default="1.50"),
        "output": env_decimal("GEMINI_FLASH_OUTPUT_USD_PER_1M", default="9.00"),
    },
    "pro": {
        "input": env_decimal("GEMINI_PRO_INPUT_USD_PER_1M", default="2.00"),
        "output": env_decimal("GEMINI_PRO_OUTPUT_USD_PER_1M", default="12.00"),
    },
}
GEMINI_GROUNDING_USD_PER_REQUEST = env_decimal("GEMINI_GROUNDING_USD_PER_REQUEST", default="0.014")
# What one day (TIME_ZONE's calendar day) may spend; a spent budget refuses new calls until
# midnight. 0 turns a limit off.
GEMINI_DAILY_TOKEN_BUDGET = env_int("GEMINI_DAILY_TOKEN_BUDGET", default=5_000_000)
GEMINI_DAILY_COST_BUDGET_USD = env_decimal("GEMINI_DAILY_COST_BUDGET_USD", default="20.00")
# Requests in flight at once, across all processes with Redis (per process without); more wait.
GEMINI_MAX_PARALLEL_CALLS = env_int("GEMINI_MAX_PARALLEL_CALLS", default=4, minimum=1)
# Tries per call on 429/5xx/timeouts, the first backoff (doubling, with jitter) and the longest
# wait: a RetryInfo.retryDelay longer than that gives up at once.
GEMINI_RETRY_ATTEMPTS = env_int("GEMINI_RETRY_ATTEMPTS", default=4, minimum=1)
GEMINI_RETRY_BACKOFF_SECONDS = env_float("GEMINI_RETRY_BACKOFF_SECONDS", default=2.0, minimum=0)
GEMINI_RETRY_MAX_DELAY_SECONDS = env_float("GEMINI_RETRY_MAX_DELAY_SECONDS", default=60.0, minimum=0)

TMDB_API_KEY = env.str("TMDB_API_KEY", default="")
TMDB_BASE_URL = env_url("TMDB_BASE_URL", default="https://api.themoviedb.org")
TMDB_TIMEOUT_SECONDS = env_float("TMDB_TIMEOUT_SECONDS", default=10.0)
# Where TMDB images are served from until the client has cached the base /3/configuration
# names (apps/catalog/images.py); a mirror or a test stand-in replaces it.
TMDB_IMAGE_BASE_URL = env_url("TMDB_IMAGE_BASE_URL", default="https://image.tmdb.org/t/p") + "/"

# Payments (apps/memberships/providers/). A provider whose keys are empty is hidden; with
# none configured the footer's donation button links to DONATION_URL, and with neither it is
# hidden. The base URLs are the providers' own; tests point them at local stand-ins.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_BASE_URL = env_url("STRIPE_BASE_URL", default="https://api.stripe.com")
MONOBANK_TOKEN = env.str("MONOBANK_TOKEN", default="")
MONOBANK_BASE_URL = env_url("MONOBANK_BASE_URL", default="https://api.monobank.ua")
# A 429, 5xx or timeout is tried again this many times in all, backing off from this pause.
MONOBANK_RETRY_ATTEMPTS = env_int("MONOBANK_RETRY_ATTEMPTS", default=3, minimum=1)
MONOBANK_RETRY_BACKOFF_SECONDS = env_float("MONOBANK_RETRY_BACKOFF_SECONDS", default=0.5, minimum=0)
PAYMENTS_TIMEOUT_SECONDS = env_float("PAYMENTS_TIMEOUT_SECONDS", default=15.0, minimum=1)
# A signed webhook older than this is a replay and is refused.
PAYMENTS_WEBHOOK_TOLERANCE_SECONDS = env_int("PAYMENTS_WEBHOOK_TOLERANCE_SECONDS", default=300, minimum=1)
# After a failed renewal the perks stay on this many days while the provider retries.
MEMBERSHIP_GRACE_DAYS = env_int("MEMBERSHIP_GRACE_DAYS", default=7, minimum=0)
DONATION_URL = env_url("DONATION_URL", default=None)

CHROMEDRIVER_PATH = env.str("CHROMEDRIVER_PATH", default="/usr/bin/chromedriver")
CHROME_BINARY = env.str("CHROME_BINARY", default="/usr/bin/chromium")

# IMDb page scraper (apps/scraping/imdb_client.py). Polite by default: few browsers, a pause
# between page loads, retries spaced out, and a circuit breaker that stops everything when
# IMDb's WAF keeps blocking.
SCRAPER_BROWSERS = env_int("SCRAPER_BROWSERS", default=2, minimum=1)
SCRAPER_DELAY_SECONDS = env_float("SCRAPER_DELAY_SECONDS", default=2.0, minimum=0)
SCRAPER_PAGE_LOAD_TIMEOUT_SECONDS = env_int("SCRAPER_PAGE_LOAD_TIMEOUT_SECONDS", default=30, minimum=1)
# How long a page's content (data-testid hooks) or a WAF challenge may take to appear.
SCRAPER_WAIT_SECONDS = env_int("SCRAPER_WAIT_SECONDS", default=15, minimum=1)
SCRAPER_ATTEMPTS = env_int("SCRAPER_ATTEMPTS", default=3, minimum=1)
SCRAPER_BACKOFF_SECONDS = env_float("SCRAPER_BACKOFF_SECONDS", default=5.0, minimum=0)
SCRAPER_BACKOFF_MAX_SECONDS = env_float("SCRAPER_BACKOFF_MAX_SECONDS", default=120.0, minimum=0)
SCRAPER_BREAKER_BLOCKS = env_int("SCRAPER_BREAKER_BLOCKS", default=5, minimum=1)
SCRAPER_BREAKER_PAUSE_SECONDS = env_int("SCRAPER_BREAKER_PAUSE_SECONDS", default=30 * 60, minimum=1)
# The daily beat refresh: the top chart and this many of the titles the site shows most.
SCRAPER_DAILY_TITLES = env_int("SCRAPER_DAILY_TITLES", default=100)
SCRAPER_DAILY_LANGUAGES = env_list(
    "SCRAPER_DAILY_LANGUAGES", default=["en", "uk", "ru"], choices=("uk", "en", "ru")
)

# TMDB enrichment (apps/catalog/tmdb_enrich.py; client: apps/scraping/tmdb.py). TMDB allows
# about 40 requests/s per IP: the client stays under it, and retries 429 and 5xx answers this
# many times (honouring Retry-After, else backing off exponentially).
TMDB_REQUESTS_PER_SECOND = env_float("TMDB_REQUESTS_PER_SECOND", default=30.0)
TMDB_RETRIES = env_int("TMDB_RETRIES", default=3)
TMDB_BACKOFF_SECONDS = env_float("TMDB_BACKOFF_SECONDS", default=0.5)
# The daily beat task: titles never asked about, then the ones the site shows most.
TMDB_DAILY_NEW_TITLES = env_int("TMDB_DAILY_NEW_TITLES", default=500)
TMDB_DAILY_SHOWN_TITLES = env_int("TMDB_DAILY_SHOWN_TITLES", default=100)

# S3 or any S3-compatible store (MinIO, Ceph, Cloudflare R2…) for the catalog's data lake
# (export_catalog / import_catalog with s3://bucket/prefix). Empty values leave boto3 to its
# own defaults: AWS's endpoints, ~/.aws, an instance role.
AWS_ENDPOINT_URL = env_url("AWS_ENDPOINT_URL", default=None)
AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default="")
AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default="")
AWS_DEFAULT_REGION = env.str("AWS_DEFAULT_REGION", default="")
# Path-style (http://host/bucket/key) is what S3-compatible servers accept everywhere.
AWS_S3_ADDRESSING_STYLE = env_choice(
    "AWS_S3_ADDRESSING_STYLE",
    default="path" if AWS_ENDPOINT_URL else "auto",
    choices=("auto", "path", "virtual"),
)

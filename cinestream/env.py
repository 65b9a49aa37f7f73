"""Reading the environment for cinestream/settings.py: the `.env` file, and one reader per
kind of value, each raising ImproperlyConfigured that names the variable and says what it
expected. Only the settings module uses it."""

from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
_env_file = env.str("CINESTREAM_ENV_FILE", default=str(BASE_DIR / ".env"))
if _env_file and Path(_env_file).is_file():
    # Variables already in the environment win over the file.
    env.read_env(_env_file)

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = env.str(name, default=None)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}: expected true or false, got {raw!r}")


def env_int(name: str, default: int, minimum: int = 0) -> int:
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


def env_float(name: str, default: float, minimum: float | None = None) -> float:
    raw = env.str(name, default=None)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}: expected a number, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}: expected a number >= {minimum:g}, got {value:g}")
    return value


def env_url(name: str, default: str | None, schemes: tuple[str, ...] = ("http", "https")) -> str:
    raw = env.str(name, default=default)
    if raw is None:
        return ""
    parts = urlsplit(raw)
    if parts.scheme not in schemes or not (parts.netloc or parts.path):
        expected = " or ".join(f"{scheme}://" for scheme in schemes)
        raise ImproperlyConfigured(f"{name}: expected a URL starting with {expected}, got {raw!r}")
    return raw.rstrip("/")


_DATABASE_SCHEMES = ("sqlite", "postgres", "postgresql", "pgsql")


def env_database(name: str, default: str) -> dict:
    """A database URL (SQLite or PostgreSQL) as Django's DATABASES entry."""
    raw = env.str(name, default=default)
    if urlsplit(raw).scheme not in _DATABASE_SCHEMES:
        raise ImproperlyConfigured(
            f"{name}: expected sqlite:///path or postgres://user@host:port/name, got {raw!r}"
        )
    return env.db_url_config(raw)


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env.str(name, default=default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name}: expected one of {', '.join(choices)}, got {value!r}")
    return value


def env_decimal(name: str, default: str) -> Decimal:
    raw = env.str(name, default=default)
    try:
        value = Decimal(raw.strip())
    except InvalidOperation:
        raise ImproperlyConfigured(f"{name}: expected a decimal number, got {raw!r}") from None
    if not value.is_finite() or value < 0:
        raise ImproperlyConfigured(f"{name}: expected a number >= 0, got {raw!r}")
    return value


def env_list(name: str, default: list[str], choices: tuple[str, ...] | None = None) -> list[str]:
    items = [item.strip() for item in env.list(name, default=default) if item.strip()]
    for item in items:
        if choices is not None and item not in choices:
            expected = f"{', '.join(choices[:-1])} or {choices[-1]}"
            raise ImproperlyConfigured(f"{name}: expected {expected}, got {item!r}")
    return items


def env_origins(name: str, default: list[str]) -> list[str]:
    """Web origins such as https://example.com (a scheme and a host, no path)."""
    origins = env_list(name, default=default)
    for origin in origins:
        if not origin.startswith(("http://", "https://")) or origin.rstrip("/").count("/") > 2:
            raise ImproperlyConfigured(f"{name}: expected origins like https://example.com, got {origin!r}")
    return origins


# The periods a rate may name ("120/minute"), in seconds; one-letter forms too ("120/m").
_RATE_PERIODS = {"second": 1, "minute": 60, "hour": 60 * 60, "day": 24 * 60 * 60}
_RATE_PERIODS.update({name[0]: seconds for name, seconds in list(_RATE_PERIODS.items())})


def rate_parse(raw: str) -> tuple[int, int] | None:
    """ "120/minute" → (120, 60); None for what is not such a rate."""
    count, _, period = raw.strip().lower().partition("/")
    seconds = _RATE_PERIODS.get(period.strip())
    if not count.strip().isdigit() or int(count) < 1 or seconds is None:
        return None
    return int(count), seconds


def env_rate(name: str, default: str) -> tuple[int, int]:
    """A rate such as "120/minute" as (requests, seconds)."""
    raw = env.str(name, default=default)
    rate = rate_parse(raw)
    if rate is None:
        raise ImproperlyConfigured(
            f"{name}: expected requests per period such as 120/minute (second, minute, hour, day), got {raw!r}"
        )
    return rate

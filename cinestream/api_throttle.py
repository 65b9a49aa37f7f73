"""The API's write limit: at most API_WRITE_RATE writes (POSTs) per client address per period.

Counted as one counter per address and period window: in production one Redis round trip
(INCR and EXPIRE in a pipeline, atomic, shared by every server process; the Django cache's
add + incr took three and doubled a write's cost in bench/views.py), in the embedded mode
in the local cache. When Redis does not answer, the write is let through (the limit is
against abuse; refusing every write because Redis blinked would be worse). ninja's own SimpleRateThrottle is not used: it reads a list of
timestamps and writes it back, so concurrent processes lose each other's requests, the list
grows to the limit's size, and it takes the client from X-Forwarded-For, which a client can
write itself.

The address is REMOTE_ADDR, as for sign-in lockouts (settings.AXES_IPWARE_META_PRECEDENCE_ORDER):
behind nginx, Daphne's --proxy-headers already puts the proxy's X-Forwarded-For there.
A fixed window lets a client send up to twice the rate across a window's edge, which a
limit against abuse can afford.

Supporters' personal API keys (apps/memberships/api_keys.py): a request carrying
`Authorization: Bearer <key>` or `X-API-Key: <key>` is checked by `ApiKeyAuth` (an unknown or
revoked key is a 401, never silently anonymous); a valid key whose owner's perks give
`api_write_rate` is counted per key, at that rate, in the same one round trip.
"""

import math
import threading
import time
from typing import Any

import redis
import structlog
from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.security import APIKeyHeader
from ninja.throttling import BaseThrottle

from apps.memberships.api_keys import api_key_find
from apps.memberships.errors import ApiKeyInvalid
from apps.memberships.models import ApiKey
from apps.memberships.perks import perks_for
from cinestream.env import rate_parse
from core.redis_clients import redis_client
from core.redis_errors import REDIS_UNAVAILABLE

logger = structlog.get_logger(__name__)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_KEY_PREFIX = "api-writes"


def _window(now: float, period: int) -> int:
    return int(now // period)


_redis_clients: dict[str, redis.Redis] = {}


def _redis(url: str) -> redis.Redis:
    client = _redis_clients.get(url)
    if client is None:
        client = _redis_clients[url] = redis_client(url, timeout=0.5)
    return client


def writes_count(*, address: str, now: float | None = None, period: int | None = None) -> int:
    """Count one write from `address` (or "key:<id>") in the current window of `period`
    seconds (API_WRITE_RATE's by default); return the window's count so far."""
    period = period or settings.API_WRITE_RATE[1]
    now = time.time() if now is None else now
    key = f"{_KEY_PREFIX}:{address}:{_window(now, period)}"
    if settings.REDIS_URL:
        try:
            with _redis(settings.REDIS_URL).pipeline(transaction=True) as pipe:
                # A little past the window, so that a clock a moment behind still finds the count.
                count, _expiry = pipe.incr(key).expire(key, period + 5).execute()
            return int(count)
        except REDIS_UNAVAILABLE as exc:
            logger.warning("api_write_limit_unavailable", error=str(exc))
            return 1
    if cache.add(key, 1, timeout=period + 5):
        return 1
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: the window is new
        cache.add(key, 1, timeout=period + 5)
        return 1


def seconds_to_next_window(now: float | None = None, period: int | None = None) -> int:
    period = period or settings.API_WRITE_RATE[1]
    now = time.time() if now is None else now
    return max(1, math.ceil((_window(now, period) + 1) * period - now))


def api_key_sent(request: HttpRequest) -> str:
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return request.headers.get("X-API-Key", "").strip()


class ApiKeyAuth(APIKeyHeader):
    """Optional: a request without a key is served as before (anonymous); one with a key is
    served only if the key is live. Documented at /api/docs as the `X-API-Key` scheme (in
    components only: no operation requires it, see CineStreamApi.get_openapi_schema)."""

    param_name = "X-API-Key"
    openapi_description = "Optional: a supporter's personal key (also as `Authorization: Bearer <key>`)."

    def __call__(self, request: HttpRequest) -> Any:
        key = api_key_sent(request)
        if not key:
            return True
        found = api_key_find(key=key)
        if found is None:
            raise ApiKeyInvalid()
        return found

    def authenticate(
        self, request: HttpRequest, key: str | None
    ) -> Any:  # pragma: no cover - __call__ decides
        return None


def _key_rate(request: HttpRequest) -> tuple[str, tuple[int, int]] | None:
    """The counter and rate of a request made with a key whose plan gives its own rate."""
    key = getattr(request, "auth", None)
    if not isinstance(key, ApiKey):
        return None
    perks = perks_for(key.user)
    rate = rate_parse(perks.api_write_rate) if perks.api_key else None
    return (f"key:{key.pk}", rate) if rate else None


class WriteRateThrottle(BaseThrottle):
    """ninja's throttle hook for API_WRITE_RATE (per address) or a supporter key's own rate
    (per key); reads (GET, HEAD, OPTIONS) pass untouched."""

    def __init__(self) -> None:
        # ninja asks wait() right after a refusal, on the same thread and object.
        self._refused = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        if request.method in SAFE_METHODS:
            return True
        keyed = _key_rate(request)
        if keyed is None:
            counter, (limit, period) = request.META.get("REMOTE_ADDR", ""), settings.API_WRITE_RATE
        else:
            counter, (limit, period) = keyed
        self._refused.period = period
        return writes_count(address=counter, period=period) <= limit

    def wait(self) -> float:
        # ninja sends it as Retry-After, rounded up.
        return float(seconds_to_next_window(period=getattr(self._refused, "period", None)))

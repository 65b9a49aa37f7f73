"""How many Gemini requests may be in flight at once: across every process with Redis, per process without.

Gemini's rate limits count per Google project, so production caps all workers together: each
request holds a lease in one Redis sorted set (member = a random token, score = when the lease
expires), taken by a script only while fewer than the cap are live. A lease lasts the request's
timeout plus a margin, so a worker that dies holding one gives it back on its own. A waiting
request polls every POLL_SECONDS. When Redis cannot be reached the process falls back to its own
semaphore of the same size: the cap then holds per process only, and Gemini's 429s do the rest.
The embedded mode (no REDIS_URL) uses the semaphore alone.
"""

import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

import structlog
from django.conf import settings

from core.redis_clients import redis_client
from core.redis_errors import REDIS_UNAVAILABLE

logger = structlog.get_logger(__name__)

REDIS_KEY = "cinestream:gemini:slots"
POLL_SECONDS = 0.05
LEASE_MARGIN_SECONDS = 30.0

# Redis's own clock, so leases from workers on hosts with different clocks compare alike.
_ACQUIRE = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[2])) + 1)
return 1
"""


class GeminiSlots(Protocol):
    def hold(self) -> AbstractContextManager[None]:
        """Wait for a free slot and hold it for the block."""
        ...


class MemorySlots:
    def __init__(self, limit: int) -> None:
        self._semaphore = threading.BoundedSemaphore(limit)

    @contextmanager
    def hold(self) -> Iterator[None]:
        with self._semaphore:
            yield


class RedisSlots:
    def __init__(self, url: str, *, limit: int, lease_seconds: float, key: str = REDIS_KEY) -> None:
        self.limit = limit
        self.lease_seconds = lease_seconds
        self.key = key
        self._client = redis_client(url, timeout=2)
        self._acquire = self._client.register_script(_ACQUIRE)
        self._fallback = MemorySlots(limit)

    def try_acquire(self, token: str) -> bool:
        """Take a lease for `token` if fewer than the limit are live; never waits."""
        return bool(self._acquire(keys=[self.key], args=[self.limit, self.lease_seconds, token]))

    def release(self, token: str) -> None:
        self._client.zrem(self.key, token)

    @contextmanager
    def hold(self) -> Iterator[None]:
        token = secrets.token_hex(8)
        try:
            while not self.try_acquire(token):
                time.sleep(POLL_SECONDS)
        except REDIS_UNAVAILABLE as exc:
            logger.warning("gemini_slots_redis_unreachable", error=str(exc))
            with self._fallback.hold():
                yield
            return
        try:
            yield
        finally:
            try:
                self.release(token)
            except REDIS_UNAVAILABLE as exc:  # the lease expires on its own
                logger.warning("gemini_slots_release_failed", error=str(exc))


_lock = threading.Lock()
_slots: dict[tuple[str, int, float], GeminiSlots] = {}


def gemini_slots() -> GeminiSlots:
    """The slots for the current settings (one instance per configuration, shared by threads)."""
    limit = settings.GEMINI_MAX_PARALLEL_CALLS
    lease = settings.GEMINI_TIMEOUT_SECONDS + LEASE_MARGIN_SECONDS
    config = (settings.REDIS_URL, limit, lease)
    with _lock:
        if config not in _slots:
            _slots[config] = (
                RedisSlots(settings.REDIS_URL, limit=limit, lease_seconds=lease)
                if settings.REDIS_URL
                else MemorySlots(limit)
            )
        return _slots[config]

"""The cap on concurrent streams per client IP, across every server process.

Production counts in Redis (a sorted set per IP whose members expire unless their
process keeps refreshing them, so a crashed process frees its slots); the embedded
mode counts in memory.

The cap fails closed, and an over-cap burst costs Redis nothing: a process refuses
on its own once the streams it holds or is still admitting for an address reach the
cap, and for a moment after Redis refused that address. At most
STREAM_SLOTS_REDIS_CONNECTIONS calls go to Redis at once; a call that gets no
connection or no answer within STREAM_SLOTS_REDIS_TIMEOUT_SECONDS (or Redis is down)
admits the stream only within this process's share of the cap, counted locally, and
Redis is left alone for a few seconds. The refresher later registers streams admitted
that way and removes releases that could not reach Redis.
"""

import asyncio
import time
from collections import Counter, defaultdict
from typing import Protocol

import redis.asyncio as aioredis
import structlog
from django.conf import settings

from core.redis_clients import CONNECTION_OPTIONS
from core.redis_errors import REDIS_UNAVAILABLE

logger = structlog.get_logger(__name__)

SLOT_TTL_SECONDS = 60
# How long a Redis refusal for an address is repeated locally; well under the 429's
# Retry-After, and forgotten as soon as one of the address's streams here ends.
REFUSAL_MEMORY_SECONDS = 2.0
# How long Redis is not asked after it failed to answer (the fallback decides meanwhile).
UNREACHABLE_PAUSE_SECONDS = 3.0

_ACQUIRE = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
"""


class StreamSlots(Protocol):
    async def acquire(self, ip: str, token: str) -> bool: ...

    async def release(self, ip: str, token: str) -> None: ...

    def close(self) -> None: ...


class _HeldSlots:
    """The slots this process holds, by client IP."""

    def __init__(self) -> None:
        self.by_ip: dict[str, set[str]] = defaultdict(set)

    def count(self, ip: str) -> int:
        return len(self.by_ip.get(ip, ()))

    def add(self, ip: str, token: str) -> None:
        self.by_ip[ip].add(token)

    def discard(self, ip: str, token: str) -> None:
        tokens = self.by_ip.get(ip)
        if tokens is not None:
            tokens.discard(token)
            if not tokens:
                del self.by_ip[ip]


class MemorySlots:
    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.held = _HeldSlots()

    async def acquire(self, ip: str, token: str) -> bool:
        if self.held.count(ip) >= self.cap:
            return False
        self.held.add(ip, token)
        return True

    async def release(self, ip: str, token: str) -> None:
        self.held.discard(ip, token)

    def close(self) -> None:
        self.held.by_ip.clear()


class RedisSlots:
    def __init__(
        self, url: str, *, cap: int, share: int, prefix: str, connections: int, timeout: float
    ) -> None:
        self.cap = cap
        self.share = share
        self.prefix = prefix
        pool = aioredis.BlockingConnectionPool.from_url(
            url,
            max_connections=connections,
            timeout=timeout,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            **CONNECTION_OPTIONS,
        )
        self.client = aioredis.Redis(connection_pool=pool)
        self.acquire_script = self.client.register_script(_ACQUIRE)
        self.held = _HeldSlots()
        self.admitting: Counter[str] = Counter()
        self.refused_until: dict[str, float] = {}
        self.unreachable_until = 0.0
        # Tokens Redis may count though this process holds none of them (a release or an
        # acquisition that got no answer): the refresher removes them.
        self.unreleased = _HeldSlots()
        self._refresher = asyncio.ensure_future(self._refresh())

    def _key(self, ip: str) -> str:
        return f"{self.prefix}:{ip}"

    async def acquire(self, ip: str, token: str) -> bool:
        now = time.monotonic()
        if self.held.count(ip) + self.admitting[ip] >= self.cap or self.refused_until.get(ip, 0.0) > now:
            return False
        if now < self.unreachable_until:
            return self._admit_within_share(ip, token)
        self.admitting[ip] += 1
        try:
            allowed = await self.acquire_script(
                keys=[self._key(ip)], args=[time.time(), SLOT_TTL_SECONDS, self.cap, token]
            )
        except REDIS_UNAVAILABLE as exc:
            self._unreachable(exc)
            allowed = None
        finally:
            self.admitting[ip] -= 1
            if not self.admitting[ip]:
                del self.admitting[ip]
        if allowed is None:
            # A call that timed out may still have added the token there.
            self.unreleased.add(ip, token)
            return self._admit_within_share(ip, token)
        if not allowed:
            self.refused_until[ip] = time.monotonic() + REFUSAL_MEMORY_SECONDS
            return False
        self.held.add(ip, token)
        return True

    def _admit_within_share(self, ip: str, token: str) -> bool:
        if self.held.count(ip) + self.admitting[ip] >= self.share:
            return False
        self.unreleased.discard(ip, token)
        self.held.add(ip, token)
        return True

    def _unreachable(self, exc: BaseException) -> None:
        if time.monotonic() >= self.unreachable_until:
            logger.warning("stream_slots_unavailable", error=str(exc) or type(exc).__name__)
        self.unreachable_until = time.monotonic() + UNREACHABLE_PAUSE_SECONDS

    async def release(self, ip: str, token: str) -> None:
        # Local first, so the slot is free here whatever Redis does.
        self.held.discard(ip, token)
        self.refused_until.pop(ip, None)
        if time.monotonic() < self.unreachable_until:
            self.unreleased.add(ip, token)
            return
        try:
            await self.client.zrem(self._key(ip), token)
        except REDIS_UNAVAILABLE as exc:
            self._unreachable(exc)
            self.unreleased.add(ip, token)

    async def _refresh(self) -> None:
        while True:
            await asyncio.sleep(SLOT_TTL_SECONDS / 3)
            await self.refresh()

    async def refresh(self) -> None:
        """Keep this process's slots alive in Redis and bring Redis up to date with it.

        Every held slot is written again, so those admitted while Redis could not answer
        count there too, and releases that did not reach Redis are removed.
        """
        now = time.monotonic()
        self.refused_until = {ip: until for ip, until in self.refused_until.items() if until > now}
        if not self.held.by_ip and not self.unreleased.by_ip:
            return
        expires_at = time.time() + SLOT_TTL_SECONDS
        unreleased = {ip: set(tokens) for ip, tokens in self.unreleased.by_ip.items()}
        try:
            async with self.client.pipeline(transaction=False) as pipe:
                for ip, tokens in unreleased.items():
                    pipe.zrem(self._key(ip), *tokens)
                for ip, tokens in self.held.by_ip.items():
                    pipe.zadd(self._key(ip), dict.fromkeys(tokens, expires_at))
                    pipe.expire(self._key(ip), SLOT_TTL_SECONDS)
                await pipe.execute()
        except REDIS_UNAVAILABLE as exc:
            self._unreachable(exc)
            return
        for ip, tokens in unreleased.items():
            for token in tokens:
                self.unreleased.discard(ip, token)

    def close(self) -> None:
        self._refresher.cancel()


def stream_slots_create() -> StreamSlots:
    """The slot counter for this mode; call inside the event loop that will use it."""
    cap = settings.STREAM_MAX_PER_IP
    if settings.REDIS_URL:
        return RedisSlots(
            settings.REDIS_URL,
            cap=cap,
            share=max(1, cap // settings.STREAM_SERVER_PROCESSES),
            prefix=f"{settings.STREAM_REDIS_CHANNEL}:slots",
            connections=settings.STREAM_SLOTS_REDIS_CONNECTIONS,
            timeout=settings.STREAM_SLOTS_REDIS_TIMEOUT_SECONDS,
        )
    return MemorySlots(cap)

"""The cap on concurrent streams per client IP, across every server process.

Production counts in Redis (a sorted set per IP whose members expire unless their
process keeps refreshing them, so a crashed process frees its slots); the embedded
mode counts in memory. If Redis is unreachable the stream is allowed: losing the cap
for a moment is better than losing the stream.
"""

import asyncio
import time
from collections import defaultdict
from typing import Protocol

import redis
import redis.asyncio as aioredis
import structlog
from django.conf import settings

logger = structlog.get_logger(__name__)

SLOT_TTL_SECONDS = 60

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
    def __init__(self, url: str, cap: int, prefix: str) -> None:
        self.cap = cap
        self.prefix = prefix
        self.client = aioredis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.acquire_script = self.client.register_script(_ACQUIRE)
        self.held = _HeldSlots()
        self._refresher = asyncio.ensure_future(self._refresh())

    def _key(self, ip: str) -> str:
        return f"{self.prefix}:{ip}"

    async def acquire(self, ip: str, token: str) -> bool:
        try:
            allowed = await self.acquire_script(
                keys=[self._key(ip)], args=[time.time(), SLOT_TTL_SECONDS, self.cap, token]
            )
        except (redis.RedisError, OSError) as exc:
            logger.warning("stream_slots_unavailable", error=str(exc))
            allowed = 1
        if allowed:
            self.held.add(ip, token)
        return bool(allowed)

    async def release(self, ip: str, token: str) -> None:
        self.held.discard(ip, token)
        try:
            await self.client.zrem(self._key(ip), token)
        except (redis.RedisError, OSError) as exc:
            logger.warning("stream_slots_unavailable", error=str(exc))

    async def _refresh(self) -> None:
        while True:
            await asyncio.sleep(SLOT_TTL_SECONDS / 3)
            if not self.held.by_ip:
                continue
            expires_at = time.time() + SLOT_TTL_SECONDS
            try:
                async with self.client.pipeline(transaction=False) as pipe:
                    for ip, tokens in self.held.by_ip.items():
                        pipe.zadd(self._key(ip), dict.fromkeys(tokens, expires_at))
                        pipe.expire(self._key(ip), SLOT_TTL_SECONDS)
                    await pipe.execute()
            except (redis.RedisError, OSError) as exc:
                logger.warning("stream_slots_unavailable", error=str(exc))

    def close(self) -> None:
        self._refresher.cancel()


def stream_slots_create() -> StreamSlots:
    """The slot counter for this mode; call inside the event loop that will use it."""
    if settings.REDIS_URL:
        return RedisSlots(
            settings.REDIS_URL, settings.STREAM_MAX_PER_IP, f"{settings.STREAM_REDIS_CHANNEL}:slots"
        )
    return MemorySlots(settings.STREAM_MAX_PER_IP)

"""How a committed event reaches every server process.

Production (REDIS_URL): one Redis PUBLISH per event; each process holds one
subscription and hands what arrives to its hub. Embedded: publishers in the same
process wake the hub directly and the hub polls the event log for the others
(manage.py commands). Either way the event log stays the truth: a lost message only
delays an event until the hub's next poll, never drops it.
"""

import asyncio
import json
from collections.abc import Awaitable, Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Protocol

import redis
import structlog
from django.conf import settings

from core.redis_clients import async_redis_client, redis_client
from core.redis_errors import REDIS_UNAVAILABLE

if TYPE_CHECKING:
    from apps.stream.models import Event

logger = structlog.get_logger(__name__)

MessageHandler = Callable[[bytes], Awaitable[None]]
ConnectedHandler = Callable[[], Awaitable[None]]


def event_message(event: "Event") -> bytes:
    return json.dumps(
        {"id": event.id, "type": event.type, "payload": event.payload, "tags": event.tags},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode()


class Fanout(Protocol):
    def announce(self, events: Sequence["Event"]) -> None: ...

    async def listen(self, on_message: MessageHandler, on_connected: ConnectedHandler) -> None: ...


class RedisFanout:
    def __init__(self, url: str, channel: str) -> None:
        self.url = url
        self.channel = channel
        self._client = redis_client(url, timeout=5)

    def announce(self, events: Sequence["Event"]) -> None:
        try:
            with self._client.pipeline(transaction=False) as pipe:
                for event in events:
                    pipe.publish(self.channel, event_message(event))
                pipe.execute()
        except REDIS_UNAVAILABLE as exc:
            # Stored already; every hub's poll will find it.
            logger.warning("stream_announce_failed", error=str(exc), events=len(events))

    async def listen(self, on_message: MessageHandler, on_connected: ConnectedHandler) -> None:
        delay = 0.1
        while True:
            client = async_redis_client(self.url, connect_timeout=5)
            try:
                async with client.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.subscribe(self.channel)
                    delay = 0.1
                    # Whatever was published while unsubscribed is in the log.
                    await on_connected()
                    async for message in pubsub.listen():
                        if message["type"] == "message":
                            await on_message(message["data"])
            except (redis.RedisError, OSError) as exc:
                logger.warning("stream_subscription_lost", error=str(exc), retry_in=delay)
            finally:
                await client.aclose()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


class LocalFanout:
    """One process, no Redis: wake the local hub; other processes are found by polling."""

    def announce(self, events: Sequence["Event"]) -> None:
        from apps.stream.hub import hub_wake_threadsafe

        hub_wake_threadsafe()

    async def listen(self, on_message: MessageHandler, on_connected: ConnectedHandler) -> None:
        await on_connected()
        await asyncio.Event().wait()


@cache
def _fanout(redis_url: str, channel: str) -> Fanout:
    return RedisFanout(redis_url, channel) if redis_url else LocalFanout()


def fanout_get() -> Fanout:
    return _fanout(settings.REDIS_URL, settings.STREAM_REDIS_CHANNEL)

"""A new Redis connection opens without the handshake steps Redis 7 refuses."""

import asyncio

import pytest
from channels.layers import get_channel_layer
from django.core.cache import cache

from core.redis_clients import async_redis_client, redis_client

pytestmark = pytest.mark.services


def _errors_answered(url: str) -> int:
    """How many error replies this Redis server has sent since it started."""
    stats = redis_client(url, timeout=1).info("errorstats")
    return sum(entry["count"] for entry in stats.values())


def test_every_kind_of_client_opens_its_connection_without_an_error_reply(redis_url):
    before = _errors_answered(redis_url)

    redis_client(redis_url, timeout=1).ping()
    cache.set("redis-clients-test", 1, 5)
    assert cache.get("redis-clients-test") == 1

    async def async_clients() -> None:
        client = async_redis_client(redis_url, connect_timeout=1)
        await client.ping()
        await client.aclose()
        await get_channel_layer().group_send("redis-clients-test", {"type": "nothing"})

    asyncio.run(async_clients())

    # redis-py's default handshake asks for maintenance notifications and sends CLIENT
    # SETINFO: two refusals per connection from Redis 7.0, and a step that broke under load.
    assert _errors_answered(redis_url) == before

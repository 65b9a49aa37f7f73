"""Redis clients made one way: every wait bounded, and a new connection's handshake kept short.

redis-py 8 opens each connection with HELLO, then asks for maintenance notifications (a
Redis Cloud and Enterprise feature) and sends CLIENT SETINFO; Redis 7.0 answers both with
an error. Under load that handshake failed inside redis-py on a fresh server's first
requests (AttributeError: its read buffer was gone), and the API's write limit answered
500: CI's trends durability test lost a client that way. Without the two, a connection
opens with HELLO and SELECT only.
"""

from typing import Any

import redis
import redis.asyncio as aioredis
from redis.maint_notifications import MaintNotificationsConfig

CONNECTION_OPTIONS: dict[str, Any] = {
    "maint_notifications_config": MaintNotificationsConfig(enabled=False),
    "driver_info": None,
}


def redis_client(url: str, *, timeout: float) -> redis.Redis:
    """A client whose connects and replies each wait at most `timeout` seconds."""
    return redis.Redis.from_url(
        url, socket_timeout=timeout, socket_connect_timeout=timeout, **CONNECTION_OPTIONS
    )


def async_redis_client(url: str, *, connect_timeout: float) -> aioredis.Redis:
    """An asyncio client for long reads (a subscription): only the connect is bounded."""
    return aioredis.Redis.from_url(url, socket_connect_timeout=connect_timeout, **CONNECTION_OPTIONS)

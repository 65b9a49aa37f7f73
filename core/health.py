"""/healthz: whether each dependency this process relies on answers right now."""

import asyncio
import time
from collections.abc import Awaitable, Callable

from asgiref.sync import sync_to_async
from celery import current_app
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.utils import Error as DatabaseError
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from kombu.exceptions import OperationalError as KombuOperationalError
from redis.exceptions import RedisError

CHECK_TIMEOUT_SECONDS = 3.0

# Failures a dependency can raise when it is down or misconfigured.
_DEPENDENCY_ERRORS = (OSError, RedisError, KombuOperationalError, asyncio.TimeoutError, RuntimeError)


def _database_check() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    connection.close()


def _cache_check() -> None:
    cache.set("healthz", "ok", timeout=10)
    if cache.get("healthz") != "ok":
        raise RuntimeError("the cache did not return what was stored")


async def _channel_layer_check() -> None:
    # A group send reaches the transport (one PUBLISH on Redis) and leaves no state behind.
    await get_channel_layer().group_send("healthz", {"type": "healthz.ping"})


def _broker_check() -> None:
    # The project's app is the current one (cinestream/__init__.py loads it with Django).
    with current_app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, interval_start=0, timeout=CHECK_TIMEOUT_SECONDS)


def _checks() -> dict[str, Callable[[], Awaitable[None]]]:
    def threaded(check: Callable[[], None]) -> Callable[[], Awaitable[None]]:
        return sync_to_async(check, thread_sensitive=False)

    checks = {
        "database": threaded(_database_check),
        "cache": threaded(_cache_check),
        "channel_layer": _channel_layer_check,
    }
    if settings.REDIS_URL:
        checks["broker"] = threaded(_broker_check)
    return checks


async def _run(check: Callable[[], Awaitable[None]]) -> dict:
    started = time.perf_counter()
    try:
        await asyncio.wait_for(check(), timeout=CHECK_TIMEOUT_SECONDS)
    except (*_DEPENDENCY_ERRORS, DatabaseError) as exc:
        error = str(exc) or type(exc).__name__
        return {"ok": False, "ms": round((time.perf_counter() - started) * 1000, 1), "error": error}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


@never_cache
async def healthz(request: HttpRequest) -> JsonResponse:
    """200 with each dependency's state, or 503 naming the ones that failed."""
    checks = _checks()
    results = await asyncio.gather(*(_run(check) for check in checks.values()))
    report = dict(zip(checks, results, strict=True))
    failing = [name for name, result in report.items() if not result["ok"]]
    body = {"status": "fail" if failing else "ok", "failing": failing, "checks": report}
    return JsonResponse(body, status=503 if failing else 200)

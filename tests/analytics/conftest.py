"""Each test gets its own Redis key prefix and fresh counters and totals."""

import uuid
from collections.abc import Iterator

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings

from apps.analytics import counters
from apps.analytics.selectors import TOTALS_CACHE_KEY
from core import counting


@pytest.fixture(autouse=True)
def analytics_isolated() -> Iterator[str]:
    prefix = f"test:analytics:{uuid.uuid4().hex[:12]}"
    counting._counters.clear()
    counters._visitor_sets.clear()
    cache.delete(TOTALS_CACHE_KEY)
    with override_settings(ANALYTICS_REDIS_PREFIX=prefix):
        yield prefix
    counting._counters.clear()
    counters._visitor_sets.clear()
    cache.delete(TOTALS_CACHE_KEY)
    if settings.REDIS_URL:
        client = redis.Redis.from_url(settings.REDIS_URL)
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)

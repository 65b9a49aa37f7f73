"""Where page views and visitors wait between being counted and being flushed.

Page views use core.counting's batch counter (field "<day>|<path>"). Unique visitors are a
set per day of daily-salted pseudonyms (core.visitors.visitor_key with the day as salt, so
nobody can be followed from one day to the next, and no address is ever kept): a Redis
HyperLogLog (PFADD; 12 KB a day whatever the traffic, ±0.81%) in production, a Python set
in the embedded mode. The flush stores PFCOUNT as the day's visitors: setting it, never
adding, makes a repeated flush harmless.
"""

import threading
from datetime import date, timedelta
from typing import Protocol

from django.conf import settings

from core.counting import BatchCounter, CountingUnavailable, batch_counter
from core.redis_clients import redis_client
from core.redis_errors import REDIS_UNAVAILABLE

VISITOR_SET_DAYS = 3  # today, and yesterday until its last flush


class VisitorSet(Protocol):
    def add(self, day: date, visitor: str) -> None: ...

    def count(self, day: date) -> int: ...


class MemoryVisitorSet:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._days: dict[date, set[str]] = {}

    def add(self, day: date, visitor: str) -> None:
        with self._lock:
            self._days.setdefault(day, set()).add(visitor)
            for old in [old for old in self._days if old < day - timedelta(days=VISITOR_SET_DAYS)]:
                del self._days[old]

    def count(self, day: date) -> int:
        with self._lock:
            return len(self._days.get(day, ()))


class RedisVisitorSet:
    def __init__(self, url: str, *, prefix: str) -> None:
        self.client = redis_client(url, timeout=1.0)
        self.prefix = prefix

    def _key(self, day: date) -> str:
        return f"{self.prefix}:{day.isoformat()}"

    def add(self, day: date, visitor: str) -> None:
        try:
            with self.client.pipeline(transaction=False) as pipe:
                pipe.pfadd(self._key(day), visitor)
                pipe.expire(self._key(day), timedelta(days=VISITOR_SET_DAYS))
                pipe.execute()
        except REDIS_UNAVAILABLE as exc:
            raise CountingUnavailable(str(exc)) from exc

    def count(self, day: date) -> int:
        return int(self.client.pfcount(self._key(day)))


_visitor_sets: dict[tuple[str, str], VisitorSet] = {}
_visitor_sets_lock = threading.Lock()


def page_views_counter() -> BatchCounter:
    return batch_counter(redis_url=settings.REDIS_URL, prefix=f"{settings.ANALYTICS_REDIS_PREFIX}:pages")


def visitor_set() -> VisitorSet:
    url, prefix = settings.REDIS_URL, f"{settings.ANALYTICS_REDIS_PREFIX}:visitors"
    with _visitor_sets_lock:
        found = _visitor_sets.get((url, prefix))
        if found is None:
            found = RedisVisitorSet(url, prefix=prefix) if url else MemoryVisitorSet()
            _visitor_sets[url, prefix] = found
        return found

"""Counters that take no database write per count and lose nothing between flushes.

Production counts in Redis: one HINCRBY per count on a live hash. A flush RENAMEs the live
hash to a batch key of its own (atomic: a count lands either in the batch or in the new
live hash, never in both or neither), reads it, and the caller deletes it only after the
database committed it together with the batch key (`batch_apply_once`). A flush that dies
anywhere leaves its batch key behind; the next flush picks up every leftover batch first,
and one already committed is skipped, not added twice.

The embedded mode counts in this process's memory the same way (live counter, batches
moved aside, dropped when applied); a process that exits loses what it had not flushed.
"""

import contextlib
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import redis
from django.db import IntegrityError, models, transaction

from core.redis_clients import redis_client
from core.redis_errors import REDIS_UNAVAILABLE


class CountingUnavailable(Exception):
    """Redis did not answer: the count was not taken (never acknowledged and dropped)."""


@dataclass(frozen=True)
class CountBatch:
    key: str
    counts: dict[str, int]  # field → count


class BatchCounter(Protocol):
    def add(self, field: str, amount: int = 1) -> None:
        """Count; raises CountingUnavailable when it could not be counted."""

    def batches_take(self) -> list[CountBatch]:
        """Move the live counts into a new batch and return every batch not yet dropped."""

    def batch_drop(self, key: str) -> None:
        """Forget a batch the database has committed."""


class MemoryBatchCounter:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._live: Counter[str] = Counter()
        self._batches: dict[str, Counter[str]] = {}
        self.flushed_at = time.monotonic()

    def add(self, field: str, amount: int = 1) -> None:
        with self._lock:
            self._live[field] += amount

    def batches_take(self) -> list[CountBatch]:
        with self._lock:
            if self._live:
                self._batches[f"memory:{uuid.uuid4().hex}"] = self._live
                self._live = Counter()
            return [CountBatch(key, dict(counts)) for key, counts in self._batches.items()]

    def batch_drop(self, key: str) -> None:
        with self._lock:
            self._batches.pop(key, None)

    def flush_due(self, seconds: float) -> bool:
        """True at most once per `seconds`: the embedded mode has no beat, so a count flushes."""
        with self._lock:
            if time.monotonic() - self.flushed_at <= seconds:
                return False
            self.flushed_at = time.monotonic()
            return True


class RedisBatchCounter:
    def __init__(self, url: str, *, prefix: str) -> None:
        # Short timeouts: a count waits for Redis at most this long before it is refused.
        self.client = redis_client(url, timeout=1.0)
        self.live_key = f"{prefix}:live"
        self.batch_prefix = f"{prefix}:batch:"

    def add(self, field: str, amount: int = 1) -> None:
        try:
            self.client.hincrby(self.live_key, field, amount)
        except REDIS_UNAVAILABLE as exc:
            raise CountingUnavailable(str(exc)) from exc

    def batches_take(self) -> list[CountBatch]:
        # No live hash (nothing counted since the last flush) makes RENAME fail: nothing to move.
        with contextlib.suppress(redis.ResponseError):
            self.client.rename(self.live_key, f"{self.batch_prefix}{uuid.uuid4().hex}")
        batches = []
        for key in self.client.scan_iter(match=f"{self.batch_prefix}*", count=1000):
            counts = self.client.hgetall(key)
            batches.append(
                CountBatch(key.decode(), {field.decode(): int(count) for field, count in counts.items()})
            )
        return batches

    def batch_drop(self, key: str) -> None:
        self.client.delete(key)


_counters: dict[tuple[str, str], BatchCounter] = {}
_counters_lock = threading.Lock()


def batch_counter(*, redis_url: str, prefix: str) -> BatchCounter:
    """The counter for `prefix`: in Redis when there is a URL, else in this process's memory."""
    with _counters_lock:
        counter = _counters.get((redis_url, prefix))
        if counter is None:
            counter = RedisBatchCounter(redis_url, prefix=prefix) if redis_url else MemoryBatchCounter()
            _counters[redis_url, prefix] = counter
        return counter


def batch_apply_once(
    *, key: str, applied: type[models.Model], apply: Callable[[], None], **record: object
) -> bool:
    """Run `apply` in one transaction with recording `key` (and `record`'s fields) in `applied`,
    a model whose primary key is `key`; False, with nothing applied, when it was recorded before."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                applied.objects.create(key=key, **record)
        except IntegrityError:
            return False
        apply()
    return True

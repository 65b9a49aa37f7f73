"""Where views wait between being accepted and being flushed to the database.

Views are counted by core.counting's batch counter (field "<title id>:<day>"): one HINCRBY
per view in production, this process's memory in the embedded mode; a flush moves the live
counts aside as a batch and drops it only after the database committed it (see there).

A view is acknowledged (202) only after Redis answered the HINCRBY; when Redis cannot be
reached the view is refused (CounterUnavailable → 503), never acknowledged and dropped.
What Redis holds between flushes survives a Redis restart only when Redis persists it
(appendonly yes, appendfsync always): see docs/architecture.md.
"""

from dataclasses import dataclass
from datetime import date

from django.conf import settings

from core.counting import BatchCounter, CountingUnavailable, MemoryBatchCounter, batch_counter
from core.errors import DomainError


class CounterUnavailable(DomainError):
    code = "views_unavailable"
    http_status = 503


@dataclass(frozen=True)
class ViewBatch:
    key: str
    counts: dict[tuple[int, date], int]  # (title id, day) → views

    @property
    def views(self) -> int:
        return sum(self.counts.values())


def _field(title_id: int, day: date) -> str:
    return f"{title_id}:{day.isoformat()}"


def _parse(field: str) -> tuple[int, date]:
    title_id, day = field.split(":", 1)
    return int(title_id), date.fromisoformat(day)


class ViewCounter:
    """Views per title and day over a batch counter."""

    def __init__(self, counter: BatchCounter) -> None:
        self.counter = counter

    @property
    def in_memory(self) -> bool:
        return isinstance(self.counter, MemoryBatchCounter)

    def add(self, title_id: int, *, day: date) -> None:
        try:
            self.counter.add(_field(title_id, day))
        except CountingUnavailable as exc:
            raise CounterUnavailable("views cannot be counted right now; try again") from exc

    def batches_take(self) -> list[ViewBatch]:
        return [
            ViewBatch(batch.key, {_parse(field): views for field, views in batch.counts.items()})
            for batch in self.counter.batches_take()
        ]

    def batch_drop(self, key: str) -> None:
        self.counter.batch_drop(key)


def view_counter() -> ViewCounter:
    """This mode's counter: Redis when REDIS_URL is set, else this process's memory."""
    counter = batch_counter(redis_url=settings.REDIS_URL, prefix=f"{settings.TRENDS_REDIS_PREFIX}:views")
    return ViewCounter(counter)

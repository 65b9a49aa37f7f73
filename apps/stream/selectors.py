"""Reads of the event log."""

from dataclasses import dataclass

from django.db.models import Min

from apps.stream.models import Event, EventCounter


@dataclass(frozen=True)
class LogBounds:
    oldest_id: int | None
    last_id: int


def events_after(*, after_id: int, limit: int, types: frozenset[str] | None = None) -> list[Event]:
    """Stored events with ids above `after_id`, oldest first."""
    events = Event.objects.filter(id__gt=after_id)
    if types:
        events = events.filter(type__in=types)
    return list(events.order_by("id")[:limit])


def event_last_id() -> int:
    """The id of the newest committed event (0 before the first)."""
    return EventCounter.objects.filter(pk=1).values_list("last_id", flat=True).first() or 0


def event_log_bounds() -> LogBounds:
    oldest = Event.objects.aggregate(oldest=Min("id"))["oldest"]
    return LogBounds(oldest_id=oldest, last_id=event_last_id())


def events_recent(*, event_type: str, limit: int) -> list[Event]:
    """The newest events of one type, newest first."""
    return list(Event.objects.filter(type=event_type).order_by("-id")[:limit])

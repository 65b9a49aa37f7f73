"""Publishing to the event log (a transactional outbox) and pruning it."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from typing import Any

import orjson
import structlog
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from pydantic import BaseModel

from apps.stream.fanout import fanout_get
from apps.stream.models import Event, EventCounter
from apps.stream.registry import EventTag as EventTag  # publishers register through services
from apps.stream.registry import event_tags_check, event_type_get
from apps.stream.registry import event_type_register as event_type_register
from core.bulk import objects_insert, tables_vacuum

Payload = BaseModel | Mapping[str, Any]
Tags = Mapping[str, str | Iterable[str]]

logger = structlog.get_logger(__name__)

# Every stream sends each event whole, a resumed one every event since: an event over this
# would multiply through every client, Daphne's buffers and Redis' pub/sub limit.
EVENT_PAYLOAD_MAX_BYTES = 64 * 1024


class EventPayloadTooLarge(ValueError):
    """An event's payload encodes to more than EVENT_PAYLOAD_MAX_BYTES; nothing was published."""


def _payload_check(event_type: str, payload: dict[str, Any]) -> None:
    # The size the stream sends (apps/stream/hub.py: compact JSON, UTF-8), measured with
    # orjson, which spells it alike and costs a few microseconds an event on an import.
    size = len(orjson.dumps(payload))
    if size > EVENT_PAYLOAD_MAX_BYTES:
        raise EventPayloadTooLarge(
            f"{event_type} event {payload.get('id', '')!s:.20}: payload is {size} bytes, "
            f"at most {EVENT_PAYLOAD_MAX_BYTES}"
        )


def _ids_reserve(count: int) -> int:
    """Take `count` consecutive ids and return the last; holds the counter row until commit."""
    table = connection.ops.quote_name(EventCounter._meta.db_table)
    for _attempt in range(3):
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET last_id = last_id + %s WHERE id = 1 RETURNING last_id", [count]
            )
            row = cursor.fetchone()
        if row is not None:
            return row[0]
        # The counter row is missing (a fresh or flushed database): start after the newest event.
        newest = Event.objects.aggregate(newest=Max("id"))["newest"] or 0
        try:
            with transaction.atomic():
                EventCounter.objects.create(pk=1, last_id=newest)
        except IntegrityError:
            pass  # another publisher created it first
    raise RuntimeError("the stream event counter could not be read")


def publish(event_type: str, payload: Payload, *, tags: Tags | None = None) -> Event:
    """Store one event with its filter tags in the caller's transaction; announce it once that commits."""
    return publish_many(event_type, [payload], tags=None if tags is None else [tags])[0]


def publish_many(
    event_type: str, payloads: Iterable[Payload], *, tags: Sequence[Tags | None] | None = None
) -> list[Event]:
    """Store events in the caller's transaction, in order; announce them after commit.

    A payload is the model its type registered (apps/stream/registry.py), stored as its
    JSON; a mapping is stored as given, for events published by hand. `tags[i]` are the
    filter tags of `payloads[i]`, checked against the registered ones. The ids are taken
    under the counter's row lock, which is held until the caller's transaction ends: call
    this late in the transaction, after the data it describes is written, so that other
    publishers wait as briefly as possible. A payload over EVENT_PAYLOAD_MAX_BYTES raises
    EventPayloadTooLarge, a bad tag InvalidEventTags, before any of them is stored.
    """
    registered = event_type_get(event_type)
    payloads = [_payload_dict(registered.payload, payload) for payload in payloads]
    if tags is not None and len(tags) != len(payloads):
        raise ValueError(f"{len(payloads)} payloads but {len(tags)} tag sets")
    tag_sets = [event_tags_check(registered, event_tags) for event_tags in tags or [None] * len(payloads)]
    for payload in payloads:
        _payload_check(event_type, payload)
    if not payloads:
        return []
    with transaction.atomic():
        last_id = _ids_reserve(len(payloads))
        first_id = last_id - len(payloads) + 1
        events = [
            Event(id=first_id + offset, type=event_type, payload=payload, tags=event_tags)
            for offset, (payload, event_tags) in enumerate(zip(payloads, tag_sets, strict=True))
        ]
        objects_insert(events)  # COPY on PostgreSQL: a full import publishes one event per title
        transaction.on_commit(lambda: fanout_get().announce(events))
    return events


def _payload_dict(model: type[BaseModel], payload: Payload) -> dict[str, Any]:
    if isinstance(payload, BaseModel):
        if not isinstance(payload, model):
            raise TypeError(f"expected a {model.__name__} payload, got a {type(payload).__name__}")
        return payload.model_dump(mode="json")
    return dict(payload)


def events_prune(*, older_than: timedelta | None = None) -> int:
    """Delete events older than the retention window; return how many went."""
    age = older_than if older_than is not None else timedelta(days=settings.STREAM_RETENTION_DAYS)
    deleted, _by_model = Event.objects.filter(created_at__lt=timezone.now() - age).delete()
    if deleted:
        logger.info("stream_events_pruned", deleted=deleted, older_than_days=age.days)
    return deleted


def event_log_vacuum() -> None:
    """Tidy the event log after a bulk import published many events (see core.bulk.tables_vacuum)."""
    tables_vacuum(Event)

"""The per-process hub: follows the event log in id order and hands events to local streams.

Each server process has one hub (one Redis subscription, one poller, one heartbeat
timer) however many browsers it serves. Every event is encoded once per process and
the same bytes go to every connection whose filter matches it.

Ordering: event ids are gapless and commit in id order (see services), so the hub
accepts only the id after the last one it dispatched; anything else sends it to the
event log to catch up. Connections resume from an id by reading the log until they
reach the hub, then attach to it in one step of the event loop, so nothing is missed
or repeated.
"""

import asyncio
import contextlib
import json
import threading
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import structlog
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connection
from django.db.utils import InterfaceError, OperationalError

from apps.stream import selectors
from apps.stream.fanout import fanout_get
from apps.stream.slots import StreamSlots, stream_slots_create

logger = structlog.get_logger(__name__)

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class EncodedEvent:
    """An event as it goes on the wire, encoded once per process, with its tags casefolded."""

    id: int
    type: str
    tags: dict[str, frozenset[str]]
    sse: bytes
    data: str

    @classmethod
    def from_parts(
        cls, event_id: int, event_type: str, payload: dict[str, Any], tags: dict[str, Any] | None = None
    ) -> "EncodedEvent":
        data = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        return cls(
            id=event_id,
            type=event_type,
            tags={
                name: frozenset(str(value).casefold() for value in values)
                for name, values in (tags or {}).items()
                if isinstance(values, list)
            },
            sse=f"id: {event_id}\nevent: {event_type}\ndata: {data}\n\n".encode(),
            data=data,
        )

    def websocket_text(self) -> str:
        return f'{{"id":{self.id},"event":"{self.type}","data":{self.data}}}'


@dataclass(frozen=True, slots=True)
class Signal:
    """A frame that is not an event: a heartbeat, a reset, or the reason a stream ends."""

    kind: str
    sse: bytes
    message: str = ""

    def websocket_text(self) -> str:
        return json.dumps({"event": self.kind, "data": {"message": self.message}})


HEARTBEAT = Signal("heartbeat", b": heartbeat\n\n")


def reset_signal(message: str) -> Signal:
    data = json.dumps({"message": message})
    return Signal("reset", f"event: reset\ndata: {data}\n\n".encode(), message)


Frame = EncodedEvent | Signal


@dataclass(frozen=True, slots=True)
class StreamFilter:
    """Which events a connection wants: one of `types` (if any) and every tag filter.

    A tag filter matches an event carrying any of its values under that tag (values are
    casefolded on both sides); an event without the tag does not match it.
    """

    types: frozenset[str] = frozenset()
    tags: tuple[tuple[str, frozenset[str]], ...] = ()

    def matches(self, event: EncodedEvent) -> bool:
        if self.types and event.type not in self.types:
            return False
        return all(wanted & event.tags.get(name, frozenset()) for name, wanted in self.tags)


# What one connection writes at a time (Twisted pauses a producer past 64 KB buffered).
WRITE_BYTES = 64 * 1024
# Events the hub dispatches before letting connections write (so a burst does not
# pile up in every queue at once).
DISPATCH_SLICE = 16


@dataclass(eq=False, slots=True)
class Subscriber:
    """One connection's view of the hub: a bounded queue of frames and a wake-up."""

    filter: StreamFilter
    limit: int
    cursor: int = 0
    frames: deque = field(default_factory=deque)
    closed_reason: str | None = None
    # Set while the client's socket buffer is full (see flow.py): frames wait in the queue.
    paused: bool = False
    # Whether anything was queued since the last heartbeat round (then none is needed).
    active: bool = False
    _wakeup: asyncio.Event = field(default_factory=asyncio.Event)

    def offer(self, event: EncodedEvent) -> None:
        if event.id <= self.cursor or self.closed_reason:
            return
        self.cursor = event.id
        if self.filter.matches(event):
            self.push(event)

    def push(self, frame: Frame) -> None:
        if len(self.frames) >= self.limit:
            # The client reads slower than events arrive; it can resume from its last id.
            self.close("too slow")
            return
        self.frames.append(frame)
        self.active = True
        self._wakeup.set()

    def close(self, reason: str) -> None:
        if not self.closed_reason:
            self.closed_reason = reason
            self.frames.clear()
            self._wakeup.set()

    def wake(self) -> None:
        self._wakeup.set()

    async def take(self) -> list[Frame]:
        """Wait until frames can be written; return up to about WRITE_BYTES of them ([] once closed).

        Taking a bounded slice, and nothing while paused, keeps the server's own write
        buffer for this client near its 64 KB high-water mark whatever the backlog.
        """
        while True:
            await self._wakeup.wait()
            if self.closed_reason:
                return []
            if self.paused or not self.frames:
                self._wakeup.clear()
                continue
            batch, size = [], 0
            while self.frames and (not batch or size + len(self.frames[0].sse) <= WRITE_BYTES):
                frame = self.frames.popleft()
                batch.append(frame)
                size += len(frame.sse)
            if not self.frames:
                self._wakeup.clear()
            return batch


def _db_read(read: Callable[..., T]) -> Callable[..., "asyncio.Future[T]"]:
    """Run a selector in the hub's database thread, reconnecting once if the link broke."""

    def run(**kwargs: Any) -> T:
        try:
            return read(**kwargs)
        except (OperationalError, InterfaceError):
            connection.close()
            return read(**kwargs)

    return sync_to_async(run, thread_sensitive=True)


_events_after = _db_read(selectors.events_after)
_event_last_id = _db_read(selectors.event_last_id)
_event_log_bounds = _db_read(selectors.event_log_bounds)

CATCH_UP_PAGE = 500
LISTEN_WAIT_SECONDS = 2.0


class Hub:
    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.last_id = 0
        self.subscribers: set[Subscriber] = set()
        self.dispatched_count = 0
        self._ready = asyncio.Event()
        self._catching_up = asyncio.Lock()
        self._wake = asyncio.Event()
        self._listening = asyncio.Event()
        self._tasks: list[asyncio.Task] = []
        self.slots: StreamSlots = stream_slots_create()

    async def start(self) -> None:
        self.last_id = await _event_last_id()
        fanout = fanout_get()
        self._tasks = [
            asyncio.ensure_future(fanout.listen(self._on_message, self._on_listening)),
            asyncio.ensure_future(self._poll()),
            asyncio.ensure_future(self._heartbeat()),
        ]
        # Streams start once the fan-out listens (or after a short wait if it cannot
        # yet: the poller delivers meanwhile).
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._listening.wait(), LISTEN_WAIT_SECONDS)
        self._ready.set()

    async def _on_listening(self) -> None:
        await self.catch_up()
        self._listening.set()

    async def ready(self) -> None:
        await self._ready.wait()

    def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        self.slots.close()
        for subscriber in list(self.subscribers):
            subscriber.close("server shutting down")
        self.subscribers.clear()

    # --- Following the log ---------------------------------------------------

    async def dispatch(self, events: Iterable[EncodedEvent]) -> bool:
        """Hand events to every subscriber in id order; False at the first gap."""
        for event in events:
            if event.id <= self.last_id:
                continue
            if event.id != self.last_id + 1:
                return False
            self.last_id = event.id
            self.dispatched_count += 1
            for subscriber in tuple(self.subscribers):
                subscriber.offer(event)
            if self.dispatched_count % DISPATCH_SLICE == 0:
                await asyncio.sleep(0)
        return True

    async def _on_message(self, raw: bytes) -> None:
        try:
            message = json.loads(raw)
            event = EncodedEvent.from_parts(
                message["id"], message["type"], message["payload"], message.get("tags")
            )
        except (ValueError, KeyError, TypeError) as exc:
            logger.warning("stream_message_unreadable", error=str(exc))
            return
        if event.id > self.last_id and not await self.dispatch([event]):
            await self.catch_up()

    async def catch_up(self) -> None:
        """Dispatch every stored event after the last one dispatched."""
        async with self._catching_up:
            while True:
                rows = await _events_after(after_id=self.last_id, limit=CATCH_UP_PAGE)
                if not rows:
                    return
                await self.dispatch(
                    EncodedEvent.from_parts(row.id, row.type, row.payload, row.tags) for row in rows
                )
                if len(rows) < CATCH_UP_PAGE:
                    return

    async def _poll(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=settings.STREAM_POLL_SECONDS)
            self._wake.clear()
            # Only what was dispatched before the read began is known to be committed: events
            # the fan-out dispatches while the read is under way are newer than what it saw.
            known = self.last_id
            try:
                newest = await _event_last_id()
                if newest < known:
                    self._log_went_back(newest)
                elif newest > self.last_id:
                    await self.catch_up()
            except (OperationalError, InterfaceError) as exc:
                logger.warning("stream_poll_failed", error=str(exc))

    def _log_went_back(self, newest: int) -> None:
        # The database was restored or reset: ids will be reused, so every client must reload.
        logger.warning("stream_log_went_back", hub_last_id=self.last_id, log_last_id=newest)
        self.last_id = newest
        for subscriber in tuple(self.subscribers):
            subscriber.push(reset_signal("The event log was reset; reload to see the current state."))
            subscriber.cursor = newest

    def wake(self) -> None:
        self._wake.set()

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(settings.STREAM_HEARTBEAT_SECONDS)
            # Only streams that stayed silent for a whole interval need one.
            for subscriber in tuple(self.subscribers):
                if not subscriber.active:
                    subscriber.push(HEARTBEAT)
                subscriber.active = False

    # --- Connections ---------------------------------------------------------

    def attach(self, subscriber: Subscriber) -> None:
        # The backlog may have read past the hub; events it sent are skipped by cursor.
        subscriber.cursor = max(subscriber.cursor, self.last_id)
        self.subscribers.add(subscriber)

    def detach(self, subscriber: Subscriber) -> None:
        self.subscribers.discard(subscriber)

    async def frames(self, subscriber: Subscriber, after_id: int) -> AsyncIterator[list[Frame]]:
        """Every frame for one connection: stored events after `after_id`, then live ones.

        A new connection passes the hub's `last_id` as it was when the request arrived, so
        an event published while the response starts is replayed, not lost.
        """
        try:
            if after_id != self.last_id:
                async for backlog in self._backlog(subscriber, after_id):
                    yield backlog
            else:
                subscriber.cursor = after_id
            self.attach(subscriber)
            while True:
                frames = await subscriber.take()
                if not frames:
                    return
                yield frames
        finally:
            self.detach(subscriber)

    async def _backlog(self, subscriber: Subscriber, last_event_id: int) -> AsyncIterator[list[Frame]]:
        bounds = await _event_log_bounds()
        expired = bounds.oldest_id is not None and last_event_id < bounds.oldest_id - 1
        pruned_all = bounds.oldest_id is None and last_event_id < bounds.last_id
        if last_event_id > bounds.last_id or expired or pruned_all:
            yield [
                reset_signal(
                    "Events after your last id are no longer stored; reload to see the current state."
                )
            ]
            return
        subscriber.cursor = last_event_id
        # No await between this check and attach(): the hub cannot move past us unseen.
        while subscriber.cursor < self.last_id:
            rows = await _events_after(after_id=subscriber.cursor, limit=CATCH_UP_PAGE)
            if not rows:
                return
            batch = []
            for row in rows:
                event = EncodedEvent.from_parts(row.id, row.type, row.payload, row.tags)
                subscriber.cursor = event.id
                if subscriber.filter.matches(event):
                    batch.append(event)
            if batch:
                yield batch


_hub: Hub | None = None
_hub_lock = threading.Lock()


async def hub_get() -> Hub:
    """This process's hub, started on first use inside the running event loop."""
    global _hub
    loop = asyncio.get_running_loop()
    with _hub_lock:
        hub = _hub
        if hub is None or hub.loop is not loop or loop.is_closed():
            if hub is not None:
                hub.stop()
            hub = _hub = Hub(loop)
            created = True
        else:
            created = False
    if created:
        await hub.start()
    await hub.ready()
    return hub


def hub_wake_threadsafe() -> None:
    """Ask this process's hub (if any) to read the log now; callable from any thread."""
    hub = _hub
    if hub is not None and not hub.loop.is_closed():
        hub.loop.call_soon_threadsafe(hub.wake)

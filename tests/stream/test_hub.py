"""The per-process hub following the log: what a stream sees when reads and live events overlap."""

import asyncio

import pytest

from apps.stream import hub as hub_module
from apps.stream.hub import EncodedEvent, Hub, StreamFilter, Subscriber

pytestmark = pytest.mark.embedded


def _event(event_id: int) -> EncodedEvent:
    return EncodedEvent.from_parts(event_id, "movie", {"id": f"tt{event_id:07d}", "title": str(event_id)})


def test_events_dispatched_while_the_poller_reads_the_log_are_not_taken_for_a_reset(monkeypatch):
    """Under load the poller's read of the newest id can return after the fan-out dispatched
    newer events; that read is stale, not a log that went back, and must not replay them."""

    async def scenario() -> tuple[list, Hub]:
        hub = Hub(asyncio.get_running_loop())
        hub.last_id = 10
        subscriber = Subscriber(filter=StreamFilter(), limit=100)
        hub.attach(subscriber)
        read = asyncio.Event()

        async def newest_id_read_slowly() -> int:
            # The fan-out delivers 11 and 12 while the database answers with what it saw.
            await hub.dispatch([_event(11), _event(12)])
            read.set()
            return 10

        monkeypatch.setattr(hub_module, "_event_last_id", newest_id_read_slowly)
        hub.wake()
        poller = asyncio.ensure_future(hub._poll())
        await asyncio.wait_for(read.wait(), 5)
        await asyncio.sleep(0.05)  # let the poller judge what it read
        poller.cancel()
        frames = list(subscriber.frames)
        hub.stop()
        return frames, hub

    frames, hub = asyncio.run(scenario())

    assert [getattr(frame, "id", frame) for frame in frames] == [11, 12]
    assert hub.last_id == 12

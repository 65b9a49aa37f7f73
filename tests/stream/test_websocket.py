"""/ws/movies/ against a real Daphne process."""

import asyncio
import json
from dataclasses import dataclass

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from apps.stream.consumers import MovieStreamConsumer
from apps.stream.hub import hub_get
from apps.stream.selectors import event_last_id
from apps.stream.services import publish, publish_many
from tests.factories.stream import movie_payload as movie
from tests.factories.stream import movie_tags
from tests.support.sse import SseClient

pytestmark = pytest.mark.embedded


def ws_url(server: str, query: str = "") -> str:
    return server.replace("http://", "ws://") + "/ws/movies/" + (f"?{query}" if query else "")


def test_subscribe_with_last_id_replays_then_streams_live(stream_server):
    seen = publish("movie", movie(1))
    missed = publish_many("movie", [movie(2), movie(3)])

    with connect(ws_url(stream_server), open_timeout=10) as socket:
        socket.send(json.dumps({"type": "subscribe", "last_event_id": seen.id}))
        replayed = [json.loads(socket.recv(timeout=10)) for _ in missed]
        live = publish("movie", movie(4, title="Live one"))
        received = json.loads(socket.recv(timeout=10))

    assert [message["id"] for message in replayed] == [event.id for event in missed]
    assert received == {"id": live.id, "event": "movie", "data": movie(4, title="Live one")}


def test_filters_from_the_query_and_the_message_apply(stream_server):
    with connect(ws_url(stream_server, "genre=Comedy"), open_timeout=10) as socket:
        # Resuming from the current id makes the test independent of when the server attaches.
        socket.send(json.dumps({"type": "subscribe", "decade": "1980s", "last_event_id": event_last_id()}))
        for n, genre, decade in [(1, "Comedy", "1990s"), (2, "Drama", "1980s"), (3, "Comedy", "1980s")]:
            payload = movie(n, genre=[genre], decade_category=decade)
            last = publish("movie", payload, tags=movie_tags(payload))

        assert json.loads(socket.recv(timeout=10))["id"] == last.id


def test_invalid_first_message_gets_an_error_frame_and_close(stream_server):
    with connect(ws_url(stream_server), open_timeout=10) as socket:
        socket.send(json.dumps({"type": "subscribe", "decade": "nineties"}))
        error = json.loads(socket.recv(timeout=10))
        with pytest.raises(ConnectionClosed) as closed:
            socket.recv(timeout=10)

    assert error["event"] == "error"
    assert error["data"]["code"] == "invalid_stream_request"
    assert "decade" in error["data"]["message"]
    assert closed.value.rcvd.code == 4400


# (message, close code, what the error message says); each once crashed the handler or
# was taken as a subscription.
MALFORMED_FIRST_MESSAGES = {
    "a 5000-digit id": ('{"last_event_id": ' + "9" * 5000 + "}", 4400, "number out of range"),
    "100,000 nested [": ("[" * 100_000, 1009, "at most 8192 allowed"),
    "10,000 nested {": ('{"a":' * 10_000, 1009, "at most 8192 allowed"),
    "5,000 nested [": ("[" * 5_000, 4400, "recursion limit"),
    "an empty string": ("", 4400, "empty"),
    "a binary frame": (b'{"type": "subscribe"}', 4400, "binary"),
    "genre as an object": ('{"genre": {"name": "Drama"}}', 4400, "genre"),
    "last_event_id true": ('{"last_event_id": true}', 4400, "last_event_id"),
    "not JSON": ("subscribe please", 4400, "Invalid JSON"),
    "an array": ("[]", 4400, "object"),
    "an oversize message": ('{"genre": "' + "x" * 20_000 + '"}', 1009, "at most 8192 allowed"),
    "17 tag filters": (json.dumps({f"tag{n}": "x" for n in range(17)}), 4400, "at most 16"),
    "17 tags in a tags object": (
        json.dumps({"tags": {f"tag{n}": "x" for n in range(17)}}),
        4400,
        "at most 16",
    ),
}


@dataclass(frozen=True)
class Outcome:
    close_code: int | None
    close_reason: str
    error: str

    def says(self, text: str) -> bool:
        return text in self.error and text in self.close_reason


def first_message_outcome(server: str, message: str | bytes) -> Outcome:
    """Send one first message; return the close frame and the error frame's message."""
    with connect(ws_url(server), open_timeout=10) as socket:
        socket.send(message)
        error = ""
        try:
            frame = json.loads(socket.recv(timeout=5))
            error = frame["data"]["message"] if frame.get("event") == "error" else f"got {frame}"
            socket.recv(timeout=5)
        except ConnectionClosed as closed:
            return Outcome(closed.rcvd and closed.rcvd.code, closed.rcvd.reason if closed.rcvd else "", error)
        except TimeoutError:
            return Outcome(None, "", error or "no answer")
        return Outcome(None, "", error)


def test_malformed_first_messages_get_an_error_frame_and_a_close_code_with_a_reason(stream_server):
    outcomes = {
        name: first_message_outcome(stream_server, message)
        for name, (message, *_) in MALFORMED_FIRST_MESSAGES.items()
    }

    wrong = {
        name: outcomes[name]
        for name, (_message, code, says) in MALFORMED_FIRST_MESSAGES.items()
        if outcomes[name].close_code != code or not outcomes[name].says(says)
    }
    assert not wrong, "\n".join(f"{name}: {outcome}" for name, outcome in wrong.items())


def test_malformed_messages_do_not_lock_the_address_out(start_stream_server, private_channel):
    server = start_stream_server(STREAM_MAX_PER_IP="16", STREAM_REDIS_CHANNEL=private_channel)
    messages = [message for message, *_ in MALFORMED_FIRST_MESSAGES.values()]

    for n in range(3 * 16):
        first_message_outcome(server, messages[n % len(messages)])

    stream = SseClient(server)
    try:
        assert stream.status == 200, stream.body
        with connect(ws_url(server), open_timeout=10) as socket:
            socket.send(json.dumps({"type": "subscribe", "last_event_id": event_last_id()}))
            live = publish("movie", movie(1))
            assert json.loads(socket.recv(timeout=10))["id"] == live.id
        stream.wait_for_id(live.id)
    finally:
        stream.close()


class CrashingConsumer(MovieStreamConsumer):
    """The stream consumer with a handler bug: any first message raises."""

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        raise RuntimeError("a bug in the handler")


def test_a_handler_that_raises_still_frees_its_slot(transactional_db, private_channel, settings):
    settings.STREAM_MAX_PER_IP = 1

    async def scenario() -> bool:
        crashing = WebsocketCommunicator(CrashingConsumer.as_asgi(), "/ws/movies/")
        assert (await crashing.connect())[0]
        await crashing.send_to(text_data="{}")
        with pytest.raises(RuntimeError):
            await crashing.wait(5)

        after = WebsocketCommunicator(MovieStreamConsumer.as_asgi(), "/ws/movies/")
        assert (await after.connect())[0]
        # Over the cap, the error frame and close would come right after the accept.
        admitted = await after.receive_nothing(1)
        await after.disconnect()
        (await hub_get()).stop()
        await sync_to_async(connections.close_all)()  # the hub's database thread
        return admitted

    assert asyncio.run(scenario()), "the second socket was refused: the crashed one kept its slot"

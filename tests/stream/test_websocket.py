"""/ws/movies/ against a real Daphne process."""

import json

import pytest
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from apps.stream.selectors import event_last_id
from apps.stream.services import publish, publish_many
from tests.factories.stream import movie_payload as movie

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
        publish("movie", movie(1, genre=["Comedy"], decade_category="1990s"))
        publish("movie", movie(2, genre=["Drama"], decade_category="1980s"))
        wanted = publish("movie", movie(3, genre=["Comedy"], decade_category="1980s"))

        assert json.loads(socket.recv(timeout=10))["id"] == wanted.id


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

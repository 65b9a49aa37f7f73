"""A page on another origin can follow the live stream: CORS on /api/movies/stream too."""

import pytest
import requests

from apps.stream.services import publish
from tests.factories.stream import movie_payload, movie_tags
from tests.support.sse import SseClient

pytestmark = pytest.mark.embedded

ELSEWHERE = "https://elsewhere.example"


def _allowed_origin(client: SseClient) -> str | None:
    return {name.lower(): value for name, value in client.headers.items()}.get("access-control-allow-origin")


def test_another_origin_receives_the_streams_events(stream_server):
    client = SseClient(stream_server, headers={"Origin": ELSEWHERE})
    try:
        assert client.status == 200
        assert _allowed_origin(client) == "*"
        payload = movie_payload(1)
        event = publish("movie", payload, tags=movie_tags(payload))

        assert client.wait_for(1)[0].id == event.id
    finally:
        client.close()


def test_a_preflight_for_the_stream_is_answered(stream_server):
    reply = requests.options(
        stream_server + "/api/movies/stream",
        headers={
            "Origin": ELSEWHERE,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "last-event-id",
        },
        timeout=10,
    )

    assert reply.status_code == 200
    assert reply.headers["Access-Control-Allow-Origin"] == "*"
    assert reply.headers["Access-Control-Allow-Methods"] == "GET"
    assert "last-event-id" in reply.headers["Access-Control-Allow-Headers"]


def test_a_restricted_stream_answers_only_the_allowed_origins(start_stream_server):
    server = start_stream_server(API_CORS_ALLOWED_ORIGINS="https://app.example")

    allowed = SseClient(server, headers={"Origin": "https://app.example"})
    other = SseClient(server, headers={"Origin": ELSEWHERE})
    try:
        assert _allowed_origin(allowed) == "https://app.example"
        assert _allowed_origin(other) is None
    finally:
        allowed.close()
        other.close()

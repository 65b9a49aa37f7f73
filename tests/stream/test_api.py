"""The event log over JSON, under /api/ and /api/v1/."""

import pytest

from apps.stream.services import publish
from tests.factories.stream import movie_payload, movie_tags

pytestmark = [pytest.mark.embedded, pytest.mark.django_db]


@pytest.fixture
def log() -> list[dict]:
    payloads = [movie_payload(n) for n in range(1, 4)]
    for payload in payloads:
        publish("movie", payload, tags=movie_tags(payload))
    publish("trend", {"board": "global", "top": []}, tags={"board": ["global"]})
    return payloads


@pytest.mark.parametrize("path", ["/api/events", "/api/v1/events"])
def test_the_log_replays_events_after_an_id_oldest_first(client, log, path):
    everything = client.get(path).json()
    after_first = client.get(path, {"after": everything[0]["id"], "types": "movie"}).json()

    assert [event["event"] for event in everything] == ["movie", "movie", "movie", "trend"]
    assert [event["data"]["id"] for event in after_first] == ["tt0000002", "tt0000003"]


def test_an_unknown_event_type_is_a_json_400_naming_it(client, log):
    reply = client.get("/api/v1/events", {"types": "movie,gossip"})

    assert reply.status_code == 400
    assert "gossip" in reply.json()["message"]

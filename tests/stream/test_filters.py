"""Generic tag filters: publishers pass tags with each event, streams filter on any registered tag."""

import asyncio
import json

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from django.core.management import call_command
from django.db import connection, connections
from pydantic import BaseModel, ConfigDict
from websockets.sync.client import connect

from apps.catalog.events import movie_events_publish
from apps.catalog.models import TitleType
from apps.catalog.pipeline.enrich import movie_payloads
from apps.stream import registry
from apps.stream.consumers import MovieStreamConsumer
from apps.stream.errors import InvalidEventTags
from apps.stream.hub import hub_get
from apps.stream.selectors import event_last_id
from apps.stream.services import EventTag, event_type_register, publish, publish_many
from tests.factories.catalog import TitleFactory
from tests.support.sse import SseClient

pytestmark = pytest.mark.embedded


@pytest.fixture
def catalog_titles(transactional_db) -> dict[str, int]:
    """A Drama film, a Drama series and a Comedy series, by name; not yet published."""
    titles = {
        "Drama film": TitleFactory(primary_title="Drama film", genres=["Drama"]),
        "Drama series": TitleFactory(
            primary_title="Drama series", genres=["Drama"], title_type=TitleType.TV_SERIES
        ),
        "Comedy series": TitleFactory(
            primary_title="Comedy series", genres=["Comedy"], title_type=TitleType.TV_SERIES
        ),
    }
    return {name: title.pk for name, title in titles.items()}


def test_title_type_and_genre_filters_pass_only_matching_titles_the_catalog_publishes(
    stream_server, catalog_titles
):
    client = SseClient(stream_server, "/api/movies/stream?type=tvSeries&genre=drama,western")
    try:
        assert client.status == 200, client.body
        events = movie_events_publish(movie_payloads(list(catalog_titles.values())))

        # An unfiltered client has them all: by then the filtered one has decided each.
        SseClient(stream_server, last_event_id=events[0].id - 1).wait_for(len(events))
        client.wait_for(1)
        assert [event.data["title"] for event in client.events] == ["Drama series"]
        assert client.events[0].data["title_type"] == "tvSeries"
    finally:
        client.close()


def test_the_websocket_takes_tag_filters_in_its_first_message_including_a_tag_named_type(
    stream_server, catalog_titles
):
    url = stream_server.replace("http://", "ws://") + "/ws/movies/?genre=Comedy,Drama"
    with connect(url, open_timeout=10) as socket:
        first = {"type": "subscribe", "tags": {"type": ["tvseries"]}, "last_event_id": event_last_id()}
        socket.send(json.dumps(first))
        publish("movie", {"id": "tt0000009", "title": "Untagged"})
        movie_events_publish(movie_payloads(list(catalog_titles.values())))

        titles = [json.loads(socket.recv(timeout=10))["data"]["title"] for _ in range(2)]
        assert titles == ["Drama series", "Comedy series"]


def test_resume_over_events_stored_before_tags_filters_as_before(start_stream_server):
    # Events as stored before events had tags: the migration gives them the ones their
    # payload held.
    call_command("migrate", "stream", "0001", verbosity=0)
    try:
        with connection.cursor() as cursor:
            for n, genre, decade in [(1, "Drama", "1990s"), (2, "Comedy", "1980s"), (3, "Comedy", "1990s")]:
                payload = {
                    "id": f"tt{n:07d}",
                    "title": f"{genre} {decade}",
                    "genre": [genre],
                    "decade_category": decade,
                }
                cursor.execute(
                    "INSERT INTO stream_event (id, type, payload, created_at) VALUES (%s, 'movie', %s, %s)",
                    [n, json.dumps(payload), "2026-12-01T00:00:00+00:00"],
                )
            cursor.execute("UPDATE stream_eventcounter SET last_id = 3")
    finally:
        call_command("migrate", "stream", verbosity=0)
    server = start_stream_server()

    client = SseClient(server, "/api/movies/stream?genre=comedy&decade=1990", last_event_id=0)
    try:
        live = publish(
            "movie", {"id": "tt4", "title": "Comedy 1990s, live"}, tags={"genre": "Comedy", "decade": "1990s"}
        )
        client.wait_for_id(live.id)
        assert [event.data["title"] for event in client.events] == ["Comedy 1990s", "Comedy 1990s, live"]
    finally:
        client.close()


@pytest.mark.django_db
def test_a_tag_its_event_type_did_not_register_is_refused_and_nothing_is_published():
    last = event_last_id()

    with pytest.raises(
        InvalidEventTags, match="movie event: unknown tag 'city'; expected genre, decade, type"
    ):
        publish_many("movie", [{"id": "tt1"}, {"id": "tt2"}], tags=[{"genre": ["Drama"]}, {"city": "Kyiv"}])
    with pytest.raises(InvalidEventTags, match="tag 'decade': 'nineties' does not match"):
        publish("movie", {"id": "tt1"}, tags={"decade": "nineties"})

    assert event_last_id() == last
    assert publish("movie", {"id": "tt1"}, tags={"decade": "1990"}).tags == {"decade": ["1990s"]}


class ConcertPayload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    band: str


@pytest.fixture
def concerts(monkeypatch) -> None:
    """A publisher the stream has never heard of: `concert` events tagged with a `town` (not
    `city`, which the showtimes app registers with its slugs' pattern)."""
    monkeypatch.setattr(registry, "_types", registry.event_types())
    event_type_register(
        "concert", ConcertPayload, tags=[EventTag("town", r"\w[\w -]{0,31}", "Only these towns.")]
    )


def test_a_new_publishers_tag_filters_streams_with_no_change_to_the_stream(transactional_db, concerts):
    async def scenario() -> list[dict]:
        socket = WebsocketCommunicator(MovieStreamConsumer.as_asgi(), "/ws/movies/?town=KYIV")
        assert (await socket.connect())[0]
        last_id = await sync_to_async(event_last_id)()
        await socket.send_json_to({"type": "subscribe", "types": ["concert"], "last_event_id": last_id})
        for band, city in [("Okean Elzy", "Lviv"), ("DakhaBrakha", "Kyiv"), ("Onuka", "Kharkiv")]:
            await sync_to_async(publish)("concert", ConcertPayload(band=band), tags={"town": city})
        received = [await socket.receive_json_from(10)]
        nothing_else = await socket.receive_nothing(1)
        await socket.disconnect()
        (await hub_get()).stop()
        await sync_to_async(connections.close_all)()  # the hub's database thread
        assert nothing_else
        return received

    received = asyncio.run(scenario())

    assert [message["data"] for message in received] == [{"band": "DakhaBrakha"}]
    assert received[0]["event"] == "concert"


@pytest.mark.django_db
def test_a_payload_model_of_another_event_type_is_refused(concerts):
    with pytest.raises(TypeError, match="expected a MoviePayload payload, got a ConcertPayload"):
        publish("movie", ConcertPayload(band="Onuka"))

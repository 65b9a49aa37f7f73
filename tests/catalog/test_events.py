"""The `movie` event contract: what the catalog sends is its MoviePayload, which /api/docs documents."""

from io import StringIO

import pytest
from django.core.management import call_command

from apps.catalog.events import MoviePayload, movie_tags
from apps.catalog.models import Title
from apps.catalog.pipeline import limits
from apps.catalog.pipeline.enrich import movie_payloads
from apps.stream.models import Event
from tests.factories.catalog import TitleFactory

pytestmark = pytest.mark.embedded


@pytest.mark.django_db
def test_every_event_of_the_sample_import_is_a_movie_payload_with_the_tags_it_is_filtered_by():
    call_command("catalog_sample_load", stdout=StringIO())

    events = list(Event.objects.filter(type="movie"))
    payloads = [MoviePayload.model_validate(event.payload, strict=True) for event in events]

    assert len(events) == Title.objects.count()
    assert {payload.title_type for payload in payloads} >= {"movie", "tvSeries"}
    assert [event.tags for event in events] == [movie_tags(payload) for payload in payloads]
    shawshank = next(payload for payload in payloads if payload.id == "tt0111161")
    assert (shawshank.title, shawshank.decade_category, shawshank.director) == (
        "The Shawshank Redemption",
        "1990s",
        ["Frank Darabont"],
    )
    assert shawshank.titles == {
        "uk": "Втеча з Шоушенка",
        "ru": "Побег из Шоушенка",
        "en": "The Shawshank Redemption",
    }


@pytest.mark.django_db
def test_an_events_titles_prefer_tmdbs_translation_then_the_regions_aka_then_the_primary_title():
    atlantis = TitleFactory(
        primary_title="Atlantis",
        translations={"uk": {"title": "Атлантида", "overview": "…"}, "ru": {"overview": "без названия"}},
        akas=[("Атлантида (UA)", "UA", ""), ("Атлантида", "RU", "ru"), ("Atlantide", "IT", "")],
    )
    unknown = TitleFactory(primary_title="Nowhere", translations=["not", "a", "dict"])

    first, second = movie_payloads([atlantis.pk, unknown.pk])

    assert first.title == "Atlantis"  # the seed field stays
    assert first.titles == {"uk": "Атлантида", "ru": "Атлантида", "en": "Atlantis"}
    assert second.titles == {"uk": "Nowhere", "ru": "Nowhere", "en": "Nowhere"}


@pytest.mark.django_db
def test_an_events_localized_titles_are_cut_to_their_limit():
    endless = TitleFactory(translations={"uk": {"title": "Н" * 2000}})

    (payload,) = movie_payloads([endless.pk])

    assert payload.titles["uk"] == "Н" * limits.EVENT_TITLE


def test_the_api_docs_describe_the_movie_payload_and_its_filters_from_the_catalogs_model(client):
    schema = client.get("/api/openapi.json").json()

    documented = schema["components"]["schemas"]["MoviePayload"]
    model = MoviePayload.model_json_schema(ref_template="#/components/schemas/{model}")
    model.pop("$defs")
    assert documented == model
    stream = schema["paths"]["/api/movies/stream"]["get"]
    filters = {parameter["name"]: parameter for parameter in stream["parameters"]}
    assert {"genre", "decade", "type", "types", "last_event_id"} <= set(filters)
    assert "[1-9][0-9]{2}0s?" in filters["decade"]["schema"]["pattern"]
    assert "tvSeries" in filters["type"]["description"]

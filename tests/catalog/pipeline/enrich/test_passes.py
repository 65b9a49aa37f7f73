"""The enrichment pass: every path a tuning constant picks enriches alike, and the daily
bucket refresh recommends newcomers to older titles with one read of the buckets."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.catalog import services
from apps.catalog.models import EnrichPending, RecommendationBucket, Title
from apps.catalog.pipeline.enrich import (
    DERIVED,
    passes,
    pending_enrich,
    recommendations,
    recommendations_buckets_refresh,
)
from apps.catalog.services import imdb_datasets_import, titles_ingest
from apps.scraping.imdb_datasets import DatasetFiles
from apps.stream.models import Event
from tests.standins.datasets import datasets_write_sample

pytestmark = pytest.mark.embedded

NOW = datetime(2026, 11, 1, tzinfo=UTC).isoformat()
GENRES = ["Drama", "Comedy", "Crime", "Romance", "Horror", "War"]


def title(number: int, **fields) -> dict:
    return {
        "imdb_id": f"tt{number:07d}",
        "title_type": "movie",
        "primary_title": f"Title {number}",
        "start_year": 1950 + number * 7 % 70,
        "votes": 1000 + number * 37 % 500,
        "rating": 5 + number % 5,
        "genres": [GENRES[number % 6], GENRES[number * 5 % 6]],
        "plot": "A soldier finds hope in war." if number % 2 else "A murder in a haunted house.",
        "directors": [{"imdb_id": f"nm{number % 7:07d}", "name": f"Director {number % 7}", "ordering": 0}],
        "stars": [
            {"imdb_id": f"nm{100 + number % 11:07d}", "name": f"Star {number % 11}", "ordering": 0},
            {"imdb_id": f"nm{200 + number % 13:07d}", "name": f"Star {number % 13}", "ordering": 1},
        ],
        "scraped_at": NOW,
        **fields,
    }


def derived() -> list[tuple]:
    return list(Title.objects.order_by("imdb_id").values_list("imdb_id", *DERIVED))


@pytest.fixture
def catalog(monkeypatch) -> list[tuple]:
    """A catalog of 80 titles over seven decades and six genres, its derived fields as enriched."""
    # Tops of 2 leave most titles out of their buckets', so that which ones are in matters.
    monkeypatch.setattr(recommendations, "BUCKET_SIZE", 2)
    titles_ingest([title(number) for number in range(1, 81)], source="imdb_datasets")
    enriched = derived()
    assert sum(bool(recommendations) for *_, recommendations in enriched) == 80
    Title.objects.update(
        enrich_pending=EnrichPending.NEIGHBOURS, recommendations=[], director_stats={}, decade_category=""
    )
    return enriched


def windowed(queries: CaptureQueriesContext) -> int:
    return sum("ROW_NUMBER" in query["sql"] for query in queries.captured_queries)


@pytest.mark.django_db
def test_reading_the_whole_catalog_at_once_enriches_alike(monkeypatch, tmp_path):
    datasets_write_sample(tmp_path)
    imdb_datasets_import(DatasetFiles(folder=tmp_path), types=None, min_votes=0)
    enriched = derived()
    assert any(recommendations for *_, recommendations in enriched)
    Title.objects.update(enrich_pending=EnrichPending.NEIGHBOURS, recommendations=[], director_stats={})
    monkeypatch.setattr(passes, "PRELOAD_FROM", 1)  # the path a large import takes

    pending_enrich()

    assert derived() == enriched


@pytest.mark.django_db
@pytest.mark.parametrize(("at_once_from", "window_queries"), [(1, 1), (10**9, 0)])
def test_reading_every_bucket_at_once_or_one_by_one_enriches_alike(
    catalog, monkeypatch, at_once_from, window_queries
):
    monkeypatch.setattr(passes, "BUCKETS_AT_ONCE_FROM", at_once_from)

    with CaptureQueriesContext(connection) as queries:
        pending_enrich()

    assert derived() == catalog
    assert windowed(queries) == window_queries  # the path this test means to take


@pytest.mark.django_db
@pytest.mark.parametrize("kept", [1, 10**9])
def test_keeping_few_or_every_bucket_ranking_enriches_alike(catalog, monkeypatch, kept):
    monkeypatch.setattr(recommendations, "RANKINGS_KEPT", kept)

    pending_enrich()

    assert derived() == catalog


def analyzed_ingest(monkeypatch, records: list[dict], analyze_from: int) -> bool:
    """Ingest these records with statistics refreshed from this many titles; whether they were."""
    monkeypatch.setattr(passes, "ANALYZE_FROM", analyze_from)
    monkeypatch.setattr(services, "ANALYZE_FROM", analyze_from)
    with CaptureQueriesContext(connection) as queries:
        titles_ingest(records, source="imdb_datasets")
    return any(query["sql"].startswith('ANALYZE "catalog_title"') for query in queries.captured_queries)


@pytest.mark.django_db(transaction=True)
def test_refreshing_statistics_or_not_stores_the_same_catalog(postgres, monkeypatch):
    records = [title(number) for number in range(1, 81)]
    assert not analyzed_ingest(monkeypatch, records, 10**9)
    without = derived()
    Title.objects.all().delete()

    assert analyzed_ingest(monkeypatch, records, 1)

    assert derived() == without
    assert not Title.objects.exclude(enrich_pending=EnrichPending.NO).exists()


def drama(number: int, **fields) -> dict:
    return title(number, genres=["Drama"], start_year=1994, directors=[], stars=[], **fields)


@pytest.mark.django_db
def test_the_daily_bucket_refresh_recommends_a_newcomer_to_older_titles():
    titles_ingest([drama(111161, votes=2_900_000)], source="imdb_datasets")
    recommendations_buckets_refresh()
    titles_ingest([drama(109830, votes=2_300_000)], source="imdb_datasets")
    # The newcomer shares no one with the first: only the decade's Drama top brings them together.
    assert Title.objects.get(imdb_id="tt0109830").recommendations == ["tt0111161"]
    assert Title.objects.get(imdb_id="tt0111161").recommendations == []
    last_event = Event.objects.order_by("-id").first().id

    with CaptureQueriesContext(connection) as queries:
        events = recommendations_buckets_refresh()

    assert Title.objects.get(imdb_id="tt0111161").recommendations == ["tt0109830"]
    assert events == 1
    assert list(Event.objects.filter(id__gt=last_event).values_list("payload__id", flat=True)) == [
        "tt0111161"
    ]
    assert windowed(queries) == 1  # every bucket's top, read once for the whole refresh
    assert recommendations_buckets_refresh() == 0


@pytest.mark.django_db
def test_the_bucket_refresh_reads_the_buckets_once_however_many_titles_it_refreshes(monkeypatch):
    titles_ingest([drama(number, votes=1000 + number) for number in range(1, 31)], source="imdb_datasets")
    RecommendationBucket.objects.all().delete()
    monkeypatch.setattr(passes, "BUCKETS_AT_ONCE_FROM", 1)  # as many titles as a daily refresh has

    with CaptureQueriesContext(connection) as queries:
        events = recommendations_buckets_refresh()

    assert windowed(queries) == 1
    assert events == 0  # the tops were already what the titles were recommended from
    assert RecommendationBucket.objects.get(genre="Drama").decade == "1990s"


@pytest.mark.django_db
def test_a_new_translation_is_stored_as_the_display_name_and_announced_with_it():
    titles_ingest([drama(1234567, primary_title="Atlantis")], source="imdb_datasets")
    last_event = Event.objects.order_by("-id").first().id
    Title.objects.filter(imdb_id="tt1234567").update(
        translations={"uk": {"title": "Атлантида"}}, enrich_pending=EnrichPending.TITLE
    )

    assert pending_enrich() == 1

    stored = Title.objects.get(imdb_id="tt1234567")
    assert (stored.name_uk, stored.name_ru, stored.name_en) == ("Атлантида", "Atlantis", "Atlantis")
    event = Event.objects.get(id__gt=last_event)
    assert event.payload["titles"] == {"uk": "Атлантида", "ru": "Atlantis", "en": "Atlantis"}

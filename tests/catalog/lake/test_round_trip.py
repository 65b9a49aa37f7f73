"""An export imported back (apps/catalog/lake/): the same rows, provenance included."""

import pytest

from apps.catalog.lake import (
    catalog_export,
    catalog_import,
)
from apps.catalog.models import Credit, LocalizedTitle, Person, Source, Title
from apps.catalog.services import titles_ingest
from apps.stream.models import Event
from tests.catalog.lake.support import (
    catalog_empty,
    lines_of,
    run_export,
    run_import,
    title_rows,
    write_lines,
)

pytestmark = pytest.mark.embedded


def test_export_then_import_into_an_emptied_database_gives_the_same_rows(catalog, tmp_path):
    run_export(tmp_path / "before")
    rows = title_rows()
    counts = (Credit.objects.count(), LocalizedTitle.objects.count(), Person.objects.count())
    catalog_empty()

    summary = run_import(tmp_path / "before")
    run_export(tmp_path / "after")

    # The bare title is stored but, as when it was first ingested, has nothing to change.
    assert "titles read 5, inserted 4, updated 0, unchanged 1" in summary
    assert lines_of(tmp_path / "after") == lines_of(tmp_path / "before")
    assert title_rows() == rows  # provenance per field included, so later merges decide alike
    assert (Credit.objects.count(), LocalizedTitle.objects.count(), Person.objects.count()) == counts


def test_an_imdb_datasets_catalog_survives_the_round_trip(datasets_catalog, tmp_path):
    catalog_export(destination=str(tmp_path / "before"))
    rows = title_rows()
    catalog_empty()

    catalog_import(locations=[str(tmp_path / "before")])
    catalog_export(destination=str(tmp_path / "after"))

    assert lines_of(tmp_path / "after") == lines_of(tmp_path / "before")
    assert title_rows() == rows


def test_the_round_trip_does_not_depend_on_the_import_batch_size(datasets_catalog, tmp_path):
    catalog_export(destination=str(tmp_path / "before"))
    catalog_empty()

    catalog_import(locations=[str(tmp_path / "before")], batch_size=2)
    catalog_export(destination=str(tmp_path / "after"))

    assert lines_of(tmp_path / "after") == lines_of(tmp_path / "before")


def test_reimporting_an_export_changes_nothing_and_publishes_nothing(catalog, tmp_path):
    run_export(tmp_path)
    rows = list(Title.objects.order_by("imdb_id").values())
    events = Event.objects.count()

    summary = run_import(tmp_path)

    assert "inserted 0, updated 0, unchanged 5" in summary
    assert Event.objects.count() == events
    assert list(Title.objects.order_by("imdb_id").values()) == rows


TMDB_SHAWSHANK = {
    "imdb_id": "tt0111161",
    "tmdb_id": 278,
    "poster_path": "/9cqNxx0GxF0bflZmeSMuL5tnGzr.jpg",
    "backdrop_path": "/zfbjgQE1uSd9wiPTX4VzsLi0rGG.jpg",
    "translations": {
        "uk": {"title": "Втеча з Шоушенка", "overview": "Банкіра засуджують до довічного ув'язнення."},
        "en": {"title": "The Shawshank Redemption", "tagline": "Fear can hold you prisoner."},
    },
    "regional_release_date": "1995-03-10",
    "age_rating": "16+",
    "release_region": "UA",
    "trailers": [{"key": "PLl99DlL6b4", "name": "Trailer", "language": "en", "official": True}],
    "watch_providers": {
        "link": "https://www.themoviedb.org/movie/278/watch?locale=UA",
        "buy": [{"name": "Apple TV"}],
    },
    "tmdb_vote_average": 8.7,
    "tmdb_vote_count": 29000,
    "tmdb_popularity": 120.5,
    "tmdb_checked_at": "2024-05-02T08:00:00Z",
    "original_language": "en",
    "countries": ["US"],
    "scraped_at": "2024-05-02T08:00:00Z",
}


def test_tmdb_fields_survive_the_round_trip(catalog, tmp_path):
    titles_ingest([TMDB_SHAWSHANK, {"imdb_id": "tt0903747", "number_of_seasons": 5}], source=Source.TMDB)
    run_export(tmp_path / "before")
    rows = title_rows()
    catalog_empty()

    run_import(tmp_path / "before")
    run_export(tmp_path / "after")

    assert lines_of(tmp_path / "after") == lines_of(tmp_path / "before")
    assert title_rows() == rows
    shawshank = Title.objects.get(imdb_id="tt0111161")
    assert shawshank.translations["uk"]["title"] == "Втеча з Шоушенка"
    assert shawshank.watch_providers["buy"] == [{"name": "Apple TV", "logo_path": ""}]
    assert shawshank.field_sources["poster_path"] == ["tmdb", "2024-05-02T08:00:00+00:00"]
    assert Title.objects.get(imdb_id="tt0903747").number_of_seasons == 5


def test_a_v1_line_without_tmdb_fields_still_imports(db, tmp_path):
    write_lines(
        tmp_path / "v1.jsonl",
        ['{"imdb_id": "tt0111161", "primary_title": "The Shawshank Redemption", "source": "imdb_page"}'],
    )

    run_import(tmp_path / "v1.jsonl")

    title = Title.objects.get(imdb_id="tt0111161")
    assert (title.primary_title, title.translations, title.tmdb_id) == ("The Shawshank Redemption", {}, None)

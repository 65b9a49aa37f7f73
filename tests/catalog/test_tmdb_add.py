"""Titles the catalog lacks, created from TMDB, and a listing's movie placed on TMDB."""

import pytest

from apps.catalog.models import Title
from apps.catalog.selectors import title_display_name
from apps.catalog.tmdb_enrich import tmdb_movie_find, tmdb_title_add
from apps.scraping.tmdb import TmdbNotFound
from apps.stream.models import Event
from tests.factories.catalog import TitleFactory
from tests.standins.tmdb import (
    BREAKING_BAD_IMDB,
    BREAKING_BAD_TMDB,
    FIGHT_CLUB_IMDB,
    FIGHT_CLUB_TMDB,
    SINNERS_IMDB,
)

pytestmark = pytest.mark.django_db


def test_a_movie_is_created_by_its_tmdb_id_with_tmdbs_poster_and_ukrainian_title(tmdb_standin):
    title = tmdb_title_add(kind="movie", tmdb_id=FIGHT_CLUB_TMDB)

    assert title is not None
    assert (title.imdb_id, title.title_type, title.primary_title, title.start_year) == (
        FIGHT_CLUB_IMDB,
        "movie",
        "Fight Club",
        1999,
    )
    assert title.poster_path
    assert title.tmdb_checked_at is not None
    assert title_display_name(title=title, language="uk") == "Бійцівський клуб"
    assert Event.objects.filter(type="movie").exists()


def test_a_series_is_created_by_its_imdb_id_through_find(tmdb_standin):
    title = tmdb_title_add(imdb_id=BREAKING_BAD_IMDB)

    assert title is not None
    assert (title.tmdb_id, title.title_type, title.start_year) == (BREAKING_BAD_TMDB, "tvSeries", 2008)
    assert title.number_of_seasons == 5


def test_a_title_the_catalog_has_is_returned_without_asking_tmdb(tmdb_standin):
    stored = TitleFactory(imdb_id=SINNERS_IMDB, primary_title="Sinners")

    assert tmdb_title_add(imdb_id=SINNERS_IMDB) == stored
    assert tmdb_standin.requests_seen() == []


def test_a_movie_tmdb_knows_no_imdb_id_for_is_not_created(tmdb_standin):
    tmdb_standin.details_change(FIGHT_CLUB_TMDB, imdb_id=None)

    assert tmdb_title_add(kind="movie", tmdb_id=FIGHT_CLUB_TMDB) is None
    assert not Title.objects.exists()


def test_an_unknown_tmdb_id_is_not_found(tmdb_standin):
    with pytest.raises(TmdbNotFound):
        tmdb_title_add(kind="movie", tmdb_id=123_456_789)


def test_a_listing_is_placed_by_a_name_equal_to_tmdbs_title_within_a_year(tmdb_standin):
    # The Ukrainian title a cinema lists, a year after TMDB's release.
    found = tmdb_movie_find(names=["Бійцівський КЛУБ", ""], year=2000)

    assert found is not None
    assert found.id == FIGHT_CLUB_TMDB
    # A name only contained in TMDB's title, or another year, is no match.
    assert tmdb_movie_find(names=["Club"], year=1999) is None
    assert tmdb_movie_find(names=["Fight Club"], year=1990) is None


def test_among_equal_names_the_most_voted_is_picked(tmdb_standin):
    tmdb_standin.movie_add(
        tmdb_id=900_010, imdb_id="tt9900010", title="Twins", release_date="2024-03-01", vote_count=5
    )
    tmdb_standin.movie_add(
        tmdb_id=900_011, imdb_id="tt9900011", title="Twins", release_date="2024-09-01", vote_count=900
    )

    found = tmdb_movie_find(names=["Twins"], year=2024)

    assert found is not None
    assert found.id == 900_011

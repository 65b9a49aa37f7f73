"""Showtimes fixtures: the stand-in city's movies in the catalog, a city to run."""

import pytest
from django.test import override_settings

from apps.catalog.models import Title
from apps.showtimes.models import Location
from tests.factories.catalog import TitleFactory
from tests.factories.showtimes import LocationFactory
from tests.standins.gemini import FakeCity, GeminiStandin


@pytest.fixture(autouse=True)
def one_movie_at_a_time():
    """Runs ask one movie at a time: the test database's transaction is this thread's alone."""
    with override_settings(SHOWTIMES_PARALLEL_MOVIES=1):
        yield


def catalog_of(city: FakeCity) -> list[Title]:
    """The fake city's movies as catalog titles (by IMDb id, as Gemini names them)."""
    return [
        TitleFactory(
            imdb_id=movie["imdb_id"],
            primary_title=movie["original_title"],
            start_year=movie["year"],
            runtime_minutes=100,
        )
        for movie in city.movie_list()
    ]


@pytest.fixture
def standin(gemini_standin: GeminiStandin) -> GeminiStandin:
    """The Gemini stand-in answering for a small city (2 cinemas, 3 movies), to keep runs short."""
    gemini_standin.city = FakeCity(cinemas=2, movies=3)
    gemini_standin.responder = gemini_standin.city.respond
    return gemini_standin


@pytest.fixture
def kyiv(db: None) -> Location:
    return LocationFactory(city="Kyiv", slug="kyiv")

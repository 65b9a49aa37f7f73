"""“Playing near you this week”: watchlist, liked titles' recommendations and favourite genres,
joined with the home city's sessions of the next seven days."""

import datetime

import pytest
from django.utils import timezone, translation

from apps.accounts.nearby import near_you
from apps.accounts.services import title_rate, title_seen_set, watchlist_set
from tests.factories.catalog import GenreFactory, TitleFactory
from tests.factories.showtimes import CityMovieFactory, CoveredLocationFactory, SessionFactory, TheaterFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kyiv():
    return CoveredLocationFactory(city="Kyiv")


def plays(title, location, *, in_hours: int = 30, count: int = 1):
    """`count` sessions of the title in the city, the first in `in_hours`."""
    movie = CityMovieFactory(location=location, title=title)
    theater = TheaterFactory(location=location)
    start = timezone.now() + datetime.timedelta(hours=in_hours)
    for number in range(count):
        SessionFactory(movie=movie, theater=theater, starts_at=start + datetime.timedelta(hours=3 * number))


def test_watchlisted_recommended_and_genre_titles_playing_in_the_home_city_are_listed(olena, kyiv):
    olena.home_city = kyiv
    olena.save()
    drama = GenreFactory(name="Drama")
    olena.favourite_genres.set([drama])
    listed = TitleFactory(primary_title="Listed")
    similar = TitleFactory(primary_title="Similar")
    liked = TitleFactory(primary_title="Liked", recommendations=[similar.imdb_id])
    of_genre = TitleFactory(primary_title="Of my genre", genres=["Drama"])
    unrelated = TitleFactory(primary_title="Unrelated", genres=["Horror"])
    watchlist_set(user=olena, title=listed, is_listed=True)
    title_rate(user=olena, title=liked, rating=9)
    for title in (listed, similar, of_genre, unrelated):
        plays(title, kyiv, count=2)

    with translation.override("en"):
        found = near_you(user=olena, language="en")

    assert [(item.name, item.reason) for item in found.titles] == [
        ("Listed", "On your watchlist"),
        ("Similar", "Because you liked Liked"),
        ("Of my genre", "Your genres: Drama"),
    ]
    assert found.titles[0].session_count == 2


def test_only_the_home_city_and_the_next_seven_days_count(olena, kyiv):
    lviv = CoveredLocationFactory(city="Lviv")
    olena.home_city = kyiv
    olena.save()
    elsewhere, later, past, soon = (
        TitleFactory(primary_title=name) for name in ("Lviv", "Later", "Past", "Soon")
    )
    for title in (elsewhere, later, past, soon):
        watchlist_set(user=olena, title=title, is_listed=True)
    plays(elsewhere, lviv)
    plays(later, kyiv, in_hours=8 * 24)
    plays(past, kyiv, in_hours=-2)
    plays(soon, kyiv, in_hours=2)

    assert [item.name for item in near_you(user=olena, language="en").titles] == ["Soon"]


def test_seen_titles_are_left_out(olena, kyiv):
    olena.home_city = kyiv
    olena.save()
    title = TitleFactory()
    watchlist_set(user=olena, title=title, is_listed=True)
    title_seen_set(user=olena, title=title, is_seen=True)
    plays(title, kyiv)

    assert near_you(user=olena, language="en").titles == []


def test_the_page_and_the_home_block_show_it_and_link_to_the_sessions(olena_client, olena, kyiv):
    olena.home_city = kyiv
    olena.save()
    title = TitleFactory(primary_title="Dovbush", imdb_id="tt27536999")
    watchlist_set(user=olena, title=title, is_listed=True)
    plays(title, kyiv)

    page = olena_client.get("/accounts/near/").content.decode()
    home = olena_client.get("/").content.decode()

    assert "Dovbush" in page
    assert "/showtimes/kyiv/tt27536999/" in page
    assert 'data-testid="home-near-you"' in home
    assert "Dovbush" in home


def test_without_a_home_city_the_page_asks_for_one(olena_client):
    page = olena_client.get("/accounts/near/").content.decode()

    assert 'data-testid="near-no-city"' in page


def test_visitors_see_no_near_you_block(client, db):
    assert 'data-testid="home-near-you"' not in client.get("/").content.decode()

"""The catalog's title page shows the title's sessions in the visitor's remembered city."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.showtimes.remembered import CITY_SESSION_KEY
from tests.catalog.test_views import texts_of
from tests.factories.catalog import TitleFactory
from tests.factories.showtimes import (
    CityMovieFactory,
    CoveredLocationFactory,
    SessionFactory,
    TheaterFactory,
    kyiv_at,
    kyiv_today,
)

pytestmark = [pytest.mark.embedded, pytest.mark.django_db]


@pytest.fixture
def kyiv():
    return CoveredLocationFactory(city="Kyiv", slug="kyiv")


@pytest.fixture
def dune(kyiv):
    title = TitleFactory(imdb_id="tt15239678", primary_title="Dune: Part Two")
    return CityMovieFactory(location=kyiv, title=title)


def visitor(client, *, language="en", city=""):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if city:
        session = client.session
        session[CITY_SESSION_KEY] = city
        session.save()
    return client


def title_page(client, imdb_id="tt15239678"):
    response = client.get(f"/catalog/{imdb_id}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_remembered_city_shows_the_next_days_with_sessions_and_links_to_them(client, dune):
    theater = TheaterFactory(location=dune.location)
    tomorrow = kyiv_today() + datetime.timedelta(days=1)
    later = kyiv_today() + datetime.timedelta(days=3)
    for hour in (12, 16, 20):
        SessionFactory(movie=dune, theater=theater, starts_at=kyiv_at(tomorrow, hour, 0))
    SessionFactory(movie=dune, theater=theater, starts_at=kyiv_at(later, 18, 0))

    html = title_page(visitor(client, city="kyiv"))

    assert "In cinemas in Kyiv" in texts_of(html, "title-showtimes")[0]
    days = texts_of(html, "title-showtimes-day")
    assert len(days) == 2
    assert days[0].endswith("3 sessions")
    assert days[1].endswith("1 session")
    assert f'href="/showtimes/kyiv/tt15239678/?day={tomorrow.isoformat()}"' in html
    assert 'href="/showtimes/kyiv/tt15239678/" data-testid="title-showtimes-link"' in html


def test_the_block_speaks_ukrainian_and_russian(client, dune):
    SessionFactory(movie=dune, theater=TheaterFactory(location=dune.location))

    ukrainian = title_page(visitor(client, language="uk", city="kyiv"))
    russian = title_page(visitor(client, language="ru"))

    assert "У кінотеатрах міста Kyiv" in texts_of(ukrainian, "title-showtimes")[0]
    assert "1 сеанс" in texts_of(ukrainian, "title-showtimes-day")[0]
    assert "В кинотеатрах города Kyiv" in texts_of(russian, "title-showtimes")[0]


def test_no_sessions_in_the_remembered_city_shows_nothing(client, dune):
    TitleFactory(imdb_id="tt0000001", primary_title="Not Playing")

    html = title_page(visitor(client, city="kyiv"), imdb_id="tt0000001")

    assert texts_of(html, "title-showtimes") == []


def test_without_a_remembered_city_a_title_playing_somewhere_offers_the_city_picker(client, dune):
    tomorrow = kyiv_today() + datetime.timedelta(days=1)
    SessionFactory(
        movie=dune, theater=TheaterFactory(location=dune.location), starts_at=kyiv_at(tomorrow, 18, 0)
    )

    html = title_page(visitor(client))

    assert texts_of(html, "title-showtimes-day") == []
    assert 'href="/showtimes/" data-testid="title-showtimes-pick"' in html


def test_unverified_or_cancelled_sessions_do_not_count(client, dune):
    theater = TheaterFactory(location=dune.location)
    tomorrow = kyiv_today() + datetime.timedelta(days=1)
    SessionFactory(movie=dune, theater=theater, starts_at=kyiv_at(tomorrow, 18, 0), verified=False)
    SessionFactory(
        movie=dune, theater=theater, starts_at=kyiv_at(tomorrow, 20, 0), cancelled_at=kyiv_at(tomorrow, 9, 0)
    )

    assert texts_of(title_page(visitor(client)), "title-showtimes") == []
    assert texts_of(title_page(visitor(client, city="kyiv")), "title-showtimes") == []


def test_the_block_costs_a_few_queries_however_many_sessions(client, dune, django_assert_max_num_queries):
    theater = TheaterFactory(location=dune.location)
    with CaptureQueriesContext(connection) as without_block:
        title_page(visitor(client))
    for offset in range(7):
        for hour in (10, 14, 18, 22):
            SessionFactory(
                movie=dune,
                theater=theater,
                starts_at=kyiv_at(kyiv_today() + datetime.timedelta(days=offset), hour, 0),
            )

    remembering = visitor(client, city="kyiv")

    # The visitor's session, the city and one read of the window's start times, however many.
    with django_assert_max_num_queries(len(without_block) + 2):
        html = title_page(remembering)
    assert len(texts_of(html, "title-showtimes-day")) == 5

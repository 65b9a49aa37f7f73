"""Showtimes under /api/v1/: the cities, a city's status, a day's sessions."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from apps.showtimes.models import Location, Session
from tests.factories.catalog import TitleFactory
from tests.factories.showtimes import CityMovieFactory, LocationFactory, TheaterFactory

pytestmark = [pytest.mark.embedded, pytest.mark.django_db]


def test_the_cities_are_listed_by_name_with_where_to_ask_for_each(client, django_assert_num_queries):
    LocationFactory(city="Lviv", slug="lviv")
    LocationFactory(city="Kyiv", slug="kyiv", status=Location.Status.READY)

    with django_assert_num_queries(1):
        cities = client.get("/api/v1/cities").json()

    assert [(city["slug"], city["city"]) for city in cities] == [("kyiv", "Kyiv"), ("lviv", "Lviv")]
    assert cities[0]["status"] == "ready"
    assert cities[0]["api_url"] == "/api/v1/cities/kyiv"
    assert client.get(cities[0]["api_url"]).json()["slug"] == "kyiv"


def test_an_unknown_city_is_a_json_404(client):
    reply = client.get("/api/v1/cities/atlantis")

    assert reply.status_code == 404
    assert reply.json()["code"] == "city_not_found"


def test_a_days_sessions_answer_under_v1_as_unversioned(client):
    kyiv = LocationFactory(city="Kyiv", slug="kyiv")
    movie = CityMovieFactory(location=kyiv, title=TitleFactory(primary_title="Dune"), name="Дюна")
    starts_at = dt.datetime.combine(timezone.localdate(), dt.time(19), tzinfo=ZoneInfo("Europe/Kyiv"))
    Session.objects.create(
        movie=movie, theater=TheaterFactory(location=kyiv, name="Lavina"), starts_at=starts_at, verified=True
    )
    params = {"city": "kyiv", "date": timezone.localdate().isoformat()}

    versioned = client.get("/api/v1/showtimes", params)

    assert versioned.status_code == 200
    assert versioned.json() == client.get("/api/showtimes", params).json()
    assert versioned.json()["movies"][0]["theaters"][0]["theater"] == "Lavina"


def test_asking_for_a_covered_citys_run_under_v1_points_at_v1s_status(client):
    LocationFactory(city="Kyiv", slug="kyiv", status=Location.Status.READY, covered_until=dt.date(2100, 1, 1))

    reply = client.post("/api/v1/cities/kyiv/scrape")

    assert reply.status_code == 200
    assert reply.json()["status_url"] == "/api/v1/cities/kyiv"

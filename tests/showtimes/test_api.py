import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from apps.showtimes.models import Location, Session, ShowtimesRun
from tests.factories.catalog import TitleFactory
from tests.factories.showtimes import CityMovieFactory, LocationFactory, TheaterFactory

pytestmark = pytest.mark.django_db
KYIV = ZoneInfo("Europe/Kyiv")


def test_asking_for_an_uncovered_city_queues_one_run(
    client, standin, kyiv, django_capture_on_commit_callbacks, tasks_in_process
):
    # tasks_in_process, not override_settings: Celery reads its settings once, at first use.
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post("/api/cities/kyiv/scrape")
    second = client.post("/api/cities/kyiv/scrape")

    assert first.status_code == 202
    assert first.json()["is_queued"] is True
    assert first.json()["status_url"] == "/api/cities/kyiv"
    assert first.json()["stream_url"] == "/api/movies/stream?city=kyiv"
    # The eager run covered the window: asking again starts nothing.
    assert second.status_code == 200
    assert second.json() == second.json() | {"is_queued": False, "status": "ready"}
    assert ShowtimesRun.objects.count() == 1


def test_a_city_being_scraped_is_not_queued_twice(client, kyiv):
    Location.objects.filter(pk=kyiv.pk).update(status=Location.Status.SCRAPING, updated_at=timezone.now())

    reply = client.post("/api/cities/kyiv/scrape")

    assert reply.status_code == 202
    assert reply.json()["is_queued"] is False
    assert reply.json()["status"] == "scraping"


def test_an_unknown_city_is_404(client, db):
    assert client.post("/api/cities/atlantis/scrape").status_code == 404
    assert client.get("/api/cities/atlantis").json()["code"] == "city_not_found"


def test_a_failed_city_says_when_it_retries(client, kyiv):
    retry_at = (timezone.now() + dt.timedelta(minutes=30)).replace(microsecond=0)
    Location.objects.filter(pk=kyiv.pk).update(status=Location.Status.FAILED, retry_at=retry_at)
    ShowtimesRun.objects.create(location=kyiv, status=ShowtimesRun.Status.FAILED, rejected={"duplicate": 2})

    city = client.get("/api/cities/kyiv").json()

    assert city["status"] == "failed"
    assert dt.datetime.fromisoformat(city["retry_at"]) == retry_at
    assert city["is_covered"] is False
    assert city["last_run"]["status"] == "failed"
    assert city["last_run"]["rejected"] == {"duplicate": 2}


def _session(movie, theater, hour: int, **fields) -> Session:
    starts_at = dt.datetime.combine(timezone.localdate(), dt.time(hour), tzinfo=KYIV)
    values = {"verified": True, "sources": [{"uri": "https://a.example", "title": "a"}]} | fields
    return Session.objects.create(movie=movie, theater=theater, starts_at=starts_at, **values)


def test_a_days_showtimes_are_grouped_by_movie_and_cinema_verified_only(client, django_assert_num_queries):
    kyiv = LocationFactory(city="Kyiv")
    title = TitleFactory(primary_title="Dune: Part Two", imdb_id="tt15239678", runtime_minutes=166)
    movie = CityMovieFactory(location=kyiv, title=title, name="Дюна: Частина друга", year=2024)
    lavina, planeta = (
        TheaterFactory(location=kyiv, name="Lavina"),
        TheaterFactory(location=kyiv, name="Planeta"),
    )
    _session(movie, lavina, 19, price=Decimal("200.00"), audio_language="en", subtitles="uk")
    _session(movie, planeta, 21)
    _session(movie, planeta, 12, verified=False, sources=[])
    _session(movie, lavina, 10, cancelled_at=timezone.now())

    with django_assert_num_queries(3):
        reply = client.get("/api/showtimes", {"city": "kyiv", "date": timezone.localdate().isoformat()})

    (found,) = reply.json()["movies"]
    assert found["imdb_id"] == "tt15239678"
    assert [(theater["theater"], len(theater["sessions"])) for theater in found["theaters"]] == [
        ("Lavina", 1),
        ("Planeta", 1),
    ]
    lavina_session = found["theaters"][0]["sessions"][0]
    assert lavina_session["price"] == "200.00"
    assert (lavina_session["audio_language"], lavina_session["subtitles"]) == ("en", "uk")
    assert lavina_session["starts_at"].endswith(("+02:00", "+03:00"))
    every = client.get(
        "/api/showtimes",
        {"city": "kyiv", "date": timezone.localdate().isoformat(), "include_unverified": "true"},
    ).json()
    assert sum(len(theater["sessions"]) for theater in every["movies"][0]["theaters"]) == 3


def test_a_bad_date_is_refused_with_a_clear_message(client, kyiv):
    reply = client.get("/api/showtimes", {"city": "kyiv", "date": "next friday"})

    assert reply.status_code == 422
    assert reply.json()["code"] == "date_invalid"
    assert "next friday" in reply.json()["message"]

"""Runs against the Gemini stand-in, through the real google-genai client."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.utils import timezone

from apps.showtimes import trust
from apps.showtimes.models import CityMovie, CoveredDay, Location, Session, ShowtimesRun, Theater
from apps.showtimes.services import location_claim, showtimes_city_run
from apps.stream.models import Event
from tests.showtimes.conftest import catalog_of
from tests.standins.gemini import FakeCity, answer, error

pytestmark = pytest.mark.django_db
KYIV = ZoneInfo("Europe/Kyiv")


def run(location: Location, **options) -> ShowtimesRun:
    assert location_claim(location=location, status=Location.Status.SCRAPING, is_forced=True)
    return showtimes_city_run(location=location, **options)


def sessions_asked(standin) -> list[tuple[str, str]]:
    return [
        (request.line("Movie"), request.line("Date"))
        for request in standin.requests
        if request.purpose == "sessions"
    ]


def test_a_first_run_stores_the_citys_cinemas_movies_and_grounded_sessions(standin, kyiv):
    catalog_of(standin.city)

    result = run(kyiv, horizon=3)

    kyiv.refresh_from_db()
    assert result.status == ShowtimesRun.Status.DONE
    assert kyiv.status == Location.Status.READY
    assert sorted(Theater.objects.values_list("name", flat=True)) == standin.city.cinema_names()
    assert CityMovie.objects.filter(title__isnull=False).count() == 3
    sessions = Session.objects.all()
    assert sessions.count() == result.sessions_added > 0
    assert all(session.verified and session.sources for session in sessions)
    assert all(session.ends_at - session.starts_at == dt.timedelta(minutes=100) for session in sessions)
    assert kyiv.covered_until is not None
    assert kyiv.last_error == ""
    events = [event.payload for event in Event.objects.filter(type="showtimes").order_by("id")]
    assert events[0]["kind"] == "progress"
    assert events[0]["cinemas_found"] == 2
    assert events[-1] == events[-1] | {"kind": "schedule", "status": "ready", "added": result.sessions_added}
    assert all(event.tags == {"city": ["kyiv"]} for event in Event.objects.filter(type="showtimes"))


def test_a_second_run_asks_only_for_the_days_still_missing(standin, kyiv):
    catalog_of(standin.city)
    run(kyiv, horizon=14)
    first_asked = set(sessions_asked(standin))
    # A few days later coverage has run short: the days up to 5 days ahead are known, not more.
    today = timezone.localdate()
    CoveredDay.objects.filter(day__gt=today + dt.timedelta(days=4)).delete()
    before = len(standin.requests)

    second = run(kyiv, horizon=14)

    asked = sessions_asked(standin)[-(len(standin.requests) - before - 1) :]
    assert asked
    assert all(dt.date.fromisoformat(day) > today + dt.timedelta(days=4) for _movie, day in asked)
    assert set(asked) <= first_asked
    assert second.sessions_added == 0
    assert second.sessions_cancelled == 0


def test_a_run_of_a_covered_city_asks_only_for_the_movies(standin, kyiv):
    catalog_of(standin.city)
    run(kyiv, horizon=14)
    before = len(standin.requests)

    again = run(kyiv, horizon=14)

    purposes = [request.purpose for request in standin.requests[before:]]
    assert purposes == ["movies"]
    assert again.days_planned == 0


def test_a_503_storm_fails_the_run_and_keeps_the_stored_sessions(standin, kyiv):
    catalog_of(standin.city)
    run(kyiv, horizon=2)
    stored = Session.objects.count()
    CoveredDay.objects.all().delete()  # so the next run has days to ask
    standin.script(answer({"movies": standin.city.movie_list()}), *[error(503)] * 10)

    failed = run(kyiv, horizon=2)

    kyiv.refresh_from_db()
    assert failed.status == ShowtimesRun.Status.FAILED
    assert kyiv.status == Location.Status.FAILED
    assert "GeminiUnavailable" in kyiv.last_error
    assert kyiv.retry_at > timezone.now()
    assert Session.objects.filter(cancelled_at__isnull=True).count() == stored
    last = Event.objects.filter(type="showtimes").order_by("-id").first().payload
    assert last["kind"] == "schedule"
    assert last["status"] == "failed"
    assert last["message"]


def test_an_answer_without_grounding_stores_unverified_sessions(standin, kyiv):
    catalog_of(FakeCity(movies=1))
    sessions = [{"cinema": "Standin Cinema 1", "date": timezone.localdate().isoformat(), "time": "19:00"}]
    standin.script(
        answer({"cinemas": [{"name": "Standin Cinema 1"}]}),
        answer({"movies": FakeCity(movies=1).movie_list()}),
        answer({"sessions": sessions}, searched=False),
    )

    run(kyiv, horizon=1)

    (session,) = Session.objects.all()
    assert not session.verified
    assert session.sources == []


def test_an_invented_cinema_is_refused_and_counted(standin, kyiv):
    catalog_of(FakeCity(movies=1))
    today = timezone.localdate().isoformat()
    standin.script(
        answer({"cinemas": [{"name": "Standin Cinema 1"}]}, sources=[("https://a.example", "a")]),
        answer({"movies": FakeCity(movies=1).movie_list()}, sources=[("https://a.example", "a")]),
        answer(
            {"sessions": [{"cinema": "Cinema Nowhere", "date": today, "time": "19:00"}]},
            sources=[("https://a.example", "a")],
        ),
    )

    result = run(kyiv, horizon=1)

    assert result.rejected == {trust.UNKNOWN_CINEMA: 1}
    assert not Session.objects.exists()


def test_an_empty_city_ends_ready_with_nothing(standin, kyiv):
    standin.script(answer({"cinemas": []}), answer({"movies": []}))

    result = run(kyiv)

    kyiv.refresh_from_db()
    assert result.status == ShowtimesRun.Status.DONE
    assert kyiv.status == Location.Status.READY
    assert not Session.objects.exists()
    assert not Theater.objects.exists()


def test_movies_matching_nothing_are_listed_and_not_asked_about(standin, kyiv):
    catalog_of(FakeCity(movies=1))  # the catalog knows only the first of three

    result = run(kyiv, horizon=1)

    assert result.unmatched == ["Фільм 2", "Фільм 3"]
    assert result.rejected[trust.UNMATCHED_MOVIE] == 2
    assert CityMovie.objects.get(name="Фільм 2").title is None
    assert {movie for movie, _day in sessions_asked(standin)} <= {"Фільм 1 (2021)"}


def test_a_spent_budget_ends_the_run_with_its_own_status(standin, kyiv):
    with override_settings(GEMINI_DAILY_TOKEN_BUDGET=1):
        run(kyiv, horizon=1)  # the first call spends the budget
        kyiv.refresh_from_db()
        result = run(kyiv, horizon=1)

    kyiv.refresh_from_db()
    assert result.status == ShowtimesRun.Status.BUDGET_SPENT
    assert kyiv.status == Location.Status.FAILED
    assert "budget" in kyiv.last_error
    assert kyiv.retry_at > timezone.now()


def test_a_schedule_change_is_added_changed_and_cancelled(standin, kyiv):
    catalog_of(FakeCity(movies=1))
    today = timezone.localdate().isoformat()
    grounded = {"sources": [("https://a.example", "a")]}

    def day(*sessions):
        return answer(
            {"sessions": [{"cinema": "Standin Cinema 1", "date": today} | s for s in sessions]}, **grounded
        )

    cinemas = answer({"cinemas": [{"name": "Standin Cinema 1"}]}, **grounded)
    movies = answer({"movies": FakeCity(movies=1).movie_list()}, **grounded)
    standin.script(cinemas, movies, day({"time": "12:00"}, {"time": "15:00", "format": "2D"}))
    run(kyiv, horizon=1)
    CoveredDay.objects.all().delete()
    standin.script(movies, day({"time": "15:00", "format": "3D"}, {"time": "19:00"}))

    result = run(kyiv, horizon=1)

    assert (result.sessions_added, result.sessions_changed, result.sessions_cancelled) == (1, 1, 1)
    live = Session.objects.filter(cancelled_at__isnull=True).order_by("starts_at")
    assert [(s.starts_at.astimezone(KYIV).strftime("%H:%M"), s.format) for s in live] == [
        ("15:00", "3D"),
        ("19:00", "2D"),
    ]


def test_a_movie_with_nothing_scheduled_stops_after_two_empty_days_beyond_the_first(standin, kyiv):
    catalog_of(FakeCity(movies=1))
    grounded = {"sources": [("https://a.example", "a")]}
    standin.script(
        answer({"cinemas": [{"name": "Standin Cinema 1"}]}, **grounded),
        answer({"movies": FakeCity(movies=1).movie_list()}, **grounded),
        *[answer({"sessions": []}, **grounded)] * 3,
    )

    result = run(kyiv, horizon=6)

    assert len(sessions_asked(standin)) == 3
    assert result.days_done == 3
    # The days it skipped count as asked, so the next run does not ask them either.
    assert CoveredDay.objects.count() == 6
    assert run(kyiv, horizon=6).days_planned == 0

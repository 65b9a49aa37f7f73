import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from apps.showtimes.models import CityMovie, Location, Session, ShowtimesRun
from apps.showtimes.services import (
    city_slug,
    location_claim,
    location_get_or_create,
    location_run_start,
    showtimes_extend_visited,
    showtimes_purge_expired,
    showtimes_request,
    showtimes_retry_failed,
)
from tests.factories.showtimes import CityMovieFactory, LocationFactory, TheaterFactory

pytestmark = pytest.mark.django_db
QUEUED, SCRAPING = Location.Status.QUEUED, Location.Status.SCRAPING


@pytest.mark.parametrize(
    ("city", "slug"),
    [
        ("Kyiv", "kyiv"),
        ("Київ", "kyiv"),
        ("Львів", "lviv"),
        ("Харків", "kharkiv"),
        ("Ivano-Frankivsk", "ivano-frankivsk"),
        ("Ялта", "yalta"),
    ],
)
def test_a_citys_slug_is_its_name_romanized(city, slug):
    assert city_slug(city) == slug


def test_a_city_named_in_ukrainian_is_the_same_city(db):
    assert location_get_or_create(city="Kyiv") == location_get_or_create(city="Київ")


def test_only_one_of_many_claims_takes_the_city(kyiv):
    claims = [location_claim(location=Location.objects.get(pk=kyiv.pk), status=QUEUED) for _ in range(20)]

    assert claims.count(True) == 1


def test_a_city_held_by_a_dead_worker_is_taken_over_once_its_heartbeat_is_old(kyiv):
    assert location_claim(location=kyiv, status=SCRAPING)
    assert not location_claim(location=kyiv, status=QUEUED)
    stale = timezone.now() - dt.timedelta(seconds=301)
    Location.objects.filter(pk=kyiv.pk).update(updated_at=stale)

    with override_settings(SHOWTIMES_LOCK_SECONDS=300):
        assert location_claim(location=kyiv, status=QUEUED)


def test_a_task_delivered_twice_runs_once(kyiv):
    assert location_claim(location=kyiv, status=QUEUED)

    assert location_run_start(location=kyiv)
    assert not location_run_start(location=kyiv)


def test_a_failed_city_is_asked_again_only_when_its_retry_time_comes(
    kyiv, django_capture_on_commit_callbacks
):
    later = timezone.now() + dt.timedelta(minutes=30)
    Location.objects.filter(pk=kyiv.pk).update(status=Location.Status.FAILED, retry_at=later)
    kyiv.refresh_from_db()

    assert not showtimes_request(location=kyiv).is_queued
    assert showtimes_retry_failed() == 0
    Location.objects.filter(pk=kyiv.pk).update(retry_at=timezone.now() - dt.timedelta(seconds=1))
    with django_capture_on_commit_callbacks() as callbacks:
        assert showtimes_retry_failed() == 1
    assert len(callbacks) == 1
    assert Location.objects.get(pk=kyiv.pk).status == QUEUED


def test_a_request_records_the_visit_and_the_nightly_run_extends_visited_cities(
    db, django_capture_on_commit_callbacks
):
    visited = LocationFactory(
        city="Lviv", status=Location.Status.READY, covered_until=timezone.localdate() + dt.timedelta(days=13)
    )
    LocationFactory(city="Odesa", status=Location.Status.READY)
    showtimes_request(location=visited)

    with django_capture_on_commit_callbacks():
        assert showtimes_extend_visited(days=7) == 1

    assert Location.objects.get(pk=visited.pk).status == QUEUED
    assert Location.objects.get(city="Odesa").status == Location.Status.READY


def test_purging_deletes_sessions_and_movies_unseen_for_90_days(kyiv):
    old, fresh = timezone.now() - dt.timedelta(days=91), timezone.now() - dt.timedelta(days=1)
    stale_movie = CityMovieFactory(location=kyiv, last_seen_at=old)
    movie = CityMovieFactory(location=kyiv, last_seen_at=fresh)
    theater = TheaterFactory(location=kyiv)
    Session.objects.create(movie=movie, theater=theater, starts_at=old, last_verified_at=old)
    kept = Session.objects.create(movie=movie, theater=theater, starts_at=fresh, last_verified_at=fresh)
    ShowtimesRun.objects.create(location=kyiv)

    report = showtimes_purge_expired()

    assert (report.sessions, report.movies) == (1, 1)
    assert list(Session.objects.all()) == [kept]
    assert list(CityMovie.objects.all()) == [movie]
    assert not CityMovie.objects.filter(pk=stale_movie.pk).exists()

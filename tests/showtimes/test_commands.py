import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from apps.showtimes.models import Location, Session
from tests.factories.showtimes import CityMovieFactory, TheaterFactory
from tests.showtimes.conftest import catalog_of
from tests.standins.gemini import error

pytestmark = pytest.mark.django_db


def test_scrape_showtimes_creates_the_city_and_prints_a_summary(standin):
    catalog_of(standin.city)
    out = StringIO()

    call_command(
        "scrape_showtimes", "--city", "Київ", "--days", "2", "--model", "flash", stdout=out, stderr=StringIO()
    )

    kyiv = Location.objects.get(slug="kyiv")
    assert kyiv.status == Location.Status.READY
    summary = out.getvalue()
    assert summary.startswith("Київ, Ukraine (kyiv): done; cinemas 2, movies 3")
    assert f"sessions added {Session.objects.count()}" in summary


def test_scrape_showtimes_fails_loudly_when_gemini_does(standin):
    standin.script(*[error(503)] * 4)

    with pytest.raises(CommandError, match="failed"):
        call_command("scrape_showtimes", "--city", "Kyiv", stdout=StringIO(), stderr=StringIO())

    assert Location.objects.get(slug="kyiv").status == Location.Status.FAILED


def test_scrape_showtimes_refuses_a_city_another_run_holds(kyiv):
    Location.objects.filter(pk=kyiv.pk).update(status=Location.Status.SCRAPING, updated_at=timezone.now())

    with pytest.raises(CommandError, match="already under way"):
        call_command("scrape_showtimes", "--city", "Kyiv", stdout=StringIO(), stderr=StringIO())


def test_purge_expired_reports_what_it_deleted(kyiv):
    old = timezone.now() - dt.timedelta(days=100)
    movie = CityMovieFactory(location=kyiv, last_seen_at=old)
    Session.objects.create(
        movie=movie, theater=TheaterFactory(location=kyiv), starts_at=old, last_verified_at=old
    )
    out = StringIO()

    call_command("purge_expired", stdout=out)

    assert out.getvalue().strip() == "purged sessions 1, city movies 1"

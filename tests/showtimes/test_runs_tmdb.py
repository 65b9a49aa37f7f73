"""Runs with TMDB: unknown movies created through TMDB, and TMDB's now-playing list compared.

Both stand-ins speak their real wire protocols: Gemini's REST through google-genai, TMDB's
API v3 through the TMDB client.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from apps.catalog.models import Title
from apps.catalog.selectors import title_display_name
from apps.showtimes.models import CityMovie, Location, Session, ShowtimesRun
from apps.showtimes.services import location_claim, showtimes_city_run
from tests.factories.catalog import TitleFactory
from tests.standins.tmdb import FIGHT_CLUB_TMDB, Fault

pytestmark = pytest.mark.django_db
NEW_TMDB, NEW_IMDB = 900_001, "tt9900001"


def run(location: Location) -> ShowtimesRun:
    assert location_claim(location=location, status=Location.Status.SCRAPING, is_forced=True)
    return showtimes_city_run(location=location, horizon=2)


@pytest.fixture
def city(standin, tmdb_standin):
    """Gemini's city plays three movies: the catalog knows the second, TMDB the first, nobody the third."""
    movies = standin.city.movie_list()
    TitleFactory(
        imdb_id=movies[1]["imdb_id"],
        primary_title=movies[1]["original_title"],
        start_year=movies[1]["year"],
        runtime_minutes=100,
    )
    tmdb_standin.movie_add(
        tmdb_id=NEW_TMDB,
        imdb_id=NEW_IMDB,
        title=movies[0]["original_title"],
        release_date=f"{movies[0]['year']}-05-01",
        uk_title=movies[0]["title"],
        poster_path="/standinMovie1.jpg",
    )
    return standin


def test_a_movie_unknown_to_the_catalog_is_created_from_tmdb_and_its_sessions_stored(city, kyiv):
    result = run(kyiv)

    assert result.status == ShowtimesRun.Status.DONE
    title = Title.objects.get(imdb_id=NEW_IMDB)
    assert title.tmdb_id == NEW_TMDB
    assert title.poster_path == "/standinMovie1.jpg"
    assert title.start_year == 2021
    assert title_display_name(title=title, language="uk") == "Фільм 1"
    movie = CityMovie.objects.get(location=kyiv, name="Фільм 1")
    assert movie.title == title
    assert Session.objects.filter(movie=movie).exists()
    assert result.tmdb["created"] == ["Фільм 1"]
    # The third movie TMDB does not know either: unmatched, as before, with the reason.
    assert result.unmatched == ["Фільм 3"]
    assert "no movie" in result.tmdb["unmatched_reasons"]["Фільм 3"]
    assert not Session.objects.filter(movie__name="Фільм 3").exists()


def test_a_tmdb_movie_without_an_imdb_id_stays_unmatched_with_the_reason(city, kyiv, tmdb_standin):
    tmdb_standin.details_change(NEW_TMDB, imdb_id=None)

    result = run(kyiv)

    assert "Фільм 1" in result.unmatched
    assert "has no IMDb id" in result.tmdb["unmatched_reasons"]["Фільм 1"]
    assert not Title.objects.filter(tmdb_id=NEW_TMDB).exists()


def test_tmdb_unavailable_leaves_the_movie_unmatched_and_the_run_going(city, kyiv, tmdb_standin):
    tmdb_standin.fault_add(Fault("/3/", status=503), count=1000)

    result = run(kyiv)

    kyiv.refresh_from_db()
    assert result.status == ShowtimesRun.Status.DONE
    assert kyiv.status == Location.Status.READY
    assert result.unmatched == ["Фільм 1", "Фільм 3"]
    assert result.tmdb["unmatched_reasons"]["Фільм 1"].startswith("TMDB failed")
    assert "error" in result.tmdb["now_playing"]
    assert Session.objects.filter(movie__name="Фільм 2").exists()


def test_without_a_tmdb_key_the_run_says_tmdb_was_skipped(standin, kyiv):
    with override_settings(TMDB_API_KEY=""):
        result = run(kyiv)

    assert result.status == ShowtimesRun.Status.DONE
    assert result.unmatched == ["Фільм 1", "Фільм 2", "Фільм 3"]
    assert "TMDB_API_KEY is not set" in result.tmdb["skipped"]


def test_tmdbs_now_playing_list_is_compared_with_geminis_movies_and_shown_to_admins(
    city, kyiv, tmdb_standin, admin_client
):
    # 25 movies: TMDB pages its list by 20, so both pages must be read.
    for number in range(24):
        tmdb_standin.movie_add(
            tmdb_id=800_000 + number, imdb_id=None, title=f"Elsewhere {number}", release_date="2026-11-01"
        )
    tmdb_standin.now_playing = [NEW_TMDB, *range(800_000, 800_023), FIGHT_CLUB_TMDB]

    result = run(kyiv)

    playing = result.tmdb["now_playing"]
    assert playing["listed"] == 25
    assert playing["both"] == ["Фільм 1"]
    assert playing["gemini_only"] == ["Фільм 2", "Фільм 3"]
    assert playing["tmdb_only"][-1] == "Бійцівський клуб"
    assert len(playing["tmdb_only"]) == 24
    page = admin_client.get(reverse("admin:showtimes_showtimesrun_change", args=[result.pk])).content.decode()
    assert "Знайдено Gemini і є в списку TMDB" in page  # the admin speaks Ukrainian by default
    assert "Бійцівський клуб" in page


def test_the_command_names_what_tmdb_created_and_why_the_rest_stayed_unmatched(city):
    out = StringIO()

    call_command("scrape_showtimes", "--city", "Kyiv", "--days", "2", stdout=out, stderr=StringIO())

    summary = out.getvalue()
    assert "created from TMDB: Фільм 1" in summary
    assert "unmatched: Фільм 3 (TMDB found no movie of that name and year)" in summary


def test_the_command_says_tmdb_was_skipped_without_a_key(standin):
    out = StringIO()

    with override_settings(TMDB_API_KEY=""):
        call_command("scrape_showtimes", "--city", "Kyiv", "--days", "2", stdout=out, stderr=StringIO())

    assert "TMDB: TMDB_API_KEY is not set" in out.getvalue()

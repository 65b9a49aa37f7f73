"""`manage.py enrich_tmdb` and the daily task end to end: TMDB stand-in, the catalog pipeline, events."""

import subprocess
import sys
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import override_settings

from apps.catalog.models import Credit, Person, Source, Title
from apps.catalog.services import titles_ingest
from apps.catalog.tasks import tmdb_daily_enrich_task
from apps.scraping.tmdb import IMAGE_BASE_KEY
from apps.stream.models import Event
from tests.standins.tmdb import FIGHT_CLUB_IMDB, FIGHT_CLUB_TMDB, SINNERS_IMDB, Fault, TmdbStandin
from tests.support.processes import BASE_DIR

UNKNOWN_IMDB = "tt0000777"


def enrich(*args: str) -> str:
    out = StringIO()
    call_command("enrich_tmdb", *args, stdout=out, stderr=StringIO(), verbosity=0)
    return out.getvalue()


@pytest.fixture
def catalog(db) -> None:
    """Fight Club, Sinners and a title TMDB does not know, as IMDb's datasets gave them."""
    cache.delete(IMAGE_BASE_KEY)
    titles_ingest(
        [
            {
                "imdb_id": FIGHT_CLUB_IMDB,
                "title_type": "movie",
                "primary_title": "Fight Club",
                "start_year": 1999,
                "runtime_minutes": 139,
                "rating": 8.8,
                "votes": 2_500_000,
                "genres": ["Drama"],
                "directors": [{"imdb_id": "nm0000399", "name": "David Fincher"}],
                "writers": [{"imdb_id": "nm0880243", "name": "Jim Uhls"}],
                "stars": [
                    {"imdb_id": "nm0001570", "name": "Edward Norton", "characters": ["The Narrator"]},
                    {"imdb_id": "nm0000093", "name": "Brad Pitt", "ordering": 1},
                ],
            },
            {"imdb_id": SINNERS_IMDB, "title_type": "movie", "primary_title": "Sinners", "votes": 300_000},
            {"imdb_id": UNKNOWN_IMDB, "title_type": "short", "primary_title": "Unknown", "votes": 10},
        ],
        source=Source.IMDB_DATASETS,
    )
    yield
    cache.delete(IMAGE_BASE_KEY)


def test_a_title_gets_tmdb_images_texts_rating_trailers_providers_and_photos_in_one_event(
    tmdb_standin: TmdbStandin, catalog
):
    events = Event.objects.count()

    summary = enrich("--title", FIGHT_CLUB_IMDB)

    assert "titles asked 1, found 1, unknown to TMDB 0, failed 0" in summary
    assert "updated 1" in summary
    title = Title.objects.get(imdb_id=FIGHT_CLUB_IMDB)
    assert title.tmdb_id == FIGHT_CLUB_TMDB
    assert title.poster_path == "/ukPosterFightClub.jpg"
    assert title.backdrop_path == "/hZkgoQYus5vegHoetLkCJzb17zJ.jpg"
    assert title.translations["uk"]["title"] == "Бійцівський клуб"
    assert title.translations["ru"]["title"] == "Бойцовский клуб"
    assert title.translations["en"]["tagline"] == "Mischief. Mayhem. Soap."
    assert (title.release_region, title.regional_release_date, title.age_rating) == (
        "UA",
        date(1999, 11, 11),
        "18+",
    )
    assert title.trailers[0] == {
        "key": "qtRKdVHc-cE",
        "name": "Fight Club | #TBT Trailer | 20th Century FOX",
        "language": "en",
        "official": True,
    }
    assert title.watch_providers["flatrate"] == [
        {"name": "Netflix", "logo_path": "/pbpMk2JmcoNnQwx5JGpXngfoWtp.jpg"}
    ]
    assert title.watch_providers["link"].endswith("locale=UA")
    assert (title.tmdb_vote_average, title.tmdb_vote_count) == (Decimal("8.4"), 27917)
    assert (title.original_language, title.countries) == ("en", ["DE", "US"])
    assert title.tmdb_checked_at is not None
    # IMDb's rating, votes and runtime stay; the missing plot is TMDB's English overview.
    assert (title.rating, title.votes, title.runtime_minutes) == (Decimal("8.8"), 2_500_000, 139)
    assert title.plot.startswith("A ticking-time-bomb insomniac")
    assert title.field_sources["poster_path"][0] == "tmdb"
    assert title.field_sources["rating"][0] == "imdb_datasets"
    pitt = Person.objects.get(imdb_id="nm0000093")
    assert (pitt.tmdb_id, pitt.profile_path, pitt.known_for_department) == (
        287,
        "/cckcYc2v0yh1tc9QjRelptcOBko.jpg",
        "Acting",
    )
    assert Person.objects.get(imdb_id="nm0000399").profile_path == "/tpEczFclQZeKAiCeKZZ0adRvtfz.jpg"
    assert Credit.objects.get(person=pitt).characters == ["Tyler Durden"]  # IMDb had none
    assert Credit.objects.get(person__imdb_id="nm0001570").characters == ["The Narrator"]  # IMDb's stays
    published = list(Event.objects.order_by("pk")[events:])
    assert len(published) == 1
    assert published[0].payload["id"] == FIGHT_CLUB_IMDB
    assert published[0].payload["poster"] == "https://image.tmdb.org/t/p/w342/ukPosterFightClub.jpg"
    # The Ukrainian name reaches the feed and the list's alphabetical order.
    assert published[0].payload["titles"]["uk"] == "Бійцівський клуб"
    assert (title.name_uk, title.name_ru) == ("Бійцівський клуб", "Бойцовский клуб")

    again = enrich("--title", FIGHT_CLUB_IMDB)

    assert "updated 0, unchanged 1" in again
    assert "events 0" in again
    assert Event.objects.count() == events + 1


def test_a_change_on_tmdb_is_stored_and_announced_on_the_next_run(tmdb_standin: TmdbStandin, catalog):
    enrich("--title", FIGHT_CLUB_IMDB)
    events = Event.objects.count()
    tmdb_standin.details_change(FIGHT_CLUB_TMDB, vote_average=8.6, backdrop_path="/new.jpg")

    enrich("--title", FIGHT_CLUB_IMDB)

    title = Title.objects.get(imdb_id=FIGHT_CLUB_IMDB)
    assert (title.tmdb_vote_average, title.backdrop_path) == (Decimal("8.6"), "/new.jpg")
    assert Event.objects.count() == events + 1


def test_without_title_ids_new_titles_are_asked_once_and_unknown_ones_not_again(
    tmdb_standin: TmdbStandin, catalog
):
    first = enrich()

    assert "titles asked 3, found 2, unknown to TMDB 1" in first
    assert Title.objects.get(imdb_id=UNKNOWN_IMDB).tmdb_checked_at is not None
    sinners = Title.objects.get(imdb_id=SINNERS_IMDB)
    assert sinners.age_rating == "R"
    assert sinners.release_region == "US"
    assert set(sinners.translations) == {"en"}  # TMDB has no Ukrainian texts for it

    assert "titles asked 0" in enrich()
    assert "titles asked 0" in enrich("--missing", "poster")  # known titles have posters now
    assert "titles asked 1, found 0, unknown to TMDB 1" in enrich("--title", UNKNOWN_IMDB)
    assert len(tmdb_standin.requests_seen(f"/3/find/{UNKNOWN_IMDB}")) == 2


def test_a_title_tmdb_fails_for_is_left_to_the_next_run(tmdb_standin: TmdbStandin, catalog):
    tmdb_standin.fault_add(Fault(f"/3/find/{SINNERS_IMDB}", status=503), count=10)

    with override_settings(TMDB_RETRIES=0):
        summary = enrich("--limit", "2")

    assert "titles asked 2, found 1, unknown to TMDB 0, failed 1" in summary
    assert f"{SINNERS_IMDB}: /find/{SINNERS_IMDB}: HTTP 503" in summary
    assert Title.objects.get(imdb_id=SINNERS_IMDB).tmdb_checked_at is None


def test_without_a_key_the_command_says_so_in_one_line_and_fails():
    result = subprocess.run(
        [sys.executable, "manage.py", "enrich_tmdb"],
        cwd=BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "CINESTREAM_ENV_FILE": "", "DEBUG": "true", "TMDB_API_KEY": ""},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1
    assert result.stderr == "CommandError: TMDB_API_KEY is not set: TMDB enrichment is off\n"
    assert result.stdout == ""


def test_a_refused_key_stops_the_run_with_the_setting_named(tmdb_standin: TmdbStandin, catalog):
    with override_settings(TMDB_API_KEY="wrong"), pytest.raises(CommandError, match="TMDB_API_KEY"):
        enrich()

    assert not Title.objects.filter(tmdb_checked_at__isnull=False).exists()


def test_the_daily_task_enriches_new_titles_and_skips_without_a_key(tmdb_standin: TmdbStandin, catalog):
    with override_settings(TMDB_API_KEY=""):
        assert tmdb_daily_enrich_task.apply().get() == {"skipped": "TMDB_API_KEY is not set"}

    result = tmdb_daily_enrich_task.apply().get()

    assert (result["asked"], result["found"], result["not_found"]) == (3, 2, 1)
    rerun = tmdb_daily_enrich_task.apply().get()
    # The most shown titles are asked again; the one TMDB does not know is not.
    assert (rerun["asked"], rerun["events"]) == (2, 0)


def test_a_run_for_one_language_keeps_the_other_languages_texts(tmdb_standin: TmdbStandin, catalog):
    enrich("--title", FIGHT_CLUB_IMDB)

    summary = enrich("--title", FIGHT_CLUB_IMDB, "tt0000001", "--lang", "uk")

    assert set(Title.objects.get(imdb_id=FIGHT_CLUB_IMDB).translations) == {"uk", "ru", "en"}
    assert "updated 0" in summary
    assert "tt0000001: not in the catalog" in summary


def test_an_unknown_language_is_refused(catalog):
    with pytest.raises(CommandError, match="--lang: expected a comma list of uk, ru, en, got 'uk,de'"):
        enrich("--lang", "uk,de")

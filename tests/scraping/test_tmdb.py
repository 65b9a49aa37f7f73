"""The TMDB client against the TMDB stand-in: real HTTP on loopback, nothing patched."""

import time

import pytest
from django.core.cache import cache
from django.test import override_settings

from apps.scraping.models import TmdbCallDay
from apps.scraping.tmdb import (
    IMAGE_BASE_KEY,
    TmdbClient,
    TmdbNotConfigured,
    TmdbNotFound,
    TmdbUnavailable,
    image_base,
)
from apps.scraping.tmdb_records import TmdbMoviePage, title_people, title_raw
from tests.standins.tmdb import (
    BREAKING_BAD_IMDB,
    BREAKING_BAD_TMDB,
    FIGHT_CLUB_IMDB,
    FIGHT_CLUB_TMDB,
    LEGACY_MISSING_ID,
    SINNERS_IMDB,
    SINNERS_TMDB,
    V3_KEY,
    V4_TOKEN,
    Fault,
)

# Every request is counted in the TMDB ledger (TmdbCallDay).
pytestmark = pytest.mark.django_db

LANGUAGES = ("uk", "ru", "en")
MIRROR = "https://images.mirror.example/t/p/"


def test_a_title_is_found_by_its_imdb_id_and_its_details_carry_every_appended_part(tmdb_standin):
    with TmdbClient() as client:
        found = client.find(FIGHT_CLUB_IMDB)
        details = client.details("movie", FIGHT_CLUB_TMDB)

    assert found == ("movie", FIGHT_CLUB_TMDB)
    raw = title_raw(
        details, imdb_id=FIGHT_CLUB_IMDB, kind="movie", languages=LANGUAGES, has_plot=True, has_runtime=True
    )
    assert raw["translations"]["uk"] == {
        "title": "Бійцівський клуб",
        "overview": "Страховий оцінювач, що страждає від безсоння, знайомиться з продавцем мила.",
        "tagline": "Пустощі. Хаос. Мило.",
    }
    assert "tagline" not in raw["translations"]["ru"]  # TMDB's empty tagline is no tagline
    assert (raw["release_region"], raw["regional_release_date"].isoformat(), raw["age_rating"]) == (
        "UA",
        "1999-11-11",
        "18+",
    )
    assert [trailer["key"] for trailer in raw["trailers"]] == ["qtRKdVHc-cE", "uKtrAiler01", "BdJKm16Co6M"]
    assert raw["watch_providers"] == {
        "link": "https://www.themoviedb.org/movie/550-fight-club/watch?locale=UA",
        "flatrate": [{"name": "Netflix", "logo_path": "/pbpMk2JmcoNnQwx5JGpXngfoWtp.jpg"}],
        "buy": [
            {"name": "Google Play Movies", "logo_path": "/8z7rC8uIDaTM91X0ZfkRf04ydj2.jpg"},
            {"name": "Apple TV", "logo_path": "/9ghgSC0MA082EL6HLCW3GalykFD.jpg"},
        ],
    }
    assert raw["poster_path"] == "/ukPosterFightClub.jpg"
    assert raw["countries"] == ["DE", "US"]
    assert "plot" not in raw
    assert "runtime_minutes" not in raw
    people = {(person.role, person.name): person for person in title_people(details)}
    assert people["stars", "Brad Pitt"].character == "Tyler Durden"
    assert people["directors", "David Fincher"].profile_path == "/tpEczFclQZeKAiCeKZZ0adRvtfz.jpg"
    assert ("writers", "Jim Uhls") in people
    asked = tmdb_standin.requests_seen(f"/3/movie/{FIGHT_CLUB_TMDB}")[0].query
    assert asked["append_to_response"] == ["translations,release_dates,videos,watch/providers,credits,images"]


def test_a_title_without_ukrainian_texts_keeps_english_and_the_us_rating(tmdb_standin):
    with TmdbClient() as client:
        details = client.details("movie", SINNERS_TMDB)

    raw = title_raw(
        details, imdb_id=SINNERS_IMDB, kind="movie", languages=LANGUAGES, has_plot=False, has_runtime=False
    )

    assert set(raw["translations"]) == {"en"}
    assert raw["translations"]["en"]["title"] == "Sinners"
    assert raw["plot"].startswith("Trying to leave their troubled lives behind")
    assert (raw["release_region"], raw["age_rating"], raw["runtime_minutes"]) == ("US", "R", 138)
    assert raw["watch_providers"] == {}
    assert raw["trailers"] == []


def test_a_series_is_found_with_its_seasons_and_its_us_content_rating(tmdb_standin):
    with TmdbClient() as client:
        found = client.find(BREAKING_BAD_IMDB)
        details = client.details(*found)

    raw = title_raw(
        details, imdb_id=BREAKING_BAD_IMDB, kind="tv", languages=LANGUAGES, has_plot=True, has_runtime=False
    )

    assert found == ("tv", BREAKING_BAD_TMDB)
    assert raw["number_of_seasons"] == 5
    assert (raw["release_region"], raw["regional_release_date"], raw["age_rating"]) == ("US", None, "TV-MA")
    assert raw["runtime_minutes"] == 45
    assert raw["translations"]["uk"] == {
        "title": "Пуститися берега",
        "overview": "Учитель хімії дізнається, що має рак.",
    }
    assert raw["translations"]["en"]["title"] == "Breaking Bad"  # from the details: no English entry
    asked = tmdb_standin.requests_seen(f"/3/tv/{BREAKING_BAD_TMDB}")[0].query
    assert "content_ratings" in asked["append_to_response"][0].split(",")


def test_requests_are_spaced_to_the_configured_rate(tmdb_standin):
    with override_settings(TMDB_REQUESTS_PER_SECOND=20), TmdbClient() as client:
        for _ in range(5):
            client.find(FIGHT_CLUB_IMDB)

    seen = tmdb_standin.requests_seen("/3/find/")
    assert seen[-1].at - seen[0].at >= 4 / 20 - 0.01


def test_a_title_tmdb_does_not_know_is_none(tmdb_standin):
    with TmdbClient() as client:
        assert client.find("tt9999999") is None


@pytest.mark.parametrize("tmdb_id", [123_456, LEGACY_MISSING_ID], ids=["current-404", "legacy-404"])
def test_missing_details_are_not_found_in_both_404_shapes(tmdb_standin, tmdb_id):
    with TmdbClient() as client, pytest.raises(TmdbNotFound, match="could not be found"):
        client.details("movie", tmdb_id)


def test_a_refused_key_is_a_configuration_error_naming_the_setting(tmdb_standin):
    with (
        override_settings(TMDB_API_KEY="not-a-key"),
        TmdbClient() as client,
        pytest.raises(TmdbNotConfigured, match=r"TMDB_API_KEY.*Invalid API key"),
    ):
        client.find(FIGHT_CLUB_IMDB)


def test_no_key_is_a_configuration_error(tmdb_standin):
    with override_settings(TMDB_API_KEY=""), pytest.raises(TmdbNotConfigured, match="TMDB_API_KEY"):
        TmdbClient()


def test_a_v4_token_is_sent_as_a_bearer_header_and_a_v3_key_as_a_parameter(tmdb_standin):
    with TmdbClient() as client:
        client.find(FIGHT_CLUB_IMDB)
    with override_settings(TMDB_API_KEY=V4_TOKEN), TmdbClient() as client:
        assert client.find(FIGHT_CLUB_IMDB) == ("movie", FIGHT_CLUB_TMDB)

    v3, v4 = tmdb_standin.requests_seen("/3/find/")
    assert (v3.auth, v4.auth) == ("v3", "v4")
    assert "api_key" not in v4.query


def test_a_429_with_retry_after_is_waited_for_then_answered(tmdb_standin):
    tmdb_standin.fault_add(Fault("/3/find/", status=429, retry_after="1"))

    with TmdbClient() as client:
        assert client.find(FIGHT_CLUB_IMDB) == ("movie", FIGHT_CLUB_TMDB)

    limited, answered = tmdb_standin.requests_seen("/3/find/")
    assert limited.status == 429
    assert answered.status == 200
    assert answered.at - limited.at >= 0.95


def test_a_429_without_retry_after_is_retried_after_a_backoff(tmdb_standin):
    tmdb_standin.fault_add(Fault("/3/find/", status=429), count=2)

    with TmdbClient() as client:
        assert client.find(FIGHT_CLUB_IMDB) == ("movie", FIGHT_CLUB_TMDB)

    seen = tmdb_standin.requests_seen("/3/find/")
    assert [request.status for request in seen] == [429, 429, 200]
    assert seen[1].at - seen[0].at >= 0.04  # TMDB_BACKOFF_SECONDS, not at once


def test_server_errors_past_the_retries_are_unavailable(tmdb_standin):
    tmdb_standin.fault_add(Fault("/3/find/", status=503), count=10)

    with (
        override_settings(TMDB_RETRIES=2),
        TmdbClient() as client,
        pytest.raises(TmdbUnavailable, match="503"),
    ):
        client.find(FIGHT_CLUB_IMDB)

    assert len(tmdb_standin.requests_seen("/3/find/")) == 3


def test_each_request_is_counted_in_the_days_ledger_with_its_failures(tmdb_standin):
    tmdb_standin.fault_add(Fault("/3/find/", status=503), count=10)
    with TmdbClient() as client:
        client.details("movie", FIGHT_CLUB_TMDB)
        client.details("movie", FIGHT_CLUB_TMDB)
        with override_settings(TMDB_RETRIES=0), pytest.raises(TmdbUnavailable):
            TmdbClient().find(FIGHT_CLUB_IMDB)

    ledger = {row.endpoint: (row.calls, row.failed) for row in TmdbCallDay.objects.all()}
    assert ledger == {"movie": (2, 0), "find": (1, 1)}


def test_an_answer_slower_than_the_timeout_is_unavailable_without_waiting_for_it(tmdb_standin):
    tmdb_standin.fault_add(Fault("/3/find/", delay=30), count=5)

    started = time.monotonic()
    with (
        override_settings(TMDB_TIMEOUT_SECONDS=0.3),
        TmdbClient() as client,
        pytest.raises(TmdbUnavailable) as raised,
    ):
        client.find(FIGHT_CLUB_IMDB)

    assert time.monotonic() - started < 5  # one timeout, no retry, and never the 30 s answer
    assert raised.value.__cause__ is None  # whose message would hold the URL and so the key
    assert V3_KEY not in str(raised.value)


def test_the_image_base_is_asked_once_and_cached_for_pages(tmdb_standin):
    cache.delete(IMAGE_BASE_KEY)
    with override_settings(TMDB_IMAGE_BASE_URL=MIRROR):
        assert image_base() == MIRROR

    with TmdbClient() as client:
        client.image_base_refresh()
        client.image_base_refresh()

    assert image_base() == "https://image.tmdb.org/t/p/"
    assert len(tmdb_standin.requests_seen("/3/configuration")) == 1
    cache.delete(IMAGE_BASE_KEY)


def test_an_unreachable_cache_leaves_the_usual_image_base(tmdb_standin):
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }

    with override_settings(CACHES=unreachable):
        with TmdbClient() as client:
            assert client.image_base_refresh() == "https://image.tmdb.org/t/p/"
        with override_settings(TMDB_IMAGE_BASE_URL=MIRROR):
            assert image_base() == MIRROR


def test_odd_entries_in_a_list_are_left_out_rather_than_failing_the_title(tmdb_standin):
    parts = tmdb_standin.titles["movie", FIGHT_CLUB_TMDB]["parts"]
    parts["videos"]["results"].insert(0, {"site": "YouTube", "type": "Trailer", "name": "no key"})
    parts["credits"]["cast"].insert(0, {"character": "nobody", "order": 0})
    parts["watch/providers"]["results"]["UA"]["flatrate"].append({"logo_path": "/x.jpg", "newField": 1})

    with TmdbClient() as client:
        details = client.details("movie", FIGHT_CLUB_TMDB)

    raw = title_raw(
        details, imdb_id=FIGHT_CLUB_IMDB, kind="movie", languages=LANGUAGES, has_plot=True, has_runtime=True
    )
    assert raw["trailers"][0]["key"] == "qtRKdVHc-cE"
    assert [provider["name"] for provider in raw["watch_providers"]["flatrate"]] == ["Netflix"]
    assert "nobody" not in [person.character for person in title_people(details)]


def test_a_movie_search_answers_in_ukrainian_with_the_year_asked(tmdb_standin):
    with TmdbClient() as client:
        found = client.movie_search("Fight Club", year=1999)
        other_year = client.movie_search("Fight Club", year=2005)
        sample = client.movie_search("rrrrrrr")

    assert [(movie.id, movie.title, movie.original_title, movie.year) for movie in found] == [
        (FIGHT_CLUB_TMDB, "Бійцівський клуб", "Fight Club", 1999)
    ]
    assert other_year == []
    assert [(movie.title, movie.year, movie.vote_count) for movie in sample] == [("RRRrrrr!!!", 2004, 1107)]
    asked = tmdb_standin.requests_seen("/3/search/movie")[0].query
    assert (asked["query"], asked["year"], asked["language"]) == (["Fight Club"], ["1999"], ["uk-UA"])


def test_an_empty_search_is_not_asked(tmdb_standin):
    with TmdbClient() as client:
        assert client.movie_search("  ") == []

    assert tmdb_standin.requests_seen("/3/search/movie") == []


def test_tmdbs_validation_error_is_reported_with_its_message(tmdb_standin):
    # TMDB's 422 has its own body shape: {"errors": [...]}.
    with TmdbClient() as client, pytest.raises(TmdbUnavailable, match="query must be provided"):
        client._get("/search/movie", TmdbMoviePage, query="")


def test_the_now_playing_list_is_read_page_by_page_for_ukraine(tmdb_standin):
    tmdb_standin.now_playing = [FIGHT_CLUB_TMDB, SINNERS_TMDB] * 11  # 22 entries: two pages

    with TmdbClient() as client:
        playing = client.now_playing()

    assert len(playing.results) == 22
    assert playing.results[0].title == "Бійцівський клуб"
    assert (playing.dates.minimum, playing.dates.maximum) == ("2026-10-29", "2026-12-10")
    asked = [request.query for request in tmdb_standin.requests_seen("/3/movie/now_playing")]
    assert [query["page"] for query in asked] == [["1"], ["2"]]
    assert all(query["region"] == ["UA"] and query["language"] == ["uk-UA"] for query in asked)

"""The circuit breaker and the merge of a title's pages in several languages (no browser)."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from apps.scraping.circuit import CircuitOpen, circuit_block, circuit_check, circuit_close, circuit_success
from apps.scraping.imdb_client import ImdbBadRequest, list_url
from apps.scraping.models import ScrapeCircuit, ScrapeRun
from apps.scraping.services import records_localize

pytestmark = pytest.mark.embedded


@pytest.mark.django_db
@override_settings(SCRAPER_BREAKER_BLOCKS=3, SCRAPER_BREAKER_PAUSE_SECONDS=600)
def test_blocks_in_a_row_open_the_circuit_for_the_pause():
    assert not circuit_block(reason="waf captcha (HTTP 405)")
    circuit_success()  # a page got through: the count starts again
    assert not circuit_block(reason="waf captcha (HTTP 405)")
    assert not circuit_block(reason="waf captcha (HTTP 405)")

    assert circuit_block(reason="forbidden (HTTP 403)")

    with pytest.raises(CircuitOpen, match=r"scraping paused until .*forbidden \(HTTP 403\)"):
        circuit_check()
    circuit = ScrapeCircuit.objects.get()
    assert timedelta(seconds=590) < circuit.reopens_at - circuit.opened_at <= timedelta(seconds=600)


@pytest.mark.django_db
@override_settings(SCRAPER_BREAKER_BLOCKS=2)
def test_after_the_pause_one_block_reopens_it_and_one_success_closes_it():
    circuit_block(reason="blocked")
    circuit_block(reason="blocked")
    ScrapeCircuit.objects.update(reopens_at=timezone.now() - timedelta(seconds=1))  # the pause is over
    circuit_check()

    assert circuit_block(reason="blocked again")  # the trial page was blocked too

    ScrapeCircuit.objects.update(reopens_at=timezone.now() - timedelta(seconds=1))
    circuit_success()
    assert not circuit_block(reason="one block")
    circuit_check()


@pytest.mark.django_db
@override_settings(SCRAPER_BREAKER_BLOCKS=1)
def test_the_admin_shows_the_open_circuit_and_the_runs(admin_client):
    circuit_block(reason="waf captcha (HTTP 405) at https://www.imdb.com/chart/top/")
    ScrapeRun.objects.create(kind="chart", target="top", languages="en", status="circuit_open", blocked=5)

    circuits = admin_client.get("/admin/scraping/scrapecircuit/").content.decode()
    runs = admin_client.get("/admin/scraping/scraperun/").content.decode()

    assert "waf captcha (HTTP 405) at https://www.imdb.com/chart/top/" in circuits
    assert "icon-yes" in circuits  # open
    assert "top" in runs

    circuit_close()
    circuit_check()


def test_other_languages_add_their_display_titles_as_localized_titles():
    english = {
        "imdb_id": "tt1375666",
        "primary_title": "Inception",
        "plot": "A thief…",
        "source": "imdb_page",
    }
    ukrainian = {"imdb_id": "tt1375666", "primary_title": "Початок", "plot": "Злодій…", "source": "imdb_page"}
    russian = {"imdb_id": "tt1375666", "primary_title": "Начало", "source": "imdb_page"}

    [record] = records_localize({"uk": [ukrainian], "en": [english], "ru": [russian]})
    [alone] = records_localize({"uk": [ukrainian]})

    assert record["primary_title"] == "Inception"
    assert record["plot"] == "A thief…"
    assert record["akas"] == [
        {"name": "Початок", "region": "UA", "language": "uk"},
        {"name": "Начало", "region": "RU", "language": "ru"},
    ]
    assert "primary_title" not in alone  # IMDb's primary title is the English one
    assert "plot" not in alone
    assert alone["akas"] == [{"name": "Початок", "region": "UA", "language": "uk"}]


@override_settings(IMDB_BASE_URL="https://www.imdb.com")
def test_a_search_url_is_read_in_each_language_under_its_prefix():
    url = "https://www.imdb.com/uk/search/title/?title=matrix&sort=user_rating,desc"

    assert (
        list_url(url, language="en")
        == "https://www.imdb.com/search/title/?title=matrix&sort=user_rating,desc"
    )
    assert (
        list_url(url, language="ru")
        == "https://www.imdb.com/ru/search/title/?title=matrix&sort=user_rating,desc"
    )
    with pytest.raises(ImdbBadRequest, match="not an IMDb URL"):
        list_url("https://example.com/search/title/?title=matrix", language="uk")

"""`manage.py scrape_imdb` end to end: stand-in IMDb, real Chromium, the catalog pipeline, the breaker."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from apps.catalog.models import LocalizedTitle, Title
from apps.catalog.tasks import scrape_titles_task
from apps.scraping.browser import browser_processes
from apps.scraping.models import ScrapeCircuit, ScrapeRun
from apps.stream.models import Event
from tests.standins.imdb_site import CAPTCHA_ID, FORBIDDEN_ID, ImdbSite
from tests.support.scraping import FAST, chromium_required, eventually


def scrape(*args: str) -> str:
    out = StringIO()
    with override_settings(**FAST):
        call_command("scrape_imdb", *args, stdout=out, stderr=StringIO(), verbosity=0)
    return out.getvalue()


@pytest.fixture
def site(imdb_site: ImdbSite):
    chromium_required()
    yield imdb_site
    eventually(lambda: browser_processes() == [])


@pytest.mark.browser
@pytest.mark.django_db
def test_titles_are_stored_with_their_localized_names_and_a_rerun_changes_nothing(site: ImdbSite):
    summary = scrape("--title", "tt1375666", "tt0095327", "--lang", "uk,en")

    assert "pages 4, records 4, blocked 0, failed 0" in summary
    inception = Title.objects.get(imdb_id="tt1375666")
    assert inception.primary_title == "Inception"
    assert inception.plot == site.title("tt1375666").plot("en")
    assert inception.runtime_minutes == 148
    assert LocalizedTitle.objects.filter(title=inception, language="uk", region="UA", name="Початок").exists()
    fireflies = Title.objects.get(imdb_id="tt0095327")
    assert fireflies.original_title == site.title("tt0095327").original_title
    events = Event.objects.count()
    assert events >= 2

    # The Celery task does the same work; nothing changed, so nothing is stored or published.
    again = scrape_titles_task.apply(args=[["tt1375666", "tt0095327"], ["uk", "en"]]).get()

    assert again["updated"] == 0
    assert again["inserted"] == 0
    assert again["events"] == 0
    assert Event.objects.count() == events
    assert list(ScrapeRun.objects.values_list("status", flat=True)) == ["done", "done"]


@pytest.mark.browser
@pytest.mark.django_db
def test_a_chart_and_a_search_store_their_rows_up_to_the_limit(site: ImdbSite):
    scrape("--chart", "top", "--limit", "30")
    chart = [title.imdb_id for title in site.chart("top")[:30]]
    assert set(Title.objects.values_list("imdb_id", flat=True)) == set(chart)

    url = site.url("/search/title/?genres=comedy")
    summary = scrape("--url", url, "--limit", "120")

    assert "records 120" in summary
    found = [title.imdb_id for title in site.search_results("genres=comedy")[:120]]
    assert Title.objects.filter(imdb_id__in=found).count() == 120


@pytest.mark.browser
@pytest.mark.django_db
def test_blocked_pages_are_counted_and_never_stored(site: ImdbSite):
    summary = scrape("--title", FORBIDDEN_ID, CAPTCHA_ID, "tt0111161")

    assert "pages 1, records 1, blocked 2, failed 0" in summary
    assert list(Title.objects.values_list("imdb_id", flat=True)) == ["tt0111161"]


@pytest.mark.browser
@pytest.mark.django_db
def test_repeated_blocks_open_the_circuit_and_scraping_pauses(site: ImdbSite):
    site.block("captcha")

    with (
        override_settings(SCRAPER_BREAKER_BLOCKS=3),
        pytest.raises(CommandError, match="scraping paused until"),
    ):
        scrape("--title", "tt0111161", "tt1375666", "tt0068646", "tt0095327", "tt0110912", "tt0120737")

    circuit = ScrapeCircuit.objects.get(name="imdb")
    assert circuit.is_open
    assert "captcha" in circuit.reason
    assert Title.objects.count() == 0
    assert ScrapeRun.objects.get().status == "circuit_open"
    asked = len(site.requests_seen("/title/"))
    assert asked < 6  # stopped before the end

    site.block(None)
    with pytest.raises(CommandError, match="scraping paused until"):
        scrape("--title", "tt0111161")
    assert len(site.requests_seen("/title/")) == asked  # IMDb was not asked again


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--title", "tt12"], "not an IMDb title id: 'tt12'"),
        (["--chart", "bottom"], "unknown chart 'bottom'"),
        (["--url", "https://example.com/search/title/"], "not an IMDb URL"),
        (["--title", "tt0111161", "--lang", "de"], "unknown language de"),
        (["--chart", "top", "--limit", "0"], "--limit: expected a number >= 1"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(args: list[str], message: str):
    with pytest.raises(CommandError, match=message):
        scrape(*args)


@pytest.mark.django_db
def test_a_missing_chromium_is_reported_at_once():
    with (
        override_settings(CHROME_BINARY="/nonexistent/chromium"),
        pytest.raises(CommandError, match="no browser: Chromium not found at /nonexistent/chromium"),
    ):
        scrape("--title", "tt0111161", "tt1375666")

    assert ScrapeRun.objects.get().status == "failed"

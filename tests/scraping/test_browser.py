"""The browser pool against the IMDb stand-in: reuse, replacement of crashed and hung browsers, no leaks."""

import os
import signal
import sys
from collections.abc import Iterator

import pytest
from django.conf import settings
from django.test import override_settings

from apps.scraping.browser import BrowserPool, browser_processes
from apps.scraping.imdb_client import ImdbClient, ImdbUnavailable
from tests.standins.imdb_site import HANGING_ID, SLOW_ID, ImdbSite
from tests.support.processes import WatchedProcess, server_environment
from tests.support.scraping import FAST, chromium_required, eventually


@pytest.fixture
def pool() -> Iterator[BrowserPool]:
    chromium_required()
    with override_settings(**FAST), BrowserPool(size=2) as browsers:
        yield browsers
    eventually(lambda: browser_processes() == [])


pytestmark = pytest.mark.browser


def test_pages_reuse_the_pool_s_browsers(pool, imdb_site: ImdbSite):
    client = ImdbClient(pool)

    for imdb_id in ("tt0111161", "tt1375666", "tt0068646", "tt0111161"):
        assert client.title_page(imdb_id).status == 200

    assert pool.started == 1
    assert pool.replaced == 0


def test_a_crashed_browser_is_replaced(pool, imdb_site: ImdbSite):
    client = ImdbClient(pool)
    client.title_page("tt0111161")
    with pool.browser() as browser:
        crashed = browser
        chromium = [pid for pid in browser.process_ids() if pid != browser.chromedriver_pid]
    os.kill(chromium[0], signal.SIGKILL)  # the main Chromium process: the browser is gone

    # Found dead at checkout, or failing mid-page and retried: either way on a new browser.
    with override_settings(SCRAPER_ATTEMPTS=2, SCRAPER_BACKOFF_SECONDS=0):
        page = client.title_page("tt1375666")

    assert page.status == 200
    assert pool.replaced == 1
    assert crashed.closed
    eventually(lambda: not set(browser_processes()) & set(chromium))


def test_a_page_that_never_finishes_loading_replaces_the_browser(pool, imdb_site: ImdbSite):
    client = ImdbClient(pool)
    client.title_page("tt0111161")

    with (
        override_settings(SCRAPER_PAGE_LOAD_TIMEOUT_SECONDS=3),
        pytest.raises(ImdbUnavailable, match="no page after 3 s"),
    ):
        client.title_page(HANGING_ID)

    assert pool.replaced == 1
    assert client.title_page("tt1375666").status == 200


@pytest.mark.django_db(transaction=True)
def test_sigterm_during_a_scrape_leaves_no_browser_behind(imdb_site: ImdbSite):
    chromium_required()
    imdb_site.slow_seconds = 60
    scraper = WatchedProcess(
        [sys.executable, "manage.py", "scrape_imdb", "--title", SLOW_ID, "tt0111161"],
        env=server_environment(
            settings.DATABASES["default"],
            IMDB_BASE_URL=imdb_site.base_url,
            SCRAPER_DELAY_SECONDS="0",
            SCRAPER_ATTEMPTS="1",
        ),
        name="scrape_imdb",
    )
    try:
        # Mid-page: the WAF challenge for the slow title has been answered, its reload is waiting.
        eventually(
            lambda: imdb_site.requests_seen(f"/title/{SLOW_ID}/") or scraper.process.poll() is not None, 60
        )
        assert scraper.process.poll() is None, scraper.output()
        assert browser_processes(scraper.process.pid)

        code = scraper.stop(signal.SIGTERM)
    finally:
        scraper.stop(signal.SIGKILL)

    assert code == 130, scraper.output()
    assert "interrupted: browsers closed" in scraper.output()
    eventually(lambda: browser_processes(scraper.process.pid) == [])

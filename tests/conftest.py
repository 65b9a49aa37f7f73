"""Shared fixtures: services and browser availability, live servers, the browser."""

import os
import shutil
import signal
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.test import override_settings

from tests.standins.gemini import GeminiStandin, gemini_serve
from tests.standins.imdb_site import ImdbSite, imdb_site_serve
from tests.support.processes import daphne_start

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

    from tests.standins.monobank import MonobankStandin
    from tests.standins.tmdb import TmdbStandin

REQUIRE_SERVICES = os.environ.get("CINESTREAM_REQUIRE_SERVICES") == "1"

# Tests that use these fixtures need PostgreSQL, Redis or Chromium; they are marked so
# CI's embedded-mode run can leave them out.
_SERVICE_FIXTURES = {
    "redis_url": "services",
    "private_redis": "services",
    "postgres": "services",
    "browser": "browser",
}


def service_missing(reason: str) -> None:
    """Skip with a reason on a laptop; fail in CI, where every service must be there."""
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (CINESTREAM_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def pytest_configure(config: pytest.Config) -> None:
    # A SIGTERM (a CI time limit, `timeout`) runs fixture teardown like Ctrl+C does,
    # so the servers and browsers the tests started are stopped too.
    signal.signal(signal.SIGTERM, signal.default_int_handler)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        for fixture, marker in _SERVICE_FIXTURES.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(marker)


@pytest.fixture(autouse=True)
def showtimes_runs_in_line() -> Iterator[None]:
    """A city's run happens in the caller's thread, where the test's transaction is visible
    (embedded mode runs it in a thread of its own: SHOWTIMES_RUN_IN_THREAD)."""
    with override_settings(SHOWTIMES_RUN_IN_THREAD=False):
        yield


@pytest.fixture(autouse=True)
def api_writes_unlimited() -> Iterator[None]:
    """Every test client posts from 127.0.0.1, and the write limit's counts outlive a test in
    Redis: the limit stays out of tests that are not about it (those set API_WRITE_RATE)."""
    with override_settings(API_WRITE_RATE=(10**9, 1)):
        yield


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's admin client, signed in with TOTP as the admin requires of staff."""
    from tests.support.accounts import client_signed_in_with_totp, totp_activate

    totp_activate(admin_user)
    return client_signed_in_with_totp(client, admin_user)


@pytest.fixture
def tasks_in_process() -> Iterator[None]:
    """Celery tasks run inside the test, in either mode (the broker flow has its own tests)."""
    from cinestream.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = eager


@pytest.fixture
def trends_isolated() -> Iterator[str]:
    """Trends' counters, boards and caches fresh, under a Redis key prefix of the test's own."""
    import redis
    from django.core.cache import cache

    from apps.trends import boards, selectors
    from core import counting

    prefix = f"test:trends:{uuid.uuid4().hex[:12]}"
    counting._counters.clear()
    boards._boards.clear()
    selectors._resolved.clear()
    cache.delete(selectors.MEAN_RATING_KEY)
    with override_settings(TRENDS_REDIS_PREFIX=prefix):
        yield prefix
    counting._counters.clear()
    boards._boards.clear()
    selectors._resolved.clear()
    if settings.REDIS_URL:
        client = redis.Redis.from_url(settings.REDIS_URL)
        keys = list(client.scan_iter(match=f"{prefix}:*"))
        if keys:
            client.delete(*keys)


@pytest.fixture
def redis_url() -> str:
    if not settings.REDIS_URL:
        service_missing("needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0")
    return settings.REDIS_URL


@pytest.fixture
def postgres() -> None:
    if settings.IS_SQLITE:
        service_missing("needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def live_site(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> Iterator[str]:
    """A Daphne process serving the project on the test database; yields its base URL."""
    with django_db_blocker.unblock():
        server, url = daphne_start(settings.DATABASES["default"])
    try:
        yield url
    finally:
        server.stop()


@pytest.fixture
def site(live_site: str, transactional_db: None) -> str:
    """The live site, with the test's data committed so the server process sees it."""
    return live_site


@pytest.fixture
def browser(tmp_path: Path) -> Iterator["WebDriver"]:
    """Headless Debian Chromium with a fresh profile, closed after the test."""
    chromium, chromedriver = settings.CHROME_BINARY, settings.CHROMEDRIVER_PATH
    if not (shutil.which(chromium) and shutil.which(chromedriver)):
        service_missing(
            f"needs Chromium at {chromium} and chromedriver at {chromedriver}: "
            "apt-get install chromium chromium-driver"
        )
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    from apps.scraping.browser import CHROMIUM_FLAGS

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    # The scraper's flags: the same Chromium, kept quiet on a closed network the same way.
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=chromedriver), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def tmdb_standin() -> Iterator["TmdbStandin"]:
    """The TMDB stand-in on a loopback port; settings point at it with its v3 key, no pauses."""
    from tests.standins.tmdb import V3_KEY, tmdb_serve

    with (
        tmdb_serve() as standin,
        override_settings(
            TMDB_BASE_URL=standin.base_url,
            TMDB_API_KEY=V3_KEY,
            TMDB_TIMEOUT_SECONDS=2.0,
            TMDB_BACKOFF_SECONDS=0.05,
            TMDB_REQUESTS_PER_SECOND=0,
        ),
    ):
        yield standin


@pytest.fixture
def imdb_site() -> Iterator[ImdbSite]:
    """The IMDb stand-in on a loopback port, with settings.IMDB_BASE_URL pointing at it.

    Its WAF challenge is on, as on IMDb: a browser passes it, a plain HTTP client gets 202.
    """
    with imdb_site_serve() as site, override_settings(IMDB_BASE_URL=site.base_url):
        yield site


@pytest.fixture
def gemini_standin() -> Iterator[GeminiStandin]:
    """The Gemini stand-in (a fake city of 5 cinemas and 12 movies) with the settings pointing at it.

    Retries back off for milliseconds, not seconds; a retryDelay over 5 s gives up.
    """
    with (
        gemini_serve() as standin,
        override_settings(
            GEMINI_API_KEY=standin.api_key,
            GEMINI_BASE_URL=standin.base_url,
            GEMINI_RETRY_BACKOFF_SECONDS=0.01,
            GEMINI_RETRY_MAX_DELAY_SECONDS=5.0,
        ),
    ):
        yield standin


@pytest.fixture
def monobank_standin() -> Iterator["MonobankStandin"]:
    """The monobank acquiring stand-in on a loopback port; MONOBANK_TOKEN is its token and
    retries back off for milliseconds."""
    from tests.standins.monobank import monobank_serve

    with (
        monobank_serve() as standin,
        override_settings(
            MONOBANK_TOKEN=standin.token,
            MONOBANK_BASE_URL=standin.base_url,
            MONOBANK_RETRY_BACKOFF_SECONDS=0.01,
            PAYMENTS_TIMEOUT_SECONDS=2.0,
        ),
    ):
        yield standin

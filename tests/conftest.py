"""Shared fixtures: services and browser availability, live servers, the browser."""

import os
import shutil
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.conf import settings
from django.test import override_settings

from tests.standins.imdb_site import ImdbSite, imdb_site_serve
from tests.support.processes import daphne_start

if TYPE_CHECKING:
    from selenium.webdriver.remote.webdriver import WebDriver

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
def imdb_site() -> Iterator[ImdbSite]:
    """The IMDb stand-in on a loopback port, with settings.IMDB_BASE_URL pointing at it.

    Its WAF challenge is on, as on IMDb: a browser passes it, a plain HTTP client gets 202.
    """
    with imdb_site_serve() as site, override_settings(IMDB_BASE_URL=site.base_url):
        yield site

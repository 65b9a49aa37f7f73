"""Helpers for the scraper's browser tests: fast settings, Chromium presence, waiting on a condition."""

import shutil
import threading
from collections.abc import Callable

from django.conf import settings

from tests.conftest import service_missing

# No politeness pause, one try per page, waits bounded well under the suite's patience.
FAST = {
    "SCRAPER_DELAY_SECONDS": 0,
    "SCRAPER_ATTEMPTS": 1,
    "SCRAPER_PAGE_LOAD_TIMEOUT_SECONDS": 20,
    "SCRAPER_WAIT_SECONDS": 10,
}


def chromium_required() -> None:
    if not (shutil.which(settings.CHROME_BINARY) and shutil.which(settings.CHROMEDRIVER_PATH)):
        service_missing(
            f"needs Chromium at {settings.CHROME_BINARY} and chromedriver at {settings.CHROMEDRIVER_PATH}: "
            "apt-get install chromium chromium-driver"
        )


def eventually(condition: Callable[[], object], timeout: float = 15.0) -> None:
    """Wait until `condition()` is true, checking every 50 ms; fail after `timeout` seconds."""
    pause = threading.Event()
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        pause.wait(0.05)
    assert condition(), f"still false after {timeout} s: {condition}"

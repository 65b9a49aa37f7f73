"""The footer's donation button on a 360 px phone, in the three languages: shown, linking
out to DONATION_URL when no provider is configured, and the footer still fits."""

from collections.abc import Iterator

import pytest
from django.conf import settings

from tests.catalog.test_pages_browser import assert_fits_the_window
from tests.support.browser import visible
from tests.support.memberships import plans_ensure
from tests.support.processes import daphne_start

DONATION_URL = "https://send.monobank.ua/jar/cinestream"


@pytest.fixture
def donation_site(transactional_db: None) -> Iterator[str]:
    plans_ensure()
    server, url = daphne_start(settings.DATABASES["default"], DONATION_URL=DONATION_URL)
    try:
        yield url
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("language", "label"), [("uk", "Підтримати"), ("en", "Support"), ("ru", "Поддержать")]
)
def test_the_donation_button_fits_the_footer_of_a_phone(donation_site, browser, language, label):
    browser.set_window_size(360, 780)
    browser.get(donation_site + "/memberships/")
    browser.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": language})
    browser.get(donation_site + "/memberships/")

    button = visible(browser, "donate-button")

    assert label in button.text
    assert button.get_attribute("href") == DONATION_URL
    assert "noopener" in button.get_attribute("rel")
    assert_fits_the_window(browser)
    browser.execute_script("arguments[0].scrollIntoView()", button)
    assert button.rect["x"] + button.rect["width"] <= 360

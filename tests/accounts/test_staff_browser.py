"""Staff in a real browser: the admin sends them to sign in, to set up an authenticator app
(its secret read off the page, as a phone would scan it), then asks for its code."""

from collections.abc import Iterator

import pytest
from django.conf import settings
from selenium.webdriver.common.by import By

from tests.accounts.test_journey_browser import fill, load_and_wait, shot, submit
from tests.support.accounts import PASSWORD, totp_code, user_create
from tests.support.processes import daphne_start


@pytest.fixture
def site(transactional_db: None) -> Iterator[str]:
    process, url = daphne_start(settings.DATABASES["default"])
    try:
        yield url
    finally:
        process.stop()


def test_staff_set_up_totp_before_the_admin_opens_and_enter_its_code(site, browser):
    user_create("admin@example.com", is_staff=True, is_superuser=True)
    browser.set_window_size(360, 780)

    browser.get(site + "/admin/")
    assert "/accounts/login/" in browser.current_url
    fill(browser, "id_login", "admin@example.com")
    fill(browser, "id_password", PASSWORD)
    submit(browser, 'main form button[type="submit"]')

    # Setting up TOTP asks for the password again first (allauth's reauthentication).
    assert "/accounts/reauthenticate/" in browser.current_url
    fill(browser, "id_password", PASSWORD)
    submit(browser, 'main form button[type="submit"]')
    assert "/accounts/2fa/totp/activate/" in browser.current_url
    secret = browser.find_element(By.ID, "authenticator_secret").get_attribute("value")
    assert browser.find_element(By.CSS_SELECTOR, "main img").get_attribute("src").startswith("data:image/svg")
    shot(browser, "20-staff-totp-activate")
    fill(browser, "id_code", totp_code(secret))
    submit(browser, 'main form button[type="submit"]')

    # This session signed in before the app existed: the admin asks for a code once.
    load_and_wait(browser, lambda: browser.get(site + "/admin/"))
    assert "/accounts/2fa/reauthenticate/" in browser.current_url
    shot(browser, "21-staff-totp-code")
    fill(browser, "id_code", totp_code(secret))
    submit(browser, 'main form button[type="submit"]')

    browser.get(site + "/admin/")
    assert browser.find_element(By.ID, "site-name").is_displayed()
    shot(browser, "22-admin-open")
    for path, name in (("/accounts/2fa/", "23-two-factor"), ("/accounts/email/", "24-email-addresses")):
        browser.get(site + path)
        assert browser.find_element(By.CSS_SELECTOR, "main h1").is_displayed()
        shot(browser, name)

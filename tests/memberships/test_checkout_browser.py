"""The checkout round trip in a browser: a signed-in person opens the plans page, picks
Supporter monthly with Stripe, pays on Stripe's hosted page (the stand-in's), comes back to
the success page, and the billing page shows the subscription once Stripe's webhooks arrive."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from apps.accounts.models import User
from apps.memberships.models import Subscription
from cinestream.language import SESSION_LANGUAGE_KEY
from tests.catalog.test_pages_browser import assert_fits_the_window
from tests.standins.stripe import StripeStandin
from tests.support.browser import WAIT_SECONDS, visible
from tests.support.scraping import eventually

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path("/tmp/memberships-shots")


def _sign_in(browser: WebDriver, site: str, user: User, language: str) -> None:
    """The browser carries a session signed in as `user`, in `language` (as after signing in)."""
    client = Client()
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    session = client.session
    session[SESSION_LANGUAGE_KEY] = language
    session.save()
    browser.get(site + "/robots.txt")  # a page of the site, so the cookie has a domain
    browser.add_cookie({"name": settings.SESSION_COOKIE_NAME, "value": session.session_key, "path": "/"})


def _title(browser: WebDriver, language: str, english: str) -> None:
    with translation.override(language):
        expected = gettext(english)
    WebDriverWait(browser, WAIT_SECONDS).until(
        ec.text_to_be_present_in_element((By.CSS_SELECTOR, '[data-testid="page-title"]'), expected)
    )
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == language
    assert_fits_the_window(browser)


def _shot(browser: WebDriver, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(SHOTS / f"{name}.png"))


@pytest.mark.parametrize(
    ("language", "width"),
    [("uk", 360), ("en", 1280), ("ru", 1280)],
    ids=["uk-phone", "en-desktop", "ru-desktop"],
)
def test_subscribe_with_stripe_in_the_browser(
    live_server, stripe_standin: StripeStandin, tasks_in_process, browser: WebDriver, olena, language, width
):
    site = live_server.url
    stripe_standin.webhook_url = f"{site}/memberships/webhooks/stripe/"
    browser.set_window_size(width, 900)
    _sign_in(browser, site, olena, language)

    browser.get(site + "/memberships/")
    _title(browser, language, "Plans")
    form = visible(browser, "checkout-supporter-stripe")
    Select(form.find_element(By.NAME, "interval")).select_by_value("month")
    Select(form.find_element(By.NAME, "currency")).select_by_value("UAH")
    _shot(browser, f"plans-{language}-{width}")
    button = browser.find_element(By.CSS_SELECTOR, '[data-testid="checkout-supporter-stripe-submit"]')
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    button.click()

    # Stripe's hosted page (the stand-in's), with the price in hryvnias.
    assert visible(browser, "stripe-amount").text == "99.00 UAH / month"
    assert browser.current_url.startswith(f"{stripe_standin.base_url}/c/pay/cs_test_")
    _shot(browser, f"stripe-{language}-{width}")
    browser.find_element(By.CSS_SELECTOR, '[data-testid="stripe-pay"]').click()

    # Back on our success page; the webhooks were delivered before Stripe redirected.
    _title(browser, language, "Thank you")
    assert browser.current_url.startswith(f"{site}/memberships/checkout/")
    assert visible(browser, "checkout-state").get_attribute("data-state") == "paid"
    _shot(browser, f"done-{language}-{width}")

    eventually(lambda: Subscription.objects.filter(user=olena, status="active").exists())
    browser.get(site + "/memberships/billing/")
    _title(browser, language, "Billing")
    subscription = visible(browser, "subscription")
    assert subscription.get_attribute("data-status") == "active"
    assert visible(browser, "payment").get_attribute("data-status") == "succeeded"
    assert [delivery.status for delivery in stripe_standin.deliveries] == [200, 200, 200]
    _shot(browser, f"billing-{language}-{width}")

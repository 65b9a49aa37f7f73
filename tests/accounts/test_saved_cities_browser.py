"""Saving cities on a 360 px phone and on a desktop, in Ukrainian: the first city is saved, the
next one meets the free plan's limit, told in Ukrainian with the link to the plans."""

from pathlib import Path

from django.conf import settings
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from apps.accounts.models import SavedCity
from tests.catalog.test_pages_browser import assert_fits_the_window
from tests.factories.showtimes import CoveredLocationFactory
from tests.support.accounts import PASSWORD, user_create
from tests.support.browser import WAIT_SECONDS, text_appears, visible

SHOTS = Path("/tmp/accounts-shots")


def load_and_wait(browser: WebDriver, action) -> None:
    old_page = browser.find_element(By.TAG_NAME, "html")
    action()
    WebDriverWait(browser, WAIT_SECONDS).until(ec.staleness_of(old_page))


def click(browser: WebDriver, testid: str) -> None:
    button = visible(browser, testid)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    load_and_wait(browser, button.click)


def shot(browser: WebDriver, name: str) -> None:
    assert_fits_the_window(browser)
    SHOTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(SHOTS / f"{name}.png"))


def sign_in(browser: WebDriver, site: str, email: str) -> None:
    browser.get(site + "/")
    browser.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": "uk"})
    browser.get(site + "/accounts/login/")
    browser.find_element(By.ID, "id_login").send_keys(email)
    browser.find_element(By.ID, "id_password").send_keys(PASSWORD)
    load_and_wait(browser, browser.find_element(By.CSS_SELECTOR, 'main form button[type="submit"]').click)
    visible(browser, "account-toggle")


def test_saving_a_city_and_meeting_the_free_limit_on_a_phone_and_a_desktop(site, browser):
    for city, slug in (("Львів", "lviv"), ("Одеса", "odesa"), ("Харків", "kharkiv")):
        CoveredLocationFactory(city=city, slug=slug)
    person = user_create("oksana@example.com", language="uk")
    browser.set_window_size(360, 780)
    sign_in(browser, site, person.email)

    # The first city fits the free plan.
    browser.get(site + "/showtimes/lviv/")
    assert "Зберегти місто" in visible(browser, "city-save-toggle").text
    click(browser, "city-save-toggle")
    assert "Місто Львів збережено серед ваших міст." in visible(browser, "messages").text
    assert visible(browser, "city-save-toggle").get_attribute("aria-pressed") == "true"
    shot(browser, "perks-01-city-saved-360")

    # The second does not: the limit, in Ukrainian, with the plans' link.
    browser.get(site + "/showtimes/odesa/")
    click(browser, "city-save-toggle")
    notice = text_appears(browser, "messages", "Ваш план зберігає 1 місто (ваше рідне місто — перше).")
    link = notice.find_element(By.CSS_SELECTOR, '[data-testid="plans-link"]')
    assert link.text == "Переглянути плани"
    assert link.get_attribute("href").endswith("/memberships/")
    shot(browser, "perks-02-limit-360")

    # The profile lists the saved city, with the plan's count and the plans' link.
    browser.get(site + "/accounts/profile/")
    cities = visible(browser, "my-cities")
    browser.execute_script("arguments[0].scrollIntoView();", cities)
    assert "Львів" in visible(browser, "my-city").text
    assert "Ваш план зберігає 1 місто." in visible(browser, "my-cities-limit").text
    shot(browser, "perks-02b-profile-cities-360")

    # A desktop: the index lists the saved city first, and the limit reads the same.
    browser.set_window_size(1280, 900)
    browser.get(site + "/showtimes/")
    assert visible(browser, "my-cities-first").text == "Львів"
    shot(browser, "perks-03-your-cities-desktop")
    browser.get(site + "/showtimes/kharkiv/")
    click(browser, "city-save-toggle")
    text_appears(browser, "messages", "Ваш план зберігає 1 місто")
    shot(browser, "perks-04-limit-desktop")

    assert list(SavedCity.objects.filter(user=person).values_list("location__slug", flat=True)) == ["lviv"]

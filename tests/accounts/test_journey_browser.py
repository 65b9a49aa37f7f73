"""A person's first visit in Ukrainian on a 360 px phone: sign up, follow the link from the
e-mail, sign in, choose a home city, rate a film, put it on the watchlist, find it playing near,
mark its session for the calendar."""

import datetime
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from apps.accounts.models import TitleMark, User
from tests.catalog.test_pages_browser import assert_fits_the_window
from tests.factories.catalog import TitleFactory
from tests.factories.showtimes import CityMovieFactory, CoveredLocationFactory, SessionFactory, TheaterFactory
from tests.support.accounts import PASSWORD
from tests.support.browser import WAIT_SECONDS, visible
from tests.support.processes import WatchedProcess, daphne_start

SHOTS = Path("/tmp/accounts-shots")


# The tasks the server queues (a rating's score recompute) wait in a queue of their own, which
# nothing consumes and the test empties: another test's worker must not pick them up.
QUEUE = "test-accounts-journey"


@pytest.fixture
def server(transactional_db: None) -> Iterator[WatchedProcess]:
    """A Daphne whose mail goes to its console (the default), where the test reads the link."""
    process, url = daphne_start(settings.DATABASES["default"], CELERY_TASK_DEFAULT_QUEUE=QUEUE)
    process.url = url
    try:
        yield process
    finally:
        process.stop()
        if settings.REDIS_URL:
            redis.Redis.from_url(settings.REDIS_URL).delete(QUEUE, f"_kombu.binding.{QUEUE}")


def load_and_wait(browser: WebDriver, action) -> None:
    old_page = browser.find_element(By.TAG_NAME, "html")
    action()
    WebDriverWait(browser, WAIT_SECONDS).until(ec.staleness_of(old_page))


def shot(browser: WebDriver, name: str) -> None:
    assert_fits_the_window(browser)
    SHOTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(SHOTS / f"{name}.png"))


def fill(browser: WebDriver, field_id: str, text: str) -> None:
    field = browser.find_element(By.ID, field_id)
    field.clear()
    field.send_keys(text)


def submit(browser: WebDriver, form_testid_or_css: str) -> None:
    button = browser.find_element(By.CSS_SELECTOR, form_testid_or_css)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", button)
    load_and_wait(browser, button.click)


def test_sign_up_verify_sign_in_rate_watchlist_and_find_it_playing_near(server, browser):
    kyiv = CoveredLocationFactory(city="Київ", slug="kyiv")
    film = TitleFactory(imdb_id="tt27536999", primary_title="Довбуш", start_year=2023, rating=None, votes=0)
    theater = TheaterFactory(location=kyiv, name="Жовтень")
    SessionFactory(
        movie=CityMovieFactory(location=kyiv, title=film),
        theater=theater,
        starts_at=timezone.now() + datetime.timedelta(days=2),
    )
    site = server.url
    browser.set_window_size(360, 780)
    browser.get(site + "/")
    browser.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": "uk"})
    browser.get(site + "/")
    shot(browser, "01-home-visitor")

    # Sign up.
    load_and_wait(browser, visible(browser, "sign-up").click)
    fill(browser, "id_email", "oksana@example.com")
    fill(browser, "id_password1", PASSWORD)
    fill(browser, "id_password2", PASSWORD)
    shot(browser, "02-sign-up")
    submit(browser, 'main form button[type="submit"]')
    assert "Підтвердіть" in browser.find_element(By.TAG_NAME, "h1").text
    shot(browser, "03-check-your-mail")

    # The link from the e-mail (printed by the console mail backend).
    link = server.wait_for_line(r"http://127\.0\.0\.1:\d+/accounts/confirm-email/\S+/").group(0)
    browser.get(link)
    shot(browser, "04-confirm-address")
    submit(browser, 'main form button[type="submit"]')

    # Sign in.
    browser.get(site + "/accounts/login/")
    fill(browser, "id_login", "oksana@example.com")
    fill(browser, "id_password", PASSWORD)
    shot(browser, "05-sign-in")
    submit(browser, 'main form button[type="submit"]')
    visible(browser, "account-toggle")
    shot(browser, "06-home-signed-in")

    # Home city in the profile.
    visible(browser, "account-toggle").click()
    load_and_wait(browser, visible(browser, "nav-profile").click)
    Select(browser.find_element(By.ID, "id_home_city")).select_by_visible_text("Київ, Ukraine")
    shot(browser, "07-profile")
    submit(browser, '[data-testid="profile-save"]')
    assert "Профіль збережено." in visible(browser, "messages").text

    # Rate the film and put it on the watchlist.
    browser.get(site + f"/catalog/{film.imdb_id}/")
    submit(browser, '[data-testid="rate-8"]')
    assert visible(browser, "rate-8").get_attribute("aria-pressed") == "true"
    assert "Ваша оцінка: 8/10" in visible(browser, "rating-form").text
    submit(browser, '[data-testid="watchlist-toggle"]')
    assert "У вашому списку перегляду" in visible(browser, "watchlist-toggle").text
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", visible(browser, "title-marks"))
    shot(browser, "08-title-rated-and-listed")

    # Playing near you.
    visible(browser, "account-toggle").click()
    shot(browser, "09-account-menu")
    load_and_wait(browser, visible(browser, "nav-near").click)
    item = visible(browser, "near-item")
    assert "Довбуш" in item.text
    assert "У вашому списку перегляду" in item.text
    shot(browser, "10-near-you")
    browser.get(site + "/")
    assert "Довбуш" in visible(browser, "home-near-you").text
    browser.execute_script("arguments[0].scrollIntoView();", visible(browser, "home-near-you"))
    shot(browser, "11-home-near-you")

    # The session into the private calendar feed, whose link a phone subscribes to.
    near_link = visible(browser, "near-item-link")
    assert f"/showtimes/kyiv/{film.imdb_id}/?day=" in near_link.get_attribute(
        "href"
    )  # the next session's day
    browser.get(near_link.get_attribute("href"))
    submit(browser, '[data-testid="session-calendar-toggle"]')
    assert "У моєму календарі" in visible(browser, "session-calendar-toggle").text
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", visible(browser, "session"))
    shot(browser, "12-session-in-my-calendar")
    browser.get(site + "/accounts/calendar/")
    assert "Жовтень" in visible(browser, "calendar-session").text
    # The feed is a supporter perk (its URL is tested in test_calendar.py): a new account is
    # told what it is and shown the plans instead.
    assert visible(browser, "plans-link").get_attribute("href").endswith("/memberships/")
    shot(browser, "13-my-calendar")

    # The same pages on a desktop.
    browser.set_window_size(1280, 900)
    browser.get(site + f"/catalog/{film.imdb_id}/")
    visible(browser, "title-marks")
    visible(browser, "account-toggle").click()
    shot(browser, "14-title-desktop")
    browser.get(site + "/accounts/near/")
    visible(browser, "near-item")
    shot(browser, "15-near-you-desktop")

    person = User.objects.get(email="oksana@example.com")
    mark = TitleMark.objects.get(user=person, title=film)
    assert (mark.rating, mark.watchlisted_at is not None) == (8, True)

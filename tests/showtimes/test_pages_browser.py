"""Showtimes in a real browser: a city's first run fills the page live, then day and language filters."""

import datetime
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from apps.showtimes.models import Location, SessionFormat, ShowtimesRun
from apps.stream.services import publish
from tests.catalog.test_pages_browser import assert_fits_the_window
from tests.factories.catalog import TitleFactory
from tests.factories.showtimes import (
    CityMovieFactory,
    CoveredLocationFactory,
    SessionFactory,
    TheaterFactory,
    kyiv_at,
    kyiv_today,
)
from tests.support.browser import WAIT_SECONDS, by_testid, text_appears, visible
from tests.support.processes import daphne_start

# The stream polls the event table often, so published events reach the page quickly.
FAST_STREAM = {"STREAM_POLL_SECONDS": "0.3", "STREAM_HEARTBEAT_SECONDS": "1"}


@pytest.fixture
def server(transactional_db: None) -> Iterator[str]:
    process, url = daphne_start(settings.DATABASES["default"], **FAST_STREAM)
    try:
        yield url
    finally:
        process.stop()


def progress(city: str, **fields: object) -> None:
    publish("showtimes", {"city": city, "kind": "progress", **fields}, tags={"city": city})


def sessions_store(kyiv: Location) -> None:
    """What the run stores: two movies in two cinemas, today and tomorrow, dubbed and subtitled."""
    today, tomorrow = kyiv_today(), kyiv_today() + datetime.timedelta(days=1)
    dune = CityMovieFactory(
        location=kyiv,
        title=TitleFactory(
            imdb_id="tt15239678",
            primary_title="Dune: Part Two",
            akas=[("Дюна: Частина друга", "UA", "uk"), ("Дюна: Часть вторая", "RU", "ru")],
            genres=["Sci-Fi", "Adventure"],
            rating=Decimal("8.5"),
            runtime_minutes=166,
            age_rating="12+",
        ),
    )
    mavka = CityMovieFactory(
        location=kyiv,
        title=TitleFactory(
            imdb_id="tt8886972",
            primary_title="Mavka: The Forest Song",
            akas=[("Мавка. Лісова пісня", "UA", "uk"), ("Мавка. Лесная песня", "RU", "ru")],
            genres=["Animation", "Family"],
            rating=Decimal("7.6"),
            runtime_minutes=99,
            age_rating="6+",
        ),
    )
    lavina = TheaterFactory(location=kyiv, name="Multiplex Lavina Mall", address="вул. Берковецька, 6Д")
    ocean = TheaterFactory(location=kyiv, name="Planeta Kino Ocean Plaza", address="вул. Антоновича, 176")
    SessionFactory(
        movie=dune, theater=lavina, starts_at=kyiv_at(today, 16, 10), audio_language="uk", price=180
    )
    SessionFactory(
        movie=dune,
        theater=lavina,
        starts_at=kyiv_at(today, 19, 40),
        format=SessionFormat.IMAX,
        audio_language="en",
        subtitles="uk",
        price=Decimal("320"),
        hall="IMAX",
    )
    SessionFactory(
        movie=dune, theater=ocean, starts_at=kyiv_at(today, 21, 15), audio_language="uk", price=220
    )
    SessionFactory(
        movie=mavka, theater=ocean, starts_at=kyiv_at(today, 11, 0), audio_language="uk", price=150
    )
    SessionFactory(movie=mavka, theater=lavina, starts_at=kyiv_at(tomorrow, 10, 30), audio_language="uk")
    SessionFactory(
        movie=dune,
        theater=ocean,
        starts_at=kyiv_at(tomorrow, 18, 0),
        audio_language="en",
        subtitles="uk",
        format=SessionFormat.THREE_D,
    )
    SessionFactory(movie=dune, theater=ocean, starts_at=kyiv_at(tomorrow, 20, 45), audio_language="uk")
    Location.objects.filter(pk=kyiv.pk).update(
        status=Location.Status.READY, covered_until=today + datetime.timedelta(days=13)
    )


def times(browser: WebDriver) -> list[str]:
    return [element.text for element in browser.find_elements(*by_testid("session-time"))]


def load_and_wait(browser: WebDriver, action) -> None:
    old_page = browser.find_element(By.TAG_NAME, "html")
    action()
    WebDriverWait(browser, WAIT_SECONDS).until(ec.staleness_of(old_page))


def test_an_uncovered_city_fills_in_live_then_the_visitor_picks_a_day_and_the_language(
    server, browser, tmp_path: Path
):
    # Another visitor's request already started the run; this page follows its progress.
    kyiv = CoveredLocationFactory(
        city="Київ", slug="kyiv", status=Location.Status.SCRAPING, covered_until=None
    )
    ShowtimesRun.objects.create(location=kyiv, status=ShowtimesRun.Status.RUNNING)

    browser.get(server + "/showtimes/kyiv/")

    panel = visible(browser, "progress-panel")
    assert "Шукаємо сеанси в місті Київ" in panel.text
    assert visible(browser, "progress-cinemas").text == "0"
    browser.execute_script("window.__samePage = true;")

    progress("kyiv", status="scraping", cinemas_found=7)
    text_appears(browser, "progress-cinemas", "7")
    progress("kyiv", status="scraping", cinemas_found=7, movies_found=2, days_planned=28, days_done=5)
    text_appears(browser, "progress-movies", "2")
    text_appears(browser, "progress-days", "5 з 28")
    browser.save_screenshot(str(tmp_path / "city-progress.png"))

    sessions_store(kyiv)
    progress("kyiv", status="ready", cinemas_found=7, movies_found=2, days_planned=28, days_done=28, added=7)

    visible(browser, "showtime-list")
    assert browser.execute_script("return window.__samePage === true;"), "the page was reloaded"
    assert browser.find_elements(*by_testid("progress-panel")) == []
    names = [element.text for element in browser.find_elements(*by_testid("showtime-movie-link"))]
    assert names == ["Мавка. Лісова пісня", "Дюна: Частина друга"]
    assert times(browser) == ["11:00", "16:10", "19:40", "21:15"]

    tomorrow = (kyiv_today() + datetime.timedelta(days=1)).isoformat()
    load_and_wait(browser, visible(browser, f"day-{tomorrow}").click)
    assert visible(browser, f"day-{tomorrow}").get_attribute("aria-current") == "date"
    assert times(browser) == ["10:30", "18:00", "20:45"]

    load_and_wait(browser, lambda: Select(visible(browser, "filter-language")).select_by_value("subtitles"))
    assert times(browser) == ["18:00"]
    assert "Мовою оригіналу з українськими субтитрами" in visible(browser, "filter-language").text
    assert visible(browser, "session-language").text == "Оригінал, укр. субтитри"


@pytest.mark.parametrize("language", ["uk", "en", "ru"])
def test_the_filled_city_page_reads_well_on_a_phone_and_a_desktop(server, browser, language, tmp_path: Path):
    kyiv = CoveredLocationFactory(city={"uk": "Київ", "en": "Kyiv", "ru": "Киев"}[language], slug="kyiv")
    sessions_store(kyiv)
    browser.get(server + "/showtimes/")
    browser.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": language})

    for width, height in ((360, 780), (1280, 900)):
        browser.set_window_size(width, height)
        browser.get(server + "/showtimes/kyiv/")
        visible(browser, "showtime-list")
        assert_fits_the_window(browser)
        browser.save_screenshot(str(tmp_path / f"city-{language}-{width}.png"))
        browser.execute_script("arguments[0].scrollIntoView();", visible(browser, "showtime-list"))
        browser.save_screenshot(str(tmp_path / f"city-{language}-{width}-list.png"))


def test_the_city_picker_suggests_known_cities_as_one_types_and_remembers_the_choice(server, browser):
    CoveredLocationFactory(city="Львів", slug="lviv")
    CoveredLocationFactory(city="Київ", slug="kyiv")
    browser.get(server + "/showtimes/")

    city = visible(browser, "city-input")
    city.send_keys("льв")
    suggestions = visible(browser, "city-suggestions")
    shown = [
        option.text
        for option in suggestions.find_elements(By.CSS_SELECTOR, '[role="option"]')
        if option.is_displayed()
    ]
    assert shown == ["Львів"]
    assert city.get_attribute("aria-expanded") == "true"
    city.send_keys(Keys.ARROW_DOWN)
    assert city.get_attribute("aria-activedescendant") == "city-option-lviv"
    load_and_wait(browser, lambda: city.send_keys(Keys.ENTER))

    assert browser.current_url == server + "/showtimes/lviv/"
    assert visible(browser, "page-title").text == "Розклад сеансів: Львів"
    browser.get(server + "/showtimes/")
    assert visible(browser, "remembered-city").text == "Ваше місто: Львів"

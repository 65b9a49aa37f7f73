"""Title and person pages in a real browser: TMDB images, the click-to-load trailer, failed images
becoming letter tiles, and how the pages look on a phone and a desktop in each language."""

import datetime
import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from tests.catalog.test_pages_browser import assert_fits_the_window
from tests.factories.catalog import PersonFactory, TitleFactory
from tests.standins.tmdb_images import TmdbImages, tmdb_images_serve
from tests.support.browser import WAIT_SECONDS, by_testid, visible
from tests.support.processes import daphne_start

POSTER = "/pB8BM7pdSp6B6Ih7QZ4DrQ3PmJK.jpg"
BACKDROP = "/hZkgoQYus5vegHoetLkCJzb17zJ.jpg"
PITT = "/cckcYc2v0yh1tc9QjRelptcOBko.jpg"
NETFLIX = "/pbpMk2JmcoNnQwx5JGpXngfoWtp.jpg"


@pytest.fixture(scope="module")
def tmdb_images() -> Iterator[tuple[TmdbImages, str]]:
    with tmdb_images_serve() as served:
        yield served


@pytest.fixture(scope="module")
def images_site(django_db_setup, django_db_blocker, tmdb_images) -> Iterator[str]:
    """The site, its TMDB images coming from the stand-in (the CSP lets that host in)."""
    _images, base = tmdb_images
    origin = base.removesuffix("/t/p/")
    with django_db_blocker.unblock():
        server, url = daphne_start(
            settings.DATABASES["default"], TMDB_IMAGE_BASE_URL=base, CSP_IMAGE_HOSTS=origin
        )
    try:
        yield url
    finally:
        server.stop()


@pytest.fixture
def site(images_site: str, transactional_db: None) -> str:
    return images_site


@pytest.fixture
def fight_club(tmdb_images) -> None:
    """Fight Club as TMDB fills it; the poster, backdrop, a photo and a logo exist on the image host."""
    images, _base = tmdb_images
    images.add(POSTER, 342, 513, top=(196, 48, 62), bottom=(24, 14, 40))
    images.add(BACKDROP, 780, 439, top=(60, 70, 110), bottom=(10, 10, 20))
    images.add(PITT, 185, 278, top=(200, 170, 140), bottom=(70, 50, 40))
    images.add(NETFLIX, 92, 92, top=(229, 9, 20), bottom=(150, 0, 10))
    fincher = PersonFactory(imdb_id="nm0000399", name="David Fincher", known_for_department="Directing")
    TitleFactory(
        imdb_id="tt0137523",
        primary_title="Fight Club",
        start_year=1999,
        runtime_minutes=139,
        certificate="R",
        rating=Decimal("8.8"),
        votes=2_500_000,
        plot="An insomniac office worker and a devil-may-care soap maker form an underground fight club.",
        genres=["Drama", "Thriller"],
        directors=[fincher],
        writers=["Chuck Palahniuk", "Jim Uhls"],
        stars=[
            (PersonFactory(imdb_id="nm0000093", name="Brad Pitt", profile_path=PITT), ["Tyler Durden"]),
            (PersonFactory(name="Edward Norton", profile_path="/gone.jpg"), ["Narrator"]),
            ("Helena Bonham Carter", ["Marla Singer"]),
        ],
        tmdb_id=550,
        poster_path=POSTER,
        backdrop_path=BACKDROP,
        translations={
            "en": {
                "overview": "A ticking-time-bomb insomniac and a slippery soap salesman channel primal male "
                "aggression into a shocking new form of therapy.",
                "tagline": "Mischief. Mayhem. Soap.",
            },
            "uk": {
                "title": "Бійцівський клуб",
                "overview": "Страждаючий на безсоння клерк і харизматичний торговець милом засновують "
                "підпільний бійцівський клуб, який швидко перетворюється на щось значно небезпечніше.",
                "tagline": "Пустощі. Хаос. Мило.",
            },
            "ru": {"title": "Бойцовский клуб"},
        },
        regional_release_date=datetime.date(2000, 2, 10),
        release_region="UA",
        age_rating="18+",
        countries=["DE", "US"],
        trailers=[{"key": "O-b2VfmmbyA", "name": "Офіційний трейлер", "language": "uk", "official": True}],
        watch_providers={
            "link": "https://www.themoviedb.org/movie/550-fight-club/watch?locale=UA",
            "flatrate": [{"name": "Netflix", "logo_path": NETFLIX}],
            "rent": [{"name": "Megogo", "logo_path": "/no-logo.jpg"}],
            "buy": [{"name": "Apple TV", "logo_path": ""}],
        },
        decade_category="1990s",
        genre_categories=["Crime"],
        sentiment_analysis={"plot_tone": "Dark", "keyword_score": 0.31},
        director_stats={"total_movies": 2, "average_rating": 8.4},
        recommendations=["tt0114369"],
    )
    TitleFactory(
        imdb_id="tt0114369",
        primary_title="Se7en",
        start_year=1995,
        genres=["Crime"],
        directors=[fincher],
        poster_path="/not-on-tmdb-any-more.jpg",
    )


def images_broken(browser: WebDriver) -> list[str]:
    """Images the browser shows as broken boxes: finished loading, nothing decoded, not hidden."""
    return browser.execute_script(
        "return [...document.images]"
        ".filter((img) => img.complete && img.naturalWidth === 0 && !img.hidden)"
        ".map((img) => img.currentSrc || img.src)"
    )


def wait_loaded(browser: WebDriver, testid: str) -> None:
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda driver: driver.execute_script(
            "const img = document.querySelector(`[data-testid='${arguments[0]}']`);"
            "return img && img.complete && img.naturalWidth > 0",
            testid,
        )
    )


def youtube_requests(browser: WebDriver) -> list[str]:
    return browser.execute_script(
        "return performance.getEntriesByType('resource').map((entry) => entry.name)"
        ".filter((name) => /youtube|ytimg|googlevideo/.test(name))"
    )


def test_ukrainian_title_page_shows_the_tmdb_poster_plot_and_age_rating_and_the_trailer_waits_for_a_click(
    site, browser, fight_club, tmp_path: Path
):
    browser.get(site + "/catalog/tt0137523/")

    assert visible(browser, "title-heading").text == "Бійцівський клуб"
    wait_loaded(browser, "title-poster")
    assert visible(browser, "title-plot").text.startswith("Страждаючий на безсоння клерк")
    assert visible(browser, "title-certificate").text == "18+"
    assert visible(browser, "title-release-date").text == "10 лютого 2000 р."
    data = json.loads(
        browser.find_element(By.CSS_SELECTOR, 'script[type="application/ld+json"]').get_attribute(
            "textContent"
        )
    )
    assert data["name"] == "Бійцівський клуб"

    trailer = visible(browser, "trailer-button")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", trailer)
    assert youtube_requests(browser) == []
    assert browser.find_elements(By.TAG_NAME, "iframe") == []
    browser.save_screenshot(str(tmp_path / "trailer-before-click.png"))

    trailer.click()

    player = visible(browser, "trailer-player")
    assert player.tag_name == "iframe"
    assert player.get_attribute("src") == "https://www.youtube-nocookie.com/embed/O-b2VfmmbyA?autoplay=1"
    assert browser.find_elements(*by_testid("trailer-button")) == []
    # The player's frame and the JSON-LD block (data, never run) are within the CSP.
    refused = [
        entry["message"]
        for entry in browser.get_log("browser")
        if "Content Security Policy" in entry["message"]
    ]
    assert refused == []


def test_images_that_fail_become_letter_tiles(site, browser, fight_club, tmp_path: Path):
    broken_imdb_poster = TitleFactory(
        imdb_id="tt0000010", primary_title="Zorro", poster_url=site + "/no-such-poster.jpg"
    )

    browser.get(site + "/catalog/tt0137523/")
    wait_loaded(browser, "title-poster")
    browser.execute_script("arguments[0].scrollIntoView();", visible(browser, "title-recommendations"))

    # Edward Norton's photo, Megogo's logo and Se7en's poster are gone from the image host.
    tiles = lambda driver: driver.find_elements(*by_testid("image-tile"))  # noqa: E731
    WebDriverWait(browser, WAIT_SECONDS).until(lambda driver: len(tiles(driver)) == 3)
    assert sorted(tile.text for tile in tiles(browser)) == ["E", "M", "S"]
    assert images_broken(browser) == []
    browser.save_screenshot(str(tmp_path / "tiles.png"))

    browser.get(site + f"/catalog/{broken_imdb_poster.imdb_id}/")
    assert visible(browser, "title-poster-placeholder").text == "Z"
    assert browser.find_elements(*by_testid("title-poster")) == []
    assert images_broken(browser) == []


def save_whole_page(browser: WebDriver, path: Path, width: int, height: int) -> None:
    """A screenshot of the page from top to bottom: the window grows to it, then shrinks back."""
    browser.set_window_size(
        width, browser.execute_script("return document.documentElement.scrollHeight") + 140
    )
    browser.save_screenshot(str(path))
    browser.set_window_size(width, height)


@pytest.mark.parametrize("language", ["uk", "en", "ru"])
def test_title_and_person_pages_read_well_on_a_phone_and_a_desktop(
    site, browser, fight_club, tmp_path: Path, language: str
):
    browser.get(site + "/catalog/")
    browser.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": language})
    for width, height in ((360, 780), (1280, 900)):
        browser.set_window_size(width, height)
        for page, testid in (("/catalog/tt0137523/", "title-heading"), ("/people/nm0000399/", "person-name")):
            browser.get(site + page)
            visible(browser, testid)
            if testid == "title-heading":
                wait_loaded(browser, "title-poster")
            assert_fits_the_window(browser)
            name = f"{language}-{width}-{page.strip('/').replace('/', '-')}"
            browser.save_screenshot(str(tmp_path / f"{name}.png"))
            save_whole_page(browser, tmp_path / f"{name}-whole.png", width, height)
            assert images_broken(browser) == []

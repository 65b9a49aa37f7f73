"""The trends dashboard in a real browser, in each language, on a phone and a desktop: ranked
titles with posters and scores, a genre filter, a title's SVG chart, the catalog's sparkline."""

import uuid
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import Select, WebDriverWait

from apps.scraping.tmdb import IMAGE_BASE_KEY
from apps.trends import boards
from apps.trends.models import TitleViews, TrendSnapshot
from apps.trends.services import scores_recompute
from tests.catalog.test_pages_browser import assert_fits_the_window, submit_and_wait
from tests.catalog.test_title_page_browser import images_broken, save_whole_page
from tests.factories.catalog import TitleFactory
from tests.standins.tmdb_images import TmdbImages, tmdb_images_serve
from tests.support.browser import WAIT_SECONDS, by_testid, visible
from tests.support.processes import daphne_start

# The server process reads the boards under this prefix; the test writes them under it too.
BOARDS_PREFIX = f"test:trends:browser:{uuid.uuid4().hex[:8]}"
SIZES = ((360, 780), (1280, 900))
NAMES = {
    "tt0058642": {
        "uk": "Тіні забутих предків",
        "en": "Shadows of Forgotten Ancestors",
        "ru": "Тени забытых предков",
    },
    "tt8917752": {"uk": "Атлантида", "en": "Atlantis", "ru": "Атлантида"},
    "tt2226597": {"uk": "Дике поле", "en": "Wild Field", "ru": "Дикое поле"},
}
DRAMA_LABEL = {"uk": "Драма", "en": "Drama", "ru": "Драма"}
CHART_HEADING = {
    "uk": "Бал і перегляди за останні 30 днів",
    "en": "Score and views over the last 30 days",
    "ru": "Балл и просмотры за последние 30 дней",
}
SPARKLINE_WORDS = {"uk": "Трендовий бал", "en": "Trend score", "ru": "Трендовый балл"}


@pytest.fixture(scope="module")
def tmdb_images() -> Iterator[tuple[TmdbImages, str]]:
    with tmdb_images_serve() as served:
        yield served


@pytest.fixture(scope="module")
def dashboard_site(django_db_setup, django_db_blocker, tmdb_images) -> Iterator[str]:
    _images, base = tmdb_images
    with django_db_blocker.unblock():
        server, url = daphne_start(
            settings.DATABASES["default"],
            TMDB_IMAGE_BASE_URL=base,
            CSP_IMAGE_HOSTS=base.removesuffix("/t/p/"),
            TRENDS_REDIS_PREFIX=BOARDS_PREFIX,
        )
    try:
        yield url
    finally:
        server.stop()


@pytest.fixture
def site(dashboard_site: str, transactional_db: None) -> Iterator[str]:
    # An image base TMDB named earlier (cached for a day, shared with the server) would win
    # over the stand-in's.
    cache.delete(IMAGE_BASE_KEY)
    with override_settings(TRENDS_REDIS_PREFIX=BOARDS_PREFIX):
        boards._boards.clear()
        yield dashboard_site
    boards._boards.clear()
    if settings.REDIS_URL:
        client = redis.Redis.from_url(settings.REDIS_URL)
        keys = list(client.scan_iter(match=f"{BOARDS_PREFIX}:*"))
        if keys:
            client.delete(*keys)


@pytest.fixture
def trending(tmdb_images) -> None:
    """Three Ukrainian films with 30 days of history: two dramas (one without a poster), a comedy."""
    images, _base = tmdb_images
    images.add("/shadows.jpg", 185, 278, top=(170, 60, 30), bottom=(30, 12, 10))
    images.add("/wild-field.jpg", 185, 278, top=(210, 180, 60), bottom=(40, 60, 20))
    films = [
        (
            "tt0058642",
            "Shadows of Forgotten Ancestors",
            1965,
            ["Drama", "Romance"],
            "/shadows.jpg",
            40.0,
            8.0,
        ),
        ("tt8917752", "Atlantis", 2019, ["Drama", "Sci-Fi"], "", 12.0, 6.9),
        ("tt2226597", "Wild Field", 2018, ["Comedy"], "/wild-field.jpg", 2.0, 6.6),
    ]
    today = timezone.now().date()
    titles = []
    for number, (imdb_id, name, year, genres, poster, popularity, rating) in enumerate(films):
        title = TitleFactory(
            imdb_id=imdb_id,
            primary_title=name,
            start_year=year,
            genres=genres,
            poster_path=poster,
            rating=Decimal(str(rating)),
            tmdb_vote_average=Decimal(str(rating - 0.2)),
            tmdb_popularity=popularity,
            akas=[(NAMES[imdb_id]["uk"], "UA", "uk"), (NAMES[imdb_id]["ru"], "RU", "ru")],
        )
        for age in range(1, 30):
            if number == 1 and age in (9, 10):
                continue  # two days nobody computed its score: a gap in its line
            TrendSnapshot.objects.create(
                title=title, day=today - timedelta(days=age), score=6 - number + (age % 7) / 5, views=age % 5
            )
        for age in range(29):  # views every day but the first
            TitleViews.objects.create(
                title=title, day=today - timedelta(days=age), views=(3 - number) * (2 + (age * 7) % 9)
            )
        titles.append(title)
    scores_recompute(title_ids=[title.pk for title in titles])


def texts(browser: WebDriver, testid: str) -> list[str]:
    return [element.text for element in browser.find_elements(*by_testid(testid))]


def wait_posters(browser: WebDriver) -> None:
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda driver: driver.execute_script(
            "return [...document.querySelectorAll('[data-testid=trend-poster]')]"
            ".every((img) => img.complete && img.naturalWidth > 0)"
        )
    )


def csp_refusals(browser: WebDriver) -> list[str]:
    return [
        entry["message"]
        for entry in browser.get_log("browser")
        if "Content Security Policy" in entry["message"]
    ]


def shoot(browser: WebDriver, tmp_path: Path, name: str, width: int, height: int) -> None:
    browser.save_screenshot(str(tmp_path / f"{name}.png"))
    save_whole_page(browser, tmp_path / f"{name}-whole.png", width, height)


@pytest.mark.parametrize("language", ["uk", "en", "ru"])
def test_a_visitor_ranks_filters_and_opens_a_titles_chart(site, browser, trending, tmp_path, language):
    browser.get(site + "/trends/")
    browser.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": language})
    names = {imdb_id: by_language[language] for imdb_id, by_language in NAMES.items()}
    for width, height in SIZES:
        browser.set_window_size(width, height)

        # The board: ranked titles with posters (or a letter tile) and scores.
        browser.get(site + "/trends/")
        visible(browser, "trend-board")
        assert texts(browser, "trend-title") == [names["tt0058642"], names["tt8917752"], names["tt2226597"]]
        assert texts(browser, "trend-rank") == ["1", "2", "3"]
        wait_posters(browser)
        assert len(browser.find_elements(*by_testid("trend-poster"))) == 2
        assert texts(browser, "trend-poster-tile") == [names["tt8917752"][0]]
        scores = texts(browser, "trend-score")
        assert all(score.replace(",", ".").replace(".", "", 1).isdigit() for score in scores), scores
        assert len(browser.find_elements(*by_testid("trend-sparkline"))) == 3
        assert_fits_the_window(browser)
        assert images_broken(browser) == []
        shoot(browser, tmp_path, f"board-{language}-{width}", width, height)

        # A genre: only its titles.
        Select(visible(browser, "board-filter-genre")).select_by_visible_text(DRAMA_LABEL[language])
        submit_and_wait(browser, "board-filter-apply")
        assert texts(browser, "trend-title") == [names["tt0058642"], names["tt8917752"]]
        assert DRAMA_LABEL[language] in visible(browser, "board-heading").text
        assert_fits_the_window(browser)
        shoot(browser, tmp_path, f"board-drama-{language}-{width}", width, height)

        # A title's chart: the SVG drawn for this width, and its numbers.
        submit_and_wait(browser, "trend-chart-link")
        assert browser.current_url == f"{site}/trends/tt0058642/"
        assert visible(browser, "page-title").text == names["tt0058642"]
        size = "compact" if width < 640 else "wide"
        chart = visible(browser, f"trend-chart-{size}")
        assert chart.get_attribute("role") == "img"
        assert names["tt0058642"] in chart.get_attribute("aria-label")
        assert len(chart.find_elements(*by_testid("chart-bar"))) == 29  # the day 30 ago has no views
        assert chart.find_element(*by_testid("chart-line")).get_attribute("d").startswith("M")
        assert chart.rect["width"] <= width
        other = "wide" if size == "compact" else "compact"
        assert not browser.find_element(*by_testid(f"trend-chart-{other}")).is_displayed()
        assert visible(browser, "trend-chart").text.startswith(CHART_HEADING[language])
        visible(browser, "chart-data").find_element(By.TAG_NAME, "summary").click()
        rows = browser.find_elements(*by_testid("chart-data-row"))
        assert len(rows) == 30
        assert rows[0].is_displayed()
        assert_fits_the_window(browser)
        shoot(browser, tmp_path, f"chart-{language}-{width}", width, height)

        # The catalog's title page: the sparkline, linking back to the chart.
        browser.get(site + "/catalog/tt0058642/")
        block = visible(browser, "title-trend")
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", block)
        assert visible(browser, "title-sparkline").tag_name == "svg"
        assert SPARKLINE_WORDS[language] in block.text
        assert visible(browser, "title-trend-link").get_attribute("href") == f"{site}/trends/tt0058642/"
        assert_fits_the_window(browser)
        browser.save_screenshot(str(tmp_path / f"title-sparkline-{language}-{width}.png"))
    assert csp_refusals(browser) == []

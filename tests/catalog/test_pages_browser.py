"""The catalog in a real browser: search in Cyrillic, open a title, follow a recommendation."""

from decimal import Decimal
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.factories.catalog import TitleFactory
from tests.support.browser import WAIT_SECONDS, by_testid, text_appears, visible


@pytest.fixture
def catalog() -> None:
    """Three films, the first recommending the second, with Ukrainian names and full details."""
    TitleFactory(
        imdb_id="tt0111161",
        primary_title="The Shawshank Redemption",
        akas=[
            ("Втеча з Шоушенка", "UA", "uk"),
            ("Побег из Шоушенка", "RU", "ru"),
            ("Die Verurteilten", "DE", ""),
        ],
        start_year=1994,
        runtime_minutes=142,
        certificate="R",
        rating=Decimal("9.3"),
        votes=3_021_000,
        plot=(
            "A banker convicted of uxoricide forms a friendship over a quarter century with a hardened "
            "convict, while maintaining his innocence and trying to remain hopeful through simple compassion."
        ),
        genres=["Drama"],
        directors=["Frank Darabont"],
        writers=["Stephen King", "Frank Darabont"],
        stars=[
            ("Tim Robbins", ["Andy Dufresne"]),
            ("Morgan Freeman", ["Ellis Boyd 'Red' Redding"]),
            "Bob Gunton",
        ],
        decade_category="1990s",
        genre_categories=["Prison", "Adaptation"],
        director_stats={"total_movies": 3, "average_rating": 8.4},
        sentiment_analysis={"plot_tone": "Hopeful", "keyword_score": 0.71},
        recommendations=["tt0120689", "tt0068646"],
    )
    TitleFactory(
        imdb_id="tt0120689",
        primary_title="The Green Mile",
        akas=[("Зелена миля", "UA", "uk")],
        start_year=1999,
        runtime_minutes=189,
        rating=Decimal("8.6"),
        votes=1_450_000,
        genres=["Crime", "Drama", "Fantasy"],
        directors=["Frank Darabont"],
        recommendations=["tt0111161"],
    )
    TitleFactory(
        imdb_id="tt0068646",
        primary_title="The Godfather",
        akas=[("Хрещений батько", "UA", "")],
        start_year=1972,
        rating=Decimal("9.2"),
        votes=2_100_000,
        genres=["Crime", "Drama"],
    )


def submit_and_wait(browser: WebDriver, testid: str) -> None:
    """Click a control that loads a new page and wait until the old one is gone."""
    old_page = browser.find_element(By.TAG_NAME, "html")
    visible(browser, testid).click()
    WebDriverWait(browser, WAIT_SECONDS).until(ec.staleness_of(old_page))


def assert_fits_the_window(browser: WebDriver) -> None:
    width = browser.execute_script("return document.documentElement.clientWidth")
    page_width = browser.execute_script("return document.documentElement.scrollWidth")
    too_wide = browser.execute_script(
        "return [...document.querySelectorAll('body *')]"
        ".filter((element) => element.getBoundingClientRect().right > arguments[0])"
        ".map((element) => element.tagName + '.' + element.className + ' ' + element.getAttribute('data-testid'))",
        width,
    )
    assert page_width <= width, f"the page scrolls sideways: {too_wide}"


def test_search_in_cyrillic_open_the_title_and_follow_a_recommendation(
    site, browser, catalog, tmp_path: Path
):
    browser.get(site + "/catalog/")
    assert len(browser.find_elements(*by_testid("catalog-result"))) == 3
    browser.save_screenshot(str(tmp_path / "catalog-list.png"))

    visible(browser, "catalog-search").send_keys("втеча з шоушенка")
    submit_and_wait(browser, "catalog-search-submit")

    results = browser.find_elements(*by_testid("catalog-result-title"))
    assert [result.text for result in results] == ["Втеча з Шоушенка"]
    assert visible(browser, "catalog-search").get_attribute("value") == "втеча з шоушенка"
    browser.save_screenshot(str(tmp_path / "catalog-search.png"))

    submit_and_wait(browser, "catalog-result-title")

    assert visible(browser, "title-heading").text == "Втеча з Шоушенка"
    assert "The Shawshank Redemption" in visible(browser, "title-original").text
    assert visible(browser, "title-directors").text == "Frank Darabont"
    assert visible(browser, "title-rating-value").text == "9,3"
    browser.save_screenshot(str(tmp_path / "title-page.png"))
    browser.execute_script("arguments[0].scrollIntoView();", visible(browser, "title-insights"))
    browser.save_screenshot(str(tmp_path / "title-insights.png"))
    recommendations = visible(browser, "title-recommendations")
    browser.execute_script("arguments[0].scrollIntoView();", recommendations)
    links = browser.find_elements(*by_testid("recommendation-link"))
    assert [link.text for link in links] == ["Зелена миля", "Хрещений батько"]
    browser.save_screenshot(str(tmp_path / "title-recommendations.png"))

    submit_and_wait(browser, "recommendation-link")

    text_appears(browser, "title-heading", "Зелена миля")
    assert browser.current_url == site + "/catalog/tt0120689/"
    browser.save_screenshot(str(tmp_path / "recommended-title.png"))


def test_catalog_reads_well_on_a_phone(site, browser, catalog, tmp_path: Path):
    browser.set_window_size(390, 844)
    browser.get(site + "/catalog/?genre=Crime&rating=abc")

    assert visible(browser, "filters-ignored").is_displayed()
    cards = browser.find_elements(*by_testid("catalog-result"))
    assert len(cards) == 2
    assert cards[0].rect["y"] == cards[1].rect["y"], "cards should sit two to a row on a phone"
    assert_fits_the_window(browser)
    browser.save_screenshot(str(tmp_path / "catalog-phone.png"))
    browser.execute_script("arguments[0].scrollIntoView();", visible(browser, "catalog-results"))
    browser.save_screenshot(str(tmp_path / "catalog-phone-results.png"))

    browser.get(site + "/catalog/tt0111161/")
    visible(browser, "title-heading")
    assert_fits_the_window(browser)
    browser.save_screenshot(str(tmp_path / "title-phone.png"))
    browser.execute_script("arguments[0].scrollIntoView();", visible(browser, "title-credits"))
    browser.save_screenshot(str(tmp_path / "title-phone-credits.png"))

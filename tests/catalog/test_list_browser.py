"""The catalog list in a real browser: sorting controls, look-alike names told apart, no sideways scroll."""

from decimal import Decimal

import pytest
from django.conf import settings

from tests.factories.catalog import TitleFactory
from tests.support.browser import visible

LANGUAGES = ["uk", "en", "ru"]
WIDTHS = [(360, 800), (1280, 900)]


@pytest.fixture
def look_alikes() -> None:
    """Two "Володар перснів: …" films, a TV short with the longest type label, and Ukrainian titles."""
    TitleFactory(
        imdb_id="tt0120737",
        primary_title="The Lord of the Rings: The Fellowship of the Ring",
        translations={
            "uk": {"title": "Володар перснів: Хранителі персня"},
            "ru": {"title": "Властелин колец: Братство кольца"},
        },
        start_year=2001,
        rating=Decimal("8.9"),
        votes=2_100_000,
        genres=["Adventure", "Drama", "Fantasy"],
    )
    TitleFactory(
        imdb_id="tt0167261",
        primary_title="The Lord of the Rings: The Two Towers",
        translations={
            "uk": {"title": "Володар перснів: Дві вежі"},
            "ru": {"title": "Властелин колец: Две крепости"},
        },
        start_year=2002,
        rating=Decimal("8.8"),
        votes=1_900_000,
        genres=["Adventure", "Drama", "Fantasy"],
    )
    TitleFactory(
        imdb_id="tt0365467",
        primary_title="Making 'The Matrix'",
        title_type="tvShort",
        start_year=1999,
        rating=Decimal("7.4"),
        votes=900,
        genres=["Documentary", "Short", "Sci-Fi"],
    )
    TitleFactory(
        imdb_id="tt0058642",
        primary_title="Shadows of Forgotten Ancestors",
        original_language="uk",
        translations={"uk": {"title": "Тіні забутих предків"}, "ru": {"title": "Тени забытых предков"}},
        start_year=1965,
        rating=Decimal("7.8"),
        votes=12_000,
        genres=["Drama", "Romance"],
    )
    TitleFactory(
        imdb_id="tt10437890",
        primary_title="Atlantis",
        countries=["UA"],
        translations={"uk": {"title": "Атлантида"}, "ru": {"title": "Атлантида"}},
        start_year=2019,
        rating=Decimal("6.6"),
        votes=3_400,
        genres=["Drama", "Sci-Fi", "War"],
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_list_sorted_by_title_reads_well_on_a_phone_and_a_desktop(
    site, browser, tmp_path, look_alikes, language
):
    browser.get(site + "/")
    browser.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": language})
    for width, height in WIDTHS:
        browser.set_window_size(width, height)
        browser.get(site + "/catalog/?sort=title")

        sort = visible(browser, "filter-sort")
        assert sort.get_attribute("value") == "title"
        overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{language} at {width} px scrolls sideways by {overflow} px"
        links = browser.find_elements("css selector", '[data-testid="catalog-result-title"]')
        hints = [link.get_attribute("title") for link in links]
        # Look-alike names are told apart by their full name and year, shown on hover and focus.
        assert len(set(hints)) == len(hints) == 5
        assert all(hint.endswith(")") for hint in hints)
        for year in browser.find_elements("css selector", '[data-testid="title-card-year"]'):
            assert year.is_displayed()
            assert year.size["width"] > 0
        browser.save_screenshot(str(tmp_path / f"catalog-{language}-{width}.png"))
        browser.execute_script("arguments[0].scrollIntoView();", visible(browser, "results-count"))
        browser.save_screenshot(str(tmp_path / f"catalog-{language}-{width}-cards.png"))
        if width == 360:
            # The longest name is cut at three lines until its card has focus, then shows whole.
            longest = max(links, key=lambda link: len(link.text or link.get_attribute("title")))
            heading = longest.find_element("xpath", "..")
            clipped = "return arguments[0].scrollHeight > arguments[0].clientHeight + 1"
            browser.execute_script("arguments[0].scrollIntoView({block: 'center'});", longest)
            browser.execute_script("arguments[0].focus();", longest)
            assert not browser.execute_script(clipped, heading)
            browser.save_screenshot(str(tmp_path / f"catalog-{language}-{width}-focus.png"))

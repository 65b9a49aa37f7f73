"""Search as you type in a real browser, on the bundled sample: suggestions, keys, screen readers."""

from io import StringIO

import pytest
from django.core.management import call_command
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from tests.support.browser import WAIT_SECONDS, by_testid, text_appears, visible


@pytest.fixture
def catalog_page(site: str, browser: WebDriver) -> WebDriver:
    """The catalog list, in Ukrainian (the site's default), over the bundled sample."""
    call_command("catalog_sample_load", stdout=StringIO())
    browser.get(f"{site}/catalog/")
    visible(browser, "catalog-search")
    return browser


def suggestions_expanded(browser: WebDriver) -> bool:
    return browser.find_element(*by_testid("catalog-search")).get_attribute("aria-expanded") == "true"


def test_a_typo_suggests_the_title_and_arrow_then_enter_opens_it(catalog_page):
    box = catalog_page.find_element(*by_testid("catalog-search"))

    box.send_keys("shawshenk")
    first = text_appears(catalog_page, "suggestion-title", "Втеча з Шоушенка")
    assert "1994" in first.text
    assert suggestions_expanded(catalog_page)
    assert box.get_attribute("role") == "combobox"
    text_appears(catalog_page, "search-suggest-status", "Підказок:")

    box.send_keys(Keys.ARROW_DOWN)
    assert box.get_attribute("aria-activedescendant") == first.get_attribute("id")
    assert first.get_attribute("aria-selected") == "true"
    box.send_keys(Keys.ENTER)

    WebDriverWait(catalog_page, WAIT_SECONDS).until(ec.url_contains("/catalog/tt0111161/"))
    text_appears(catalog_page, "title-heading", "Втеча з Шоушенка")


def test_a_cyrillic_name_suggests_the_person_and_enter_opens_their_page(catalog_page):
    box = catalog_page.find_element(*by_testid("catalog-search"))

    box.send_keys("Нолан")
    person = text_appears(catalog_page, "suggestion-person", "Christopher Nolan")
    box.send_keys(Keys.ARROW_DOWN)
    assert box.get_attribute("aria-activedescendant") == person.get_attribute("id")
    box.send_keys(Keys.ENTER)

    WebDriverWait(catalog_page, WAIT_SECONDS).until(ec.url_contains("/people/nm0634240/"))


def test_escape_closes_the_suggestions_and_enter_then_searches_the_list(catalog_page):
    box = catalog_page.find_element(*by_testid("catalog-search"))
    box.send_keys("матрця")
    text_appears(catalog_page, "suggestion-title", "Матриця")

    box.send_keys(Keys.ESCAPE)
    WebDriverWait(catalog_page, WAIT_SECONDS).until(lambda driver: not suggestions_expanded(driver))
    box.send_keys(Keys.ENTER)

    WebDriverWait(catalog_page, WAIT_SECONDS).until(ec.url_contains("q="))
    text_appears(catalog_page, "catalog-result-title", "Матриця")

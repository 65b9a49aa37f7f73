"""The home page's live feed in a real browser: new titles appear without a reload."""

from urllib.parse import urlsplit

from django.conf import settings
from selenium.webdriver.support.ui import WebDriverWait

from apps.stream.services import publish
from tests.support.browser import text_appears, visible


def test_new_title_appears_on_the_home_page_without_reload(stream_server, browser, tmp_path):
    publish(
        "movie",
        {"id": "tt0068646", "title": "The Godfather", "year": "1972", "genre": ["Crime"], "rating": 9.2},
    )
    browser.get(stream_server + "/")
    assert "The Godfather" in visible(browser, "live-feed-list").text
    text_appears(browser, "live-feed-status", "Наживо")
    browser.execute_script("window.__samePage = true;")

    publish(
        "movie",
        {
            "id": "tt0111161",
            "title": "The Shawshank Redemption",
            "year": "1994",
            "genre": ["Drama"],
            "rating": 9.3,
        },
    )

    text_appears(browser, "live-feed-list", "The Shawshank Redemption")
    first = browser.find_elements("css selector", '[data-testid="feed-item"]')[0]
    assert "The Shawshank Redemption" in first.text
    assert "★ 9,3" in first.text  # Ukrainian decimal comma, as the server renders it
    assert browser.execute_script("return window.__samePage === true;"), "the page was reloaded"
    browser.execute_script("arguments[0].scrollIntoView();", visible(browser, "live-feed"))
    browser.save_screenshot(str(tmp_path / "home-live-feed.png"))


def test_feed_reconnects_and_catches_up_after_the_server_restarts(start_stream_server, browser):
    server = start_stream_server()
    browser.get(server + "/")
    text_appears(browser, "live-feed-status", "Наживо")

    start_stream_server.processes[-1].stop()
    WebDriverWait(browser, 15).until(
        lambda driver: visible(driver, "live-feed-status").get_attribute("data-state") != "live"
    )
    publish("movie", {"id": "tt0133093", "title": "The Matrix", "year": "1999", "genre": ["Sci-Fi"]})
    start_stream_server(port=urlsplit(server).port)

    # EventSource reconnects by itself with Last-Event-ID and receives what it missed.
    text_appears(browser, "live-feed-list", "The Matrix", timeout=30)
    text_appears(browser, "live-feed-status", "Наживо")


PHONES = [(360, 800), (390, 844)]  # the most common Android width, and a current iPhone's
NEWEST = '[data-testid="feed-item-title"]'  # the first match is the newest item


def test_the_home_page_fits_a_phone_and_the_feed_names_titles_in_the_pages_language(
    stream_server, browser, tmp_path
):
    publish(
        "movie",
        {
            "id": "tt0120737",
            "title": "The Lord of the Rings: The Fellowship of the Ring",
            "titles": {
                "uk": "Володар перснів: Хранителі персня",
                "ru": "Властелин колец: Братство кольца",
                "en": "The Lord of the Rings: The Fellowship of the Ring",
            },
            "year": "2001",
            "genre": ["Adventure", "Drama", "Fantasy"],
            "rating": 8.9,
        },
    )
    browser.get(stream_server + "/")
    for number, (language, live, published) in enumerate(
        [("uk", "Наживо", "Атлантида"), ("en", "Live", "Atlantis"), ("ru", "В эфире", "Атлантида")]
    ):
        browser.add_cookie({"name": settings.LANGUAGE_COOKIE_NAME, "value": language})
        for width, height in PHONES:
            browser.set_window_size(width, height)
            browser.get(stream_server + "/")
            text_appears(browser, "live-feed-status", live)

            overflow = browser.execute_script(
                "return document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, f"{language} at {width} px scrolls sideways by {overflow} px"
        imdb_id = f"tt1234567{number}"
        publish(
            "movie",
            {
                "id": imdb_id,
                "title": "Atlantis",
                "titles": {"uk": "Атлантида", "ru": "Атлантида", "en": "Atlantis"},
                "year": "2019",
                "genre": ["Drama", "Sci-Fi"],
                "rating": 7.1,
            },
        )

        WebDriverWait(browser, 15).until(
            lambda driver, suffix=f"/{imdb_id}/": (
                driver.find_element("css selector", NEWEST).get_attribute("href").endswith(suffix)
            )
        )
        first = browser.find_element("css selector", NEWEST)
        # A new item fades in from transparent, and until then a visitor (and Selenium) sees no text.
        WebDriverWait(browser, 5).until(lambda driver, item=first: item.text != "")
        assert first.text == published
        assert first.get_attribute("href") == f"{stream_server}/catalog/{imdb_id}/"
        server_rendered = browser.find_element("css selector", NEWEST + '[href$="/tt0120737/"]')
        assert (
            server_rendered.text
            == {
                "uk": "Володар перснів: Хранителі персня",
                "en": "The Lord of the Rings: The Fellowship of the Ring",
                "ru": "Властелин колец: Братство кольца",
            }[language]
        )
        browser.execute_script("arguments[0].scrollIntoView();", visible(browser, "live-feed"))
        browser.save_screenshot(str(tmp_path / f"home-feed-{language}-390.png"))

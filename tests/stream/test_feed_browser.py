"""The home page's live feed in a real browser: new titles appear without a reload."""

from urllib.parse import urlsplit

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

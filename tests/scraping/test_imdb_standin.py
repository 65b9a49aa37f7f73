"""The IMDb stand-in behaves like IMDb where the scraper can tell: WAF, blocks, slow and hanging
pages, localization, and in a browser the JavaScript-built chart rows, "50 more" and consent."""

import time

import pytest
import requests
from selenium.common.exceptions import ElementClickInterceptedException, TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from apps.scraping.imdb_pages import chart_page_parse, list_page_parse, title_page_parse
from tests.standins.imdb_site import HANGING_ID, SLOW_ID, ImdbSite, imdb_site_serve
from tests.support.browser import WAIT_SECONDS, by_testid, visible

CHART_ROWS = (
    '[data-testid="chart-layout-main-column"] ul.ipc-metadata-list > li.ipc-metadata-list-summary-item'
)
LIST_ROWS = "ul.ipc-metadata-list.detailed-list-view > li.ipc-metadata-list-summary-item"
SEE_MORE = "button.ipc-see-more__button"


def count(driver: WebDriver, selector: str) -> int:
    return len(driver.find_elements(By.CSS_SELECTOR, selector))


# ---------------------------------------------------------------- plain HTTP


def test_cookieless_request_gets_the_waf_challenge(imdb_site: ImdbSite) -> None:
    reply = requests.get(imdb_site.url("/title/tt1375666/"), timeout=10)

    assert reply.status_code == 202
    assert reply.headers["x-amzn-waf-action"] == "challenge"
    assert "window.gokuProps" in reply.text
    assert "challenge.js" in reply.text
    assert "__NEXT_DATA__" not in reply.text


def test_a_forged_token_is_challenged_too(imdb_site: ImdbSite) -> None:
    reply = requests.get(imdb_site.url("/chart/top/"), cookies={"aws-waf-token": "forged"}, timeout=10)

    assert reply.status_code == 202


@pytest.mark.parametrize(
    ("kind", "status", "action"),
    [
        ("captcha", 405, "captcha"),
        ("forbidden", 403, None),
        ("challenge", 202, "challenge"),
        ("challenge-200", 200, None),
    ],
)
def test_blocks_answer_the_next_requests_then_lift(kind: str, status: int, action: str | None) -> None:
    with imdb_site_serve(challenge=False) as site:
        site.block(kind, count=2)

        replies = [requests.get(site.url("/title/tt1375666/"), timeout=10) for _ in range(3)]

    assert [reply.status_code for reply in replies] == [status, status, 200]
    assert replies[0].headers.get("x-amzn-waf-action") == action
    assert "hero__pageTitle" not in replies[0].text
    assert "hero__pageTitle" in replies[2].text


def test_slow_page_answers_late() -> None:
    with imdb_site_serve(challenge=False, slow_seconds=0.6) as site:
        started = time.monotonic()
        reply = requests.get(site.url(f"/title/{SLOW_ID}/"), timeout=10)

    assert reply.status_code == 200
    assert time.monotonic() - started >= 0.6


def test_hanging_page_never_finishes_and_does_not_hold_up_the_server() -> None:
    with imdb_site_serve(challenge=False) as site:
        # The headers come at once, then the body stops halfway: a read time-out.
        with pytest.raises(requests.exceptions.RequestException, match="timed out"):
            requests.get(site.url(f"/title/{HANGING_ID}/"), timeout=(2, 1))
        started = time.monotonic()
    assert time.monotonic() - started < 5


def test_language_from_prefix_cookie_and_header() -> None:
    with imdb_site_serve(challenge=False) as site:
        prefixed = requests.get(site.url("/title/tt0903747/", language="uk"), timeout=10).text
        cookie = requests.get(site.url("/title/tt0903747/"), cookies={"lc-main": "ru-RU"}, timeout=10).text
        header = requests.get(
            site.url("/title/tt0903747/"), headers={"Accept-Language": "uk"}, timeout=10
        ).text
        seen = site.requests_seen()  # "/uk/title/…" included

    assert 'lang="uk-UA"' in prefixed
    assert "Пуститися берега" in prefixed
    assert "Во все тяжкие" in cookie
    assert "Пуститися берега" in header
    assert [request.language for request in seen] == ["uk", "ru", "uk"]


def test_any_title_id_is_a_page() -> None:
    with imdb_site_serve(challenge=False) as site:
        html = requests.get(site.url("/title/tt0000123/"), timeout=10).text

    assert title_page_parse(html).record["primary_title"] == site.title("tt0000123").display_title()


# ---------------------------------------------------------------- in a browser


def test_browser_passes_the_challenge_and_keeps_its_token(imdb_site: ImdbSite, browser: WebDriver) -> None:
    browser.get(imdb_site.url("/title/tt1375666/"))
    visible(browser, "hero__pageTitle")
    browser.get(imdb_site.url("/title/tt0095327/"))
    visible(browser, "hero__pageTitle")

    seen = [(request.path, request.status) for request in imdb_site.requests_seen("/title/")]
    assert seen == [("/title/tt1375666/", 202), ("/title/tt1375666/", 200), ("/title/tt0095327/", 200)]
    record = title_page_parse(browser.page_source).record
    assert record["primary_title"] == "Grave of the Fireflies"


def test_browser_is_challenged_again_after_tokens_expire(imdb_site: ImdbSite, browser: WebDriver) -> None:
    browser.get(imdb_site.url("/title/tt1375666/"))
    visible(browser, "hero__pageTitle")
    imdb_site.tokens_revoke()

    browser.get(imdb_site.url("/title/tt0079944/"))

    assert visible(browser, "hero__primary-text").text == "Stalker"
    assert [request.status for request in imdb_site.requests_seen("/title/tt0079944/")] == [202, 200]


def test_challenge_that_cannot_pass_stays_a_challenge(imdb_site: ImdbSite, browser: WebDriver) -> None:
    imdb_site.block("challenge")

    browser.get(imdb_site.url("/title/tt1375666/"))

    with pytest.raises(TimeoutException):
        visible(browser, "hero__pageTitle", timeout=3)
    assert "window.gokuProps" in browser.page_source
    assert {request.status for request in imdb_site.requests_seen("/title/")} == {202}


def test_chart_renders_rows_past_25_only_as_the_reader_scrolls(
    imdb_site: ImdbSite, browser: WebDriver
) -> None:
    browser.get(imdb_site.url("/chart/top/"))
    visible(browser, "chart-layout-main-column")
    assert count(browser, CHART_ROWS) == 25

    while count(browser, CHART_ROWS) < 250:
        shown = count(browser, CHART_ROWS)
        browser.execute_script(
            "arguments[0].scrollIntoView()", browser.find_elements(By.CSS_SELECTOR, CHART_ROWS)[-1]
        )
        WebDriverWait(browser, WAIT_SECONDS).until(
            lambda driver, shown=shown: count(driver, CHART_ROWS) > shown
        )

    html = browser.page_source
    records = chart_page_parse(html.replace('id="__NEXT_DATA__"', 'id="gone"'))
    assert [record["imdb_id"] for record in records] == [title.imdb_id for title in imdb_site.chart("top")]
    assert records[-1]["primary_title"] == imdb_site.chart("top")[-1].display_title()


def test_fifty_more_until_every_result_is_shown(imdb_site: ImdbSite, browser: WebDriver) -> None:
    browser.get(imdb_site.url("/search/title/?genres=drama"))
    WebDriverWait(browser, WAIT_SECONDS).until(ec.presence_of_element_located((By.CSS_SELECTOR, LIST_ROWS)))
    clicks = 0
    while browser.find_elements(By.CSS_SELECTOR, SEE_MORE):
        shown = count(browser, LIST_ROWS)
        button = browser.find_element(By.CSS_SELECTOR, SEE_MORE)
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
        button.click()
        clicks += 1
        WebDriverWait(browser, WAIT_SECONDS).until(
            lambda driver, shown=shown: (
                count(driver, LIST_ROWS) > shown or not driver.find_elements(By.CSS_SELECTOR, SEE_MORE)
            )
        )

    expected = imdb_site.search_results("genres=drama")
    records = list_page_parse(browser.page_source)
    assert clicks == 4
    assert [record["imdb_id"] for record in records] == [title.imdb_id for title in expected]
    assert records[229]["plot"] == expected[229].plot()
    assert "1-230 of 230" in browser.page_source
    assert browser.current_url.endswith("/search/title/?genres=drama")


def test_consent_banner_covers_the_page_until_accepted(imdb_site: ImdbSite, browser: WebDriver) -> None:
    imdb_site.consent = "banner"
    browser.get(imdb_site.url("/search/title/?genres=drama"))
    visible(browser, "consent-banner")

    with pytest.raises(ElementClickInterceptedException):
        browser.find_element(By.CSS_SELECTOR, SEE_MORE).click()
    browser.find_element(*by_testid("accept-button")).click()
    browser.find_element(By.CSS_SELECTOR, SEE_MORE).click()

    WebDriverWait(browser, WAIT_SECONDS).until(lambda driver: count(driver, LIST_ROWS) == 100)
    browser.get(imdb_site.url("/title/tt1375666/"))
    visible(browser, "hero__pageTitle")
    assert not browser.find_elements(*by_testid("consent-banner"))


def test_consent_iframe_is_answered_inside_its_frame(imdb_site: ImdbSite, browser: WebDriver) -> None:
    imdb_site.consent = "iframe"
    browser.get(imdb_site.url("/title/tt1375666/"))
    frame = WebDriverWait(browser, WAIT_SECONDS).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, 'iframe[id^="sp_message_iframe"]'))
    )

    browser.switch_to.frame(frame)
    browser.find_element(By.CSS_SELECTOR, 'button[title="Accept"]').click()
    browser.switch_to.default_content()

    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda driver: not driver.find_elements(By.CSS_SELECTOR, 'iframe[id^="sp_message_iframe"]')
    )
    assert "standin-consent=accept" in browser.execute_script("return document.cookie")


def test_blocked_fifty_more_keeps_the_list_and_the_button(imdb_site: ImdbSite, browser: WebDriver) -> None:
    browser.get(imdb_site.url("/search/title/?genres=drama"))
    WebDriverWait(browser, WAIT_SECONDS).until(ec.presence_of_element_located((By.CSS_SELECTOR, LIST_ROWS)))
    imdb_site.block("captcha", count=1)

    browser.find_element(By.CSS_SELECTOR, SEE_MORE).click()
    WebDriverWait(browser, WAIT_SECONDS).until(lambda driver: imdb_site.requests_seen("/_standin/graphql"))
    WebDriverWait(browser, WAIT_SECONDS).until(
        lambda driver: (
            driver.find_element(By.CSS_SELECTOR, SEE_MORE).get_attribute("aria-disabled") == "false"
        )
    )
    assert count(browser, LIST_ROWS) == 50
    browser.find_element(By.CSS_SELECTOR, SEE_MORE).click()

    WebDriverWait(browser, WAIT_SECONDS).until(lambda driver: count(driver, LIST_ROWS) == 100)
    assert [request.status for request in imdb_site.requests_seen("/_standin/graphql")] == [405, 200]

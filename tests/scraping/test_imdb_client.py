"""The IMDb client in real headless Chromium against the stand-in: WAF, blocks, charts, "50 more",
consent and languages. One browser pool serves the whole module."""

from collections.abc import Iterator

import pytest
from django.test import override_settings

from apps.scraping import imdb_client, imdb_pages
from apps.scraping.browser import BrowserPool, browser_processes
from apps.scraping.imdb_client import ImdbBlocked, ImdbClient
from apps.scraping.imdb_pages import chart_page_parse, list_page_parse, title_page_parse
from tests.standins.imdb_site import CAPTCHA_ID, FORBIDDEN_ID, ImdbSite
from tests.support.scraping import FAST, chromium_required, eventually

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def shared_pool() -> Iterator[BrowserPool]:
    chromium_required()
    with override_settings(**FAST), BrowserPool(size=2) as pool:
        yield pool
    eventually(lambda: browser_processes() == [])


@pytest.fixture
def client(shared_pool: BrowserPool, imdb_site: ImdbSite) -> Iterator[ImdbClient]:
    with override_settings(**FAST):
        yield ImdbClient(shared_pool)


def test_the_browser_passes_the_waf_challenge(client: ImdbClient, imdb_site: ImdbSite):
    page = client.title_page("tt1375666")

    assert page.status == 200
    assert page.challenge_passed
    seen = imdb_site.requests_seen("/title/tt1375666/")
    assert [request.status for request in seen] == [202, 200]
    assert seen[-1].has_token
    assert title_page_parse(page.html, url=page.url).record["primary_title"] == "Inception"


@pytest.mark.parametrize(("imdb_id", "status"), [(FORBIDDEN_ID, 403), (CAPTCHA_ID, 405)])
def test_a_hard_block_is_reported_as_blocked(
    client: ImdbClient, imdb_site: ImdbSite, imdb_id: str, status: int
):
    with pytest.raises(ImdbBlocked) as blocked:
        client.title_page(imdb_id)

    assert blocked.value.status == status
    assert str(status) in blocked.value.reason


def test_a_challenge_that_never_passes_is_a_block(client: ImdbClient, imdb_site: ImdbSite):
    imdb_site.block("challenge")

    with override_settings(SCRAPER_WAIT_SECONDS=3), pytest.raises(ImdbBlocked, match="challenge"):
        client.title_page("tt0111161")


def test_a_chart_yields_every_row(client: ImdbClient, imdb_site: ImdbSite):
    page = client.chart_page("top")

    assert page.rows == 250  # rendered in the browser, not only the server's 25
    records = chart_page_parse(page.html, url=page.url)
    assert [record["imdb_id"] for record in records] == [title.imdb_id for title in imdb_site.chart("top")]


def test_the_client_scrolls_and_counts_the_rows_the_parser_reads():
    assert imdb_client.CHART_ROWS is imdb_pages.CHART_ROWS
    assert imdb_client.LIST_ROWS is imdb_pages.LIST_ROWS


def test_a_search_is_expanded_with_50_more_to_its_end_or_the_limit(client: ImdbClient, imdb_site: ImdbSite):
    url = imdb_site.url("/search/title/?title_type=feature&genres=action")
    expected = [title.imdb_id for title in imdb_site.search_results("title_type=feature&genres=action")]

    everything = client.list_page(url)
    some = client.list_page(url, limit=120)

    assert everything.rows == 230
    assert [record["imdb_id"] for record in list_page_parse(everything.html, url=url)] == expected
    assert some.rows == 150  # three clicks of 50 reach 120
    assert [record["imdb_id"] for record in list_page_parse(some.html, url=url)][:120] == expected[:120]


def test_a_localized_page_is_asked_for_with_its_prefix_and_language(client: ImdbClient, imdb_site: ImdbSite):
    page = client.title_page("tt1375666", language="uk")

    request = imdb_site.requests_seen("/uk/title/tt1375666/")[-1]
    assert request.accept_language.startswith("uk")
    assert title_page_parse(page.html, url=page.url, language="uk").record["primary_title"] == "Початок"


@pytest.mark.parametrize("consent", ["banner", "iframe"])
def test_a_consent_dialog_is_answered(imdb_site: ImdbSite, consent: str):
    chromium_required()
    imdb_site.consent = consent
    with override_settings(**FAST), BrowserPool(size=1) as pool:  # a fresh profile: never answered
        page = ImdbClient(pool).title_page("tt0111161")
        with pool.browser() as browser:
            answer = browser.driver.get_cookie("standin-consent")

    assert page.rows == 1
    assert answer is not None
    assert answer["value"] == "accept"

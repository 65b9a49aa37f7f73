"""The footer's visitor counter: pages counted without a write per page, flushed, shown."""

import http.client
import re
import urllib.request
from urllib.parse import urlsplit

import pytest
from django.test import override_settings

from apps.analytics.models import DailyVisits, PageViews
from apps.analytics.selectors import visits_day
from apps.analytics.services import visits_flush
from tests.support.processes import clients_on_servers

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
PHONE = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile"


def _footer_counts(client) -> tuple[str, ...]:
    page = client.get("/trends/about", HTTP_USER_AGENT=BROWSER).content.decode()
    counter = re.search(r'data-testid="visitor-counter">(.*?)</p>', page, re.S).group(1)
    return tuple(re.findall(r"<strong>([^<]*)</strong>", counter))


@pytest.mark.django_db
def test_pages_are_counted_in_the_footer_after_the_flush_and_visitors_once_a_day(client):
    for _ in range(3):
        assert client.get("/", HTTP_USER_AGENT=BROWSER).status_code == 200
    client.get("/catalog/", HTTP_USER_AGENT=PHONE)
    assert not DailyVisits.objects.exists(), "a page view wrote to the database"

    report = visits_flush()

    assert report.page_views == 4
    today = DailyVisits.objects.get(day=visits_day())
    assert (today.page_views, today.visitors) == (4, 2)
    assert dict(PageViews.objects.values_list("path", "views")) == {"/": 3, "/catalog/": 1}
    # The footer shows what is flushed; the page showing it is counted at the next flush.
    assert _footer_counts(client) == ("4", "4", "2")


@pytest.mark.django_db
def test_bots_machinery_and_missing_pages_are_not_counted(client):
    client.get("/", HTTP_USER_AGENT="Googlebot/2.1 (+http://www.google.com/bot.html)")
    client.get("/", HTTP_USER_AGENT="")
    client.get("/api/openapi.json", HTTP_USER_AGENT=BROWSER)
    client.get("/admin/login/", HTTP_USER_AGENT=BROWSER)
    client.get("/catalog/tt0000000/", HTTP_USER_AGENT=BROWSER)  # 404

    assert visits_flush().page_views == 0
    assert not PageViews.objects.exists()


@pytest.mark.django_db
def test_a_repeated_flush_adds_nothing_and_no_visitor_is_stored_by_address(client):
    client.get("/", HTTP_USER_AGENT=BROWSER, REMOTE_ADDR="203.0.113.7")
    visits_flush()
    visits_flush()

    today = DailyVisits.objects.get(day=visits_day())
    assert (today.page_views, today.visitors) == (1, 1)
    stored = str(list(DailyVisits.objects.values())) + str(list(PageViews.objects.values()))
    assert "203.0.113.7" not in stored


@pytest.mark.django_db
def test_a_page_is_served_when_redis_cannot_count_it(client):
    with override_settings(REDIS_URL="redis://127.0.0.1:1/0"):
        answer = client.get("/", HTTP_USER_AGENT=BROWSER)
    assert answer.status_code == 200


PAGE_VIEWS = 10_000
CLIENTS = 20


def _get_pages(url: str, count: int, served: list[int]) -> None:
    done = 0
    for _ in range(count):
        request = urllib.request.Request(url + "/trends/about", headers={"User-Agent": BROWSER})
        with urllib.request.urlopen(request, timeout=30) as answer:
            answer.read()
            done += answer.status == 200
    served.append(done)


@pytest.mark.django_db(transaction=True)
def test_page_views_from_parallel_clients_on_two_servers_are_all_counted(redis_url, analytics_isolated):
    env = {"REDIS_URL": redis_url, "ANALYTICS_REDIS_PREFIX": analytics_isolated}
    served = clients_on_servers(_get_pages, total=PAGE_VIEWS, clients=CLIENTS, env=env)

    visits_flush()

    assert served == PAGE_VIEWS
    assert DailyVisits.objects.get(day=visits_day()).page_views == PAGE_VIEWS
    assert PageViews.objects.get(path="/trends/about").views == PAGE_VIEWS


CACHED_PAGE_VIEWS = 2_000


def _get_pages_counting_hits(url: str, count: int, served: list[int]) -> None:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    done = hits = 0
    try:
        for _ in range(count):
            connection.request("GET", "/trends/about", headers={"User-Agent": BROWSER})
            answer = connection.getresponse()
            answer.read()
            done += answer.status == 200
            hits += answer.getheader("x-page-cache") == "hit"
    finally:
        connection.close()
        served.append(done)
        _get_pages_counting_hits.hits += hits


@pytest.mark.django_db(transaction=True)
def test_pages_served_from_the_page_cache_are_counted_too(redis_url, analytics_isolated):
    _get_pages_counting_hits.hits = 0
    env = {"REDIS_URL": redis_url, "ANALYTICS_REDIS_PREFIX": analytics_isolated, "PAGE_CACHE_SECONDS": "60"}
    served = clients_on_servers(_get_pages_counting_hits, total=CACHED_PAGE_VIEWS, clients=CLIENTS, env=env)

    visits_flush()

    assert served == CACHED_PAGE_VIEWS
    assert (
        _get_pages_counting_hits.hits >= CACHED_PAGE_VIEWS - 2 * CLIENTS
    )  # at most each client's first page rendered
    assert DailyVisits.objects.get(day=visits_day()).page_views == CACHED_PAGE_VIEWS
    assert PageViews.objects.get(path="/trends/about").views == CACHED_PAGE_VIEWS

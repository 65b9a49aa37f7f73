"""The page cache in front of Django: what a visitor gets from it, and what never comes from it."""

import asyncio
import random
import re
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.test import override_settings

from core.page_cache import PageCache, indentation_stripped

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
SHARED = [(b"content-type", b"text/html; charset=utf-8"), (b"cache-control", b"s-maxage=30")]


class Site:
    """An inner ASGI app that renders slowly and says how often it rendered."""

    def __init__(self, headers=SHARED) -> None:
        self.headers, self.renders = headers, 0

    async def __call__(self, scope, receive, send) -> None:
        self.renders += 1
        await asyncio.sleep(0.05)  # a rendering takes time; requests arrive meanwhile
        body = f"page {self.renders} of {scope['path']}".encode()
        await send({"type": "http.response.start", "status": 200, "headers": self.headers})
        await send({"type": "http.response.body", "body": body})


class Hits:
    """The page cache's hit hook, recording what it would count."""

    def __init__(self) -> None:
        self.seen: list[dict] = []

    async def __call__(self, **view) -> None:
        self.seen.append(view)


VARIANTS = ("django_language", "showtimes_city")


def _cache(site: Site, hits: Hits | None = None, **options) -> PageCache:
    return PageCache(site, on_hit=hits or Hits(), variant_cookies=VARIANTS, **options)


def _scope(path="/", cookie="", method="GET") -> dict:
    headers = [(b"host", b"example.org"), (b"user-agent", BROWSER.encode())]
    if cookie:
        headers.append((b"cookie", cookie.encode()))
    return {"type": "http", "method": method, "path": path, "query_string": b"", "headers": headers}


async def _get(cache: PageCache, **request) -> tuple[bytes, bool]:
    sent = []

    async def send(message):
        sent.append(message)

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    await cache(_scope(**request), receive, send)
    headers = dict(sent[0]["headers"])
    return b"".join(m.get("body", b"") for m in sent[1:]), headers.get(b"x-page-cache") == b"hit"


def _run(coroutine):
    return asyncio.run(coroutine)


pytestmark = pytest.mark.django_db


@override_settings(PAGE_CACHE_SECONDS=30)
def test_many_visitors_at_once_get_one_rendering_of_a_shared_page():
    site, hits = Site(), Hits()
    cache = _cache(site, hits)

    async def crowd():
        return await asyncio.gather(*(_get(cache, path="/catalog/") for _ in range(20)))

    pages = _run(crowd())

    assert site.renders == 1
    assert {body for body, _hit in pages} == {b"page 1 of /catalog/"}
    assert sum(hit for _body, hit in pages) == 19
    assert len(hits.seen) == 19  # the one rendering is counted by Django's middleware
    assert hits.seen[0] == {"path": "/catalog/", "address": "", "user_agent": BROWSER}


@override_settings(PAGE_CACHE_SECONDS=30)
def test_signed_in_visitors_and_other_languages_never_get_a_visitors_copy():
    site = Site()
    cache = _cache(site)

    async def visits():
        first = await _get(cache)
        signed_in = await _get(cache, cookie="sessionid=abc; django_language=uk")
        russian = await _get(cache, cookie="django_language=ru")
        again = await _get(cache, cookie="csrftoken=x")
        return first, signed_in, russian, again

    first, signed_in, russian, again = _run(visits())

    assert first == (b"page 1 of /", False)
    assert signed_in == (b"page 2 of /", False)
    assert russian == (b"page 3 of /", False)
    assert again == (b"page 1 of /", True)


@pytest.mark.parametrize(
    "headers",
    [
        [(b"content-type", b"text/html"), (b"cache-control", b"s-maxage=30, private")],
        [(b"content-type", b"text/html"), (b"cache-control", b"s-maxage=30"), (b"set-cookie", b"a=b")],
        [(b"content-type", b"text/html")],
        [(b"content-type", b"application/json"), (b"cache-control", b"s-maxage=30")],
    ],
    ids=["private", "sets-a-cookie", "not-marked-shared", "not-a-page"],
)
@override_settings(PAGE_CACHE_SECONDS=30)
def test_only_pages_marked_shared_that_set_no_cookie_are_kept(headers):
    site = Site(headers)
    cache = _cache(site)

    async def twice():
        return [await _get(cache), await _get(cache)]

    assert _run(twice()) == [(b"page 1 of /", False), (b"page 2 of /", False)]


@override_settings(PAGE_CACHE_SECONDS=30)
def test_processes_that_rendered_a_page_together_render_it_again_at_different_moments():
    """12 processes (one cache each) keep the same page from the same instant: they must not
    all render it again in one instant every 30 s, and none may serve a copy older than 30 s."""
    now = [0.0]
    draws = random.Random(17)
    sites = [Site() for _ in range(12)]
    caches = [_cache(site, clock=lambda: now[0], spread=draws.random) for site in sites]

    async def every_second_for(seconds):
        renderings_at = {}
        for second in range(seconds + 1):
            now[0] = float(second)
            for site, cache in zip(sites, caches, strict=True):
                before = site.renders
                await _get(cache)
                if site.renders > before:
                    renderings_at[second] = renderings_at.get(second, 0) + 1
        return renderings_at

    renderings_at = _run(every_second_for(90))

    assert renderings_at.pop(0) == 12  # the first visit renders everywhere
    assert max(renderings_at.values()) <= 4
    assert all(site.renders >= 4 for site in sites)  # again at least every 30 s: 0, ≤30, ≤60, ≤90


@override_settings(PAGE_CACHE_SECONDS=30)
def test_an_expired_page_is_rendered_again():
    now = [0.0]
    site = Site()
    cache = _cache(site, clock=lambda: now[0], spread=lambda: 0.0)

    async def visits():
        first = await _get(cache)
        now[0] = 29.0
        fresh = await _get(cache)
        now[0] = 31.0
        later = await _get(cache)
        return first, fresh, later

    assert _run(visits()) == ((b"page 1 of /", False), (b"page 1 of /", True), (b"page 2 of /", False))


def test_the_site_marks_a_visitors_pages_shared_and_a_signed_in_persons_not(client, django_user_model):
    with override_settings(PAGE_CACHE_SECONDS=10):
        visitor = client.get("/catalog/")
        about = client.get("/trends/about")["Cache-Control"]
        client.force_login(
            django_user_model.objects.create_user(email="olena@example.com", password="x" * 12)
        )
        signed_in = client.get("/catalog/")

    assert "s-maxage=10" in visitor["Cache-Control"]
    assert not visitor.cookies
    assert "s-maxage=10" in about
    assert "s-maxage" not in signed_in.get("Cache-Control", "")


@override_settings(PAGE_CACHE_SECONDS=30, PAGE_CACHE_MEMORY_BYTES=60)
def test_pages_for_endless_queries_never_hold_more_memory_than_allowed():
    site = Site()
    cache = _cache(site)

    async def crawl():
        for number in range(50):
            await _get(cache, path=f"/catalog/{number}/")
        return await _get(cache, path="/catalog/49/"), await _get(cache, path="/catalog/0/")

    latest, first = _run(crawl())

    assert cache.size <= 60
    assert len(cache.pages) <= 3  # about 20 bytes each
    assert latest[1] is True  # the most recent page is still kept
    assert first[1] is False  # the oldest went first


def _words(html: bytes) -> str:
    """What a browser shows of `html`: its text, whitespace collapsed."""
    parser = _TextOnly()
    parser.feed(html.decode())
    return " ".join("".join(parser.text).split())


class _TextOnly(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_shared_pages_are_sent_without_indentation_and_show_the_same_words(client):
    page = client.get("/catalog/")
    indented = render_to_string("catalog/index.html", page.context[0].flatten(), request=page.wsgi_request)

    assert page.status_code == 200
    assert re.search(rb"\n[ \t]", page.content) is None
    assert len(page.content) < 0.9 * len(indented.encode())
    assert _words(page.content) == _words(indented.encode())


def test_preformatted_text_keeps_its_indentation():
    report = b"<form>\n  <textarea name=note>\n    line one\n      line two</textarea>\n</form>"
    meta = b"<p>\n    <span>1994</span>\n    <span>120 min</span>\n</p>"

    assert indentation_stripped(report) == report
    assert indentation_stripped(meta) == b"<p>\n<span>1994</span>\n<span>120 min</span>\n</p>"

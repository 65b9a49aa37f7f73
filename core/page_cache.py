"""A short-lived cache of anonymous pages at the ASGI edge, in front of Django.

Django's cheapest page costs a few milliseconds of a core; most visitors are anonymous and see
the same page for the same address and language. A view says its page may be shared with
`shared_cache` (Cache-Control `s-maxage`, the standard header for shared caches, added only
for anonymous visitors and only when the response sets no cookie). `PageCache` keeps such
responses in the process's memory for that many seconds and answers the next anonymous
request for the same page without entering Django.

What makes a page the same for two visitors: the full path with its query and the cookies
the wiring names as variants (the language and the remembered city). A request with a session
or a messages cookie, or an Authorization header, never reads the cache: its page may be
personal. A response is kept only when it is a 200 HTML page with `s-maxage`, no `private` or
`no-store`, no Set-Cookie and a body under PAGE_CACHE_MAX_BYTES.

A page served from the cache still counts as a page view through the `on_hit` hook the
project's wiring gives (cinestream/asgi.py: apps/analytics), as Django's middleware would have
counted it; title pages, whose views trends counts, are not shared.
Each process keeps its own entries (nginx's ip_hash keeps a visitor on one process), so a page
may be PAGE_CACHE_SECONDS old; live parts (the feed, a city's schedule) catch up over the
stream from the event id the page carries.
"""

import asyncio
import random
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import wraps
from http.cookies import CookieError, SimpleCookie
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpRequest, HttpResponse
from django.template.response import SimpleTemplateResponse
from django.utils.cache import patch_cache_control

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]

HIT_HEADER = (b"x-page-cache", b"hit")
# A copy expires at a random moment in the last quarter of its s-maxage. Processes that
# rendered a popular page together (a deploy, a burst) would otherwise all render it again
# in the same instant, every s-maxage, and those renderings on a few cores held every
# process's answers back: bench/http.py's city page had a paced p99 of 50-100 ms with them
# in lockstep, 10 ms with no rendering at all.
EXPIRY_SPREAD = 0.25
# Hit hooks take the page's path (without a deployment prefix), the client's address and its
# User-Agent, as Django's page-view middleware gets them.
OnHit = Callable[..., Awaitable[None]]


_INDENTATION = re.compile(rb"\n[ \t]+")
_PREFORMATTED = re.compile(rb"<(pre|textarea)[\s>]", re.IGNORECASE)


def indentation_stripped(html: bytes) -> bytes:
    """`html` without the templates' indentation: the city page is 30% indentation, and every
    byte of a shared page is sent thousands of times. The line breaks stay, so text that had
    whitespace between two tags still has it; a page with preformatted text is left whole."""
    if _PREFORMATTED.search(html):
        return html
    return _INDENTATION.sub(b"\n", html)


def _strip_when_rendered(response: HttpResponse) -> None:
    def strip(rendered: HttpResponse) -> None:
        rendered.content = indentation_stripped(rendered.content)

    if response.streaming:
        return
    if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
        response.add_post_render_callback(strip)
    else:
        strip(response)


def shared_cache(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark an anonymous visitor's page as shareable for PAGE_CACHE_SECONDS, and send these
    busy pages without their templates' indentation.

    Signed-in people's pages, and any response that sets a cookie, stay unmarked."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            _strip_when_rendered(response)
        seconds = settings.PAGE_CACHE_SECONDS
        if (
            seconds > 0
            and response.status_code == 200
            and not response.cookies
            and not request.user.is_authenticated
            and not _is_private(response.get("Cache-Control", ""))
        ):
            patch_cache_control(response, s_maxage=seconds)
        return response

    return wrapped


def _is_private(cache_control: str) -> bool:
    """A page a view marked personal or never to be stored (`never_cache`)."""
    directives = {part.strip().split("=", 1)[0].lower() for part in cache_control.split(",")}
    return bool(directives & {"private", "no-store", "no-cache"})


def _header(scope: Scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return value
    return None


def _cookies(scope: Scope, variant_names: tuple[str, ...]) -> dict[str, str] | None:
    """The cookies among `variant_names`, or None when a cookie makes the page personal: the
    session's or the messages' (Django's cookie storage keeps a visitor's pending messages)."""
    raw = _header(scope, b"cookie")
    if not raw:
        return {}
    jar = SimpleCookie()
    try:
        jar.load(raw.decode("latin-1"))
    except CookieError:
        return None
    if {settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name} & jar.keys():
        return None
    return {name: jar[name].value for name in variant_names if name in jar}


def _cache_key(scope: Scope, cookies: dict[str, str], variant_names: tuple[str, ...]) -> tuple[str, ...]:
    query = scope.get("query_string", b"").decode("latin-1")
    host = (_header(scope, b"host") or b"").decode("latin-1")
    variants = (cookies.get(name, "") for name in variant_names)
    return (scope.get("scheme", "http"), host, scope.get("root_path", ""), scope["path"], query, *variants)


def _shared_seconds(headers: list[tuple[bytes, bytes]]) -> int:
    """The response's `s-maxage` when it may be kept for everyone, else 0."""
    control = b""
    for name, value in headers:
        name = bytes(name).lower()
        if name == b"set-cookie":
            return 0
        if name == b"cache-control":
            control += b"," + bytes(value).lower()
        if name == b"content-type" and not bytes(value).lower().startswith(b"text/html"):
            return 0
    directives = {
        part.strip().split(b"=", 1)[0]: part.strip() for part in control.split(b",") if part.strip()
    }
    if directives.keys() & {b"private", b"no-store", b"no-cache"} or b"s-maxage" not in directives:
        return 0
    try:
        return max(0, int(directives[b"s-maxage"].split(b"=", 1)[1]))
    except (IndexError, ValueError):
        return 0


@dataclass(frozen=True)
class _Page:
    headers: list[tuple[bytes, bytes]]
    body: bytes
    expires: float
    seconds: int


class _Recorder:
    """Passes a response through unchanged while keeping a copy of it when it may be shared."""

    def __init__(self, send: Send, limit: int) -> None:
        self.send, self.limit = send, limit
        self.seconds, self.headers, self.chunks, self.size, self.complete = 0, [], [], 0, False

    async def __call__(self, message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            if message.get("status") == 200:
                self.headers = [(bytes(name), bytes(value)) for name, value in message.get("headers", ())]
                self.seconds = _shared_seconds(self.headers)
        elif message["type"] == "http.response.body" and self.seconds:
            body = message.get("body", b"")
            self.size += len(body)
            if self.size > self.limit:
                self.seconds, self.chunks = 0, []
            else:
                self.chunks.append(body)
                self.complete = not message.get("more_body", False)
        await self.send(message)

    def page(self, now: float, spread: float) -> _Page | None:
        """The response as kept, fresh for `seconds` shortened by `spread` (0 to 1) of
        EXPIRY_SPREAD."""
        if not (self.seconds and self.complete):
            return None
        lifetime = self.seconds * (1 - EXPIRY_SPREAD * spread)
        return _Page(
            headers=self.headers, body=b"".join(self.chunks), expires=now + lifetime, seconds=self.seconds
        )


def _path_info(scope: Scope) -> str:
    prefix = settings.FORCE_SCRIPT_NAME or scope.get("root_path", "")
    path = scope["path"]
    return path[len(prefix) :] if prefix and path.startswith(prefix) else path


class PageCache:
    """ASGI middleware: anonymous GET and HEAD requests for shared pages, from memory.

    One request per page and process renders it again when it expires (single flight);
    meanwhile the others get the copy that just expired, or, when there is none yet, wait for
    that one rendering instead of each rendering the page in Django's one thread.

    `on_hit` counts a page answered from memory, as Django's middleware counts the others;
    `variant_cookies` name the cookies that choose between a page's shared variants; `spread`
    draws where in EXPIRY_SPREAD a new copy expires (0 to 1)."""

    def __init__(
        self,
        app: Asgi,
        *,
        on_hit: OnHit,
        variant_cookies: tuple[str, ...],
        clock: Callable[[], float] = time.monotonic,
        spread: Callable[[], float] = random.random,
    ) -> None:
        self.app, self.on_hit, self.variant_cookies = app, on_hit, variant_cookies
        self.clock, self.spread = clock, spread
        self.pages: OrderedDict[tuple[str, ...], _Page] = OrderedDict()
        self.rendering: dict[tuple[str, ...], asyncio.Event] = {}
        self.size = 0  # bytes of the bodies kept

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope.get("method")
        is_read = scope["type"] == "http" and method in ("GET", "HEAD")
        cookies = _cookies(scope, self.variant_cookies) if is_read else None
        if cookies is None or settings.PAGE_CACHE_SECONDS <= 0 or _header(scope, b"authorization"):
            await self.app(scope, receive, send)
            return
        key = _cache_key(scope, cookies, self.variant_cookies)
        page = self._usable(key, stale=key in self.rendering)
        if page is None and key in self.rendering:
            await self.rendering[key].wait()
            page = self._usable(key, stale=False)
        if page is not None:
            await self._replay(page, scope, send)
        elif method == "HEAD":
            await self.app(scope, receive, send)
        else:
            await self._render(key, scope, receive, send)

    def _usable(self, key: tuple[str, ...], *, stale: bool) -> _Page | None:
        page = self.pages.get(key)
        if page is None:
            return None
        now = self.clock()
        # An expired copy stands in only while its page is being rendered again, and never
        # for longer than it was fresh.
        if page.expires > now or (stale and page.expires + page.seconds > now):
            self.pages.move_to_end(key)
            return page
        return None

    async def _replay(self, page: _Page, scope: Scope, send: Send) -> None:
        # Counted before the answer, as Django's middleware counts: a client then waits for its
        # count, so counts cannot pile up behind quick answers and be lost when the process stops.
        client = scope.get("client") or ("", 0)
        await self.on_hit(
            path=_path_info(scope),
            address=client[0] or "",
            user_agent=(_header(scope, b"user-agent") or b"").decode("latin-1"),
        )
        await send({"type": "http.response.start", "status": 200, "headers": [*page.headers, HIT_HEADER]})
        await send(
            {"type": "http.response.body", "body": b"" if scope.get("method") == "HEAD" else page.body}
        )

    def _keep(self, key: tuple[str, ...], page: _Page) -> None:
        """Keep `page`, then forget the least recently used pages beyond PAGE_CACHE_ENTRIES
        or PAGE_CACHE_MEMORY_BYTES: a crawler varying the query string cannot fill memory."""
        self.pages[key] = page
        self.size += len(page.body)
        while len(self.pages) > settings.PAGE_CACHE_ENTRIES or self.size > settings.PAGE_CACHE_MEMORY_BYTES:
            _key, oldest = self.pages.popitem(last=False)
            self.size -= len(oldest.body)

    def _drop(self, key: tuple[str, ...]) -> None:
        page = self.pages.pop(key, None)
        if page is not None:
            self.size -= len(page.body)

    async def _render(self, key: tuple[str, ...], scope: Scope, receive: Receive, send: Send) -> None:
        done = self.rendering[key] = asyncio.Event()
        try:
            recorder = _Recorder(send, settings.PAGE_CACHE_MAX_BYTES)
            await self.app(scope, receive, recorder)
            fresh = recorder.page(self.clock(), self.spread())
            self._drop(key)
            if fresh is not None:
                self._keep(key, fresh)
        finally:
            del self.rendering[key]
            done.set()

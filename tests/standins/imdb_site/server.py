"""The stand-in's HTTP server: routing, localization, the AWS WAF gate, blocks and slow pages."""

import hashlib
import json
import re
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import CookieError, SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from tests.standins.imdb_site import pages
from tests.standins.imdb_site.titles import (
    CAPTCHA_ID,
    CHART_SIZES,
    FORBIDDEN_ID,
    HANGING_ASSET_ID,
    HANGING_ID,
    LANGUAGES,
    SLOW_ID,
    StandinTitle,
    chart_titles,
    search_titles,
    title_get,
)

STATIC = Path(__file__).with_name("static")
TITLE_PATH = re.compile(r"^/title/(tt\d{7,8})(/?)$")
CHART_PATH = re.compile(r"^/chart/(top|moviemeter|toptv)/?$")
LIST_PATH = re.compile(r"^/list/(ls\d+)/?$")
BLOCK_KINDS = ("challenge", "captcha", "forbidden", "challenge-200")
CHALLENGE_DIFFICULTY = 2  # leading zero hex digits of sha256(context:nonce): ~256 hashes


@dataclass(frozen=True)
class SeenRequest:
    """One request as the stand-in saw it."""

    method: str
    path: str  # as sent, with any language prefix and the query string
    status: int
    language: str
    accept_language: str
    has_token: bool
    user_agent: str
    at: float = field(default_factory=time.monotonic)


class ImdbSite:
    """A running stand-in for www.imdb.com on a loopback port.

    Attributes a test may change while it runs:
      challenge      cookieless requests get the WAF challenge (202) first; default True
      consent        None, "banner" or "iframe": a consent dialog covers every page until answered
      slow_seconds   how long /title/tt9990001/ takes to answer
      latency        seconds added to every page (0)
      search_total   results of any search or list (230)
      padding_kb     inert markup added to title pages (0), to weigh them like IMDb's
    """

    def __init__(
        self,
        *,
        challenge: bool = True,
        consent: str | None = None,
        slow_seconds: float = 4.0,
        latency: float = 0.0,
        search_total: int = 230,
        padding_kb: int = 0,
        hang_seconds: float = 600.0,
    ) -> None:
        self.challenge = challenge
        self.consent = consent
        self.slow_seconds = slow_seconds
        self.latency = latency
        self.search_total = search_total
        self.padding_kb = padding_kb
        self.hang_seconds = hang_seconds
        self.base_url = ""
        self.build_id = ""
        self._lock = threading.Lock()
        self._seen: list[SeenRequest] = []
        self._tokens: set[str] = set()
        self._contexts: set[str] = set()
        self._block: tuple[str, int | None] | None = None
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.rebuild()

    # ------------------------------------------------------------ control

    def start(self, *, port: int = 0) -> "ImdbSite":
        server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        server.daemon_threads = True
        server.site = self  # type: ignore[attr-defined]
        self._server = server
        self.base_url = f"http://127.0.0.1:{server.server_address[1]}"
        self._thread = threading.Thread(target=server.serve_forever, name="imdb-standin", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases hanging responses
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(10)

    def rebuild(self) -> None:
        """A new front-end build: every `sc-*` class name changes."""
        self.build_id = secrets.token_hex(8)
        self._styles = pages.Styles(self.build_id)

    def block(self, kind: str | None, *, count: int | None = None) -> None:
        """Block every request (or the next `count`) with `kind`; None lifts the block.

        challenge: 202 + x-amzn-waf-action: challenge that no browser passes (verification fails)
        captcha: 405 + x-amzn-waf-action: captcha; forbidden: a bare 403;
        challenge-200: a 200 whose body is the challenge page (gokuProps) without the header.
        """
        if kind is not None and kind not in BLOCK_KINDS:
            raise ValueError(f"unknown block {kind!r}: one of {BLOCK_KINDS}")
        with self._lock:
            self._block = (kind, count) if kind else None

    def tokens_revoke(self) -> None:
        """Forget every WAF token issued, as when tokens expire: browsers must pass the challenge again."""
        with self._lock:
            self._tokens.clear()

    def title(self, imdb_id: str) -> StandinTitle:
        """What /title/<imdb_id>/ shows: the values a scraper must read back."""
        return title_get(imdb_id)

    def chart(self, chart: str) -> list[StandinTitle]:
        return chart_titles(chart)

    def search_results(self, query: str) -> list[StandinTitle]:
        """The results of `/search/title/?<query>` (the query string without `?`)."""
        return search_titles(query, self.search_total)

    def url(self, path: str, *, language: str = "en") -> str:
        prefix = "" if language == "en" else f"/{language}"
        return f"{self.base_url}{prefix}{path}"

    def requests_seen(self, path_prefix: str = "") -> list[SeenRequest]:
        with self._lock:
            return [seen for seen in self._seen if seen.path.startswith(path_prefix)]

    # ------------------------------------------------------------ used by the handler

    def _record(self, seen: SeenRequest) -> None:
        with self._lock:
            self._seen.append(seen)

    def _take_block(self) -> str | None:
        with self._lock:
            if self._block is None:
                return None
            kind, count = self._block
            if count is not None:
                self._block = (kind, count - 1) if count > 1 else None
            return kind

    def _blocking_challenge(self) -> bool:
        with self._lock:
            return self._block is not None and self._block[0] == "challenge"

    def _token_valid(self, token: str | None) -> bool:
        with self._lock:
            return bool(token) and token in self._tokens

    def _context_issue(self) -> str:
        context = secrets.token_urlsafe(24)
        with self._lock:
            self._contexts.add(context)
        return context

    def _token_issue(self, context: str, nonce: object) -> str | None:
        digest = hashlib.sha256(f"{context}:{nonce}".encode()).hexdigest()
        with self._lock:
            if context not in self._contexts or not digest.startswith("0" * CHALLENGE_DIFFICULTY):
                return None
            self._contexts.discard(context)
            token = secrets.token_urlsafe(32)
            self._tokens.add(token)
            return token


@contextmanager
def imdb_site_serve(**options: object) -> Iterator[ImdbSite]:
    """Run the stand-in until the block ends; options as for ImdbSite."""
    site = ImdbSite(**options).start()  # type: ignore[arg-type]
    try:
        yield site
    finally:
        site.stop()


def _language(path: str, accept_language: str, cookie_language: str) -> tuple[str, str]:
    """The page language and the path without its prefix: prefix, then lc-main cookie, then header."""
    parts = path.split("/", 2)
    if len(parts) > 2 and parts[1] in LANGUAGES:
        return parts[1], "/" + parts[2]
    if cookie_language[:2] in LANGUAGES:
        return cookie_language[:2], path
    ranked = []
    for position, item in enumerate(accept_language.split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, position, tag.strip().lower()[:2]))
    for _, _, language in sorted(ranked):
        if language in LANGUAGES:
            return language, path
    return "en", path


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Server"
    sys_version = ""

    @property
    def site(self) -> ImdbSite:
        return self.server.site  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: object) -> None:
        pass

    # ------------------------------------------------------------ plumbing

    def _cookies(self) -> dict[str, str]:
        jar = SimpleCookie()
        try:
            jar.load(self.headers.get("Cookie", ""))
        except CookieError:
            return {}
        return {key: morsel.value for key, morsel in jar.items()}

    def _send(
        self,
        status: int,
        body: str | bytes,
        *,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        data = body.encode() if isinstance(body, str) else body
        self._logged(status)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store" if status != 200 else "private, max-age=0")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _hang(self) -> None:
        self.site._stopping.wait(self.site.hang_seconds)
        self.close_connection = True

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        self._status = 0
        cookies = self._cookies()
        split = urlsplit(self.path)
        self._language, path = _language(
            split.path, self.headers.get("Accept-Language", ""), cookies.get("lc-main", "")
        )
        self._token = cookies.get("aws-waf-token")
        try:
            self._route(path, split.query, self._language, self._token)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            if not self._status:
                self._logged(0)

    def _logged(self, status: int) -> None:
        """Record the request before its answer goes out, so a client never sees an answer the log lacks."""
        self._status = status
        self.site._record(
            SeenRequest(
                method=self.command,
                path=self.path,
                status=status,
                language=getattr(self, "_language", ""),
                accept_language=self.headers.get("Accept-Language", ""),
                has_token=self.site._token_valid(getattr(self, "_token", None)),
                user_agent=self.headers.get("User-Agent", ""),
            )
        )

    def do_POST(self) -> None:
        self._status = 0
        self._language, self._token = "", self._cookies().get("aws-waf-token")
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if urlsplit(self.path).path != "/_standin/awswaf/verify":
            self._send(404, "")
            return
        try:
            answer = json.loads(raw or b"{}")
            context, nonce = str(answer["context"]), answer["nonce"]
        except (ValueError, KeyError, TypeError):
            self._send(400, json.dumps({"error": "bad request"}), content_type="application/json")
            return
        token = None if self.site._blocking_challenge() else self.site._token_issue(context, nonce)
        if token is None:
            self._send(403, json.dumps({"error": "challenge failed"}), content_type="application/json")
            return
        self._send(
            200,
            json.dumps({"token": token}),
            content_type="application/json",
            headers={"Set-Cookie": f"aws-waf-token={token}; Path=/; Max-Age=345600; SameSite=Lax"},
        )

    # ------------------------------------------------------------ routes

    def _route(self, path: str, query: str, language: str, token: str | None) -> None:
        site = self.site
        if path.startswith("/_standin/") and path != "/_standin/graphql":
            self._standin_asset(path)
            return
        if self._blocked(token):
            return
        # Waits on the site's stop event, so stopping the stand-in ends the wait at once.
        if site.latency and site._stopping.wait(site.latency):
            return
        options = pages.PageOptions(styles=site._styles, consent=site.consent, padding_kb=site.padding_kb)
        title_match, chart_match, list_match = (
            TITLE_PATH.match(path),
            CHART_PATH.match(path),
            LIST_PATH.match(path),
        )
        if path == "/":
            self._send(200, pages.home_page(options, language))
        elif title_match:
            imdb_id, slash = title_match.groups()
            if not slash:
                prefix = (
                    "" if language == "en" or not self.path.startswith(f"/{language}/") else f"/{language}"
                )
                self._send(301, "", headers={"Location": f"{prefix}/title/{imdb_id}/"})
            else:
                self._title(imdb_id, language, options)
        elif chart_match:
            chart = chart_match.group(1)
            self._send(200, pages.chart_page(chart, chart_titles(chart), language, options))
        elif path.rstrip("/") == "/search/title":
            titles = search_titles(query, site.search_total)
            self._send(
                200,
                pages.search_page(
                    "search", query, titles, language, options, heading="Advanced title search"
                ),
            )
        elif list_match:
            list_id = list_match.group(1)
            titles = search_titles(list_id, site.search_total)
            self._send(
                200,
                pages.search_page(
                    "list", list_id, titles, language, options, heading=f"Stand-in list {list_id}"
                ),
            )
        elif path == "/_standin/graphql":
            self._more(query, language, options)
        else:
            self._send(404, pages.not_found_page(options))

    def _blocked(self, token: str | None) -> bool:
        """Answer as the WAF would, if this request is to be blocked or challenged."""
        site = self.site
        kind = site._take_block()
        if kind is None and site.challenge and not site._token_valid(token):
            kind = "challenge"
        if kind is None:
            return False
        if kind == "challenge":
            self._send(
                202,
                pages.waf_challenge_page(site._context_issue()),
                headers={"x-amzn-waf-action": "challenge", "Access-Control-Allow-Origin": "*"},
            )
        elif kind == "challenge-200":
            self._send(200, pages.waf_challenge_page(site._context_issue()))
        elif kind == "captcha":
            self._send(
                405, pages.waf_captcha_page(site._context_issue()), headers={"x-amzn-waf-action": "captcha"}
            )
        else:
            self._send(403, pages.FORBIDDEN_PAGE, content_type="text/html")
        return True

    def _title(self, imdb_id: str, language: str, options: pages.PageOptions) -> None:
        site = self.site
        if imdb_id == FORBIDDEN_ID:
            self._send(403, pages.FORBIDDEN_PAGE, content_type="text/html")
            return
        if imdb_id == CAPTCHA_ID:
            self._send(
                405, pages.waf_captcha_page(site._context_issue()), headers={"x-amzn-waf-action": "captcha"}
            )
            return
        if imdb_id == SLOW_ID and site._stopping.wait(site.slow_seconds):
            return
        body = pages.title_page(
            title_get(imdb_id), language, options, hanging_asset=imdb_id == HANGING_ASSET_ID
        )
        if imdb_id != HANGING_ID:
            self._send(200, body)
            return
        # Half the page, announced as whole: the browser waits for the rest forever.
        data = body.encode()
        self._logged(200)
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data[: len(data) // 2])
        self.wfile.flush()
        self._hang()

    def _more(self, query: str, language: str, options: pages.PageOptions) -> None:
        params = parse_qs(query)
        try:
            source, offset = pages.cursor_decode(params["after"][0])
        except (KeyError, ValueError):
            self._send(
                400, json.dumps({"errors": [{"message": "bad cursor"}]}), content_type="application/json"
            )
            return
        kind = "list" if params.get("kind") == ["list"] else "search"
        titles = search_titles(source, self.site.search_total)
        answer = pages.more_results(titles, offset, source, language, options.styles, kind=kind)
        self._send(200, json.dumps(answer, ensure_ascii=False), content_type="application/json")

    def _standin_asset(self, path: str) -> None:
        if path == "/_standin/imdb.js":
            self._send(200, (STATIC / "imdb.js").read_bytes(), content_type="text/javascript; charset=utf-8")
        elif path == "/_standin/awswaf/challenge.js":
            self._send(
                200, (STATIC / "challenge.js").read_bytes(), content_type="text/javascript; charset=utf-8"
            )
        elif path == "/_standin/awswaf/captcha.js":
            self._send(200, "window.AwsWafCaptcha = {};", content_type="text/javascript; charset=utf-8")
        elif path == "/_standin/consent":
            self._send(200, pages.consent_frame())
        elif path == "/_standin/never.png":
            self._logged(200)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", "4096")
            self.end_headers()
            self.wfile.write(b"\x89PNG\r\n\x1a\n")
            self.wfile.flush()
            self._hang()
        else:
            self._send(404, "")


CHARTS = tuple(CHART_SIZES)

"""TMDB's API v3 over `requests`: the one client for api.themoviedb.org.

Auth: TMDB_API_KEY is either a v3 key (sent as `?api_key=`) or a v4 read access token (a
JWT, long and dotted: sent as `Authorization: Bearer`); both give the same access.
Politeness: requests from one process are spaced to TMDB_REQUESTS_PER_SECOND (TMDB allows
about 40/s per IP); a 429 or 5xx answer is retried TMDB_RETRIES times by urllib3's Retry,
which waits for `Retry-After` when TMDB sends it and backs off exponentially when it does
not. A timeout is not retried: a run asking thousands of titles would otherwise wait the
timeout several times per title while TMDB hangs; the task retries later instead.
Errors are translated here: 401 → TmdbNotConfigured (naming TMDB_API_KEY), 404 →
TmdbNotFound (the current body and the older one without `success` alike), anything else
failing (5xx after retries, timeouts, garbage) → TmdbUnavailable.
"""

import threading
import time
from contextlib import suppress
from typing import Any

import requests
from django.conf import settings
from django.core.cache import cache
from pydantic import BaseModel, ValidationError
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from apps.scraping.tmdb_ledger import tmdb_call_record
from apps.scraping.tmdb_records import (
    LANGUAGES,
    MovieKind,
    TmdbConfiguration,
    TmdbDetails,
    TmdbFound,
    TmdbMoviePage,
    TmdbMovieSummary,
    TmdbNowPlaying,
    TmdbNowPlayingPage,
)
from core.redis_errors import REDIS_UNAVAILABLE

IMAGE_BASE_KEY = "tmdb:image-base"
IMAGE_BASE_SECONDS = 24 * 60 * 60
# The now-playing list is a few pages (20 movies each) for a country; a cap keeps a run's
# cross-check to a few calls should TMDB ever page far more.
NOW_PLAYING_PAGES_MAX = 10
# A longer Retry-After is cut to this: a run waits at most this long per retry, and if TMDB
# still refuses after TMDB_RETRIES the title is reported unavailable and asked next run.
RETRY_AFTER_MAX_SECONDS = 60
APPENDED = {
    "movie": ("translations", "release_dates", "videos", "watch/providers", "credits", "images"),
    "tv": (
        "translations",
        "content_ratings",
        "videos",
        "watch/providers",
        "credits",
        "images",
        "external_ids",
    ),
}


class TmdbError(Exception):
    """TMDB could not answer what was asked."""


class TmdbNotConfigured(TmdbError):
    """No key, or TMDB refused it (401): nothing will work until TMDB_API_KEY is fixed."""


class TmdbNotFound(TmdbError):
    """TMDB does not know this id (404)."""


class TmdbUnavailable(TmdbError):
    """TMDB failed, timed out or answered garbage; safe to retry later."""


class _Retry(Retry):
    def get_backoff_time(self) -> float:
        # urllib3 retries the first failure at once; a 429 without Retry-After deserves a pause.
        return max(super().get_backoff_time(), self.backoff_factor) if self.history else 0


class _Pacer:
    """Spaces calls at least 1/rate seconds apart across the process's threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next_at = 0.0

    def wait(self, rate: float) -> None:
        if rate <= 0:
            return
        with self._lock:
            now = time.monotonic()
            at = max(now, self._next_at)
            self._next_at = at + 1 / rate
        if at > now:
            time.sleep(at - now)


_pacer = _Pacer()


def is_bearer_token(key: str) -> bool:
    """A v4 read access token is a JWT (three dotted parts, some 200 characters); a v3 key is 32 hex."""
    return key.count(".") == 2 and len(key) > 40


def tmdb_key() -> str:
    """TMDB_API_KEY, or TmdbNotConfigured when it is not set."""
    key = settings.TMDB_API_KEY.strip()
    if not key:
        raise TmdbNotConfigured("TMDB_API_KEY is not set: TMDB enrichment is off")
    return key


class TmdbClient:
    """One session with settings read when built (TMDB_API_KEY, TMDB_BASE_URL, TMDB_*)."""

    def __init__(self) -> None:
        self.key = tmdb_key()
        self.base_url = settings.TMDB_BASE_URL.rstrip("/")
        self.timeout = settings.TMDB_TIMEOUT_SECONDS
        self.rate = settings.TMDB_REQUESTS_PER_SECOND
        retries = settings.TMDB_RETRIES
        retry = _Retry(
            total=None,
            connect=retries,
            read=0,
            status=retries,
            other=0,
            allowed_methods=frozenset({"GET"}),
            status_forcelist=(429, 500, 502, 503, 504),
            backoff_factor=settings.TMDB_BACKOFF_SECONDS,
            raise_on_status=False,
            respect_retry_after_header=True,
            retry_after_max=RETRY_AFTER_MAX_SECONDS,
        )
        self.session = requests.Session()
        self.session.mount("http://", HTTPAdapter(max_retries=retry))
        self.session.mount("https://", HTTPAdapter(max_retries=retry))
        self.session.headers["Accept"] = "application/json"
        if is_bearer_token(self.key):
            self.session.headers["Authorization"] = f"Bearer {self.key}"

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> "TmdbClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _get(self, path: str, model: type[BaseModel], **params: str) -> Any:
        ok = False
        try:
            answer = self._get_once(path, model, **params)
            ok = True
            return answer
        finally:
            tmdb_call_record(endpoint=path.strip("/").split("/", 1)[0], ok=ok)

    def _get_once(self, path: str, model: type[BaseModel], **params: str) -> Any:
        if not is_bearer_token(self.key):
            params["api_key"] = self.key
        _pacer.wait(self.rate)
        url = f"{self.base_url}/3{path}"
        try:
            reply = self.session.get(url, params=params, timeout=self.timeout)
        except requests.RequestException as exc:
            # Not chained: the cause's message holds the URL, whose query holds a v3 key.
            raise TmdbUnavailable(f"{path}: {type(exc).__name__}") from None
        if reply.status_code == 401:
            raise TmdbNotConfigured(f"TMDB refused TMDB_API_KEY (401): {_status_message(reply)}")
        if reply.status_code == 404:
            raise TmdbNotFound(f"{path}: {_status_message(reply)}")
        if reply.status_code != 200:
            raise TmdbUnavailable(f"{path}: HTTP {reply.status_code} {_status_message(reply)}")
        try:
            return model.model_validate_json(reply.content)
        except ValidationError as exc:
            raise TmdbUnavailable(f"{path}: unexpected answer ({exc.error_count()} problems)") from exc

    def configuration(self) -> TmdbConfiguration:
        return self._get("/configuration", TmdbConfiguration)

    def image_base_refresh(self) -> str:
        """TMDB's image base URL, asked once a day and kept in the cache for pages to read."""
        base = _cached_base()
        if base is None:
            images = self.configuration().images
            base = images.secure_base_url or images.base_url or settings.TMDB_IMAGE_BASE_URL
            with suppress(*REDIS_UNAVAILABLE):  # asked again next run; readers use the usual base meanwhile
                cache.set(IMAGE_BASE_KEY, base, IMAGE_BASE_SECONDS)
        return base

    def find(self, imdb_id: str) -> tuple[MovieKind, int] | None:
        """The kind and TMDB id of the title with this IMDb id, or None when TMDB lacks it."""
        found = self._get(f"/find/{imdb_id}", TmdbFound, external_source="imdb_id")
        if found.movie_results:
            return "movie", found.movie_results[0].id
        if found.tv_results:
            return "tv", found.tv_results[0].id
        return None

    def details(self, kind: MovieKind, tmdb_id: int) -> TmdbDetails:
        """A movie's or series' details in English, with every part the catalog stores appended.

        The `translations` part holds every language's title, overview and tagline in this one
        call; videos and images are asked in the catalog's languages plus language-less ones.
        """
        codes = ",".join([*LANGUAGES, "null"])
        return self._get(
            f"/{kind}/{tmdb_id}",
            TmdbDetails,
            language=LANGUAGES["en"],
            append_to_response=",".join(APPENDED[kind]),
            include_video_language=codes,
            include_image_language=codes,
        )

    def movie_search(self, query: str, *, year: int | None = None) -> list[TmdbMovieSummary]:
        """The first page of movies TMDB finds by this title (any of its translations), titles
        in Ukrainian where TMDB has them. With a year, TMDB's `year` (any release that year)
        is asked; an empty query is not asked at all (TMDB answers 422 `{"errors": [...]}`)."""
        query = " ".join(query.split())
        if not query:
            return []
        params = {"query": query, "language": LANGUAGES["uk"], "include_adult": "false"}
        if year:
            params["year"] = str(year)
        return list(self._get("/search/movie", TmdbMoviePage, **params).results)

    def now_playing(self, *, region: str = "UA") -> TmdbNowPlaying:
        """The movies TMDB lists as now in the region's cinemas, every page (up to
        NOW_PLAYING_PAGES_MAX), titles in Ukrainian where TMDB has them."""
        pages: list[TmdbNowPlayingPage] = []
        while not pages or len(pages) < min(pages[-1].total_pages, NOW_PLAYING_PAGES_MAX):
            pages.append(
                self._get(
                    "/movie/now_playing",
                    TmdbNowPlayingPage,
                    region=region,
                    language=LANGUAGES["uk"],
                    page=str(len(pages) + 1),
                )
            )
        results = tuple(movie for page in pages for movie in page.results)
        return TmdbNowPlaying(dates=pages[0].dates, results=results)


def _cached_base() -> str | None:
    # The cache is a convenience here: Redis restarting must not fail an import or a page.
    try:
        return cache.get(IMAGE_BASE_KEY)
    except REDIS_UNAVAILABLE:
        return None


def image_base() -> str:
    """The image base URL for building `<base><size><path>`, as last asked, else TMDB_IMAGE_BASE_URL."""
    return _cached_base() or settings.TMDB_IMAGE_BASE_URL


def _status_message(reply: requests.Response) -> str:
    try:
        body = reply.json()
    except ValueError:
        return reply.reason or ""
    if isinstance(body, dict):
        if "status_message" in body:
            return str(body["status_message"])
        if isinstance(body.get("errors"), list):
            return "; ".join(map(str, body["errors"]))
    return reply.reason or ""

"""A stand-in for TMDB's API v3: real HTTP on a loopback port, JSON built from real bodies.

The bodies start from the samples in /work/shared/fixtures/tmdb (copied into
tests/standins/tmdb_bodies/): Fight Club's details, Sinners' /find answer, the
configuration's images, the 401 and both 404 bodies. The `append_to_response` parts, which
the samples lack, follow TMDB's documented shapes and are added only when asked for, as
TMDB does. Auth is checked like TMDB: a v3 key as `?api_key=` or a v4 token as
`Authorization: Bearer`; anything else is 401 with TMDB's body.

Search (`/3/search/movie`) and the now-playing list (`/3/movie/now_playing`) answer in the
shape of search-movie.json: summaries of the stand-in's movies (the sample's own result
among them), titles in the asked language where a translation has one; an empty query is
TMDB's 422 `{"errors": [...]}`. `movie_add` registers a movie TMDB knows (details, /find,
search); `now_playing` lists the ids TMDB says are in cinemas, paged by 20 as TMDB does.

A test may script faults (`fault_add`): the next matching requests answer 429 (with or
without Retry-After), 5xx, or answer only after a delay.
"""

import copy
import json
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

BODIES = Path(__file__).with_name("tmdb_bodies")
V3_KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
V4_TOKEN = (
    "eyJhbGciOiJIUzI1NiJ9.eyJhdWQiOiIwZjFlMmQzYzRiNWE2OTc4ODc5NmE1YjRjM2QyZTFmMCIsInNjb3BlcyI6WyJhcGlfcmVhZCJdfQ"
    ".c3RhbmRpbi1zaWduYXR1cmUtbm90LWNoZWNrZWQ"
)
FIGHT_CLUB_IMDB, FIGHT_CLUB_TMDB = "tt0137523", 550
SINNERS_IMDB, SINNERS_TMDB = "tt31193180", 1233413
BREAKING_BAD_IMDB, BREAKING_BAD_TMDB = "tt0903747", 1396
# Answered 404 with the older body, without `success`.
LEGACY_MISSING_ID = 999_998
DETAILS_PATH = re.compile(r"^/3/(movie|tv)/(\d+)$")
FIND_PATH = re.compile(r"^/3/find/(tt\d{7,8})$")
PAGE_SIZE = 20
SUMMARY_KEYS = (
    "adult",
    "backdrop_path",
    "id",
    "original_language",
    "original_title",
    "overview",
    "popularity",
    "poster_path",
    "release_date",
    "title",
    "video",
    "vote_average",
    "vote_count",
)


def _body(name: str) -> dict:
    return json.loads((BODIES / name).read_text())


@dataclass(frozen=True)
class Fault:
    path_prefix: str
    status: int = 200  # 200: answer normally, after `delay`
    retry_after: str | None = None
    delay: float = 0.0


@dataclass(frozen=True)
class SeenRequest:
    path: str
    query: dict[str, list[str]]
    auth: str | None  # "v3", "v4" or None
    status: int
    at: float  # when it arrived (time.monotonic)


def _fight_club_parts() -> dict:
    return {
        "translations": {
            "id": FIGHT_CLUB_TMDB,
            "translations": [
                {
                    "iso_3166_1": "UA",
                    "iso_639_1": "uk",
                    "name": "Український",
                    "english_name": "Ukrainian",
                    "data": {
                        "homepage": "",
                        "overview": "Страховий оцінювач, що страждає від безсоння, знайомиться з продавцем мила.",
                        "runtime": 139,
                        "tagline": "Пустощі. Хаос. Мило.",
                        "title": "Бійцівський клуб",
                    },
                },
                {
                    "iso_3166_1": "RU",
                    "iso_639_1": "ru",
                    "name": "Pусский",
                    "english_name": "Russian",
                    "data": {
                        "homepage": "",
                        "overview": "Сотрудник страховой компании страдает хронической бессонницей.",
                        "runtime": 139,
                        "tagline": "",
                        "title": "Бойцовский клуб",
                    },
                },
                {
                    "iso_3166_1": "US",
                    "iso_639_1": "en",
                    "name": "English",
                    "english_name": "English",
                    "data": {
                        "homepage": "http://www.foxmovies.com/movies/fight-club",
                        "overview": "A ticking-time-bomb insomniac and a slippery soap salesman channel "
                        "primal male aggression into a shocking new form of therapy.",
                        "runtime": 139,
                        "tagline": "Mischief. Mayhem. Soap.",
                        "title": "Fight Club",
                    },
                },
            ],
        },
        "release_dates": {
            "results": [
                {
                    "iso_3166_1": "US",
                    "release_dates": [
                        {
                            "certification": "R",
                            "descriptors": [],
                            "iso_639_1": "",
                            "note": "",
                            "release_date": "1999-10-15T00:00:00.000Z",
                            "type": 3,
                        }
                    ],
                },
                {
                    "iso_3166_1": "UA",
                    "release_dates": [
                        {
                            "certification": "",
                            "descriptors": [],
                            "iso_639_1": "uk",
                            "note": "DVD",
                            "release_date": "2003-05-20T00:00:00.000Z",
                            "type": 5,
                        },
                        {
                            "certification": "18+",
                            "descriptors": [],
                            "iso_639_1": "uk",
                            "note": "",
                            "release_date": "1999-11-11T00:00:00.000Z",
                            "type": 3,
                        },
                    ],
                },
            ]
        },
        "videos": {
            "results": [
                {
                    "iso_639_1": "en",
                    "iso_3166_1": "US",
                    "name": "Fight Club (1999) Teaser",
                    "key": "BdJKm16Co6M",
                    "site": "YouTube",
                    "size": 1080,
                    "type": "Teaser",
                    "official": True,
                    "published_at": "2014-05-01T00:00:00.000Z",
                    "id": "5c9294240e0a267cd516835f",
                },
                {
                    "iso_639_1": "en",
                    "iso_3166_1": "US",
                    "name": "Fight Club | #TBT Trailer | 20th Century FOX",
                    "key": "qtRKdVHc-cE",
                    "site": "YouTube",
                    "size": 1080,
                    "type": "Trailer",
                    "official": True,
                    "published_at": "2015-07-09T00:00:00.000Z",
                    "id": "639d5326be6d88007f170f44",
                },
                {
                    "iso_639_1": "uk",
                    "iso_3166_1": "UA",
                    "name": "Бійцівський клуб — трейлер",
                    "key": "uKtrAiler01",
                    "site": "YouTube",
                    "size": 720,
                    "type": "Trailer",
                    "official": False,
                    "published_at": "2019-10-15T00:00:00.000Z",
                    "id": "5f0000000000000000000001",
                },
                {
                    "iso_639_1": "en",
                    "iso_3166_1": "US",
                    "name": "Behind the scenes",
                    "key": "vimeo123",
                    "site": "Vimeo",
                    "size": 720,
                    "type": "Featurette",
                    "official": True,
                    "published_at": "2016-01-01T00:00:00.000Z",
                    "id": "5f0000000000000000000002",
                },
            ]
        },
        "watch/providers": {
            "results": {
                "UA": {
                    "link": "https://www.themoviedb.org/movie/550-fight-club/watch?locale=UA",
                    "flatrate": [
                        {
                            "logo_path": "/pbpMk2JmcoNnQwx5JGpXngfoWtp.jpg",
                            "provider_id": 8,
                            "provider_name": "Netflix",
                            "display_priority": 1,
                        }
                    ],
                    "buy": [
                        {
                            "logo_path": "/9ghgSC0MA082EL6HLCW3GalykFD.jpg",
                            "provider_id": 2,
                            "provider_name": "Apple TV",
                            "display_priority": 4,
                        },
                        {
                            "logo_path": "/8z7rC8uIDaTM91X0ZfkRf04ydj2.jpg",
                            "provider_id": 3,
                            "provider_name": "Google Play Movies",
                            "display_priority": 2,
                        },
                    ],
                },
                "US": {
                    "link": "https://www.themoviedb.org/movie/550-fight-club/watch?locale=US",
                    "rent": [{"logo_path": "/x.jpg", "provider_id": 10, "provider_name": "Amazon Video"}],
                },
            }
        },
        "credits": {
            "cast": [
                {
                    "adult": False,
                    "gender": 2,
                    "id": 819,
                    "known_for_department": "Acting",
                    "name": "Edward Norton",
                    "original_name": "Edward Norton",
                    "popularity": 7.861,
                    "profile_path": "/8nytsqL59SFJTVYVrN72k6qkGgJ.jpg",
                    "cast_id": 4,
                    "character": "Narrator",
                    "credit_id": "52fe4250c3a36847f80149f3",
                    "order": 0,
                },
                {
                    "adult": False,
                    "gender": 2,
                    "id": 287,
                    "known_for_department": "Acting",
                    "name": "Brad Pitt",
                    "original_name": "Brad Pitt",
                    "popularity": 20.431,
                    "profile_path": "/cckcYc2v0yh1tc9QjRelptcOBko.jpg",
                    "cast_id": 5,
                    "character": "Tyler Durden",
                    "credit_id": "52fe4250c3a36847f80149f7",
                    "order": 1,
                },
            ],
            "crew": [
                {
                    "adult": False,
                    "gender": 2,
                    "id": 7467,
                    "known_for_department": "Directing",
                    "name": "David Fincher",
                    "original_name": "David Fincher",
                    "popularity": 5.1,
                    "profile_path": "/tpEczFclQZeKAiCeKZZ0adRvtfz.jpg",
                    "credit_id": "52fe4250c3a36847f8014a11",
                    "department": "Directing",
                    "job": "Director",
                },
                {
                    "adult": False,
                    "gender": 2,
                    "id": 7468,
                    "known_for_department": "Writing",
                    "name": "Jim Uhls",
                    "original_name": "Jim Uhls",
                    "popularity": 0.9,
                    "profile_path": None,
                    "credit_id": "52fe4250c3a36847f8014a05",
                    "department": "Writing",
                    "job": "Screenplay",
                },
            ],
        },
        "images": {
            "backdrops": [],
            "logos": [],
            "posters": [
                {
                    "aspect_ratio": 0.667,
                    "height": 3000,
                    "iso_639_1": "uk",
                    "file_path": "/ukPosterFightClub.jpg",
                    "vote_average": 5.3,
                    "vote_count": 2,
                    "width": 2000,
                }
            ],
        },
    }


def _sinners() -> dict:
    """Sinners' details, built from its /find summary: TMDB has no Ukrainian texts for it."""
    summary = _body("find-by-imdb-id-movie.json")["movie_results"][0]
    details = {key: value for key, value in summary.items() if key not in ("genre_ids", "media_type")}
    details.update(
        imdb_id=SINNERS_IMDB,
        genres=[{"id": 27, "name": "Horror"}, {"id": 53, "name": "Thriller"}],
        runtime=138,
        tagline="Dance with the devil.",
        status="Released",
        origin_country=["US"],
        production_countries=[{"iso_3166_1": "US", "name": "United States of America"}],
    )
    parts = {
        "translations": {"id": SINNERS_TMDB, "translations": []},
        "release_dates": {
            "results": [
                {
                    "iso_3166_1": "US",
                    "release_dates": [
                        {"certification": "R", "release_date": "2025-04-18T00:00:00.000Z", "type": 3}
                    ],
                }
            ]
        },
        "videos": {"results": []},
        "watch/providers": {"results": {}},
        "credits": {"cast": [], "crew": []},
        "images": {"backdrops": [], "posters": []},
    }
    return {"details": details, "parts": parts}


def _breaking_bad() -> dict:
    """A series: `name` instead of `title`, content ratings instead of release dates, seasons."""
    details = {
        "adult": False,
        "backdrop_path": "/tsRy63Mu5cu8etL1X7ZLyf7UP1M.jpg",
        "episode_run_time": [45, 47],
        "first_air_date": "2008-01-20",
        "genres": [{"id": 18, "name": "Drama"}, {"id": 80, "name": "Crime"}],
        "id": BREAKING_BAD_TMDB,
        "name": "Breaking Bad",
        "number_of_episodes": 62,
        "number_of_seasons": 5,
        "origin_country": ["US"],
        "original_language": "en",
        "original_name": "Breaking Bad",
        "overview": "Walter White, a New Mexico chemistry teacher, is diagnosed with Stage III cancer.",
        "popularity": 315.2,
        "poster_path": "/ztkUQFLlC19CCMYHW9o1zWhJRNq.jpg",
        "production_countries": [{"iso_3166_1": "US", "name": "United States of America"}],
        "status": "Ended",
        "tagline": "Change the equation.",
        "type": "Scripted",
        "vote_average": 8.9,
        "vote_count": 15000,
    }
    parts = {
        "translations": {
            "id": BREAKING_BAD_TMDB,
            "translations": [
                {
                    "iso_3166_1": "UA",
                    "iso_639_1": "uk",
                    "name": "Український",
                    "english_name": "Ukrainian",
                    "data": {
                        "name": "Пуститися берега",
                        "overview": "Учитель хімії дізнається, що має рак.",
                        "homepage": "",
                        "tagline": "",
                    },
                }
            ],
        },
        "content_ratings": {
            "results": [
                {"descriptors": [], "iso_3166_1": "DE", "rating": "16"},
                {"descriptors": [], "iso_3166_1": "US", "rating": "TV-MA"},
            ]
        },
        "videos": {"results": []},
        "watch/providers": {"results": {}},
        "credits": {"cast": [], "crew": []},
        "images": {"backdrops": [], "posters": []},
        "external_ids": {"imdb_id": BREAKING_BAD_IMDB, "tvdb_id": 81189},
    }
    return {"details": details, "parts": parts}


def _searched() -> dict:
    """The search sample's own movie (a French comedy TMDB knows no IMDb id for here)."""
    summary = _body("search-movie.json")["results"][0]
    details = {key: value for key, value in summary.items() if key != "genre_ids"}
    details.update(imdb_id=None, genres=[{"id": 35, "name": "Comedy"}], runtime=94)
    parts = {"translations": {"id": summary["id"], "translations": []}}
    return {"details": details, "parts": parts}


def _titles() -> dict[tuple[str, int], dict]:
    fight_club = _body("movie-550-details.json")
    searched = _searched()
    return {
        ("movie", FIGHT_CLUB_TMDB): {"details": fight_club, "parts": _fight_club_parts()},
        ("movie", SINNERS_TMDB): _sinners(),
        ("movie", searched["details"]["id"]): searched,
        ("tv", BREAKING_BAD_TMDB): _breaking_bad(),
    }


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _translated_title(title: dict, language: str) -> str | None:
    code = language.split("-")[0]
    for translation in title["parts"].get("translations", {}).get("translations", []):
        if translation.get("iso_639_1") == code and translation.get("data", {}).get("title"):
            return translation["data"]["title"]
    return None


def _page(results: list[dict], page: int) -> dict:
    pages = max(1, -(-len(results) // PAGE_SIZE))
    return {
        "page": page,
        "results": results[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        "total_pages": pages,
        "total_results": len(results),
    }


class TmdbStandin:
    """A running TMDB stand-in. `titles` and `found` may be changed by a test while it runs."""

    def __init__(self) -> None:
        self.titles = _titles()
        self.found: dict[str, tuple[str, int]] = {
            FIGHT_CLUB_IMDB: ("movie", FIGHT_CLUB_TMDB),
            SINNERS_IMDB: ("movie", SINNERS_TMDB),
            BREAKING_BAD_IMDB: ("tv", BREAKING_BAD_TMDB),
        }
        self.now_playing: list[int] = []
        self.base_url = ""
        self._faults: list[Fault] = []
        self._seen: list[SeenRequest] = []
        self._lock = threading.Lock()
        self.stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> "TmdbStandin":
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        server.standin = self  # type: ignore[attr-defined]
        self._server = server
        self.base_url = f"http://127.0.0.1:{server.server_address[1]}"
        # A short poll interval: shutdown() waits up to one interval, once per test.
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="tmdb-standin", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(10)

    def fault_add(self, fault: Fault, *, count: int = 1) -> None:
        with self._lock:
            self._faults.extend([fault] * count)

    def details_change(self, tmdb_id: int, kind: str = "movie", **changes: object) -> None:
        with self._lock:
            self.titles[kind, tmdb_id]["details"].update(changes)

    def movie_add(
        self,
        *,
        tmdb_id: int,
        imdb_id: str | None,
        title: str,
        release_date: str,
        original_title: str = "",
        uk_title: str = "",
        poster_path: str | None = None,
        vote_count: int = 100,
    ) -> None:
        """A movie TMDB knows: its details (in English), its Ukrainian title, /find by its IMDb id."""
        details = {
            "adult": False,
            "backdrop_path": None,
            "id": tmdb_id,
            "imdb_id": imdb_id,
            "original_language": "en",
            "original_title": original_title or title,
            "overview": f"{title}: what it is about.",
            "popularity": 10.0,
            "poster_path": poster_path,
            "release_date": release_date,
            "runtime": 110,
            "title": title,
            "video": False,
            "vote_average": 7.1,
            "vote_count": vote_count,
            "genres": [{"id": 18, "name": "Drama"}],
            "production_countries": [{"iso_3166_1": "UA", "name": "Ukraine"}],
        }
        translations = []
        if uk_title:
            translations.append(
                {
                    "iso_3166_1": "UA",
                    "iso_639_1": "uk",
                    "name": "Український",
                    "english_name": "Ukrainian",
                    "data": {"title": uk_title, "overview": f"{uk_title}: про що фільм.", "tagline": ""},
                }
            )
        with self._lock:
            self.titles["movie", tmdb_id] = {
                "details": details,
                "parts": {"translations": {"id": tmdb_id, "translations": translations}},
            }
            if imdb_id:
                self.found[imdb_id] = ("movie", tmdb_id)

    def _summary(self, title: dict, language: str) -> dict:
        summary = {key: title["details"].get(key) for key in SUMMARY_KEYS}
        summary["genre_ids"] = [genre["id"] for genre in title["details"].get("genres", [])]
        summary["title"] = _translated_title(title, language) or summary["title"]
        return summary

    def _movies(self) -> dict[int, dict]:
        with self._lock:
            return {
                tmdb_id: copy.deepcopy(title)
                for (kind, tmdb_id), title in self.titles.items()
                if kind == "movie"
            }

    def requests_seen(self, path_prefix: str = "/3/") -> list[SeenRequest]:
        with self._lock:
            return [seen for seen in self._seen if seen.path.startswith(path_prefix)]

    def _fault_take(self, path: str) -> Fault | None:
        with self._lock:
            for index, fault in enumerate(self._faults):
                if path.startswith(fault.path_prefix):
                    return self._faults.pop(index)
        return None

    def _record(self, seen: SeenRequest) -> None:
        with self._lock:
            self._seen.append(seen)

    def answer(self, path: str, query: dict[str, list[str]]) -> tuple[int, dict]:
        if path == "/3/configuration":
            return 200, {"images": _body("configuration-images.json")["images"], "change_keys": []}
        if match := FIND_PATH.match(path):
            if query.get("external_source") != ["imdb_id"]:
                return 422, {"errors": ["external_source must be provided"]}
            kind_id = self.found.get(match[1])
            results = {key: [] for key in ("movie_results", "person_results", "tv_results")}
            results |= {"tv_episode_results": [], "tv_season_results": []}
            if kind_id is not None:
                with self._lock:
                    details = copy.deepcopy(self.titles[kind_id]["details"])
                summary = {
                    key: details.get(key) for key in ("id", "title", "name", "poster_path", "overview")
                }
                results[f"{kind_id[0]}_results"].append({**summary, "media_type": kind_id[0]})
            return 200, results
        if path == "/3/search/movie":
            query_text = _fold((query.get("query") or [""])[0])
            if not query_text:
                return 422, _body("error-422-validation-search-no-query.json")
            language = (query.get("language") or ["en-US"])[0]
            year = (query.get("year") or [""])[0]
            results = []
            for title in self._movies().values():
                details = title["details"]
                names = [details.get("title") or "", details.get("original_title") or ""]
                names.append(_translated_title(title, "uk") or "")
                if not any(query_text in _fold(name) for name in names):
                    continue
                if year and not (details.get("release_date") or "").startswith(year):
                    continue
                results.append(self._summary(title, language))
            results.sort(key=lambda summary: -summary["popularity"])
            return 200, _page(results, 1)
        if path == "/3/movie/now_playing":
            language = (query.get("language") or ["en-US"])[0]
            page = int((query.get("page") or ["1"])[0])
            movies = self._movies()
            results = [self._summary(movies[tmdb_id], language) for tmdb_id in self.now_playing]
            body = _page(results, page)
            return 200, {"dates": {"maximum": "2026-12-10", "minimum": "2026-10-29"}, **body}
        if match := DETAILS_PATH.match(path):
            kind, tmdb_id = match[1], int(match[2])
            if tmdb_id == LEGACY_MISSING_ID:
                return 404, _body("error-404-not-found-legacy.json")
            with self._lock:
                title = copy.deepcopy(self.titles.get((kind, tmdb_id)))
            if title is None:
                return 404, _body("error-404-not-found.json")
            appended = [part for part in (query.get("append_to_response") or [""])[0].split(",") if part]
            if len(appended) > 20:
                return 422, {"errors": ["too many append_to_response objects: the maximum is 20"]}
            details = title["details"]
            for part in appended:
                if part in title["parts"]:
                    details[part] = title["parts"][part]
            return 200, details
        return 404, _body("error-404-not-found.json")


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        arrived = time.monotonic()
        standin: TmdbStandin = self.server.standin  # type: ignore[attr-defined]
        parts = urlsplit(self.path)
        query = parse_qs(parts.query)
        auth = None
        if query.get("api_key") == [V3_KEY]:
            auth = "v3"
        elif self.headers.get("Authorization") == f"Bearer {V4_TOKEN}":
            auth = "v4"
        headers: dict[str, str] = {}
        if auth is None:
            status, body = 401, _body("error-401-invalid-api-key.json")
        else:
            fault = standin._fault_take(parts.path)
            if fault is not None and fault.delay:
                standin.stopping.wait(fault.delay)
            if fault is not None and fault.status != 200:
                status = fault.status
                body = {
                    "success": False,
                    "status_code": 25 if status == 429 else 11,
                    "status_message": "stand-in",
                }
                if fault.retry_after is not None:
                    headers["Retry-After"] = fault.retry_after
            else:
                status, body = standin.answer(parts.path, query)
        standin._record(SeenRequest(path=parts.path, query=query, auth=auth, status=status, at=arrived))
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (its timeout): as on TMDB, nobody is told


@contextmanager
def tmdb_serve() -> Iterator[TmdbStandin]:
    standin = TmdbStandin().start()
    try:
        yield standin
    finally:
        standin.stop()

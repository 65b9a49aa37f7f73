"""A stand-in for the Gemini API's REST `generateContent`, served over loopback HTTP.

    with gemini_serve() as gemini:                # or the `gemini_standin` fixture (tests/conftest.py)
        settings.GEMINI_BASE_URL = gemini.base_url; settings.GEMINI_API_KEY = gemini.api_key
        gemini.script(error(429, retry_delay="0.3s"), answer({"cinemas": []}))   # the next replies
        ...
        gemini.requests[-1].prompt                # what the client sent, parsed

What it serves, as Google does on the wire (bodies from tests/fixtures/gemini/):
- POST /{v1,v1beta}/models/{model}:generateContent (and :streamGenerateContent?alt=sse, as
  one `data:` chunk); the key in the `x-goog-api-key` header or `?key=`. A wrong key gets the
  real 400 API_KEY_INVALID, no key 403, an unknown model 404; unknown body keys are ignored.
- Scripted replies first: `script()` queues StandinReply values or functions from the
  request to a reply (status + JSON), each used once, in order.
- Then the fake city (`FakeCity`, or `responder=` for a function of your own): N cinemas and
  M movies, answering each question by the schema it was sent with: the cinemas; the movies
  playing; a movie's sessions on a day, made up deterministically from the movie, the day and
  the cinemas named in the prompt's `Movie:`, `Date:` and `Cinemas:` lines (the client's prompt
  format). Answers carry groundingMetadata (one source per cinema) and usageMetadata. A request
  without one of those schemas gets a plain text answer.
- `delay` seconds before every answer (the benchmark's Gemini latency); `requests` records
  what was asked; `hits` counts every HTTP request (refused ones too); `max_in_flight` is the
  most requests it was answering at once.

Run it by hand (for the benchmark or `make run`):
    python -m tests.standins.gemini [--port 8766] [--cinemas 8] [--movies 20] [--delay 0.2]
"""

import argparse
import datetime as dt
import hashlib
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "gemini"
PATH = re.compile(r"^/(v1|v1beta)/models/([^/:]+):(generateContent|streamGenerateContent)$")
DEFAULT_MODELS = ("gemini-3.5-flash", "gemini-3.5-flash-lite", "gemini-3.1-pro-preview")
THOUGHTS_TOKENS = 48  # thinking tokens every fake answer reports
FORMATS = ("2D", "2D", "3D", "IMAX", "4DX")


def _fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- what was asked


@dataclass(frozen=True)
class GeminiRequest:
    """One request as the stand-in received it."""

    version: str  # v1 or v1beta
    model: str
    method: str  # generateContent or streamGenerateContent
    api_key: str
    headers: dict[str, str]
    body: dict[str, Any]
    at: float = field(default_factory=time.monotonic)

    @property
    def contents(self) -> list[dict[str, Any]]:
        return self.body.get("contents") or []

    @property
    def prompt(self) -> str:
        """The text of the last user turn (a corrective follow-up, when there is one)."""
        users = [content for content in self.contents if content.get("role", "user") == "user"]
        return _text(users[-1]) if users else ""

    @property
    def system_instruction(self) -> str:
        instruction = self.body.get("systemInstruction") or self.body.get("system_instruction") or {}
        return _text(instruction)

    @property
    def generation_config(self) -> dict[str, Any]:
        return self.body.get("generationConfig") or self.body.get("generation_config") or {}

    @property
    def schema(self) -> dict[str, Any]:
        """The response schema sent, in either form (JSON Schema or the OpenAPI subset)."""
        config = self.generation_config
        for key in ("responseJsonSchema", "response_json_schema", "responseSchema", "response_schema"):
            if config.get(key):
                return config[key]
        return {}

    @property
    def is_grounded(self) -> bool:
        """Google Search grounding was asked for."""
        return any("googleSearch" in tool or "google_search" in tool for tool in self.body.get("tools") or ())

    @property
    def purpose(self) -> str:
        """cinemas, movies or sessions: which question, from the schema's one property."""
        properties = self.schema.get("properties") or {}
        return next((name for name in ("cinemas", "movies", "sessions") if name in properties), "")

    def line(self, label: str) -> str:
        """The value of a `Label: value` line of the prompt, or ''."""
        match = re.search(rf"^{re.escape(label)}:[ \t]*(.*)$", self.prompt, flags=re.MULTILINE)
        return match.group(1).strip() if match else ""

    def bullets(self, label: str) -> list[str]:
        """The `- item` lines after a `Label:` line of the prompt."""
        match = re.search(
            rf"^{re.escape(label)}:[ \t]*\n((?:- .*(?:\n|$))+)", self.prompt, flags=re.MULTILINE
        )
        return [item[2:].strip() for item in match.group(1).splitlines()] if match else []


def _text(content: dict[str, Any]) -> str:
    return "".join(part.get("text", "") for part in content.get("parts") or ())


# --------------------------------------------------------------------------- replies


@dataclass(frozen=True)
class StandinReply:
    status: int
    body: dict[str, Any] | str  # a str is sent as it is (not JSON)
    delay: float = 0.0  # seconds before this reply, on top of the stand-in's delay


Responder = Callable[[GeminiRequest], StandinReply]


def answer(
    payload: Any,
    *,
    sources: list[tuple[str, str]] | None = None,
    searched: bool = True,
    usage: dict[str, int] | None = None,
    model: str = "gemini-3.5-flash",
) -> StandinReply:
    """A finished 200 answer whose text is `payload` as JSON (a str is sent as it is).

    `sources`: (uri, title) grounding chunks, each supporting the whole text; none and
    `searched=False` is an ungrounded answer without groundingMetadata.
    """
    text = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False)
    candidate: dict[str, Any] = {
        "content": {"parts": [{"text": text}], "role": "model"},
        "finishReason": "STOP",
        "index": 0,
    }
    if sources or searched:
        candidate["groundingMetadata"] = _grounding(text, sources or [])
    return StandinReply(200, _response(candidate, text, usage, model))


def blocked(reason: str = "PROHIBITED_CONTENT") -> StandinReply:
    """A blocked prompt: 200 with no candidates and promptFeedback, as Google answers it."""
    body = _fixture("generate-content-prompt-feedback-only.json")
    body["promptFeedback"] = {"blockReason": reason, **body.get("promptFeedback", {})}
    return StandinReply(200, body)


def unfinished(finish_reason: str = "SAFETY") -> StandinReply:
    """A 200 answer cut off with a finishReason other than STOP."""
    body = _fixture("generate-content-finish-reason-safety.json")
    body["candidates"][0]["finishReason"] = finish_reason
    return StandinReply(200, body)


_ERROR_FIXTURES = {
    400: "error-400-api-key-invalid.json",
    403: "error-403-service-disabled.json",
    404: "error-404-model-not-found.json",
    429: "error-429-resource-exhausted.json",
    500: "error-500-internal.json",
    503: "error-503-unavailable.json",
}


def error(status: int, *, retry_delay: str | None = None) -> StandinReply:
    """Google's error body for `status` (real bodies); a 429 carries RetryInfo with `retry_delay`."""
    name = _ERROR_FIXTURES.get(status)
    body = _fixture(name) if name else {"error": {"code": status, "message": "Error", "status": "UNKNOWN"}}
    details = body["error"].setdefault("details", [])
    details[:] = [detail for detail in details if "RetryInfo" not in detail.get("@type", "")]
    if retry_delay is not None:
        details.append({"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": retry_delay})
    return StandinReply(status, body)


def _grounding(text: str, sources: list[tuple[str, str]]) -> dict[str, Any]:
    return {
        "webSearchQueries": ["cinema showtimes"],
        "groundingChunks": [{"web": {"uri": uri, "title": title}} for uri, title in sources],
        "groundingSupports": [
            {
                "segment": {"startIndex": 0, "endIndex": len(text), "text": text},
                "groundingChunkIndices": [index],
                "confidenceScores": [0.9],
            }
            for index in range(len(sources))
        ],
    }


def _response(
    candidate: dict[str, Any], text: str, usage: dict[str, int] | None, model: str
) -> dict[str, Any]:
    output = max(1, len(text) // 4)
    counts = {"promptTokenCount": 600, "candidatesTokenCount": output, "thoughtsTokenCount": THOUGHTS_TOKENS}
    counts.update(usage or {})
    counts.setdefault(
        "totalTokenCount",
        counts["promptTokenCount"] + counts["candidatesTokenCount"] + counts.get("thoughtsTokenCount", 0),
    )
    return {
        "candidates": [candidate],
        "usageMetadata": counts,
        "modelVersion": model,
        "responseId": hashlib.sha1(text.encode()).hexdigest()[:20],
    }


def _redirect_uri(key: str) -> str:
    token = hashlib.sha256(key.encode()).hexdigest()[:40]
    return f"https://vertexaisearch.cloud.google.com/grounding-api-redirect/{token}"


# --------------------------------------------------------------------------- the fake city


@dataclass(frozen=True)
class FakeCity:
    """A city of `cinemas` cinemas and `movies` films, every answer made up deterministically."""

    cinemas: int = 5
    movies: int = 12
    sessions_per_cinema: int = 3  # at most, per movie and day; some cinemas show a movie less
    price_uah: int = 180

    def cinema_names(self) -> list[str]:
        return [f"Standin Cinema {number}" for number in range(1, self.cinemas + 1)]

    def website(self, cinema: str) -> str:
        return f"https://{cinema.lower().replace(' ', '-')}.example/schedule"

    def movie_list(self) -> list[dict[str, Any]]:
        return [
            {
                "title": f"Фільм {number}",
                "original_title": f"Standin Movie {number}",
                "year": 2020 + number % 7,
                "imdb_id": f"tt99{number:05d}",
            }
            for number in range(1, self.movies + 1)
        ]

    def movie_find(self, name: str) -> dict[str, Any] | None:
        """The city's movie called `name` (either title, a trailing "(year)" ignored)."""
        bare = re.sub(r"\s*\(\d{4}\)\s*$", "", name).strip().casefold()
        for movie in self.movie_list():
            if bare in (movie["title"].casefold(), movie["original_title"].casefold()):
                return movie
        return None

    def sessions(self, *, movie: str, day: dt.date, cinemas: list[str]) -> list[dict[str, Any]]:
        """The movie's sessions on `day` at those of `cinemas` that are the city's."""
        if self.movie_find(movie) is None:
            return []
        known = set(self.cinema_names())
        found = []
        for cinema in cinemas:
            if cinema not in known:
                continue
            seed = int(hashlib.sha256(f"{movie}|{day}|{cinema}".encode()).hexdigest(), 16)
            for index in range(seed % (self.sessions_per_cinema + 1)):
                hour = 10 + (seed // 7 + index * 4) % 13
                found.append(
                    {
                        "cinema": cinema,
                        "date": day.isoformat(),
                        "time": f"{hour:02d}:{(seed // 13 % 4) * 15:02d}",
                        "format": FORMATS[(seed // 11 + index) % len(FORMATS)],
                        "audio_language": "uk",
                        "subtitles": "en" if seed % 5 == 0 else "",
                        "hall": f"Hall {1 + seed % 6}",
                        "booking_url": f"{self.website(cinema)}?session={seed % 100000}-{index}",
                        "price_uah": float(self.price_uah + 20 * (seed % 4)),
                    }
                )
        return sorted(found, key=lambda session: (session["cinema"], session["time"]))

    def respond(self, request: GeminiRequest) -> StandinReply:
        """Answer the question the request's schema asks, grounded in the cinemas' pages."""
        names = self.cinema_names()
        if request.purpose == "cinemas":
            payload = {
                "cinemas": [
                    {
                        "name": name,
                        "chain": "Standin" if index % 2 else "",
                        "address": f"{index + 1} Standin Street",
                        "website": self.website(name),
                    }
                    for index, name in enumerate(names)
                ]
            }
            cited = names
        elif request.purpose == "movies":
            cited = [name for name in request.bullets("Cinemas") if name in names] or names
            payload = {"movies": self.movie_list()}
        elif request.purpose == "sessions":
            day = dt.date.fromisoformat(request.line("Date"))
            sessions = self.sessions(movie=request.line("Movie"), day=day, cinemas=request.bullets("Cinemas"))
            payload = {"sessions": sessions}
            cited = sorted({session["cinema"] for session in sessions})
        else:  # no showtimes schema: a plain text answer, as to any other prompt
            return answer(f"The stand-in read: {request.prompt}", searched=False, model=request.model)
        sources = [(_redirect_uri(self.website(name)), self.website(name).split("/")[2]) for name in cited]
        return answer(payload, sources=sources, model=request.model)


# --------------------------------------------------------------------------- the server


class GeminiStandin:
    """A running stand-in for generativelanguage.googleapis.com on a loopback port."""

    def __init__(
        self,
        *,
        api_key: str = "standin-key",
        models: tuple[str, ...] = DEFAULT_MODELS,
        city: FakeCity | None = None,
        responder: Responder | None = None,
        delay: float = 0.0,
    ) -> None:
        self.api_key = api_key
        self.models = models
        self.city = city or FakeCity()
        self.responder = responder or self.city.respond
        self.delay = delay
        self.base_url = ""
        self._lock = threading.Lock()
        self._script: deque[StandinReply | Responder] = deque()
        self._requests: list[GeminiRequest] = []
        self._in_flight = 0
        self.max_in_flight = 0
        self.hits = 0  # every HTTP request, refused ones included
        self._stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self, *, port: int = 0) -> "GeminiStandin":
        server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        server.daemon_threads = True
        server.standin = self  # type: ignore[attr-defined]
        self._server = server
        self.base_url = f"http://127.0.0.1:{server.server_address[1]}"
        self._thread = threading.Thread(
            target=server.serve_forever, args=(0.05,), name="gemini-standin", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # releases delayed replies
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(10)

    def script(self, *replies: StandinReply | Responder) -> None:
        """Queue replies for the next generateContent requests, each used once, in order."""
        with self._lock:
            self._script.extend(replies)

    @property
    def requests(self) -> list[GeminiRequest]:
        """The generateContent requests that passed the key and model checks, in arrival order."""
        with self._lock:
            return list(self._requests)

    # ------------------------------------------------------------ used by the handler

    def _reply(self, request: GeminiRequest) -> StandinReply:
        with self._lock:
            self._requests.append(request)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            scripted = self._script.popleft() if self._script else None
        try:
            if scripted is None:
                reply = self.responder(request)
            elif isinstance(scripted, StandinReply):
                reply = scripted
            else:
                reply = scripted(request)
            self._stopping.wait(self.delay + reply.delay)
            return reply
        finally:
            with self._lock:
                self._in_flight -= 1


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the SDK's connection pool expects
    server_version = "ESF"

    def log_message(self, format: str, *args: object) -> None:
        return

    def do_POST(self) -> None:
        standin: GeminiStandin = self.server.standin  # type: ignore[attr-defined]
        with standin._lock:
            standin.hits += 1
        parts = urlsplit(self.path)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        match = PATH.match(parts.path)
        if match is None:
            self._send(_not_found(f"The requested URL {parts.path} was not found on this server."))
            return
        version, model, method = match.groups()
        query = parse_qs(parts.query)
        key = self.headers.get("x-goog-api-key") or (query.get("key") or [""])[0]
        if not key:
            self._send(_unregistered())
            return
        if key != standin.api_key:
            self._send(error(400))
            return
        if model not in standin.models:
            self._send(_model_missing(model, version))
            return
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            self._send(_invalid_json())
            return
        request = GeminiRequest(
            version=version,
            model=model,
            method=method,
            api_key=key,
            headers={name.lower(): value for name, value in self.headers.items()},
            body=body if isinstance(body, dict) else {},
        )
        reply = standin._reply(request)
        if method == "streamGenerateContent" and reply.status == 200 and query.get("alt") == ["sse"]:
            self._send(reply, sse=True)
        else:
            self._send(reply)

    def do_GET(self) -> None:
        self._send(_not_found("Method not allowed here: use POST."))

    def _send(self, reply: StandinReply, *, sse: bool = False) -> None:
        data = reply.body if isinstance(reply.body, str) else json.dumps(reply.body, ensure_ascii=False)
        payload = f"data: {data}\r\n\r\n".encode() if sse else data.encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", "text/event-stream" if sse else "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Vary", "Origin, X-Origin, Referer")
        self.end_headers()
        self.wfile.write(payload)


def _not_found(message: str) -> StandinReply:
    return StandinReply(404, {"error": {"code": 404, "message": message, "status": "NOT_FOUND"}})


def _model_missing(model: str, version: str) -> StandinReply:
    body = json.loads(
        (FIXTURES / "error-404-model-not-found.json")
        .read_text(encoding="utf-8")
        .replace("gemini-5.0-flash", model)
        .replace("API version v1,", f"API version {version},")
    )
    return StandinReply(404, body)


def _unregistered() -> StandinReply:
    message = (
        "Method doesn't allow unregistered callers (callers without established identity). "
        "Please use API Key or other form of API consumer identity to call this API."
    )
    return StandinReply(403, {"error": {"code": 403, "message": message, "status": "PERMISSION_DENIED"}})


def _invalid_json() -> StandinReply:
    message = "Invalid JSON payload received. Unexpected token."
    return StandinReply(400, {"error": {"code": 400, "message": message, "status": "INVALID_ARGUMENT"}})


@contextmanager
def gemini_serve(**options: Any) -> Iterator[GeminiStandin]:
    """Run the stand-in until the block ends; options as for GeminiStandin."""
    standin = GeminiStandin(**options).start()
    try:
        yield standin
    finally:
        standin.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve the Gemini stand-in until Ctrl+C.")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--key", default="standin-key")
    parser.add_argument("--cinemas", type=int, default=FakeCity.cinemas)
    parser.add_argument("--movies", type=int, default=FakeCity.movies)
    parser.add_argument("--delay", type=float, default=0.2, help="seconds before every answer")
    arguments = parser.parse_args()
    standin = GeminiStandin(
        api_key=arguments.key,
        city=FakeCity(cinemas=arguments.cinemas, movies=arguments.movies),
        delay=arguments.delay,
    ).start(port=arguments.port)
    print(f"Gemini stand-in on {standin.base_url}, key {standin.api_key!r} (Ctrl+C stops it)")  # noqa: T201
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        standin.stop()


if __name__ == "__main__":
    main()

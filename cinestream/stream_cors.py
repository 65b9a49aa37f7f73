"""CORS for the live stream (/api/movies/stream), which Django's middleware never sees.

django-cors-headers answers for the rest of /api/ from the same settings; this applies them
to the stream, so that a page on another origin can open an EventSource on it: any origin
without credentials, or only API_CORS_ALLOWED_ORIGINS (settings CORS_ALLOW_ALL_ORIGINS,
CORS_ALLOWED_ORIGINS, CORS_ALLOW_HEADERS).
"""

import copy
from collections.abc import Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.urls import URLPattern

from cinestream.security import Asgi, Receive, Scope, Send

# How long a browser may keep a preflight's answer (django-cors-headers' default).
PREFLIGHT_MAX_AGE_SECONDS = 86400


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def _allow_headers(origin: str) -> list[tuple[bytes, bytes]] | None:
    """The headers that let `origin` read the reply, or None when it may not."""
    if settings.CORS_ALLOW_ALL_ORIGINS:
        return [(b"access-control-allow-origin", b"*")]
    if origin in settings.CORS_ALLOWED_ORIGINS:
        return [(b"access-control-allow-origin", origin.encode("latin-1")), (b"vary", b"origin")]
    return None


class StreamCorsMiddleware:
    """Adds the CORS headers to the stream's replies and answers its preflights."""

    def __init__(self, app: Asgi) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        origin = _header(scope, b"origin") if scope["type"] == "http" else None
        allowed = _allow_headers(origin) if origin else None
        if allowed is None:
            await self.app(scope, receive, send)
            return
        if scope["method"] == "OPTIONS" and _header(scope, b"access-control-request-method"):
            await _preflight_answer(send, allowed)
            return
        # Daphne's send is partial(Server.handle_reply, protocol), and the stream's flow control
        # (apps/stream/flow.py) finds the connection as that partial's first argument: keep it.
        connection = send.args[0] if isinstance(send, partial) and send.args else None
        await self.app(scope, receive, partial(_send_with_cors, connection, send, allowed))


async def _preflight_answer(send: Send, allowed: list[tuple[bytes, bytes]]) -> None:
    headers = [
        *allowed,
        (b"access-control-allow-methods", b"GET"),
        (b"access-control-allow-headers", ", ".join(settings.CORS_ALLOW_HEADERS).encode()),
        (b"access-control-max-age", str(PREFLIGHT_MAX_AGE_SECONDS).encode()),
        (b"content-length", b"0"),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


async def _send_with_cors(
    _connection: object, send: Send, allowed: list[tuple[bytes, bytes]], message: dict[str, Any]
) -> None:
    if message["type"] == "http.response.start":
        message = {**message, "headers": [*message.get("headers", []), *allowed]}
    await send(message)


def stream_cors(patterns: Iterable[URLPattern]) -> list[URLPattern]:
    """The same routes, each behind StreamCorsMiddleware."""
    wrapped = []
    for pattern in patterns:
        pattern = copy.copy(pattern)
        pattern.callback = StreamCorsMiddleware(pattern.callback)
        wrapped.append(pattern)
    return wrapped

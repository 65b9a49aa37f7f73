"""Security rules for what Django's middleware never sees: the SSE stream and WebSockets.

Channels routes the stream and the sockets around Django, so neither ALLOWED_HOSTS nor the
security-header middleware reaches them. These ASGI wrappers apply the same settings there,
and the header wrapper also backs up every Django response (a debug 404, a static file).
"""

import copy
from collections.abc import Awaitable, Callable, Iterable
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from csp.utils import build_policy
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.urls import URLPattern

from core.asgi import json_reply

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
Asgi = Callable[[Scope, Receive, Send], Awaitable[None]]

# Django's own fallback when DEBUG is on and ALLOWED_HOSTS is empty (HttpRequest.get_host).
_DEBUG_HOSTS = [".localhost", "127.0.0.1", "[::1]"]


def security_headers() -> list[tuple[bytes, bytes]]:
    """The headers every response carries, from the settings django-csp and Django read."""
    headers = []
    policy = build_policy()
    if policy:
        headers.append((b"content-security-policy", policy.encode()))
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append((b"x-content-type-options", b"nosniff"))
    if settings.SECURE_REFERRER_POLICY:
        headers.append((b"referrer-policy", settings.SECURE_REFERRER_POLICY.encode()))
    if settings.X_FRAME_OPTIONS:
        headers.append((b"x-frame-options", settings.X_FRAME_OPTIONS.encode()))
    return headers


class SecurityHeadersMiddleware:
    """Adds each security header an HTTP response lacks; one a view set itself is kept."""

    def __init__(self, app: Asgi) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Daphne's send is partial(Server.handle_reply, protocol), and the stream's flow control
        # (apps/stream/flow.py) finds the connection as that partial's first argument: keep it.
        connection = send.args[0] if isinstance(send, partial) and send.args else None
        await self.app(scope, receive, partial(_send_with_headers, connection, send))


async def _send_with_headers(_connection: object, send: Send, message: dict[str, Any]) -> None:
    if message["type"] == "http.response.start":
        headers = list(message.get("headers", []))
        present = {bytes(name).lower() for name, _ in headers}
        headers += [header for header in security_headers() if header[0] not in present]
        message = {**message, "headers": headers}
    await send(message)


def host_is_allowed(host: str) -> bool:
    """Whether Django would serve a request for `host` (a Host header or an Origin's host:port)."""
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = _DEBUG_HOSTS
    domain, _port = split_domain_port(host)
    return bool(domain) and validate_host(domain, allowed)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


def _request_host(scope: Scope) -> str:
    host = _header(scope, b"host")
    if host is not None:
        return host
    # No Host header (HTTP/1.0): Django falls back to the address the server listens on.
    server = scope.get("server") or ("", None)
    return f"{server[0]}:{server[1]}" if server[1] else str(server[0])


def _origin_is_allowed(origin: str | None) -> bool:
    # Browsers always send Origin on a WebSocket handshake; other clients (websocat, apps)
    # send none and cannot be driven by another site's page, so they need no check.
    if origin is None:
        return True
    parts = urlsplit(origin)
    return parts.scheme in ("http", "https") and host_is_allowed(parts.netloc)


class AllowedHostsMiddleware:
    """Refuses a request for a host not in ALLOWED_HOSTS, as Django refuses its own requests.

    HTTP gets 400 with a JSON body; a WebSocket handshake is refused (403) before it is
    accepted, also when a browser's Origin names a host not in ALLOWED_HOSTS.
    """

    def __init__(self, app: Asgi) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        host = _request_host(scope)
        if scope["type"] == "http" and not host_is_allowed(host):
            await _host_refuse(send, host)
        elif scope["type"] == "websocket" and not (
            host_is_allowed(host) and _origin_is_allowed(_header(scope, b"origin"))
        ):
            # Closing before accepting makes the server answer the handshake with 403.
            await receive()
            await send({"type": "websocket.close"})
        else:
            await self.app(scope, receive, send)


async def _host_refuse(send: Send, host: str) -> None:
    body = {"code": "disallowed_host", "message": f"host {host!r} is not served here (ALLOWED_HOSTS)"}
    await json_reply(send, 400, body)


def allowed_hosts_only(patterns: Iterable[URLPattern]) -> list[URLPattern]:
    """The same routes, each behind AllowedHostsMiddleware."""
    checked = []
    for pattern in patterns:
        pattern = copy.copy(pattern)
        pattern.callback = AllowedHostsMiddleware(pattern.callback)
        checked.append(pattern)
    return checked

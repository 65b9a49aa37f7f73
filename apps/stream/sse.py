"""GET /api/movies/stream: Server-Sent Events, served as a bare ASGI app.

A stream outlives any view: it holds no thread and no database connection, and it
writes the hub's pre-encoded frames straight to the server.
"""

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import parse_qsl

import structlog
from django.conf import settings

from apps.stream.errors import InvalidStreamRequest
from apps.stream.flow import flow_control_attach
from apps.stream.hub import Hub, Subscriber, hub_get
from apps.stream.schemas import StreamRequest, stream_request_parse
from core.asgi import json_reply

logger = structlog.get_logger(__name__)

Send = Callable[[dict[str, Any]], Awaitable[None]]
Receive = Callable[[], Awaitable[dict[str, Any]]]

RETRY_AFTER_SECONDS = 10
STREAM_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache, no-transform"),
    (b"x-accel-buffering", b"no"),
]


def _request_data(scope: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
    for name, value in scope.get("headers", []):
        if name == b"last-event-id" and value.strip():
            # The header is what EventSource sends on reconnect; it wins over the query,
            # whose id must still be a valid one (the API schema documents both).
            if "last_event_id" in data:
                stream_request_parse({"last_event_id": data["last_event_id"]})
            data["last_event_id"] = value.decode("latin-1").strip()
    return data


async def _disconnected(receive: Receive, subscriber: Subscriber) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass
    subscriber.close("client disconnected")


async def movie_stream(scope: dict[str, Any], receive: Receive, send: Send) -> None:
    if scope["method"] != "GET":
        await json_reply(
            send, 405, {"code": "method_not_allowed", "message": "use GET"}, [(b"allow", b"GET")]
        )
        return
    try:
        request = stream_request_parse(_request_data(scope))
    except InvalidStreamRequest as exc:
        await json_reply(send, exc.http_status, {"code": exc.code, "message": str(exc)})
        return

    hub = await hub_get()
    after_id = request.last_event_id if request.last_event_id is not None else hub.last_id
    ip = (scope.get("client") or ("unknown",))[0]
    token = uuid.uuid4().hex
    if not await hub.slots.acquire(ip, token):
        message = f"at most {settings.STREAM_MAX_PER_IP} streams per client; close one or retry later"
        headers = [(b"retry-after", str(RETRY_AFTER_SECONDS).encode())]
        await json_reply(send, 429, {"code": "too_many_streams", "message": message}, headers)
        return

    try:
        await _stream(receive, send, hub, request, after_id, ip)
    finally:
        await hub.slots.release(ip, token)


async def _stream(
    receive: Receive, send: Send, hub: Hub, request: StreamRequest, after_id: int, ip: str
) -> None:
    subscriber = Subscriber(filter=request.stream_filter(), limit=settings.STREAM_BUFFER_EVENTS)
    connection = flow_control_attach(send, subscriber)
    watcher = asyncio.ensure_future(_disconnected(receive, subscriber))
    try:
        await send({"type": "http.response.start", "status": 200, "headers": STREAM_HEADERS})
        await send(
            {
                "type": "http.response.body",
                "body": f"retry: {settings.STREAM_RETRY_MS}\n: connected\n\n".encode(),
                "more_body": True,
            }
        )
        async for frames in hub.frames(subscriber, after_id):
            body = b"".join(frame.sse for frame in frames)
            await send({"type": "http.response.body", "body": body, "more_body": True})
        if subscriber.closed_reason == "too slow":
            logger.info("stream_cut_off", reason=subscriber.closed_reason, ip=ip, cursor=subscriber.cursor)
            connection.abort()
        elif subscriber.closed_reason not in ("client disconnected", "connection lost"):
            ending = f": closed: {subscriber.closed_reason}; reconnect with Last-Event-ID\n\n".encode()
            await send({"type": "http.response.body", "body": ending, "more_body": False})
    finally:
        watcher.cancel()
        connection.detach()

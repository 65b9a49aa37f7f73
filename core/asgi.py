"""Small pieces for ASGI apps that answer outside Django (the SSE stream, the edge checks)."""

import json
from collections.abc import Awaitable, Callable
from typing import Any

Send = Callable[[dict[str, Any]], Awaitable[None]]


async def json_reply(send: Send, status: int, body: dict[str, Any], headers: list | None = None) -> None:
    """A whole JSON response: the status, the content type and any extra headers, then the body."""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), *(headers or [])],
        }
    )
    await send({"type": "http.response.body", "body": json.dumps(body).encode()})

"""/ws/movies/: the same events, filters and resume as the SSE stream, over WebSocket.

Protocol: the client connects (filters may be in the query string) and sends one
JSON message, `{"type": "subscribe", "last_event_id": 41, "genre": "Drama"}`; every
field is optional. The server then sends `{"id", "event", "data"}` messages. Errors
arrive as `{"event": "error", "data": {"code", "message"}}` before the socket closes:
4400 for an invalid first message (not a JSON object, a binary frame, a field of the
wrong type), 1009 for one over SUBSCRIBE_MAX_BYTES, 4429 over the per-address cap,
4008 for a client that fell behind.
"""

import asyncio
import json
import uuid
from typing import Any
from urllib.parse import parse_qsl

from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from apps.stream.errors import InvalidStreamRequest, StreamMessageTooLarge
from apps.stream.flow import close_reason, flow_control_attach, websocket_close
from apps.stream.hub import HEARTBEAT, Hub, Subscriber, hub_get
from apps.stream.schemas import stream_request_parse, subscribe_message_parse

CLOSE_INVALID = 4400
CLOSE_TOO_MANY = 4429
CLOSE_TOO_SLOW = 4008
CLOSE_TOO_LARGE = 1009


class MovieStreamConsumer(AsyncWebsocketConsumer):
    # Events come from the hub; a channel-layer channel per socket would cost a Redis
    # subscription for every connection attempt, refused ones included.
    channel_layer_alias = None
    hub: Hub
    subscriber: Subscriber | None = None
    relay: asyncio.Task | None = None
    slot: tuple[str, str] | None = None

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        # Channels calls disconnect() only when the client goes, not when a handler
        # raises or the server cancels the connection; the slot must go in every case.
        try:
            await super().__call__(scope, receive, send)
        finally:
            await self._end()

    async def connect(self) -> None:
        self.hub = await hub_get()
        await self.accept()
        ip = (self.scope.get("client") or ("unknown",))[0]
        token = uuid.uuid4().hex
        if not await self.hub.slots.acquire(ip, token):
            message = f"at most {settings.STREAM_MAX_PER_IP} streams per client; close one or retry later"
            await self._fail("too_many_streams", message, CLOSE_TOO_MANY)
            return
        self.slot = (ip, token)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.relay is not None or self.slot is None:
            return
        try:
            message = subscribe_message_parse(text_data, bytes_data)
            query = dict(parse_qsl(self.scope.get("query_string", b"").decode("latin-1")))
            request = stream_request_parse({**query, **message.filters()})
        except StreamMessageTooLarge as exc:
            await self._fail(exc.code, str(exc), CLOSE_TOO_LARGE)
            return
        except InvalidStreamRequest as exc:
            await self._fail(exc.code, str(exc), CLOSE_INVALID)
            return
        after_id = request.last_event_id if request.last_event_id is not None else self.hub.last_id
        self.subscriber = Subscriber(filter=request.stream_filter(), limit=settings.STREAM_BUFFER_EVENTS)
        self.relay = asyncio.ensure_future(self._relay(self.subscriber, after_id))

    async def _relay(self, subscriber: Subscriber, after_id: int) -> None:
        connection = flow_control_attach(self.base_send, subscriber)
        try:
            async for frames in self.hub.frames(subscriber, after_id):
                for frame in frames:
                    if frame is not HEARTBEAT:  # WebSocket pings keep the connection alive
                        await self.send(text_data=frame.websocket_text())
            if subscriber.closed_reason == "too slow":
                await self._fail("too_slow", "fell behind; reconnect with your last id", CLOSE_TOO_SLOW)
                connection.abort()
        finally:
            connection.detach()

    async def _fail(self, code: str, message: str, close_code: int) -> None:
        """Send the error frame, close with `close_code`, and free the slot without waiting for the client."""
        await self.send(text_data=json.dumps({"event": "error", "data": {"code": code, "message": message}}))
        reason = close_reason(message)
        if not websocket_close(self.base_send, close_code, reason):
            await self.close(code=close_code, reason=reason)
        await self._release_slot()

    async def disconnect(self, code: int) -> None:
        await self._end()

    async def _end(self) -> None:
        if self.subscriber is not None:
            self.subscriber.close("client disconnected")
        if self.relay is not None and self.relay is not asyncio.current_task():
            self.relay.cancel()
        await self._release_slot()

    async def _release_slot(self) -> None:
        slot, self.slot = self.slot, None
        if slot is not None:
            await self.hub.slots.release(*slot)

"""/ws/movies/: the same events, filters and resume as the SSE stream, over WebSocket.

Protocol: the client connects (filters may be in the query string) and sends one
JSON message, `{"type": "subscribe", "last_event_id": 41, "genre": "Drama"}`; every
field is optional. The server then sends `{"id", "event", "data"}` messages. Errors
arrive as `{"event": "error", "data": {"code", "message"}}` before the socket closes.
"""

import asyncio
import json
import uuid
from urllib.parse import parse_qsl

from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from apps.stream.errors import InvalidStreamRequest
from apps.stream.flow import flow_control_attach
from apps.stream.hub import HEARTBEAT, Hub, Subscriber, hub_get
from apps.stream.schemas import stream_request_parse

CLOSE_INVALID = 4400
CLOSE_TOO_MANY = 4429
CLOSE_TOO_SLOW = 4008


class MovieStreamConsumer(AsyncWebsocketConsumer):
    hub: Hub
    subscriber: Subscriber | None = None
    relay: asyncio.Task | None = None
    slot: tuple[str, str] | None = None

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
            message = json.loads(text_data or "{}")
            if not isinstance(message, dict):
                raise InvalidStreamRequest("the first message must be a JSON object")
            message.pop("type", None)
            query = dict(parse_qsl(self.scope.get("query_string", b"").decode("latin-1")))
            request = stream_request_parse({**query, **message})
        except json.JSONDecodeError:
            await self._fail(InvalidStreamRequest.code, "the first message must be JSON", CLOSE_INVALID)
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
        await self.send(text_data=json.dumps({"event": "error", "data": {"code": code, "message": message}}))
        await self.close(code=close_code)

    async def disconnect(self, code: int) -> None:
        if self.subscriber is not None:
            self.subscriber.close("client disconnected")
        if self.relay is not None:
            self.relay.cancel()
        if self.slot is not None:
            await self.hub.slots.release(*self.slot)
            self.slot = None

"""A real SSE client for tests: one HTTP connection read in a background thread."""

import http.client
import json
import socket
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


@dataclass(frozen=True)
class SseEvent:
    id: int | None
    event: str
    data: Any


class SseClient:
    def __init__(
        self,
        base_url: str,
        path: str = "/api/movies/stream",
        last_event_id: int | None = None,
        headers: dict[str, str] | None = None,
        source_address: str | None = None,
    ) -> None:
        parts = urlsplit(base_url)
        # A loopback source address of its own makes it another client to nginx's ip_hash.
        source = (source_address, 0) if source_address else None
        self.connection = http.client.HTTPConnection(
            parts.hostname, parts.port, timeout=60, source_address=source
        )
        headers = {"Accept": "text/event-stream", **(headers or {})}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self.connection.request("GET", path, headers=headers)
        self.response = self.connection.getresponse()
        self.status = self.response.status
        self.headers = dict(self.response.getheaders())
        self.events: list[SseEvent] = []
        self.comments: list[str] = []
        self.ended = False
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        if self.status == 200:
            self._reader.start()
        else:
            self.body = self.response.read()

    def _read(self) -> None:
        fields: dict[str, str] = {}
        try:
            for raw in self.response:
                line = raw.decode().rstrip("\r\n")
                if line.startswith(":"):
                    with self._changed:
                        self.comments.append(line[1:].strip())
                        self._changed.notify_all()
                elif line:
                    name, _, value = line.partition(":")
                    fields[name] = value.removeprefix(" ")
                elif "data" in fields:
                    event = SseEvent(
                        id=int(fields["id"]) if "id" in fields else None,
                        event=fields.get("event", "message"),
                        data=json.loads(fields["data"]),
                    )
                    with self._changed:
                        self.events.append(event)
                        self._changed.notify_all()
                    fields = {}
                else:
                    fields = {}
        except (OSError, ValueError, http.client.HTTPException, AttributeError):
            pass  # closed by us or by the server (http.client may fail on a closed socket)
        with self._changed:
            self.ended = True
            self._changed.notify_all()

    @property
    def ids(self) -> list[int]:
        return [event.id for event in self.events if event.id is not None]

    def wait_for(self, count: int, timeout: float = 20.0) -> list[SseEvent]:
        """Wait until `count` events arrived (fail with what did arrive otherwise)."""
        with self._changed:
            self._changed.wait_for(lambda: len(self.events) >= count or self.ended, timeout)
            events = list(self.events)
        assert len(events) >= count, f"got {len(events)} of {count} events: {[e.id for e in events]}"
        return events

    def wait_for_id(self, event_id: int, timeout: float = 20.0) -> None:
        with self._changed:
            self._changed.wait_for(lambda: event_id in self.ids or self.ended, timeout)
        assert event_id in self.ids, f"event {event_id} never arrived; got {self.ids[-10:]}"

    def wait_for_end(self, timeout: float = 20.0) -> None:
        with self._changed:
            ended = self._changed.wait_for(lambda: self.ended, timeout)
        assert ended, "the server never closed the stream"

    def close(self) -> None:
        if self.connection.sock is not None:
            self.connection.sock.shutdown(socket.SHUT_RDWR)
        self.connection.close()
        if self._reader.is_alive():
            self._reader.join(5)

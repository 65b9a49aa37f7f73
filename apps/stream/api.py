"""The event log over JSON, and the documentation of the live stream."""

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from apps.stream.schemas import EventOut, MoviePayload, stream_request_parse
from apps.stream.selectors import events_after

router = Router(tags=["stream"])


class EventsQuery(Schema):
    after: int = Field(0, ge=0, description="Return events with ids above this one.")
    limit: int = Field(100, ge=1, le=1000)
    types: str | None = Field(None, description="Comma list of event types.")


@router.get("/events", response=list[EventOut], summary="Stored events after an id")
def list_events(request: HttpRequest, query: Query[EventsQuery]) -> list[EventOut]:
    """The event log, oldest first: what a stream would replay when resuming after `after`."""
    stream_request = stream_request_parse({"types": query.types})
    events = events_after(after_id=query.after, limit=query.limit, types=frozenset(stream_request.types))
    return [EventOut(id=event.id, event=event.type, data=event.payload) for event in events]


STREAM_DOC = {
    "get": {
        "tags": ["stream"],
        "summary": "Live stream of catalog changes (Server-Sent Events)",
        "description": (
            "`text/event-stream`. Each event is `id: <event id>`, `event: <type>` (`movie`, "
            "`showtimes`, `trend`) and `data: <one line of JSON>` (for `movie`, a MoviePayload), "
            "then a blank line. The stream starts with `retry: <ms>` and sends `: heartbeat` "
            "comments every 15 s. Reconnect with the `Last-Event-ID` header (or `last_event_id`) "
            "to receive every stored event after that id, then live ones, without gap or duplicate; "
            "an id older than the retention window gets `event: reset` (reload). A client that "
            "reads too slowly is disconnected and may resume. The same events are served over "
            'WebSocket at `/ws/movies/` (first message: `{"type": "subscribe", "last_event_id": N}`).'
        ),
        "parameters": [
            {
                "name": "genre",
                "in": "query",
                "schema": {"type": "string"},
                "description": "Comma list of genres.",
            },
            {
                "name": "decade",
                "in": "query",
                "schema": {"type": "string"},
                "description": '"1990s" or "1990".',
            },
            {
                "name": "types",
                "in": "query",
                "schema": {"type": "string"},
                "description": "Comma list of types.",
            },
            {"name": "last_event_id", "in": "query", "schema": {"type": "integer"}},
            {"name": "Last-Event-ID", "in": "header", "schema": {"type": "integer"}},
        ],
        "responses": {
            "200": {
                "description": "The stream.",
                "content": {
                    "text/event-stream": {
                        "schema": {"type": "string"},
                        "example": 'id: 42\nevent: movie\ndata: {"id":"tt0111161","title":"The Shawshank '
                        'Redemption","rating":9.3,"year":"1994"}\n\n',
                    }
                },
            },
            "400": {"description": "An invalid filter or id, named in the JSON body."},
            "429": {"description": "Too many streams from this client; see Retry-After."},
        },
    }
}
DOCUMENTED_SCHEMAS = {"MoviePayload": MoviePayload, "EventOut": EventOut}

"""The event log over JSON, and the documentation of the live stream."""

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from apps.stream.models import EVENT_TYPES
from apps.stream.schemas import EVENT_ID_MAX, EventOut, MoviePayload, StreamRequest, stream_request_parse
from apps.stream.selectors import events_after
from cinestream.api_schemas import ErrorOut, ValidationErrorOut, error_response

router = Router(tags=["stream"])

# What stream_request_parse accepts for `types`: a comma list of known types, items trimmed
# (Python's whitespace, as str.strip), empty items skipped; "" means every type.
_TYPE = "(?:" + "|".join(EVENT_TYPES) + ")"
TYPES_PATTERN = rf"^\s*(?:{_TYPE}\s*)?(?:,\s*(?:{_TYPE}\s*)?)*$"
# What its `decade` accepts once pydantic trims Unicode white space: "1990s" or "1990".
_TRIMMED = r"[\t\n\x0b\x0c\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*"
DECADE_PATTERN = rf"^{_TRIMMED}(?:\d{{3}}0s?)?{_TRIMMED}$"


def _stream_id_schema(*, blank: str) -> dict:
    """The stream's resume id as StreamRequest bounds it, or a blank value, which it ignores."""
    schema = StreamRequest.model_json_schema()["properties"]["last_event_id"]
    integer = next(option for option in schema["anyOf"] if option.get("type") == "integer")
    bounded = {key: integer[key] for key in ("type", "minimum", "maximum") if key in integer}
    return {"anyOf": [bounded, {"type": "string", "pattern": blank}]}


class EventsQuery(Schema):
    after: int = Field(0, ge=0, le=EVENT_ID_MAX, description="Return events with ids above this one.")
    limit: int = Field(100, ge=1, le=1000)
    # Checked by stream_request_parse (400, as on the stream); the pattern documents it.
    types: str = Field(
        "",
        description=f"Comma list of event types ({', '.join(EVENT_TYPES)}); empty for all.",
        json_schema_extra={"pattern": TYPES_PATTERN},
    )


@router.get(
    "/events",
    response={200: list[EventOut], 400: ErrorOut, 422: ValidationErrorOut},
    summary="Stored events after an id",
)
def list_events(request: HttpRequest, query: Query[EventsQuery]) -> list[EventOut]:
    """The event log, oldest first: what a stream would replay when resuming after `after`."""
    stream_request = stream_request_parse({"types": query.types})
    events = events_after(after_id=query.after, limit=query.limit, types=frozenset(stream_request.types))
    return [EventOut(id=event.id, event=event.type, data=event.payload) for event in events]


def _sse_data(schema: dict) -> dict:
    return {"type": "string", "contentMediaType": "application/json", "contentSchema": schema}


# One event of the stream as an SSE parser yields it (OpenAPI 3.1 has no itemSchema yet, so the
# text/event-stream schema describes each event; comments and `retry:` carry no data).
STREAM_EVENT = {
    "type": "object",
    "required": ["event", "data"],
    "properties": {
        "id": {
            "type": "string",
            "pattern": "^[0-9]+$",
            "description": "The event id; send it back to resume.",
        },
        "event": {"type": "string", "enum": [*EVENT_TYPES, "reset"]},
        "data": {"type": "string", "description": "One line of JSON."},
        "retry": {"type": "integer", "minimum": 0},
    },
    "oneOf": [
        {
            "properties": {
                "event": {"const": "movie"},
                "data": _sse_data({"$ref": "#/components/schemas/MoviePayload"}),
            },
            "required": ["id"],
        },
        {
            "properties": {
                "event": {"enum": [name for name in EVENT_TYPES if name != "movie"]},
                "data": _sse_data({"type": "object"}),
            },
            "required": ["id"],
        },
        {
            "description": "The log no longer holds the events after your id: reload, then reconnect.",
            "properties": {
                "event": {"const": "reset"},
                "data": _sse_data(
                    {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}}
                ),
            },
        },
    ],
}

STREAM_DOC = {
    "get": {
        "tags": ["stream"],
        "operationId": "movie_stream",
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
                "description": "Comma list of genres; any of them matches.",
            },
            {
                "name": "decade",
                "in": "query",
                "schema": {"type": "string", "pattern": DECADE_PATTERN},
                "description": '"1990s" or "1990".',
            },
            {
                "name": "types",
                "in": "query",
                "schema": {"type": "string", "pattern": TYPES_PATTERN},
                "description": f"Comma list of event types ({', '.join(EVENT_TYPES)}).",
            },
            {
                "name": "last_event_id",
                "in": "query",
                "schema": _stream_id_schema(blank="^$"),
                "description": "Resume after this event id.",
            },
            {
                "name": "Last-Event-ID",
                "in": "header",
                "schema": _stream_id_schema(blank="^[ \t]*$"),
                "description": "Resume after this event id (what EventSource sends); wins over the query.",
            },
        ],
        "responses": {
            "200": {
                "description": "The stream: `retry: <ms>`, then events and `: heartbeat` comments.",
                "content": {"text/event-stream": {"schema": STREAM_EVENT}},
            },
            "400": error_response("An invalid filter or id, named in the body."),
            "429": error_response("Too many streams from this client; see Retry-After."),
        },
    }
}
DOCUMENTED_SCHEMAS = {"MoviePayload": MoviePayload, "EventOut": EventOut, "ErrorOut": ErrorOut}

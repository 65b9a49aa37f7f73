"""The event log over JSON, and the documentation of the live stream.

Documented from the registry (apps/stream/registry.py): the event types, their payload
models and the tag filters are what the publishers registered in their AppConfig.ready,
which runs before any URLconf imports this module.
"""

import re

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import BaseModel, Field

from apps.stream.registry import event_tags, event_types
from apps.stream.schemas import (
    EVENT_ID_MAX,
    TAG_FILTER_MAX_CHARS,
    EventOut,
    StreamRequest,
    stream_request_parse,
)
from apps.stream.selectors import events_after
from cinestream.api_schemas import ErrorOut, ValidationErrorOut, error_response

router = Router(tags=["stream"])


def comma_list_pattern(item: str) -> str:
    """What stream_request_parse accepts for a list filter: a comma list of `item`s, each
    trimmed (Python's white space, as str.strip), empty items skipped; "" means no filter."""
    return rf"^\s*(?:(?:{item})\s*)?(?:,\s*(?:(?:{item})\s*)?)*$"


_EVENT_TYPES = list(event_types())
TYPES_PATTERN = comma_list_pattern("|".join(re.escape(name) for name in _EVENT_TYPES))


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
        description=f"Comma list of event types ({', '.join(_EVENT_TYPES)}); empty for all.",
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
        "event": {"type": "string", "enum": [*_EVENT_TYPES, "reset"]},
        "data": {"type": "string", "description": "One line of JSON."},
        "retry": {"type": "integer", "minimum": 0},
    },
    "oneOf": [
        *(
            {
                "properties": {
                    "event": {"const": name},
                    "data": _sse_data({"$ref": f"#/components/schemas/{event_type.payload.__name__}"}),
                },
                "required": ["id"],
            }
            for name, event_type in event_types().items()
        ),
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

TAG_PARAMETERS = [
    {
        "name": name,
        "in": "query",
        "schema": {
            "type": "string",
            "maxLength": TAG_FILTER_MAX_CHARS,
            "pattern": comma_list_pattern(tag.pattern),
        },
        "description": f"{tag.description} Comma list; an event carrying any of them matches "
        "(case-insensitive). Events without this tag do not match.",
    }
    for name, tag in event_tags().items()
]

STREAM_DOC = {
    "get": {
        "tags": ["stream"],
        "operationId": "movie_stream",
        "summary": "Live stream of catalog changes (Server-Sent Events)",
        "description": (
            "`text/event-stream`. Each event is `id: <event id>`, `event: <type>` (one of the types "
            f"its publishers registered: {', '.join(f'`{name}`' for name in _EVENT_TYPES)}) and "
            "`data: <one line of JSON>` (the payload model that type registered), then a blank line. "
            "The stream starts with `retry: <ms>` and sends `: heartbeat` comments every 15 s. "
            "Filters: `types` picks event types; every other parameter is a tag filter (publishers "
            "pass tags with each event): a comma list of values, any of which matches, "
            "case-insensitive; several filters must all match; an unknown one is a 400 naming it. "
            "Reconnect with the `Last-Event-ID` header (or `last_event_id`) "
            "to receive every stored event after that id, then live ones, without gap or duplicate; "
            "an id older than the retention window gets `event: reset` (reload). A client that "
            "reads too slowly is disconnected and may resume. The same events and filters are "
            'served over WebSocket at `/ws/movies/` (first message: `{"type": "subscribe", '
            '"last_event_id": N, "genre": "Drama"}`; tag filters may also go in a `tags` object).'
        ),
        "parameters": [
            *TAG_PARAMETERS,
            {
                "name": "types",
                "in": "query",
                "schema": {"type": "string", "pattern": TYPES_PATTERN},
                "description": f"Comma list of event types ({', '.join(_EVENT_TYPES)}).",
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
DOCUMENTED_SCHEMAS: dict[str, type[BaseModel]] = {
    **{event_type.payload.__name__: event_type.payload for event_type in event_types().values()},
    "EventOut": EventOut,
    "ErrorOut": ErrorOut,
}

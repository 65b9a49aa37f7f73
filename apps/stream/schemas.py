"""What a stream client may ask for, and what it receives (documented in /api/docs)."""

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)

from apps.stream.errors import InvalidStreamRequest, StreamMessageTooLarge
from apps.stream.hub import StreamFilter
from apps.stream.registry import TAG_VALUE_MAX_CHARS, TAG_VALUES_MAX, event_tags, event_types

# Event ids are PostgreSQL bigints.
EVENT_ID_MAX = 2**63 - 1
# A tag filter in a query string: a comma list of at most this many characters.
TAG_FILTER_MAX_CHARS = 512


def _comma_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    items = value if isinstance(value, list) else str(value).split(",")
    return [str(item).strip() for item in items if str(item).strip()]


class StreamRequest(BaseModel):
    """Filters and the resume point of one stream, from a query string or a WebSocket message.

    Besides `types` and `last_event_id`, every key is a tag filter (apps/stream/registry.py):
    a comma list or an array of values, any of which matches; each key must match.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    types: list[str] = Field(default_factory=list, description="Only these event types (comma list).")
    last_event_id: int | None = Field(
        default=None, ge=0, le=EVENT_ID_MAX, description="Resume after this event id."
    )
    tags: dict[str, list[str]] = Field(default_factory=dict, description="Tag filters: name to values.")

    @field_validator("types", mode="before")
    @classmethod
    def _split(cls, value: Any) -> list[str]:
        return _comma_list(value)

    @field_validator("types")
    @classmethod
    def _known_types(cls, value: list[str]) -> list[str]:
        known = event_types()
        unknown = sorted(set(value) - set(known))
        if unknown:
            raise ValueError(f"unknown event type {', '.join(unknown)}; expected {', '.join(known)}")
        return value

    def stream_filter(self) -> StreamFilter:
        return StreamFilter(
            types=frozenset(self.types),
            tags=tuple(
                (name, frozenset(value.casefold() for value in values)) for name, values in self.tags.items()
            ),
        )


def _tag_filter(name: str, value: Any) -> list[str]:
    """One tag filter's values, each checked and canonical; ValueError saying what is wrong."""
    tag = event_tags().get(name)
    if tag is None:
        expected = ", ".join([*event_tags(), "types", "last_event_id"])
        raise ValueError(f"unknown filter; expected one of {expected}")
    if isinstance(value, list):
        if len(value) > TAG_VALUES_MAX:
            raise ValueError(f"{len(value)} values; at most {TAG_VALUES_MAX}")
    elif len(str(value)) > TAG_FILTER_MAX_CHARS:
        raise ValueError(f"{len(str(value))} characters; at most {TAG_FILTER_MAX_CHARS}")
    return [tag.value_check(item) for item in _comma_list(value)]


def _problems(exc: ValidationError, whole: str) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or whole}: {error['msg']}" for error in exc.errors()
    )


def stream_request_parse(data: dict[str, Any]) -> StreamRequest:
    """Validate a client's stream request; raise InvalidStreamRequest saying what is wrong."""
    own = {key: value for key, value in data.items() if key in StreamRequest.model_fields and key != "tags"}
    problems, tags = [], {}
    for name, value in data.items():
        if name in own:
            continue
        try:
            values = _tag_filter(name, value)
        except ValueError as exc:
            problems.append(f"{name}: {exc}")
            continue
        if values:
            tags[name] = values
    try:
        request = StreamRequest.model_validate({**own, "tags": tags})
    except ValidationError as exc:
        problems.append(_problems(exc, "request"))
    if problems:
        raise InvalidStreamRequest("; ".join(problems)) from None
    return request


# A real first message is well under 1 KB; a larger one is refused before it is parsed.
SUBSCRIBE_MAX_BYTES = 8 * 1024

_Name = Annotated[str, StringConstraints(max_length=TAG_VALUE_MAX_CHARS)]
_Names = (
    Annotated[str, StringConstraints(max_length=TAG_FILTER_MAX_CHARS)]
    | Annotated[list[_Name], Field(max_length=TAG_VALUES_MAX)]
)


# Tag filters one first message may carry (more than any registered set of tags).
SUBSCRIBE_TAGS_MAX = 16


class SubscribeMessage(BaseModel):
    """A WebSocket stream's first message; every field is optional.

    Strict, as it is JSON: an id is a JSON integer (not `true`, `"41"` or `41.0`), types and
    tag filters a comma list or an array of strings. Tag filters are the other keys, as on
    the query string, or the keys of `tags`, which can also name a tag called `type` (the
    message's own `type` is "subscribe"). They are laid over the query string's and checked
    again as a StreamRequest, which refuses a key no publisher registered.
    """

    model_config = ConfigDict(extra="allow", strict=True)
    __pydantic_extra__: dict[str, _Names]

    type: Literal["subscribe"] | None = None
    last_event_id: Annotated[int, Field(ge=0, le=EVENT_ID_MAX)] | None = None
    types: _Names | None = None
    tags: Annotated[dict[_Name, _Names], Field(max_length=SUBSCRIBE_TAGS_MAX)] | None = None

    @model_validator(mode="after")
    def _bounded(self) -> "SubscribeMessage":
        if len(self.model_extra or {}) > SUBSCRIBE_TAGS_MAX:
            raise ValueError(f"{len(self.model_extra or {})} tag filters; at most {SUBSCRIBE_TAGS_MAX}")
        return self

    def filters(self) -> dict[str, Any]:
        own = self.model_dump(include={"last_event_id", "types"}, exclude_none=True)
        return {**(self.model_extra or {}), **(self.tags or {}), **own}


def subscribe_message_parse(text: str | None, data: bytes | None) -> SubscribeMessage:
    """Validate a WebSocket first message; raise StreamMessageTooLarge or InvalidStreamRequest.

    The size is checked before parsing, and pydantic's JSON parser bounds nesting and
    numbers, so no message costs more than SUBSCRIBE_MAX_BYTES of work.
    """
    size = len(text.encode()) if text is not None else len(data or b"")
    if size > SUBSCRIBE_MAX_BYTES:
        raise StreamMessageTooLarge(
            f"the first message is {size} bytes; at most {SUBSCRIBE_MAX_BYTES} allowed"
        )
    if text is None:
        raise InvalidStreamRequest("the first message must be a JSON text frame, not binary")
    if not text.strip():
        raise InvalidStreamRequest(
            'the first message is empty; send a JSON object such as {"type": "subscribe"}'
        )
    try:
        return SubscribeMessage.model_validate_json(text)
    except ValidationError as exc:
        raise InvalidStreamRequest(_problems(exc, "message")) from None


class EventOut(BaseModel):
    """One stored event: the SSE `id:` and `event:` lines and the JSON `data:` line."""

    id: int = Field(description="Gapless, increasing; send it back as Last-Event-ID to resume.")
    event: str = Field(description="The event type, one of those its publishers registered.")
    data: dict[str, Any] = Field(description="The payload, as its event type's model documents it.")

"""What a stream client may ask for, and what it receives (documented in /api/docs)."""

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from apps.stream.errors import InvalidStreamRequest, StreamMessageTooLarge
from apps.stream.hub import StreamFilter
from apps.stream.models import EVENT_TYPES

_DECADE = re.compile(r"^(\d{3})0s?$")
# Event ids are PostgreSQL bigints.
EVENT_ID_MAX = 2**63 - 1


def _comma_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    items = value if isinstance(value, list) else str(value).split(",")
    return [str(item).strip() for item in items if str(item).strip()]


class StreamRequest(BaseModel):
    """Filters and the resume point of one stream, from a query string or a WebSocket message."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    genre: list[str] = Field(default_factory=list, description="Only movies of these genres (comma list).")
    decade: str | None = Field(default=None, description='Only movies of this decade: "1990s" or "1990".')
    types: list[str] = Field(default_factory=list, description="Only these event types (comma list).")
    last_event_id: int | None = Field(
        default=None, ge=0, le=EVENT_ID_MAX, description="Resume after this event id."
    )

    @field_validator("genre", "types", mode="before")
    @classmethod
    def _split(cls, value: Any) -> list[str]:
        return _comma_list(value)

    @field_validator("types")
    @classmethod
    def _known_types(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(EVENT_TYPES))
        if unknown:
            raise ValueError(f"unknown event type {', '.join(unknown)}; expected {', '.join(EVENT_TYPES)}")
        return value

    @field_validator("decade")
    @classmethod
    def _decade(cls, value: str | None) -> str | None:
        if not value:
            return None
        match = _DECADE.match(value)
        if not match:
            raise ValueError(f'expected a decade such as "1990s", got {value!r}')
        return f"{match.group(1)}0s"

    def stream_filter(self) -> StreamFilter:
        return StreamFilter(
            genres=frozenset(g.casefold() for g in self.genre),
            decade=self.decade.casefold() if self.decade else None,
            types=frozenset(self.types),
        )


def _problems(exc: ValidationError, whole: str) -> str:
    return "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or whole}: {error['msg']}" for error in exc.errors()
    )


def stream_request_parse(data: dict[str, Any]) -> StreamRequest:
    """Validate a client's stream request; raise InvalidStreamRequest saying what is wrong."""
    try:
        return StreamRequest.model_validate(data)
    except ValidationError as exc:
        raise InvalidStreamRequest(_problems(exc, "request")) from None


# A real first message is well under 1 KB; a larger one is refused before it is parsed.
SUBSCRIBE_MAX_BYTES = 8 * 1024

_Name = Annotated[str, StringConstraints(max_length=64)]
_Names = Annotated[str, StringConstraints(max_length=512)] | Annotated[list[_Name], Field(max_length=32)]


class SubscribeMessage(BaseModel):
    """A WebSocket stream's first message; every field is optional.

    Strict, as it is JSON: an id is a JSON integer (not `true`, `"41"` or `41.0`), genres
    and types a comma list or an array of strings. Its filters are laid over the query
    string's and checked again as a StreamRequest.
    """

    model_config = ConfigDict(extra="forbid", strict=True)

    type: Literal["subscribe"] | None = None
    last_event_id: Annotated[int, Field(ge=0, le=EVENT_ID_MAX)] | None = None
    genre: _Names | None = None
    decade: Annotated[str, StringConstraints(max_length=16)] | None = None
    types: _Names | None = None

    def filters(self) -> dict[str, Any]:
        return self.model_dump(exclude={"type"}, exclude_none=True)


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


class DirectorStats(BaseModel):
    total_movies: int
    average_rating: float | None


class SentimentAnalysis(BaseModel):
    plot_tone: str
    keyword_score: float


class MoviePayload(BaseModel):
    """The `data` of a `movie` event."""

    id: str = Field(examples=["tt0111161"])
    title: str
    rating: float | None
    year: str | None
    release_date: str | None
    director: list[str]
    genre: list[str]
    plot: str | None
    writers: list[str]
    stars: list[str]
    decade_category: str | None
    genre_categories: list[str]
    director_stats: DirectorStats | None
    sentiment_analysis: SentimentAnalysis | None
    recommendations: list[str]


class EventOut(BaseModel):
    """One stored event: the SSE `id:` and `event:` lines and the JSON `data:` line."""

    id: int = Field(description="Gapless, increasing; send it back as Last-Event-ID to resume.")
    event: str = Field(description="The event type: movie, showtimes or trend.")
    data: dict[str, Any] = Field(description="The payload; for `movie`, a MoviePayload.")

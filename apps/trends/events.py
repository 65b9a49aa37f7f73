"""The `trend` event the stream carries for this app: a leaderboard's top 10 changed."""

from pydantic import BaseModel, ConfigDict

from apps.catalog.events import MOVIE_TAGS
from apps.showtimes.events import CITY_TAG
from apps.stream.services import EventTag, event_type_register, publish

TREND = "trend"
TOP_SIZE = 10
GENRE_TAG = next(tag for tag in MOVIE_TAGS if tag.name == "genre")
TREND_TAGS = (
    EventTag("board", r"global|genre|city", "Only these kinds of leaderboard: global, genre, city."),
    GENRE_TAG,
    CITY_TAG,  # the showtimes app's: a city means the same in both event types
)


class TrendEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    imdb_id: str
    score: float


class TrendPayload(BaseModel):
    """The `data` of a `trend` event: a board ("global", "genre:Drama", "city:kyiv") and its new top 10."""

    model_config = ConfigDict(frozen=True)

    board: str
    top: list[TrendEntry]


def trend_event_register() -> None:
    event_type_register(
        TREND, TrendPayload, tags=TREND_TAGS, description="A trend leaderboard's top 10 changed."
    )


def trend_tags(board: str) -> dict[str, list[str]]:
    kind, _, name = board.partition(":")
    tags = {"board": [kind]}
    if kind in ("genre", "city"):
        tags[kind] = [name]
    return tags


def trend_event_publish(payload: TrendPayload) -> None:
    """Publish in the caller's transaction (apps/stream/services.py: publish)."""
    publish(TREND, payload, tags=trend_tags(payload.board))

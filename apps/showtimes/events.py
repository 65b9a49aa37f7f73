"""The `showtimes` event: a city's run made progress or its schedule changed.

Tagged `city` with the Location's slug, so a page subscribes with
`/api/movies/stream?city=<slug>` (or the WebSocket's `city` filter) and hears only its city.
"""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from apps.stream.services import EventTag, event_type_register, publish

SHOWTIMES = "showtimes"

# A Location's slug (services.city_slug): at most the stream's 64 characters a tag value, which
# the pattern states itself, as the API documents each filter by its pattern.
CITY_TAG = EventTag(
    "city", r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?", "Only these cities (their slugs: kyiv, lviv)."
)
SHOWTIMES_TAGS = (CITY_TAG,)


class ShowtimesPayload(BaseModel):
    """The `data` of a `showtimes` event: a city's run progressed (`progress`) or ended (`schedule`)."""

    model_config = ConfigDict(extra="forbid")

    city: str = Field(examples=["kyiv"], description="The city's slug.")
    kind: Literal["progress", "schedule"]
    status: Literal["idle", "queued", "scraping", "ready", "failed"]
    run_id: int | None = None
    cinemas_found: int | None = None
    movies_found: int | None = None
    days_planned: int | None = None
    days_done: int | None = None
    added: int | None = Field(None, description="Sessions added (a `schedule` event).")
    changed: int | None = Field(None, description="Sessions whose details changed.")
    cancelled: int | None = Field(None, description="Sessions no longer listed.")
    message: str = Field("", description="A line for visitors, e.g. why the run failed.")


def showtimes_event_register() -> None:
    event_type_register(
        SHOWTIMES,
        ShowtimesPayload,
        tags=SHOWTIMES_TAGS,
        description="A city's showtimes run progressed or its schedule changed.",
    )


def showtimes_event_publish(payload: ShowtimesPayload) -> None:
    """Publish in the caller's transaction (the stream's outbox), tagged with the city."""
    publish(SHOWTIMES, payload, tags={"city": payload.city})

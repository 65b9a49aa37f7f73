"""The catalog's `movie` event: its payload model, its filter tags, and how it is published.

The payload is built as a MoviePayload where it is made (pipeline/enrich/payloads.py), so
a field that drifts from the model fails there, and the stream documents the same model
at /api/docs because the catalog registers it (CatalogConfig.ready). Each event carries
the tags a stream filters on: `genre` (the payload's genres), `decade` ("1990s") and
`type` (the title type: movie, tvSeries, ...).
"""

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from apps.catalog import decades
from apps.catalog.decades import Decade
from apps.stream.models import Event
from apps.stream.services import EventTag, event_type_register, publish_many

MOVIE = "movie"


class DirectorStats(BaseModel):
    model_config = ConfigDict(extra="forbid")

    total_movies: int
    average_rating: float | None


class SentimentAnalysis(BaseModel):
    model_config = ConfigDict(extra="forbid")

    plot_tone: str
    keyword_score: float


class MoviePayload(BaseModel):
    """The `data` of a `movie` event: a title as the catalog holds it after enrichment."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(examples=["tt0111161"])
    title: str | None = Field(description="The primary title (IMDb's display title in English).")
    titles: dict[str, str] = Field(
        default_factory=dict,
        examples=[{"uk": "Втеча з Шоушенка", "ru": "Побег из Шоушенка", "en": "The Shawshank Redemption"}],
        description=(
            "The title's name in each of the site's languages (uk, ru, en): TMDB's translation, "
            "else IMDb's title for the language's region (UA, RU), else the primary title. "
            "A page shows titles[its language], falling back to `title` (events before this "
            "field carry none)."
        ),
    )
    title_type: str | None = Field(examples=["movie"], description="movie, tvSeries, tvEpisode, ...")
    rating: float | None
    year: str | None
    release_date: str | None = Field(description="ISO date.")
    director: list[str]
    genre: list[str]
    plot: str | None
    writers: list[str]
    stars: list[str]
    decade_category: str | None = Field(examples=["1990s"])
    genre_categories: list[str]
    director_stats: DirectorStats | None
    sentiment_analysis: SentimentAnalysis | None
    recommendations: list[str] = Field(description="IMDb ids of similar titles.")
    poster: str | None = Field(default=None, description="The poster's URL: TMDB's (w342), else IMDb's.")


def _decade_canonical(text: str) -> str:
    return str(Decade.parse(text))


# Value patterns: what a stream filter and an event's tag may hold (see apps/stream/registry.py).
MOVIE_TAGS = (
    # A genre is any text without a comma (the list separator) or white space at its ends.
    EventTag("genre", r"[^,\s](?:[^,]{0,62}[^,\s])?", "Only titles of these genres (Drama, Sci-Fi, ...)."),
    EventTag(
        "decade", decades.PATTERN, 'Only titles of these decades: "1990s" or "1990".', _decade_canonical
    ),
    EventTag("type", r"[A-Za-z]{1,32}", "Only titles of these types (movie, tvSeries, tvEpisode, ...)."),
)


def movie_event_register() -> None:
    event_type_register(
        MOVIE, MoviePayload, tags=MOVIE_TAGS, description="A title was added or changed in the catalog."
    )


def movie_tags(payload: MoviePayload) -> dict[str, list[str]]:
    """The filter tags of a title's event, read from its payload."""
    tags = {"genre": payload.genre}
    if payload.title_type:
        tags["type"] = [payload.title_type]
    if payload.decade_category:
        tags["decade"] = [payload.decade_category]
    return tags


def movie_events_publish(payloads: Sequence[MoviePayload]) -> list[Event]:
    """Publish one `movie` event per payload with its tags (see publish_many: call it late)."""
    return publish_many(MOVIE, payloads, tags=[movie_tags(payload) for payload in payloads])

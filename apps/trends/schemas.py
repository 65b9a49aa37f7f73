"""Bodies of the trends API (pydantic): a title named by exactly one of its TMDB or IMDb ids."""

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from apps.catalog.schemas import LANGUAGE_FIELD_DESCRIPTION, TitleSummaryOut
from apps.trends.models import IMDB_ID_PATTERN

TmdbId = Annotated[int, Field(gt=0, le=2_147_483_647, description="TMDB's movie id, e.g. 27205.")]
ImdbId = Annotated[str, Field(pattern=IMDB_ID_PATTERN, description="IMDb's title id, e.g. tt1375666.")]


class TitleIdIn(BaseModel):
    """Exactly one of `tmdb_id` and `imdb_id`."""

    # The schema says "exactly one" too, so clients and schemathesis know it.
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"oneOf": [{"required": ["tmdb_id"]}, {"required": ["imdb_id"]}]},
    )

    # Absent, never null: a null would pass the schema's oneOf while meaning "absent".
    tmdb_id: TmdbId = None  # type: ignore[assignment]
    imdb_id: ImdbId = None  # type: ignore[assignment]

    @model_validator(mode="after")
    def _exactly_one(self) -> "TitleIdIn":
        if (self.tmdb_id is None) == (self.imdb_id is None):
            raise ValueError("give exactly one of tmdb_id and imdb_id")
        return self


class RegistrationOut(BaseModel):
    id: int
    status: str = Field(description="pending, ready, missing (TMDB does not know it) or failed.")
    tmdb_id: int | None
    imdb_id: str | None
    title_imdb_id: str | None = Field(description="The catalog title it is linked to, once ready.")
    last_error: str
    poll: str = Field(description="Where to ask for the status.")


class ViewOut(BaseModel):
    counted: bool


class BoardQuery(BaseModel):
    lang: str = Field("", pattern=r"^(|uk|en|ru)$", description=LANGUAGE_FIELD_DESCRIPTION)
    limit: int = Field(20, ge=1, le=100, description="At most this many titles.")


class RankedTitleOut(BaseModel):
    rank: int = Field(ge=1)
    score: float = Field(description="The trend score (see /trends/about).")
    title: TitleSummaryOut


class BoardOut(BaseModel):
    board: str = Field(examples=["global", "genre:Drama", "city:kyiv"])
    titles: list[RankedTitleOut] = Field(description="Best first.")


class TrendDayOut(BaseModel):
    day: date
    score: float
    views: int


class TitleTrendQuery(BaseModel):
    days: int = Field(30, ge=1, le=365, description="How many days back, today included.")


class TitleTrendOut(BaseModel):
    imdb_id: str
    score: float | None = Field(description="The current score; null before the first computation.")
    computed_at: datetime | None
    history: list[TrendDayOut] = Field(description="Oldest first; days without a score are left out.")

"""The typed records every source client yields and the catalog pipeline takes in.

Clients (IMDb datasets, IMDb pages, data-lake files) produce raw dictionaries whose
keys follow these models; the catalog's validate step turns them into `TitleRecord`s,
keeping whatever does not fit in `rescued` instead of dropping it. This module
imports nothing of the project's apps.
"""

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class CreditRecord(BaseModel):
    """A person credited on a title, in credit order."""

    model_config = ConfigDict(frozen=True)

    imdb_id: str | None = Field(default=None, description="nm… id when the source gives one")
    name: str = ""
    ordering: int = 0
    characters: tuple[str, ...] = ()


class AkaRecord(BaseModel):
    """A title's name in a region or language (IMDb's title.akas)."""

    model_config = ConfigDict(frozen=True)

    name: str
    region: str = ""
    language: str = ""
    is_original: bool = False
    ordering: int = 0


class TranslationRecord(BaseModel):
    """A title's texts in one language (TMDB's translations)."""

    model_config = ConfigDict(frozen=True)

    title: str | None = None
    overview: str | None = None
    tagline: str | None = None


class TrailerRecord(BaseModel):
    """A YouTube video of the title: `key` is its YouTube id."""

    model_config = ConfigDict(frozen=True)

    key: str
    name: str = ""
    language: str = ""
    official: bool = False


class ProviderRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str
    logo_path: str = ""


class WatchProvidersRecord(BaseModel):
    """Where to watch a title in one country, by kind of offer (TMDB's data by JustWatch)."""

    model_config = ConfigDict(frozen=True)

    link: str | None = None
    flatrate: tuple[ProviderRecord, ...] = ()
    rent: tuple[ProviderRecord, ...] = ()
    buy: tuple[ProviderRecord, ...] = ()


class TitleRecord(BaseModel):
    """One title as a source saw it. Absent values are None (never "unknown" strings)."""

    model_config = ConfigDict(frozen=True)

    imdb_id: str
    source: str
    title_type: str | None = None
    primary_title: str | None = None
    original_title: str | None = None
    is_adult: bool | None = None
    start_year: int | None = None
    end_year: int | None = None
    release_date: date | None = None
    runtime_minutes: int | None = None
    rating: float | None = None
    votes: int | None = None
    plot: str | None = None
    poster_url: str | None = None
    certificate: str | None = None
    keywords: tuple[str, ...] | None = None
    genres: tuple[str, ...] | None = None
    directors: tuple[CreditRecord, ...] | None = None
    writers: tuple[CreditRecord, ...] | None = None
    stars: tuple[CreditRecord, ...] | None = None
    akas: tuple[AkaRecord, ...] | None = None
    original_language: str | None = None
    countries: tuple[str, ...] | None = None
    number_of_seasons: int | None = None
    # TMDB's (apps/scraping/tmdb.py): image paths, texts per language ("uk", "ru", "en"),
    # one region's release date and age rating, trailers, where to watch, its own scores.
    tmdb_id: int | None = None
    poster_path: str | None = None
    backdrop_path: str | None = None
    translations: dict[str, TranslationRecord] | None = None
    regional_release_date: date | None = None
    age_rating: str | None = None
    release_region: str | None = None
    trailers: tuple[TrailerRecord, ...] | None = None
    watch_providers: WatchProvidersRecord | None = None
    tmdb_vote_average: float | None = None
    tmdb_vote_count: int | None = None
    tmdb_popularity: float | None = None
    tmdb_checked_at: datetime | None = None
    source_url: str | None = None
    scraped_at: datetime | None = None
    # Fields the source sent that CineStream does not know, or values of the wrong type.
    rescued: dict[str, Any] = Field(default_factory=dict)


# Fields a raw record may carry, in the order the pipeline treats them.
TITLE_FIELDS = tuple(name for name in TitleRecord.model_fields if name != "rescued")

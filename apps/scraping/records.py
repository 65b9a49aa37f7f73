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
    source_url: str | None = None
    scraped_at: datetime | None = None
    # Fields the source sent that CineStream does not know, or values of the wrong type.
    rescued: dict[str, Any] = Field(default_factory=dict)


# Fields a raw record may carry, in the order the pipeline treats them.
TITLE_FIELDS = tuple(name for name in TitleRecord.model_fields if name != "rescued")

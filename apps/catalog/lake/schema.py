"""A lake line: one title as JSON, its pydantic model, its JSON Schema and its parser.

Absent values are null and other tools may add fields of their own. Each field states its
size limit in the schema (maxLength, maxItems: apps/catalog/pipeline/limits.py); the
pipeline applies them as to any source (cut, or the line rejected when far beyond), so the
model does not check them. A value of the wrong type comes back from the parser apart, to be
rescued; the export-only fields are recomputed on import, so a wrong one is dropped.
"""

import json
from datetime import UTC, date, datetime
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, field_validator

from apps.catalog.models import LocalizedTitle
from apps.catalog.pipeline import limits
from apps.scraping.records import TITLE_FIELDS

# Versions are additive: v2 added TMDB's fields (translations, images, trailers, providers,
# scores…); a v1 line is a v2 line without them, so lines of every version import alike.
SCHEMA_VERSION = 2
SCHEMA_PATH = f"_schema/v{SCHEMA_VERSION}.json"
SCHEMA_ID = f"urn:cinestream:catalog-line:v{SCHEMA_VERSION}"


def _max_length(model: type, name: str) -> int:
    # The database's limits for codes, so an over-long one is rescued instead of failing a batch.
    return model._meta.get_field(name).max_length


SMALLINT_MAX = 32_767  # PositiveSmallIntegerField on PostgreSQL
INT_MAX = 2_147_483_647  # PositiveIntegerField on PostgreSQL


def _limited(
    *, chars: int | None = None, items: int | None = None, item_chars: int | None = None, **kwargs: Any
) -> Any:
    """A field whose limits (apps/catalog/pipeline/limits.py) the schema states and the pipeline
    applies: not checked here, so that text a little too long is cut and text far too long
    rejects its record, whatever the source, instead of being rescued whole."""
    extra: dict[str, Any] = {}
    if chars is not None:
        extra["maxLength"] = chars
    if items is not None:
        extra["maxItems"] = items
    if item_chars is not None:
        extra["items"] = {"type": "string", "maxLength": item_chars}
    return Field(json_schema_extra=extra, **kwargs)


class CatalogCredit(BaseModel):
    """A person credited on a title, in credit order."""

    imdb_id: str | None = Field(default=None, pattern=r"^nm\d{7,8}$")
    name: str = _limited(default="", chars=limits.PERSON_NAME)
    ordering: int = Field(default=0, ge=0, le=SMALLINT_MAX)
    characters: list[str] = _limited(
        default_factory=list, items=limits.CHARACTERS, item_chars=limits.CHARACTER
    )


class CatalogAka(BaseModel):
    """A title's name in a region or language."""

    name: str = _limited(chars=limits.AKA_NAME)
    region: str = Field(default="", max_length=_max_length(LocalizedTitle, "region"))
    language: str = Field(default="", max_length=_max_length(LocalizedTitle, "language"))
    is_original: bool = False
    ordering: int = Field(default=0, ge=0, le=SMALLINT_MAX)


class CatalogTranslation(BaseModel):
    """A title's texts in one language (from TMDB)."""

    title: str | None = _limited(default=None, chars=limits.TRANSLATION["title"])
    overview: str | None = _limited(default=None, chars=limits.TRANSLATION["overview"])
    tagline: str | None = _limited(default=None, chars=limits.TRANSLATION["tagline"])


class CatalogTrailer(BaseModel):
    key: str = Field(description="the YouTube video id")
    name: str = _limited(default="", chars=limits.TRAILER_NAME)
    language: str = ""
    official: bool = False


class CatalogProvider(BaseModel):
    name: str = _limited(chars=limits.PROVIDER_NAME)
    logo_path: str = ""


class CatalogWatchProviders(BaseModel):
    """Where to watch the title in Ukraine (TMDB's data by JustWatch), by kind of offer."""

    link: str | None = None
    flatrate: list[CatalogProvider] = _limited(default_factory=list, items=limits.PROVIDERS)
    rent: list[CatalogProvider] = _limited(default_factory=list, items=limits.PROVIDERS)
    buy: list[CatalogProvider] = _limited(default_factory=list, items=limits.PROVIDERS)


def _text(name: str, description: str | None = None) -> Any:
    return _limited(default=None, chars=limits.TEXT[name], description=description)


class CatalogLine(BaseModel):
    """One title in the lake. Absent values are null; other tools may add fields of their own."""

    model_config = ConfigDict(
        extra="allow",
        title="CineStream catalog line",
        # An export writes every key, null or not; the schema says so.
        json_schema_serialization_defaults_required=True,
    )

    imdb_id: str = Field(pattern=r"^tt\d{7,8}$")
    title: str | None = _limited(
        default=None,
        chars=limits.TEXT["primary_title"],
        description="the primary title (same as primary_title)",
    )
    year: int | None = Field(default=None, description="the start year (same as start_year)")
    rating: float | None = Field(default=None, ge=0, le=10, description="IMDb rating, one decimal")
    page: str | None = Field(default=None, description="the title's page on the site")
    source_url: str | None = _text("source_url", "where the latest change was read")
    scraped_at_utc: datetime | None = Field(
        default=None,
        validation_alias=AliasChoices("scraped_at_utc", "scraped_at"),
        description="when the latest change was read, UTC",
    )
    title_type: str | None = Field(
        default=None, max_length=limits.TITLE_TYPE, description="movie, tvSeries… (IMDb's title types)"
    )
    primary_title: str | None = _text("primary_title")
    original_title: str | None = _text("original_title")
    is_adult: bool | None = None
    start_year: int | None = None
    end_year: int | None = None
    release_date: date | None = None
    runtime_minutes: int | None = Field(default=None, ge=0, le=INT_MAX)
    votes: int | None = Field(default=None, ge=0, le=INT_MAX)
    plot: str | None = _text("plot")
    poster_url: str | None = _text("poster_url")
    certificate: str | None = _text("certificate")
    keywords: list[str] | None = _limited(default=None, items=limits.KEYWORDS, item_chars=limits.KEYWORD)
    genres: list[str] | None = _limited(default=None, items=limits.GENRES, item_chars=limits.GENRE)
    directors: list[CatalogCredit] | None = _limited(default=None, items=limits.CREDITS["directors"])
    writers: list[CatalogCredit] | None = _limited(default=None, items=limits.CREDITS["writers"])
    stars: list[CatalogCredit] | None = _limited(default=None, items=limits.CREDITS["stars"])
    akas: list[CatalogAka] | None = _limited(default=None, items=limits.AKAS)
    # v2: TMDB's fields.
    original_language: str | None = Field(default=None, max_length=limits.CODES["original_language"])
    countries: list[str] | None = _limited(
        default=None, items=limits.COUNTRIES, item_chars=limits.COUNTRY, description="ISO 3166-1 codes"
    )
    number_of_seasons: int | None = Field(default=None, ge=0, le=SMALLINT_MAX)
    tmdb_id: int | None = Field(default=None, ge=1, le=INT_MAX)
    poster_path: str | None = _text("poster_path", "TMDB image path: <image base><size><path>")
    backdrop_path: str | None = _text("backdrop_path", "TMDB image path")
    translations: dict[str, CatalogTranslation] | None = Field(
        default=None, description='per language ("uk", "ru", "en"): title, overview, tagline'
    )
    regional_release_date: date | None = Field(default=None, description="release date in release_region")
    age_rating: str | None = _text("age_rating", "age rating in release_region")
    release_region: str | None = Field(
        default=None, max_length=limits.CODES["release_region"], description="UA when TMDB has it, else US"
    )
    trailers: list[CatalogTrailer] | None = _limited(default=None, items=limits.TRAILERS)
    watch_providers: CatalogWatchProviders | None = None
    tmdb_vote_average: float | None = Field(default=None, ge=0, le=10)
    tmdb_vote_count: int | None = Field(default=None, ge=0, le=INT_MAX)
    tmdb_popularity: float | None = Field(default=None, ge=0)
    tmdb_checked_at: datetime | None = None
    source: str | None = Field(
        default=None, description="imdb_datasets, imdb_page, lake_import, tmdb or admin"
    )
    rescued_data: dict[str, Any] | None = Field(
        default=None, description="what a source sent that did not fit: unknown fields, wrong types"
    )
    field_sources: dict[str, list[str]] | None = Field(
        default=None, description="per field, the [source, ISO time] its value came from"
    )
    decade_category: str | None = Field(default=None, description="derived: 1990s")
    genre_categories: list[str] | None = Field(default=None, description="derived: themes")
    director_stats: dict[str, Any] | None = Field(default=None, description="derived")
    sentiment_analysis: dict[str, Any] | None = Field(default=None, description="derived")
    recommendations: list[str] | None = Field(default=None, description="derived: imdb ids")

    @field_validator("scraped_at_utc")
    @classmethod
    def _in_utc(cls, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Line fields that carry a record field under the same name, and the names readers expect for
# two of them (used when the record's own name is absent); scraped_at_utc is the record's scraped_at.
RECORD_FIELDS = tuple(name for name in TITLE_FIELDS if name not in ("imdb_id", "source", "scraped_at"))
ALIASES = {"title": "primary_title", "year": "start_year"}
# Written for readers, recomputed on import: a wrong value here is dropped, not rescued.
EXPORT_ONLY = frozenset(
    {"page", "decade_category", "genre_categories", "director_stats", "sentiment_analysis", "recommendations"}
)
# Not data either: provenance, used only to replay a line field by field.
NOT_RESCUED = EXPORT_ONLY | {"field_sources"}


def line_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a line, as written to SCHEMA_PATH."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **CatalogLine.model_json_schema(mode="serialization"),
    }


class LineMalformed(ValueError):
    """A line that cannot become a title at all: not JSON, not an object, no usable imdb_id."""


def _json_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def catalog_line_parse(text: bytes | str) -> tuple[CatalogLine, dict[str, Any]]:
    """Parse one line; values that do not fit their field come back apart, in rescued form."""
    try:
        data = json.loads(text, parse_constant=_json_constant)
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, NaN
        raise LineMalformed(f"not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise LineMalformed(f"not a JSON object ({type(data).__name__})")
    if data.get("imdb_id") in (None, ""):
        raise LineMalformed("no imdb_id")
    if isinstance(data["imdb_id"], str):
        data["imdb_id"] = data["imdb_id"].strip()
    misfits: dict[str, Any] = {}
    while True:
        try:
            return CatalogLine.model_validate(data), misfits
        except ValidationError as exc:
            errors = {}  # the first error of each field
            for error in exc.errors():
                if not error["loc"] or error["loc"][0] not in data:
                    raise LineMalformed(f"unreadable ({error['msg']})") from None
                errors.setdefault(error["loc"][0], error)
            if "imdb_id" in errors:
                raise LineMalformed(
                    f"imdb_id: expected tt followed by 7 or 8 digits, got {data['imdb_id']!r}"
                ) from None
            data = dict(data)
            for name, error in errors.items():
                value = data.pop(name)
                if name not in NOT_RESCUED:
                    where = ".".join(map(str, error["loc"][1:]))
                    misfits[name] = {
                        "value": value,
                        "error": f"{where}: {error['msg']}" if where else error["msg"],
                    }

"""What the catalog's API takes and sends: search suggestions as the search box shows them,
titles a page at a time, a title, a person."""

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

from apps.catalog.decades import PATTERN as DECADE_PATTERN
from apps.catalog.forms import FIRST_FILM_YEAR, LAST_LISTED_YEAR, QUERY_MAX_LENGTH
from apps.catalog.models import TitleType
from apps.catalog.selectors import CURSOR_MAX_LENGTH, TitleSort

SUGGESTIONS_MAX = 10


class SearchQuery(Schema):
    q: str = Field(
        min_length=1,
        max_length=QUERY_MAX_LENGTH,
        description="What the visitor typed: any script, case or accents; typos and word order forgiven.",
        examples=["shawshenk", "Нолан"],
    )
    lang: str = Field(
        "",
        pattern=r"^(|uk|en|ru)$",
        description="The language to name titles in; empty: the site language cookie, else Accept-Language.",
    )
    limit: int = Field(
        5, ge=1, le=SUGGESTIONS_MAX, description="At most this many titles, and as many people."
    )


class TitleSuggestionOut(Schema):
    imdb_id: str = Field(examples=["tt0111161"])
    name: str = Field(description="The title's name in the requested language.")
    year: int | None = Field(description="The year it started.")
    type: str = Field(description="IMDb's title type (movie, tvSeries, …).", examples=["movie"])
    type_label: str = Field(description="The type, for people, in the requested language.")
    poster_url: str | None = Field(description="A small poster (TMDB's w92, else IMDb's), if any.")
    url: str = Field(description="The title's page.", examples=["/catalog/tt0111161/"])


class PersonSuggestionOut(Schema):
    imdb_id: str = Field(examples=["nm0634240"])
    name: str
    url: str = Field(description="The person's page.", examples=["/people/nm0634240/"])
    known_for: str | None = Field(description="Their most voted title, named in the requested language.")
    known_for_department: str | None = Field(
        description="TMDB's department (Directing, Acting, …), if known."
    )


class SearchOut(Schema):
    titles: list[TitleSuggestionOut] = Field(description="Best match first.")
    people: list[PersonSuggestionOut] = Field(description="Best match first.")


# --- /api/v1/titles and /api/v1/people ------------------------------------------

LANGUAGE_FIELD_DESCRIPTION = (
    "The language to name titles and write plots in; empty: the site language cookie, else Accept-Language."
)
PAGE_SIZE_MAX = 50


class TitleListQuery(Schema):
    """The catalog list's filters (as on /catalog/), its orders, and a cursor."""

    type: TitleType | None = Field(None, description="IMDb's title type.")
    genre: str | None = Field(None, max_length=64, description="A genre's name.", examples=["Drama"])
    decade: str | None = Field(None, pattern=f"^{DECADE_PATTERN}$", examples=["1990s"])
    year_from: int | None = Field(
        None, ge=FIRST_FILM_YEAR, le=LAST_LISTED_YEAR, description="Started this year or later."
    )
    year_to: int | None = Field(
        None, ge=FIRST_FILM_YEAR, le=LAST_LISTED_YEAR, description="Started this year or earlier."
    )
    min_rating: float | None = Field(None, ge=0, le=10, description="IMDb rating at least this.")
    collection: Literal["ua"] | None = Field(None, description="ua: Ukrainian cinema.")
    sort: TitleSort = Field(
        TitleSort.POPULAR,
        description="popular: most voted first; rating, year: highest first (unknown last); title: A–Z in `lang`.",
    )
    lang: str = Field("", pattern=r"^(|uk|en|ru)$", description=LANGUAGE_FIELD_DESCRIPTION)
    limit: int = Field(20, ge=1, le=PAGE_SIZE_MAX, description="Titles per page.")
    cursor: str = Field(
        "",
        max_length=CURSOR_MAX_LENGTH,
        description="Where the page starts: the `next_cursor` of the page before; empty for the first.",
    )


class LanguageQuery(Schema):
    lang: str = Field("", pattern=r"^(|uk|en|ru)$", description=LANGUAGE_FIELD_DESCRIPTION)


class TitleSummaryOut(Schema):
    imdb_id: str = Field(examples=["tt0111161"])
    name: str = Field(description="The title's name in the requested language.")
    primary_title: str = Field(description="IMDb's primary title.")
    type: str = Field(examples=["movie"])
    year: int | None = Field(description="The year it started.")
    end_year: int | None
    runtime_minutes: int | None
    rating: float | None = Field(description="IMDb's rating, 0–10.")
    votes: int = Field(description="IMDb's vote count.")
    genres: list[str]
    poster_url: str | None = Field(description="A poster (TMDB's w342, else IMDb's), if any.")
    url: str = Field(description="The title's page on the site.", examples=["/catalog/tt0111161/"])
    api_url: str = Field(examples=["/api/v1/titles/tt0111161"])


class TitlePageOut(Schema):
    titles: list[TitleSummaryOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last.")
    next: str | None = Field(
        description="The next page's URL (these filters, that cursor); null on the last."
    )


class TextOut(Schema):
    text: str
    language: str = Field(description="The language it is written in.")
    is_fallback: bool = Field(description="Not in the requested language (English instead).")


class CreditOut(Schema):
    imdb_id: str = Field(examples=["nm0001104"])
    name: str
    characters: list[str] = Field(description="Whom a star plays; empty for other roles.")
    api_url: str


class CreditsOut(Schema):
    directors: list[CreditOut]
    writers: list[CreditOut]
    stars: list[CreditOut]


class KnownAsOut(Schema):
    name: str
    regions: list[str] = Field(description="Regions (or languages) that use the name.")


class DirectorStatsOut(Schema):
    total_movies: int = Field(description="Titles the first director has in the catalog.")
    average_rating: float | None


class EnrichmentOut(Schema):
    decade: str | None = Field(examples=["1990s"])
    genre_categories: list[str] = Field(description="Themes derived from the genres.")
    plot_tone: str | None = Field(description="Hopeful, Balanced or Dark; null without a plot.")
    plot_score: float | None = Field(description="Share of warm words in the plots, 0–1.")
    director: DirectorStatsOut | None


class TrailerOut(Schema):
    name: str
    youtube_key: str
    url: str


class TmdbOut(Schema):
    id: int
    url: str
    vote_average: float | None
    vote_count: int
    popularity: float | None
    original_language: str
    countries: list[str] = Field(description="Production countries, ISO 3166-1.")
    backdrop_url: str | None
    age_rating: str = Field(description="The region's certificate; empty when unknown.")
    release_date_in_region: dt.date | None
    trailer: TrailerOut | None


class TitleOut(TitleSummaryOut):
    original_title: str
    is_adult: bool
    release_date: dt.date | None
    certificate: str
    plot: TextOut | None
    tagline: TextOut | None
    credits: CreditsOut
    known_as: list[KnownAsOut]
    enrichment: EnrichmentOut
    recommendations: list[TitleSummaryOut]
    tmdb: TmdbOut | None = Field(description="What TMDB adds, once TMDB matched the title.")
    imdb_url: str


class FilmographyRoleOut(Schema):
    role: str = Field(examples=["director"])
    titles: list[TitleSummaryOut] = Field(description="Newest first.")


class PersonOut(Schema):
    imdb_id: str = Field(examples=["nm0634240"])
    name: str
    birth_year: int | None
    death_year: int | None
    known_for_department: str | None
    photo_url: str | None
    url: str
    imdb_url: str
    known_for: list[TitleSummaryOut] = Field(description="Their most voted titles.")
    filmography: list[FilmographyRoleOut] = Field(description="The role they are known for first.")

"""TMDB's JSON as typed records, and a title's record for the catalog pipeline built from them.

Parsed tolerantly: TMDB adds fields over time, so unknown keys are ignored and nearly every
field is optional (`/3/find` summaries lack what details have). `title_raw` turns a title's
details (with its `append_to_response` parts) into a raw record whose keys follow
`apps.scraping.records.TitleRecord`. This module imports nothing of the project's apps.
"""

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

MovieKind = Literal["movie", "tv"]

# The languages the catalog keeps TMDB's texts in, and the region each is asked for.
LANGUAGES = {"uk": "uk-UA", "ru": "ru-RU", "en": "en-US"}
# The region whose release date and age rating a title shows: Ukraine's, else the US'.
REGIONS = ("UA", "US")
PROVIDER_REGION = "UA"
PROVIDER_OFFERS = ("flatrate", "rent", "buy")
TRAILERS_KEPT = 10
WRITER_JOBS = frozenset({"Screenplay", "Writer", "Story", "Novel", "Author"})
# TMDB's theatrical release types, preferred for a region's date: premiere, limited, theatrical.
THEATRICAL = (3, 2, 1)


class _Tolerant(BaseModel):
    # A list entry missing a field gets its default and is left out where it is used, rather
    # than one odd entry failing the whole title.
    model_config = ConfigDict(extra="ignore", frozen=True)


def _empty_none(value: Any) -> Any:
    return value or None


class TmdbImages(_Tolerant):
    base_url: str = ""
    secure_base_url: str = ""
    poster_sizes: tuple[str, ...] = ()


class TmdbConfiguration(_Tolerant):
    images: TmdbImages = TmdbImages()


class TmdbFindResult(_Tolerant):
    id: int
    media_type: str | None = None


class TmdbFound(_Tolerant):
    movie_results: tuple[TmdbFindResult, ...] = ()
    tv_results: tuple[TmdbFindResult, ...] = ()


class TmdbMovieSummary(_Tolerant):
    """A movie as `/3/search/movie` and `/3/movie/now_playing` list it (no IMDb id, no runtime)."""

    id: int
    title: str = ""  # in the language asked, else the original
    original_title: str = ""
    release_date: str = ""  # "YYYY-MM-DD", or "" when TMDB does not know it
    popularity: float = 0.0
    vote_count: int = 0
    poster_path: str | None = None

    @property
    def year(self) -> int | None:
        return int(self.release_date[:4]) if self.release_date[:4].isdigit() else None


class TmdbMoviePage(_Tolerant):
    """One page of `/3/search/movie` or `/3/movie/now_playing` (the latter with `dates`)."""

    page: int = 1
    results: tuple[TmdbMovieSummary, ...] = ()
    total_pages: int = 1
    total_results: int = 0


class TmdbDates(_Tolerant):
    minimum: str = ""
    maximum: str = ""


class TmdbNowPlayingPage(TmdbMoviePage):
    dates: TmdbDates = TmdbDates()


class TmdbNowPlaying(_Tolerant):
    """TMDB's now-playing list for one region: every page's movies, in TMDB's order."""

    dates: TmdbDates = TmdbDates()
    results: tuple[TmdbMovieSummary, ...] = ()


class TmdbExternalIds(_Tolerant):
    imdb_id: str | None = None


class TmdbTranslationData(_Tolerant):
    title: str | None = None
    name: str | None = None  # tv
    overview: str | None = None
    tagline: str | None = None


class TmdbTranslation(_Tolerant):
    iso_3166_1: str = ""
    iso_639_1: str = ""
    data: TmdbTranslationData = TmdbTranslationData()


class TmdbTranslations(_Tolerant):
    translations: tuple[TmdbTranslation, ...] = ()


class TmdbReleaseDate(_Tolerant):
    certification: str = ""
    release_date: datetime | None = None
    type: int | None = None

    @field_validator("release_date", mode="before")
    @classmethod
    def _blank(cls, value: Any) -> Any:
        return _empty_none(value)


class TmdbRegionReleases(_Tolerant):
    iso_3166_1: str = ""
    release_dates: tuple[TmdbReleaseDate, ...] = ()


class TmdbReleases(_Tolerant):
    results: tuple[TmdbRegionReleases, ...] = ()


class TmdbContentRating(_Tolerant):
    iso_3166_1: str = ""
    rating: str = ""


class TmdbContentRatings(_Tolerant):
    results: tuple[TmdbContentRating, ...] = ()


class TmdbVideo(_Tolerant):
    key: str = ""
    name: str = ""
    site: str = ""
    type: str = ""
    official: bool = False
    iso_639_1: str | None = None


class TmdbVideos(_Tolerant):
    results: tuple[TmdbVideo, ...] = ()


class TmdbProvider(_Tolerant):
    provider_name: str = ""
    logo_path: str | None = None
    display_priority: int = 0


class TmdbRegionProviders(_Tolerant):
    link: str | None = None
    flatrate: tuple[TmdbProvider, ...] = ()
    rent: tuple[TmdbProvider, ...] = ()
    buy: tuple[TmdbProvider, ...] = ()


class TmdbWatchProviders(_Tolerant):
    results: dict[str, TmdbRegionProviders] = Field(default_factory=dict)


class TmdbCast(_Tolerant):
    id: int = 0
    name: str = ""
    character: str | None = None
    profile_path: str | None = None
    known_for_department: str | None = None
    order: int = 0


class TmdbCrew(_Tolerant):
    id: int = 0
    name: str = ""
    job: str = ""
    profile_path: str | None = None
    known_for_department: str | None = None


class TmdbCredits(_Tolerant):
    cast: tuple[TmdbCast, ...] = ()
    crew: tuple[TmdbCrew, ...] = ()


class TmdbImage(_Tolerant):
    file_path: str = ""
    iso_639_1: str | None = None
    vote_average: float = 0


class TmdbImageSet(_Tolerant):
    posters: tuple[TmdbImage, ...] = ()
    backdrops: tuple[TmdbImage, ...] = ()


class TmdbCountry(_Tolerant):
    iso_3166_1: str


class TmdbDetails(_Tolerant):
    """`/3/movie/{id}` or `/3/tv/{id}` with its appended parts (each absent when not asked)."""

    id: int
    imdb_id: str | None = None
    title: str | None = None  # movie
    name: str | None = None  # tv
    original_title: str | None = None  # movie
    original_name: str | None = None  # tv
    release_date: str | None = None  # movie, "YYYY-MM-DD" or ""
    first_air_date: str | None = None  # tv
    original_language: str | None = None
    overview: str | None = None
    tagline: str | None = None
    runtime: int | None = None  # movie
    episode_run_time: tuple[int, ...] = ()  # tv
    number_of_seasons: int | None = None  # tv
    popularity: float | None = None
    vote_average: float | None = None
    vote_count: int | None = None
    poster_path: str | None = None
    backdrop_path: str | None = None
    production_countries: tuple[TmdbCountry, ...] = ()
    origin_country: tuple[str, ...] = ()
    translations: TmdbTranslations | None = None
    release_dates: TmdbReleases | None = None
    content_ratings: TmdbContentRatings | None = None
    videos: TmdbVideos | None = None
    watch_providers: TmdbWatchProviders | None = Field(default=None, alias="watch/providers")
    credits: TmdbCredits | None = None
    images: TmdbImageSet | None = None
    external_ids: TmdbExternalIds | None = None  # tv: a series' IMDb id is only here


class TmdbPerson(BaseModel):
    """A person TMDB credits on a title, matched to the catalog's people by name."""

    model_config = ConfigDict(frozen=True)

    tmdb_id: int
    name: str
    role: Literal["directors", "writers", "stars"]
    profile_path: str = ""
    known_for_department: str = ""
    character: str = ""


def _translations(details: TmdbDetails, languages: tuple[str, ...]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    entries = details.translations.translations if details.translations else ()
    # A language's entry for its own country first (uk-UA, ru-RU, en-US), then any other.
    ordered = sorted(entries, key=lambda entry: LANGUAGES.get(entry.iso_639_1, "")[3:] != entry.iso_3166_1)
    for entry in ordered:
        if entry.iso_639_1 not in languages or entry.iso_639_1 in found:
            continue
        texts = {
            "title": entry.data.title or entry.data.name,
            "overview": entry.data.overview,
            "tagline": entry.data.tagline,
        }
        texts = {key: value.strip() for key, value in texts.items() if value and value.strip()}
        if texts:
            found[entry.iso_639_1] = texts
    if "en" in languages and "en" not in found:
        # Details are asked in en-US, so they hold the English texts when no entry does.
        texts = {
            "title": details.title or details.name,
            "overview": details.overview,
            "tagline": details.tagline,
        }
        texts = {key: value.strip() for key, value in texts.items() if value and value.strip()}
        if texts:
            found["en"] = texts
    return found


def _regional_release(details: TmdbDetails) -> tuple[str, date | None, str]:
    """(region, release date, age rating) of Ukraine when TMDB has either, else of the US."""
    if details.release_dates is not None:
        regions = {entry.iso_3166_1: entry.release_dates for entry in details.release_dates.results}
        for region in REGIONS:
            dates = [entry for entry in regions.get(region, ()) if entry.release_date or entry.certification]
            if not dates:
                continue
            dated = sorted(
                (entry for entry in dates if entry.release_date),
                key=lambda entry: (
                    THEATRICAL.index(entry.type) if entry.type in THEATRICAL else len(THEATRICAL),
                    entry.release_date,
                ),
            )
            rating = next((entry.certification.strip() for entry in dates if entry.certification.strip()), "")
            return region, dated[0].release_date.date() if dated else None, rating
    if details.content_ratings is not None:
        ratings = {entry.iso_3166_1: entry.rating.strip() for entry in details.content_ratings.results}
        for region in REGIONS:
            if ratings.get(region):
                return region, None, ratings[region]
    return "", None, ""


def _trailers(details: TmdbDetails) -> list[dict[str, Any]]:
    """YouTube videos, best first: trailers before teasers, official first, then by language."""
    order = ["uk", "en", "ru"]
    videos = [
        video
        for video in (details.videos.results if details.videos else ())
        if video.key and video.site == "YouTube" and video.type in ("Trailer", "Teaser")
    ]
    videos.sort(
        key=lambda video: (
            video.type != "Trailer",
            not video.official,
            order.index(video.iso_639_1) if video.iso_639_1 in order else len(order),
        )
    )
    return [
        {"key": video.key, "name": video.name, "language": video.iso_639_1 or "", "official": video.official}
        for video in videos[:TRAILERS_KEPT]
    ]


def _watch_providers(details: TmdbDetails) -> dict[str, Any]:
    region = details.watch_providers.results.get(PROVIDER_REGION) if details.watch_providers else None
    if region is None:
        return {}
    offers: dict[str, Any] = {}
    for offer in PROVIDER_OFFERS:
        providers = sorted(
            (provider for provider in getattr(region, offer) if provider.provider_name),
            key=lambda provider: provider.display_priority,
        )
        if providers:
            offers[offer] = [
                {"name": provider.provider_name, "logo_path": provider.logo_path or ""}
                for provider in providers
            ]
    if offers and region.link:
        offers["link"] = region.link
    return offers


def _poster(details: TmdbDetails) -> str | None:
    """A Ukrainian poster when TMDB has one (the site speaks Ukrainian first), else the default."""
    posters = [
        poster
        for poster in (details.images.posters if details.images else ())
        if poster.iso_639_1 == "uk" and poster.file_path
    ]
    if posters:
        return max(posters, key=lambda poster: poster.vote_average).file_path
    return details.poster_path


def title_raw(
    details: TmdbDetails,
    *,
    imdb_id: str,
    kind: MovieKind,
    languages: tuple[str, ...],
    has_plot: bool,
    has_runtime: bool,
) -> dict[str, Any]:
    """The title's raw record (TitleRecord's keys). Plot and runtime only when the title lacks
    them: IMDb's stay; TMDB's English overview fills an empty plot. Translations only in
    `languages` (the caller keeps the others it has)."""
    translations = _translations(details, languages)
    region, release_date, age_rating = _regional_release(details)
    runtime = details.runtime if kind == "movie" else next(iter(details.episode_run_time), None)
    countries = [country.iso_3166_1 for country in details.production_countries] or list(
        details.origin_country
    )
    english = translations.get("en", {}).get("overview") or details.overview
    raw: dict[str, Any] = {
        "imdb_id": imdb_id,
        "tmdb_id": details.id,
        "poster_path": _poster(details),
        "backdrop_path": details.backdrop_path,
        "translations": translations,
        "release_region": region or None,
        "regional_release_date": release_date,
        "age_rating": age_rating or None,
        "trailers": _trailers(details),
        "watch_providers": _watch_providers(details),
        "tmdb_vote_average": details.vote_average,
        "tmdb_vote_count": details.vote_count,
        "tmdb_popularity": details.popularity,
        "original_language": details.original_language,
        "countries": list(dict.fromkeys(countries)),
        "number_of_seasons": details.number_of_seasons if kind == "tv" else None,
    }
    if not has_plot and english:
        raw["plot"] = english
    if not has_runtime and runtime:
        raw["runtime_minutes"] = runtime
    return raw


def title_people(details: TmdbDetails) -> list[TmdbPerson]:
    """The title's directors, writers and stars as TMDB credits them, in credit order."""
    if details.credits is None:
        return []
    people = [
        TmdbPerson(
            tmdb_id=cast.id,
            name=cast.name,
            role="stars",
            profile_path=cast.profile_path or "",
            known_for_department=cast.known_for_department or "",
            character=cast.character or "",
        )
        for cast in sorted(details.credits.cast, key=lambda cast: cast.order)
        if cast.id and cast.name
    ]
    for crew in details.credits.crew:
        role = "directors" if crew.job == "Director" else "writers" if crew.job in WRITER_JOBS else None
        if role is not None and crew.id and crew.name:
            people.append(
                TmdbPerson(
                    tmdb_id=crew.id,
                    name=crew.name,
                    role=role,
                    profile_path=crew.profile_path or "",
                    known_for_department=crew.known_for_department or "",
                )
            )
    return people

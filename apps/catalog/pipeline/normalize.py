"""Normalize: one spelling for every genre, title type, region, language and person.

Genres: IMDb's 28 genre names are canonical, the list the page parser reads chips against
(`apps.scraping.imdb_vocabulary.GENRES`); known aliases map onto them ("science fiction"
→ "Sci-Fi"); anything else (IMDb's sub-genre chips such as "Action Epic") becomes a
lower-case keyword, so the genre list never grows duplicates. Title types
use IMDb's ids (movie, tvSeries…), accepting schema.org's and spelled-out forms.
Credits are de-duplicated (IMDb pages list each principal twice), keeping credit order.
Lists are then held to their limits (apps/catalog/pipeline/limits.py), their first items
kept, and so is `rescued`: the record leaves the pipeline's preparing steps bounded.
"""

from typing import Any

from apps.catalog.pipeline import limits
from apps.scraping.imdb_vocabulary import GENRES
from apps.scraping.records import AkaRecord, CreditRecord, TitleRecord

_GENRE_ALIASES = {
    "science fiction": "Sci-Fi",
    "scifi": "Sci-Fi",
    "sci fi": "Sci-Fi",
    "film noir": "Film-Noir",
    "noir": "Film-Noir",
    "biopic": "Biography",
    "sports": "Sport",
    "reality": "Reality-TV",
    "reality tv": "Reality-TV",
    "talk show": "Talk-Show",
    "game show": "Game-Show",
    "animated": "Animation",
    "historical": "History",
    "romantic": "Romance",
}
_GENRE_KEYS = {genre.casefold(): genre for genre in GENRES} | _GENRE_ALIASES

TITLE_TYPES = (
    "movie", "short", "tvMovie", "tvSeries", "tvMiniSeries", "tvSpecial", "tvShort",
    "tvEpisode", "tvPilot", "video", "videoGame",
)  # fmt: skip
_TITLE_TYPE_ALIASES = {
    "feature": "movie",
    "film": "movie",
    "series": "tvSeries",
    "tv series": "tvSeries",
    "mini-series": "tvMiniSeries",
    "tv mini series": "tvMiniSeries",
    "tv mini-series": "tvMiniSeries",
    "tv movie": "tvMovie",
    "tv episode": "tvEpisode",
    "tv special": "tvSpecial",
    "tv short": "tvShort",
    "video game": "videoGame",
}
_TITLE_TYPE_KEYS = {title_type.casefold(): title_type for title_type in TITLE_TYPES} | _TITLE_TYPE_ALIASES


def genre_normalize(name: str) -> str | None:
    """The canonical genre for `name`, or None when it is not a genre."""
    key = " ".join(name.replace("_", " ").split()).casefold()
    return _GENRE_KEYS.get(key) or _GENRE_KEYS.get(key.replace("-", " "))


def title_type_normalize(name: str) -> str | None:
    key = " ".join(name.replace("_", " ").split()).casefold()
    return _TITLE_TYPE_KEYS.get(key)


def _credits_dedupe(credits: tuple[CreditRecord, ...]) -> tuple[CreditRecord, ...]:
    seen: set[str] = set()
    kept = []
    for credit in sorted(credits, key=lambda credit: credit.ordering):
        key = credit.imdb_id or credit.name.casefold()
        if key not in seen:
            seen.add(key)
            kept.append(credit)
    return tuple(kept)


def _akas_normalize(akas: tuple[AkaRecord, ...]) -> tuple[AkaRecord, ...]:
    seen: set[tuple[str, str, str]] = set()
    kept = []
    for aka in akas:
        region = aka.region.strip().upper() if aka.region else ""
        language = aka.language.strip().lower() if aka.language else ""
        key = (region, language, aka.name.casefold())
        if key not in seen:
            seen.add(key)
            kept.append(aka.model_copy(update={"region": region, "language": language}))
    return tuple(kept)


def _bounded(field: str, items: tuple, limit: int, rescued: dict[str, Any]) -> tuple:
    if len(items) <= limit:
        return items
    rescued[field] = {
        "value": len(items) - limit,
        "error": f"{len(items)} items, at most {limit}: the rest left out",
    }
    return items[:limit]


def record_normalize(record: TitleRecord) -> TitleRecord:
    rescued = dict(record.rescued)
    changes: dict[str, Any] = {}

    if record.title_type is not None:
        title_type = title_type_normalize(record.title_type)
        if title_type is None:
            rescued["title_type"] = {"value": record.title_type, "error": "unknown title type"}
        changes["title_type"] = title_type

    keywords = list(dict.fromkeys(keyword.casefold() for keyword in record.keywords or ()))
    if record.genres is not None:
        genres = []
        for name in record.genres:
            genre = genre_normalize(name)
            if genre is None:
                keywords.append(name.casefold())
            elif genre not in genres:
                genres.append(genre)
        changes["genres"] = tuple(genres)
    if record.keywords is not None or keywords:
        changes["keywords"] = _bounded("keywords", tuple(dict.fromkeys(keywords)), limits.KEYWORDS, rescued)

    for field, limit in limits.CREDITS.items():
        credits = getattr(record, field)
        if credits is not None:
            changes[field] = _bounded(field, _credits_dedupe(credits), limit, rescued)
    if record.akas is not None:
        changes["akas"] = _bounded("akas", _akas_normalize(record.akas), limits.AKAS, rescued)

    for field, limit in (("countries", limits.COUNTRIES), ("trailers", limits.TRAILERS)):
        items = getattr(record, field)
        if items is not None:
            changes[field] = _bounded(field, items, limit, rescued)
    if record.watch_providers is not None:
        changes["watch_providers"] = record.watch_providers.model_copy(
            update={
                offer: _bounded(
                    f"watch_providers.{offer}",
                    getattr(record.watch_providers, offer),
                    limits.PROVIDERS,
                    rescued,
                )
                for offer in ("flatrate", "rent", "buy")
            }
        )

    for field in ("poster_url", "source_url"):
        url = getattr(record, field)
        if url is not None and not url.startswith(("http://", "https://")):
            rescued[field] = {"value": url, "error": "not an http(s) URL"}
            changes[field] = None

    return record.model_copy(update={**changes, "rescued": limits.rescued_bound(rescued)})

"""Limits: the most text and the longest lists a title may hold, whatever its source.

One table for every way titles come in (IMDb's datasets, IMDb pages, data-lake files):
the clean step applies it, the lake's JSON Schema publishes it (maxLength, maxItems), and
a `movie` event built from a title at every limit stays under 64 KB (see movie_payloads).
Text limits are the database column's max_length where there is one.

- Text longer than its limit is cut to it; the cut-off rest goes to `rescued_data`.
- Text more than FAR_BEYOND times its limit (as received) is not a long value but garbage
  or an attack (a 50 MB plot): the record is rejected with the reason, "plot: 52428800
  characters, at most 4000", so nothing stored for the title changes.
- A list longer than its limit keeps its first items (credit order, IMDb's aka order);
  how many were left out goes to `rescued_data`.
- `rescued_data` keeps at most RESCUED_FIELDS fields (the title's own fields first, then
  what sources sent that the catalog does not know), each at most RESCUED_VALUE_CHARS
  characters of JSON; a larger value keeps its start, marked as cut.
"""

import json
from typing import Any

from apps.catalog.models import Genre, LocalizedTitle, Person, Title
from apps.scraping.records import TITLE_FIELDS


def _column(model: type, name: str) -> int:
    return model._meta.get_field(name).max_length


FAR_BEYOND = 4

# Characters.
TEXT = {
    "primary_title": _column(Title, "primary_title"),
    "original_title": _column(Title, "original_title"),
    # IMDb's plots are a few hundred characters, its longest outlines about 1,000; a
    # synopsis is not what a title page or an event carries.
    "plot": 4000,
    "certificate": _column(Title, "certificate"),
    "poster_url": _column(Title, "poster_url"),
    "source_url": _column(Title, "source_url"),
    "poster_path": _column(Title, "poster_path"),
    "backdrop_path": _column(Title, "backdrop_path"),
    "age_rating": _column(Title, "age_rating"),
}
# Codes: one longer than its column is no code and becomes unknown.
CODES = {name: _column(Title, name) for name in ("release_region", "original_language")}
COUNTRY = 2  # ISO 3166-1 alpha-2
# A translation's texts: its title and overview as long as the title's own, a tagline short.
TRANSLATION = {"title": TEXT["primary_title"], "overview": TEXT["plot"], "tagline": 300}
TRAILER_NAME = 200
PROVIDER_NAME = 100
TITLE_TYPE = _column(Title, "title_type")
KEYWORD = 100
GENRE = _column(Genre, "name")
PERSON_NAME = _column(Person, "name")
CHARACTER = 200
AKA_NAME = _column(LocalizedTitle, "name")

# Items.
KEYWORDS = 100
GENRES = 30
CREDITS = {"directors": 50, "writers": 50, "stars": 50}  # IMDb's anthologies have up to about 30 directors
CHARACTERS = 10  # a credit's characters
AKAS = 300  # IMDb lists up to about 250 for its most translated titles
COUNTRIES = 30
TRAILERS = 10
PROVIDERS = 30  # per kind of offer; TMDB lists a dozen at most for a country

RESCUED_FIELDS = 50
RESCUED_VALUE_CHARS = 2000

# A `movie` event names at most this many people a role and genres (the page lists them all),
# so that it stays under apps.stream.services.EVENT_PAYLOAD_MAX_BYTES by construction.
EVENT_PEOPLE = 10
EVENT_GENRES = 10
# A `movie` event's name in each site language (`titles`): IMDb's longest real titles are
# about 200 characters, and feeds show two or three lines of it.
EVENT_TITLE = 200


def oversize(field: str, value: str | None, limit: int) -> str | None:
    """The rejection reason when `value` is more than FAR_BEYOND times `limit`, else None."""
    if value is not None and len(value) > FAR_BEYOND * limit:
        return f"{field}: {len(value)} characters, at most {limit}"
    return None


def _is_cut(value: Any) -> bool:
    return isinstance(value, dict) and value.keys() == {"cut", "error"}


def rescued_bound(rescued: dict[str, Any]) -> dict[str, Any]:
    """`rescued` within RESCUED_FIELDS fields of at most RESCUED_VALUE_CHARS characters of JSON."""
    bounded: dict[str, Any] = {}
    ordered = (
        sorted(rescued.items(), key=lambda item: item[0] not in TITLE_FIELDS)
        if len(rescued) > RESCUED_FIELDS
        else rescued.items()
    )
    for name, value in ordered:
        if len(bounded) == RESCUED_FIELDS:
            bounded["_dropped"] = f"{len(rescued) - RESCUED_FIELDS} more fields not kept"
            break
        if not _is_cut(value):  # cut already: bounded, and cutting again would change it
            text = json.dumps(value, ensure_ascii=False, default=str)
            if len(text) > RESCUED_VALUE_CHARS:
                value = {
                    "cut": text[:RESCUED_VALUE_CHARS],
                    "error": f"{len(text)} characters of JSON, the first kept",
                }
        bounded[str(name)[:KEYWORD]] = value
    return bounded

"""Title pages into raw records, each field from the first part that has it.

`FIELD_SOURCES` states, per field, the parts to read it from and in which order; one loop
(`fields_read`) takes the first value a part gives and records that part as the field's
source. JSON-LD comes first except where it is known to be weaker:
- people: absent from JSON-LD since late 2025, so `principalCreditsV2`, then the DOM's
  principal-credit rows, then 2024 JSON-LD people;
- the start year: JSON-LD has only the visitor's country's release date (1989 for a 1988
  film), and this source outranks the datasets' true year in the merge, so it gives none;
- the display title on a localized page: JSON-LD describes the title, the hero what a
  visitor of that language reads, so JSON-LD's name is the last resort there.
A JSON-LD plot cut short with "..." is no plot (its reader returns None).
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict

from apps.scraping.imdb_pages import dom, json_ld, next_data, people
from apps.scraping.imdb_pages.documents import (
    ImdbLayoutChanged,
    ImdbPageBlocked,
    clean,
    css,
    dig,
    document_read,
    is_challenge_body,
    json_ld_blocks,
    next_data_read,
)
from apps.scraping.imdb_pages.values import TITLE_ID

SOURCE = "imdb_page"
JSON_LD, NEXT_DATA, DOM = "json_ld", "next_data", "dom"

Reader = Callable[[Any], Any]

# Each field's sources in the order they are tried: (part, reader of that part).
FIELD_SOURCES: dict[str, tuple[tuple[str, Reader], ...]] = {
    "title_type": ((JSON_LD, json_ld.title_type), (NEXT_DATA, next_data.title_type), (DOM, dom.title_type)),
    "primary_title": (
        (JSON_LD, json_ld.primary_title),
        (NEXT_DATA, next_data.primary_title),
        (DOM, dom.primary_title),
        (JSON_LD, json_ld.primary_title_localized),
    ),
    "original_title": (
        (JSON_LD, json_ld.original_title),
        (NEXT_DATA, next_data.original_title),
        (DOM, dom.original_title),
    ),
    "start_year": ((NEXT_DATA, next_data.start_year), (DOM, dom.start_year)),
    "end_year": ((NEXT_DATA, next_data.end_year), (DOM, dom.end_year)),
    "release_date": (
        (JSON_LD, json_ld.release_date),
        (NEXT_DATA, next_data.release_date),
        (DOM, dom.release_date),
    ),
    "runtime_minutes": (
        (JSON_LD, json_ld.runtime_minutes),
        (NEXT_DATA, next_data.runtime_minutes),
        (DOM, dom.runtime_minutes),
    ),
    "rating": ((JSON_LD, json_ld.rating), (NEXT_DATA, next_data.rating), (DOM, dom.rating)),
    "votes": ((JSON_LD, json_ld.votes), (NEXT_DATA, next_data.votes), (DOM, dom.votes)),
    "plot": ((JSON_LD, json_ld.plot), (NEXT_DATA, next_data.plot), (DOM, dom.plot)),
    "poster_url": ((JSON_LD, json_ld.poster_url), (NEXT_DATA, next_data.poster_url), (DOM, dom.poster_url)),
    "certificate": (
        (JSON_LD, json_ld.certificate),
        (NEXT_DATA, next_data.certificate),
        (DOM, dom.certificate),
    ),
    "genres": ((JSON_LD, json_ld.genres), (NEXT_DATA, next_data.genres), (DOM, dom.genres)),
    "keywords": ((JSON_LD, json_ld.keywords), (NEXT_DATA, next_data.keywords), (DOM, dom.keywords)),
    "is_adult": ((NEXT_DATA, next_data.is_adult),),
    "directors": ((NEXT_DATA, people.directors), (DOM, people.directors), (JSON_LD, people.directors)),
    "writers": ((NEXT_DATA, people.writers), (DOM, people.writers), (JSON_LD, people.writers)),
    "stars": ((NEXT_DATA, people.stars), (DOM, people.stars), (JSON_LD, people.stars)),
}

# The fields a title page is expected to carry; `missing` lists those no part had. A film
# has no end year, and only __NEXT_DATA__ says whether a title is adult.
TITLE_PAGE_FIELDS = tuple(field for field in FIELD_SOURCES if field not in ("end_year", "is_adult"))


class TitlePage(BaseModel):
    """A parsed title page: the raw record for the catalog pipeline and how it was read.

    `record` has the keys of `apps.scraping.records.TitleRecord`; `sources` maps each field
    to the part it came from (json_ld, next_data, dom); `parts` says whether each part was
    there ("ok"), missing ("absent") or unreadable ("broken").
    """

    model_config = ConfigDict(frozen=True)

    imdb_id: str
    record: dict[str, Any]
    sources: dict[str, str]
    missing: tuple[str, ...]
    parts: dict[str, str]


def fields_read(present: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """Each field's first value in `FIELD_SOURCES` order from the parts `present` holds
    (part -> its readers' input), and the part that gave it."""
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for field, field_sources in FIELD_SOURCES.items():
        for part, read in field_sources:
            if part not in present:
                continue
            value = clean(read(present[part]))
            if value is not None:
                values[field] = value
                sources[field] = part
                break
    return values, sources


def _dom_imdb_id(document: Any) -> str | None:
    for value in (
        *document.xpath('//meta[@property="imdb:pageConst"]/@content'),
        *document.xpath('//link[@rel="canonical"]/@href'),
    ):
        match = TITLE_ID.search(value)
        if match:
            return match.group(1)
    return None


def _imdb_id(
    document: Any, data: dict[str, Any], block: dict[str, Any] | None, url: str | None
) -> str | None:
    """The page's tt id: the DOM's page const or canonical link, `__NEXT_DATA__`, then URLs."""
    imdb_id = (
        _dom_imdb_id(document)
        or dig(data, "props", "pageProps", "aboveTheFoldData", "id")
        or dig(data, "props", "pageProps", "tconst")
    )
    for candidate in (str(block.get("url") or "") if block else "", url or ""):
        match = TITLE_ID.search(candidate)
        if not imdb_id and match:
            imdb_id = match.group(1)
    return imdb_id


def title_page_parse(html: str, *, url: str | None = None, language: str = "en") -> TitlePage:
    """Read a title page into a raw record (source "imdb_page"), each field from its
    `FIELD_SOURCES`. Raises ImdbPageBlocked for a WAF page and ImdbLayoutChanged when no
    part yields an id and a title."""
    if is_challenge_body(html or ""):
        raise ImdbPageBlocked(f"{url or 'page'}: the WAF challenge page, not a title page")
    document = document_read(html)
    blocks, json_ld_state = json_ld_blocks(document)
    block = json_ld.title_block(blocks)
    if blocks and block is None:
        json_ld_state = "absent"
    data, next_data_state = next_data_read(document)
    if next_data_state == "ok" and not dig(data, "props", "pageProps", "aboveTheFoldData"):
        next_data_state = "absent"
    has_dom = bool(css(document, dom.HERO_TITLE))
    parts = {JSON_LD: json_ld_state, NEXT_DATA: next_data_state, DOM: "ok" if has_dom else "absent"}

    present: dict[str, Any] = {}
    if block:
        present[JSON_LD] = json_ld.JsonLdTitle(block=block, language=language)
    if next_data_state == "ok":
        present[NEXT_DATA] = next_data.NextDataTitle.of(data)
    if has_dom:
        present[DOM] = dom.DomTitle(document=document)
    values, sources = fields_read(present)

    imdb_id = _imdb_id(document, data, block, url)
    if not imdb_id or not (values.get("primary_title") or values.get("original_title")):
        raise ImdbLayoutChanged(
            f"{url or 'page'}: no id or title in JSON-LD ({parts[JSON_LD]}), __NEXT_DATA__ ({parts[NEXT_DATA]}) "
            f"or the DOM ({parts[DOM]})"
        )
    if values.get("title_type") == "movie":
        values.pop("end_year", None)
        sources.pop("end_year", None)
    expected = [
        name
        for name in TITLE_PAGE_FIELDS
        if not (name == "directors" and values.get("title_type", "").startswith("tv"))
    ]
    missing = tuple(name for name in expected if name not in values)
    record: dict[str, Any] = {
        "imdb_id": imdb_id,
        "source": SOURCE,
        **{name: value.isoformat() if isinstance(value, date) else value for name, value in values.items()},
        "source_url": url,
        "rescued": {
            "imdb_page": {
                "language": language,
                "sources": dict(sources),
                "missing": list(missing),
                "parts": parts,
            }
        },
    }
    return TitlePage(imdb_id=imdb_id, record=record, sources=dict(sources), missing=missing, parts=parts)

"""A title page's JSON-LD block (schema.org), one reader per field.

`name` is the original title and `alternateName` the display one. Readers return None
where the block has nothing usable; they never see a page without a title block.
"""

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from apps.scraping.imdb_pages.documents import dig
from apps.scraping.imdb_pages.people import Groups, credit_groups_add
from apps.scraping.imdb_pages.values import NAME_ID, count_parse, date_parse, duration_minutes, rating_parse

# schema.org @type (casefolded) to IMDb's title type ids.
LD_TYPES = {
    "movie": "movie",
    "tvseries": "tvSeries",
    "tvminiseries": "tvMiniSeries",
    "tvepisode": "tvEpisode",
    "tvmovie": "tvMovie",
    "tvspecial": "tvSpecial",
    "videogame": "videoGame",
    "videoobject": "video",
    "shortfilm": "short",
}
_TRUNCATED = ("...", "…")


@dataclass
class JsonLdTitle:
    """The title's JSON-LD block and the page's language."""

    block: dict[str, Any]
    language: str

    @cached_property
    def people(self) -> Groups:
        """People as 2024 pages listed them (director[], actor[], Person entries in creator[])."""
        groups: Groups = {}
        for role, key in (("director", "director"), ("creator", "creator"), ("star", "actor")):
            people = _persons(self.block.get(key))
            if people:
                credit_groups_add(groups, role, people)
        return groups


def title_block(blocks: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The block describing the title: a known @type with a name."""
    return next(
        (item for item in blocks if str(item.get("@type", "")).casefold() in LD_TYPES and item.get("name")),
        None,
    )


def _persons(value: Any) -> list[tuple[str | None, str]]:
    items = value if isinstance(value, list) else [value] if isinstance(value, dict) else []
    found = []
    for item in items:
        if isinstance(item, dict) and item.get("@type") == "Person" and item.get("name"):
            match = NAME_ID.search(str(item.get("url") or ""))
            found.append((match.group(1) if match else None, str(item["name"])))
    return found


def _aggregate(page: JsonLdTitle, key: str) -> Any:
    rating = page.block.get("aggregateRating") or {}
    return rating.get(key) if isinstance(rating, dict) else None


def title_type(page: JsonLdTitle) -> Any:
    return LD_TYPES.get(str(page.block.get("@type") or "").casefold())


def primary_title(page: JsonLdTitle) -> Any:
    """The display title, on English pages only: a localized page's is its hero's."""
    display = page.block.get("alternateName") or page.block.get("name")
    return display if page.language == "en" and isinstance(display, str) else None


def primary_title_localized(page: JsonLdTitle) -> Any:
    """A localized page's display title when neither `__NEXT_DATA__` nor the hero has one."""
    if page.language == "en":
        return None
    return page.block.get("alternateName") or page.block.get("name")


def original_title(page: JsonLdTitle) -> Any:
    name = page.block.get("name")
    return name if isinstance(name, str) else None


def plot(page: JsonLdTitle) -> Any:
    description = page.block.get("description")
    if isinstance(description, str) and not description.rstrip().endswith(_TRUNCATED):
        return description
    return None


def poster_url(page: JsonLdTitle) -> Any:
    image = page.block.get("image")
    return image if isinstance(image, str) else dig(image, "url")


def rating(page: JsonLdTitle) -> Any:
    return rating_parse(_aggregate(page, "ratingValue"))


def votes(page: JsonLdTitle) -> Any:
    return count_parse(_aggregate(page, "ratingCount"))


def certificate(page: JsonLdTitle) -> Any:
    value = page.block.get("contentRating")
    return value if isinstance(value, str) else None


def genres(page: JsonLdTitle) -> Any:
    value = page.block.get("genre")
    value = [value] if isinstance(value, str) else value
    return [str(genre) for genre in value if genre] if isinstance(value, list) else None


def release_date(page: JsonLdTitle) -> Any:
    return date_parse(page.block.get("datePublished"))


def keywords(page: JsonLdTitle) -> Any:
    value = page.block.get("keywords")
    return [word.strip() for word in value.split(",") if word.strip()] if isinstance(value, str) else None


def runtime_minutes(page: JsonLdTitle) -> Any:
    return duration_minutes(page.block.get("duration"))

"""A title page's `__NEXT_DATA__` (Next.js's page props), one reader per field.

Values sit in `aboveTheFoldData`, some also in `mainColumnData`; the first wins. No akas:
it holds only one, an arbitrary pick; the datasets have them all, and a localized page's
display title is what the scraper adds per language.
"""

import contextlib
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from apps.scraping.imdb_pages.documents import dig
from apps.scraping.imdb_pages.people import (
    CATEGORY_ROLES,
    Groups,
    credit_groups_add,
    role_of_label,
)
from apps.scraping.imdb_pages.values import count_parse, rating_parse


@dataclass
class NextDataTitle:
    """`props.pageProps`' above-the-fold and main-column data."""

    above: dict[str, Any]
    main: dict[str, Any]

    @classmethod
    def of(cls, data: dict[str, Any]) -> "NextDataTitle":
        page = dig(data, "props", "pageProps") or {}
        return cls(above=page.get("aboveTheFoldData") or {}, main=page.get("mainColumnData") or {})

    def either(self, *path: str) -> Any:
        return dig(self.above, *path) or dig(self.main, *path)

    @cached_property
    def people(self) -> Groups:
        """`principalCreditsV2` (2025), else `principalCredits` (2024)."""
        groups: Groups = {}
        for group in self.above.get("principalCreditsV2") or []:
            grouping_id = str(dig(group, "grouping", "groupingId") or "").casefold()
            role = role_of_label(dig(group, "grouping", "text") or "") or next(
                (role for role in ("director", "creator", "writer", "star") if role in grouping_id), None
            )
            if role is None and "cast" in grouping_id:
                role = "star"
            if role:
                credit_groups_add(groups, role, _people(group))
        if not groups:
            for group in self.above.get("principalCredits") or []:
                role = CATEGORY_ROLES.get(str(dig(group, "category", "id") or "")) or role_of_label(
                    dig(group, "category", "text") or ""
                )
                if role:
                    credit_groups_add(groups, role, _people(group))
        return groups

    @property
    def summary(self) -> dict[str, Any]:
        return self.above.get("ratingsSummary") or self.main.get("ratingsSummary") or {}


def _people(group: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [
        (dig(credit, "name", "id"), dig(credit, "name", "nameText", "text") or "")
        for credit in group.get("credits") or []
    ]


def title_type(page: NextDataTitle) -> Any:
    return page.either("titleType", "id")


def primary_title(page: NextDataTitle) -> Any:
    return page.either("titleText", "text")


def original_title(page: NextDataTitle) -> Any:
    return page.either("originalTitleText", "text")


def _years(page: NextDataTitle) -> Any:
    return page.above.get("releaseYear") or page.main.get("releaseYear") or {}


def start_year(page: NextDataTitle) -> Any:
    return dig(_years(page), "year")


def end_year(page: NextDataTitle) -> Any:
    return dig(_years(page), "endYear")


def release_date(page: NextDataTitle) -> Any:
    released = page.above.get("releaseDate") or page.main.get("releaseDate") or {}
    if isinstance(released, dict) and released.get("year") and released.get("month") and released.get("day"):
        with contextlib.suppress(TypeError, ValueError):
            return date(released["year"], released["month"], released["day"])
    return None


def runtime_minutes(page: NextDataTitle) -> Any:
    seconds = page.either("runtime", "seconds")
    return round(seconds / 60) if isinstance(seconds, int | float) and seconds > 0 else None


def rating(page: NextDataTitle) -> Any:
    return rating_parse(page.summary.get("aggregateRating"))


def votes(page: NextDataTitle) -> Any:
    summary = page.summary
    return count_parse(summary.get("voteCount")) if summary.get("aggregateRating") is not None else None


def plot(page: NextDataTitle) -> Any:
    return dig(page.above, "plot", "plotText", "plainText")


def poster_url(page: NextDataTitle) -> Any:
    return page.either("primaryImage", "url")


def certificate(page: NextDataTitle) -> Any:
    return dig(page.above, "certificate", "rating")


def genres(page: NextDataTitle) -> Any:
    items = dig(page.above, "genres", "genres") or []
    return [genre.get("id") or genre.get("text") for genre in items if isinstance(genre, dict)]


def keywords(page: NextDataTitle) -> Any:
    edges = dig(page.above, "keywords", "edges") or []
    return [dig(edge, "node", "text") for edge in edges if dig(edge, "node", "text")]


def is_adult(page: NextDataTitle) -> Any:
    value = page.main.get("isAdult")
    return value if isinstance(value, bool) else None

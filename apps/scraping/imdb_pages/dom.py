"""A title page's visible DOM, one reader per field.

Read only through `data-testid` hooks, IMDb's structural `ipc-*` classes and link shapes
(`/name/nm…`), never hashed `sc-*` class names. The hero's metadata line carries years,
certificate, runtime and title type, in no fixed order: each item is told by its shape.
"""

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from apps.scraping.imdb_pages.documents import clean, css, first, text_of
from apps.scraping.imdb_pages.people import REF_ROLES, Groups, credit_groups_add, role_of_label
from apps.scraping.imdb_pages.values import (
    NAME_ID,
    YEARS,
    count_parse,
    date_parse,
    duration_minutes,
    genre_name,
    poster_full_size,
    rating_parse,
)
from apps.scraping.imdb_vocabulary import HERO_MINI_SERIES, HERO_SERIES, HERO_TYPES, ORIGINAL_TITLE_LABELS

HERO_TITLE = 'h1[data-testid="hero__pageTitle"]'
_TRUNCATED = ("...", "…")
_SERIES = ("tvSeries", "tvMiniSeries")


def hero_type(text: str) -> str | None:
    """The title type a hero line names ("TV Series", "Телесеріал", "TV Mini Series"), if any."""
    key = " ".join(text.replace("-", " ").split()).casefold()
    if re.search(HERO_MINI_SERIES, key):
        return "tvMiniSeries"
    if re.search(HERO_SERIES, key):
        return "tvSeries"
    for words, kind in HERO_TYPES:
        if key in words:
            return kind
    return None


@dataclass
class DomTitle:
    """The page's document; readers run only when it has the hero heading."""

    document: Any

    @cached_property
    def heading(self) -> Any:
        return first(self.document, HERO_TITLE)

    @cached_property
    def hero(self) -> list[tuple[str, Any]]:
        """The hero line's items as (field, value), in page order."""
        found: list[tuple[str, Any]] = []
        for item in self.heading.getparent().cssselect("ul.ipc-inline-list > li.ipc-inline-list__item"):
            text = text_of(item)
            years = YEARS.match(text)
            if years:
                found.append(("start_year", int(years.group(1))))
                if years.group(2):
                    found.append(("end_year", int(years.group(2))))
            elif item.cssselect('a[href*="parentalguide"]'):
                found.append(("certificate", text))
            elif duration_minutes(text):
                found.append(("runtime_minutes", duration_minutes(text)))
            elif hero_type(text):
                found.append(("title_type", hero_type(text)))
        return found

    def hero_value(self, field: str) -> Any:
        return next((value for name, value in self.hero if name == field and clean(value) is not None), None)

    @cached_property
    def display_title(self) -> str:
        return text_of(first(self.document, '[data-testid="hero__primary-text"]')) or text_of(self.heading)

    @cached_property
    def people(self) -> Groups:
        """Principal-credit rows by their label, else their links' ref_ codes, else IMDb's order."""
        groups: Groups = {}
        unlabelled: list[list[tuple[str, str]]] = []
        for row in css(self.document, '[data-testid="title-pc-principal-credit"]'):
            label = first(row, ".ipc-metadata-list-item__label")
            links = [link for link in row.cssselect("a[href]") if NAME_ID.search(link.get("href", ""))]
            people = [(NAME_ID.search(link.get("href", "")).group(1), text_of(link)) for link in links]
            role = role_of_label(text_of(label)) if label is not None else None
            if role is None:
                for link in links:
                    ref = re.search(r"ref_=tt_ov_([a-z]{2})", link.get("href", ""))
                    role = REF_ROLES.get(ref.group(1)) if ref else None
                    if role:
                        break
            if role:
                credit_groups_add(groups, role, people)
            elif people:
                unlabelled.append(people)
        if not groups and unlabelled:
            # Rows in IMDb's fixed order, each group twice: director(s), writers, stars.
            distinct = list(dict.fromkeys(tuple(people) for people in unlabelled))
            types = [value for name, value in self.hero if name == "title_type"]
            order = ("creator" if types and types[-1] in _SERIES else "director", "writer", "star")
            for role, people in zip(order, distinct, strict=False):
                credit_groups_add(groups, role, people)
        return groups


def title_type(page: DomTitle) -> Any:
    # Films show no type in the hero.
    return page.hero_value("title_type") or "movie"


def primary_title(page: DomTitle) -> Any:
    return page.display_title


def original_title(page: DomTitle) -> Any:
    """The line under the heading ("Original title: …"), else the display title."""
    following = page.heading.getnext()
    candidate = text_of(following) if following is not None and following.tag == "div" else ""
    label, _, value = candidate.partition(":")
    if value.strip() and (label.strip().casefold() in ORIGINAL_TITLE_LABELS or len(label) < 40):
        return value.strip()
    return page.display_title


def start_year(page: DomTitle) -> Any:
    return page.hero_value("start_year")


def end_year(page: DomTitle) -> Any:
    return page.hero_value("end_year")


def certificate(page: DomTitle) -> Any:
    return page.hero_value("certificate")


def runtime_minutes(page: DomTitle) -> Any:
    """The hero's runtime, else the technical specs'."""
    runtime = first(
        page.document, '[data-testid="title-techspec_runtime"] .ipc-metadata-list-item__content-container'
    )
    return page.hero_value("runtime_minutes") or duration_minutes(text_of(runtime))


def _score(page: DomTitle) -> Any:
    return first(page.document, '[data-testid="hero-rating-bar__aggregate-rating__score"]')


def rating(page: DomTitle) -> Any:
    score = _score(page)
    if score is None:
        return None
    spans = score.cssselect("span")
    return rating_parse(text_of(spans[0]) if spans else text_of(score).split("/")[0])


def votes(page: DomTitle) -> Any:
    """The count beside the score: its next sibling with text."""
    score = _score(page)
    votes = score.getnext() if score is not None else None
    while votes is not None and not text_of(votes):
        votes = votes.getnext()
    return count_parse(text_of(votes)) if votes is not None else None


def plot(page: DomTitle) -> Any:
    """The longest plot shown whole, without its "Read all" links."""
    for testid in ("plot-xl", "plot-l", "plot-xs_to_m"):
        block = first(page.document, f'[data-testid="plot"] [data-testid="{testid}"]')
        text = text_of(block)
        for link in block.cssselect("a") if block is not None else []:
            text = text.replace(text_of(link), "").strip()
        if text and not text.endswith(_TRUNCATED):
            return text
    return None


def poster_url(page: DomTitle) -> Any:
    poster = first(page.document, '[data-testid="hero-media__poster"] img.ipc-image')
    return poster_full_size(poster.get("src")) if poster is not None else None


def genres(page: DomTitle) -> Any:
    """Genre chips (the interests row, else the older genres row) that name one of IMDb's genres."""
    chips = css(page.document, '[data-testid="interests"] a.ipc-chip .ipc-chip__text') or css(
        page.document, '[data-testid="genres"] a.ipc-chip .ipc-chip__text'
    )
    return list(dict.fromkeys(name for name in (genre_name(text_of(chip)) for chip in chips) if name))


def keywords(page: DomTitle) -> Any:
    return [
        text_of(chip) for chip in css(page.document, '[data-testid="storyline-plot-keywords"] a.ipc-chip')
    ]


def release_date(page: DomTitle) -> Any:
    released = first(
        page.document, '[data-testid="title-details-releasedate"] .ipc-metadata-list-item__list-content-item'
    )
    return date_parse(text_of(released))

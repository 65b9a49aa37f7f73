"""Reads of the catalog for search: titles and people by what a visitor types, forgiving typos,
accents, ё/е and word order (apps/catalog/search/: the folding and the two indexes)."""

from collections.abc import Callable
from dataclasses import dataclass

from apps.catalog.images import title_poster_url
from apps.catalog.models import Credit, Person, Title
from apps.catalog.search import query_forms, search_fold
from apps.catalog.search.index import Match, search_index
from apps.catalog.selectors.titles import display_akas, title_display_name

# The most titles a search ranks: the list pages through these, filters apply within them.
SEARCH_RANKED_MAX = 200
# Under three letters a query has no trigram of its own: it matches as a plain substring.
TRIGRAM_MIN_LENGTH = 3


def _ranked(match: Callable[..., list[Match]], forms: list[str], limit: int) -> list[int]:
    """Names containing a form (the cheap lookup), or when none does, names like one.

    A query some name contains was typed as the visitor meant it; only one no name
    contains needs forgiving, and the similarity lookup costs most of a search's time
    (a 1M-title bench: p95 240 ms with it after every contained query, 800 ms at worst).
    """
    best: dict[int, float] = {}
    for containing in (True, False):
        for form in forms:
            for found in match(form=form, limit=limit, containing=containing):
                best[found.pk] = max(best.get(found.pk, found.score), found.score)
        if best:
            break
    return sorted(best, key=lambda pk: (-best[pk], pk))[:limit]


def title_search(*, query: str, limit: int) -> list[int]:
    """The ids of the titles best matching a query, best first.

    Forgiving: case, accents and ё/е do not matter, nor word order, and a typo or two in
    a longer word still matches; a close match ranks above a loose one, then the more voted.
    """
    folded = search_fold(query)
    if len(folded) < TRIGRAM_MIN_LENGTH:
        return []
    return _ranked(search_index().titles_match, [folded], limit)


def person_search(*, query: str, limit: int) -> list[Person]:
    """The people best matching a query, best first, a Cyrillic query read in Latin letters too.

    IMDb names people in Latin letters, so "Нолан" is also looked up as "nolan".
    """
    folded = search_fold(query)
    if len(folded) < TRIGRAM_MIN_LENGTH:
        return []
    ranked = _ranked(search_index().people_match, query_forms(folded), limit)
    found = Person.objects.in_bulk(ranked)
    return [found[pk] for pk in ranked if pk in found]


@dataclass(frozen=True)
class TitleSuggestion:
    title: Title
    name: str
    poster_url: str


@dataclass(frozen=True)
class PersonSuggestion:
    person: Person
    known_for: str


@dataclass(frozen=True)
class SearchSuggestions:
    titles: list[TitleSuggestion]
    people: list[PersonSuggestion]


def search_suggest(*, query: str, language: str, limit: int) -> SearchSuggestions:
    """What the search box offers as a visitor types: titles and people, best first.

    Adult titles are left out, as the catalog list leaves them out.
    """
    ranked = title_search(query=query, limit=limit * 2)
    titles = [title for title in _titles_by_pks(ranked) if not title.is_adult][:limit]
    people = person_search(query=query, limit=limit)
    known_for = _people_known_for(people=people, language=language)
    return SearchSuggestions(
        titles=[
            TitleSuggestion(
                title=title,
                name=title_display_name(title=title, language=language),
                poster_url=title_poster_url(title, "w92"),
            )
            for title in titles
        ],
        people=[PersonSuggestion(person=person, known_for=known_for.get(person.pk, "")) for person in people],
    )


def _titles_by_pks(pks: list[int]) -> list[Title]:
    found = {title.pk: title for title in Title.objects.filter(pk__in=pks).prefetch_related(display_akas())}
    return [found[pk] for pk in pks if pk in found]


def _people_known_for(*, people: list[Person], language: str) -> dict[int, str]:
    """Each person's most voted title, by the name a visitor reading `language` knows it."""
    best: dict[int, int] = {}
    credits = (
        Credit.objects.filter(person__in=people, title__is_adult=False)
        .order_by("person_id", "-title__votes", "title_id")
        .values_list("person_id", "title_id")
    )
    for person_id, title_id in credits:
        best.setdefault(person_id, title_id)
    titles = {title.pk: title for title in _titles_by_pks(list(best.values()))}
    return {
        person_id: title_display_name(title=titles[title_id], language=language)
        for person_id, title_id in best.items()
        if title_id in titles
    }

"""The catalog over JSON: search suggestions for the search box; in v1 also titles a page at a
time, a title and a person."""

from decimal import Decimal

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext
from ninja import Query, Router

from apps.catalog.api_out import person_out, title_out, title_summary_out
from apps.catalog.decades import Decade
from apps.catalog.errors import SearchQueryBlank
from apps.catalog.models import TitleType
from apps.catalog.schemas import (
    LanguageQuery,
    PersonOut,
    PersonSuggestionOut,
    SearchOut,
    SearchQuery,
    TitleListQuery,
    TitleOut,
    TitlePageOut,
    TitleSuggestionOut,
)
from apps.catalog.search import search_fold
from apps.catalog.selectors import person_filmography, person_get, search_suggest, title_get, title_page
from cinestream.api_schemas import ErrorOut, ValidationErrorOut
from cinestream.language import api_language

router = Router(tags=["catalog"])
# Only under /api/v1/ (cinestream/api.py).
v1_router = Router(tags=["catalog"])


def _person_url(imdb_id: str) -> str:
    # People's pages come with issue #14's person page; until then, the path they will have.
    try:
        return reverse("catalog:person", args=[imdb_id])
    except NoReverseMatch:
        return f"/people/{imdb_id}/"


@router.get(
    "/search",
    response={200: SearchOut, 400: ErrorOut, 422: ValidationErrorOut},
    summary="Titles and people matching what a visitor types",
)
def search(request: HttpRequest, query: Query[SearchQuery]) -> SearchOut:
    """Search as you type: titles and people best matching `q`, best first.

    Case, accents and ё/е do not matter, nor word order; a typo still matches; a Cyrillic
    name finds a person IMDb names in Latin letters. Blank `q` is refused with 400.
    """
    language = api_language(request, query.lang)
    with translation.override(language):
        if not search_fold(query.q):
            raise SearchQueryBlank(gettext("Type something to search for."))
        found = search_suggest(query=query.q, language=language, limit=query.limit)
        labels = dict(TitleType.choices)
        return SearchOut(
            titles=[
                TitleSuggestionOut(
                    imdb_id=item.title.imdb_id,
                    name=item.name,
                    year=item.title.start_year,
                    type=item.title.title_type,
                    type_label=str(labels.get(item.title.title_type, item.title.title_type)),
                    poster_url=item.poster_url or None,
                    url=reverse("catalog:detail", args=[item.title.imdb_id]),
                )
                for item in found.titles
            ],
            people=[
                PersonSuggestionOut(
                    imdb_id=item.person.imdb_id,
                    name=item.person.name,
                    url=_person_url(item.person.imdb_id),
                    known_for=item.known_for or None,
                    known_for_department=item.person.known_for_department or None,
                )
                for item in found.people
            ],
        )


def _next_link(request: HttpRequest, cursor: str | None) -> str | None:
    if cursor is None:
        return None
    params = request.GET.copy()
    params["cursor"] = cursor
    return f"{request.path}?{params.urlencode()}"


@v1_router.get(
    "/titles",
    response={200: TitlePageOut, 400: ErrorOut, 422: ValidationErrorOut},
    summary="Titles, filtered and sorted, a page at a time",
)
def list_titles(request: HttpRequest, query: Query[TitleListQuery]) -> TitlePageOut:
    """The catalog list's filters and orders. Follow `next` (or pass `next_cursor` as `cursor`)
    for the next page: no title is repeated or skipped, even while titles are added. A cursor
    is only good with the `sort` and `lang` it came with (400 `cursor_invalid` otherwise)."""
    language = api_language(request, query.lang)
    page = title_page(
        sort=query.sort,
        language=language,
        cursor=query.cursor,
        limit=query.limit,
        genre=query.genre,
        decade=Decade.parse(query.decade) if query.decade else None,  # the schema's pattern
        title_type=query.type,
        min_rating=Decimal(str(query.min_rating)) if query.min_rating is not None else None,
        year_from=query.year_from,
        year_to=query.year_to,
        collection=query.collection,
    )
    return TitlePageOut(
        titles=[title_summary_out(title, language=language) for title in page.titles],
        next_cursor=page.next_cursor,
        next=_next_link(request, page.next_cursor),
    )


@v1_router.get(
    "/titles/{imdb_id}",
    response={200: TitleOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="A title with its credits and enrichment",
)
def get_title(request: HttpRequest, imdb_id: str, query: Query[LanguageQuery]) -> TitleOut:
    """Names and plot in `lang` (falling back to English, and saying so), credits, genres,
    the enrichment (decade, themes, plot tone, the director's stats, recommendations) and
    TMDB's fields once TMDB matched it."""
    return title_out(title_get(imdb_id=imdb_id), language=api_language(request, query.lang))


@v1_router.get(
    "/people/{imdb_id}",
    response={200: PersonOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="A person with what they are known for",
)
def get_person(request: HttpRequest, imdb_id: str, query: Query[LanguageQuery]) -> PersonOut:
    found = person_get(imdb_id=imdb_id)
    return person_out(found, person_filmography(person=found), language=api_language(request, query.lang))

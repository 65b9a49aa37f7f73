"""Catalog pages: the searchable title list, one page per title and one per person."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.translation import get_language

from apps.catalog import page_meta
from apps.catalog.errors import PersonNotFound, TitleNotFound
from apps.catalog.forms import TitleFilterForm
from apps.catalog.models import Title
from apps.catalog.selectors import (
    decade_choices,
    genre_choices,
    person_filmography,
    person_get,
    title_display_name,
    title_get,
    title_has_plot,
    title_known_as,
    title_list,
    title_people,
    title_recommendations,
    title_text,
    title_trailer,
    title_watch_offers,
)
from core.page_cache import shared_cache

PAGE_SIZE = 24
# Counting every match of a broad search in a catalog of millions is a scan of the table;
# past this many the page says "more than" and offers no further pages.
COUNT_LIMIT = 10_000


class CappedPaginator(Paginator):
    """Counts at most COUNT_LIMIT items (one query), and says whether there were more."""

    @cached_property
    def _found(self) -> int:
        return self.object_list[: COUNT_LIMIT + 1].count()

    @property
    def count(self) -> int:
        return min(self._found, COUNT_LIMIT)

    @property
    def is_capped(self) -> bool:
        return self._found > COUNT_LIMIT


def _named(titles: list[Title], language: str) -> list[tuple[Title, str]]:
    return [(title, title_display_name(title=title, language=language)) for title in titles]


@shared_cache
def index(request: HttpRequest) -> HttpResponse:
    form = TitleFilterForm(request.GET, genres=genre_choices(), decades=decade_choices())
    filters = form.filters()
    titles = title_list(
        query=filters.query,
        genre=filters.genre,
        decade=filters.decade,
        title_type=filters.title_type,
        min_rating=filters.min_rating,
        year_from=filters.year_from,
        year_to=filters.year_to,
        collection=filters.collection,
        sort=filters.sort,
        language=get_language(),
    )
    paginator = CappedPaginator(titles, PAGE_SIZE)
    # get_page turns a malformed page into the first and one past the end into the last.
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "form": form,
        "filters": filters,
        "ignored": form.ignored_labels(),
        "problems": form.problems(),
        "page": page,
        "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "results": _named(list(page.object_list), get_language()),
    }
    return render(request, "catalog/index.html", context)


def detail(request: HttpRequest, imdb_id: str) -> HttpResponse:
    try:
        title = title_get(imdb_id=imdb_id)
    except TitleNotFound as exc:
        raise Http404(str(exc)) from exc
    language = get_language()
    name = title_display_name(title=title, language=language)
    people = title_people(title=title)
    overview = title_text(title=title, language=language, field="overview")
    description = overview.text if overview else ""
    url = request.build_absolute_uri()
    context = {
        "title": title,
        "name": name,
        "people": people,
        "overview": overview,
        "tagline": title_text(title=title, language=language, field="tagline"),
        "has_plot": title_has_plot(title=title),
        "trailer": title_trailer(title=title, language=language),
        "watch": title_watch_offers(title=title),
        "is_series": page_meta.is_series(title),
        "imdb_url": page_meta.imdb_title_url(title),
        "tmdb_url": page_meta.tmdb_title_url(title),
        "open_graph": page_meta.open_graph(
            title=title, name=name, description=description, language=language, url=url
        ),
        "json_ld": page_meta.json_ld_text(
            page_meta.json_ld(title=title, name=name, description=description, people=people, url=url)
        ),
        "known_as": title_known_as(title=title),
        "recommendations": _named(title_recommendations(title=title), language),
    }
    return render(request, "catalog/detail.html", context)


@shared_cache
def person(request: HttpRequest, imdb_id: str) -> HttpResponse:
    try:
        found = person_get(imdb_id=imdb_id)
    except PersonNotFound as exc:
        raise Http404(str(exc)) from exc
    language = get_language()
    filmography = person_filmography(person=found)
    context = {
        "person": found,
        "filmography": filmography,
        "known_for": _named(filmography.known_for, language),
        "imdb_url": page_meta.imdb_name_url(found.imdb_id),
    }
    return render(request, "catalog/person.html", context)

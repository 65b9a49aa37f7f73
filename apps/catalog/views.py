"""Catalog pages: the searchable title list and one page per title."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.translation import get_language

from apps.catalog.errors import TitleNotFound
from apps.catalog.forms import TitleFilterForm
from apps.catalog.models import Title
from apps.catalog.selectors import (
    decade_choices,
    genre_choices,
    title_display_name,
    title_get,
    title_known_as,
    title_list,
    title_people,
    title_recommendations,
)

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


def index(request: HttpRequest) -> HttpResponse:
    form = TitleFilterForm(request.GET, genres=genre_choices(), decades=decade_choices())
    filters = form.filters()
    titles = title_list(
        query=filters.query,
        genre=filters.genre,
        decade=filters.decade,
        title_type=filters.title_type,
        min_rating=filters.min_rating,
    )
    paginator = CappedPaginator(titles, PAGE_SIZE)
    # get_page turns a malformed page into the first and one past the end into the last.
    page = paginator.get_page(request.GET.get("page"))
    context = {
        "form": form,
        "filters": filters,
        "ignored": form.ignored_labels(),
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
    context = {
        "title": title,
        "name": title_display_name(title=title, language=language),
        "people": title_people(title=title),
        "known_as": title_known_as(title=title),
        "recommendations": _named(title_recommendations(title=title), language),
    }
    return render(request, "catalog/detail.html", context)

"""Reads of the catalog for lists: filters, orders, the titles tasks work on, and matching a name to a title."""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from django.db import connection
from django.db.models import (
    Case,
    Exists,
    F,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import Expression, OrderBy
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce, Collate, NullIf

from apps.catalog.collation import collation_name
from apps.catalog.decades import FIRST_YEAR, LAST_YEAR, Decade
from apps.catalog.models import Genre, LocalizedTitle, Title
from apps.catalog.names import DISPLAY_REGIONS, NAME_FIELDS, SITE_LANGUAGES, language_base
from apps.catalog.search import search_fold
from apps.catalog.selectors.search import SEARCH_RANKED_MAX, TRIGRAM_MIN_LENGTH, title_search
from apps.catalog.selectors.titles import IMDB_TITLE_ID, display_akas


class TitleSort(StrEnum):
    """The orders a list can be in.

    POPULAR is by IMDb votes, the one measure every title has (TMDB's popularity is
    known only for the titles TMDB has been asked about, and measures this week's
    interest rather than how widely a title was seen). TITLE is by the name the visitor
    sees (title_display_name), in the alphabet of their language (apps.catalog.collation).
    Titles without a rating or year come last in those orders; ties go to the more voted.
    """

    POPULAR = "popular"
    RATING = "rating"
    YEAR = "year"
    TITLE = "title"


# "Ukrainian cinema": made in Ukraine (TMDB's production countries), originally in
# Ukrainian (TMDB's original language), or with an original title IMDb marks as Ukraine's
# or Ukrainian (its akas rarely say; TMDB's fields fill in as titles are enriched).
COLLECTION_UKRAINIAN = "ua"


def title_list(
    *,
    query: str = "",
    genre: str | None = None,
    decade: Decade | None = None,
    title_type: str | None = None,
    min_rating: Decimal | None = None,
    year_from: int | None = None,
    year_to: int | None = None,
    collection: str | None = None,
    include_adult: bool = False,
    sort: TitleSort = TitleSort.POPULAR,
    language: str = "en",
) -> QuerySet[Title]:
    """Titles matching a search and filters in a `sort` order, with genres and display names.

    The query matches any name a title is known by, forgivingly (selectors.search), or its
    exact IMDb id; by default results come in the search's order. Years are start years, both ends included. Sorting by title sorts by the
    display name in `language`. Each title's `display_localized_titles` holds what
    title_display_name reads.
    """
    titles = Title.objects.all()
    folded = search_fold(query)
    ranked: list[int] | None = None
    if folded and len(folded) < TRIGRAM_MIN_LENGTH:
        titles = titles.filter(Q(search_text__contains=folded) | Q(imdb_id=query.strip()))
    elif folded:
        ranked = title_search(query=query, limit=SEARCH_RANKED_MAX)
        titles = titles.filter(Q(pk__in=ranked) | Q(imdb_id=query.strip()))
    if genre:
        titles = titles.filter(genres__name=genre)
    if decade is not None:
        titles = titles.filter(start_year__gte=decade.start, start_year__lte=decade.last_year)
    if title_type:
        titles = titles.filter(title_type=title_type)
    if min_rating is not None:
        titles = titles.filter(rating__gte=min_rating)
    if year_from is not None:
        titles = titles.filter(start_year__gte=year_from)
    if year_to is not None:
        titles = titles.filter(start_year__lte=year_to)
    if collection == COLLECTION_UKRAINIAN:
        titles = _ukrainian_cinema(titles)
    if not include_adult:
        titles = titles.filter(is_adult=False)
    order = _ordering(sort, language)
    if ranked and sort == TitleSort.POPULAR:
        # A search's own order, unless another was asked for: an exact IMDb id first (-1),
        # then by search rank.
        rank = Case(*(When(pk=pk, then=Value(place)) for place, pk in enumerate(ranked)), default=Value(-1))
        order = [rank, *order]
    return titles.order_by(*order).prefetch_related("genres", display_akas())


def _ukrainian_cinema(titles: QuerySet[Title]) -> QuerySet[Title]:
    # Countries are a JSON list of ISO codes: its text holds "UA" quoted exactly when the
    # list does, on SQLite (which has no JSON containment) and PostgreSQL alike.
    original_ukrainian = LocalizedTitle.objects.filter(
        Q(region="UA") | Q(language="uk"), title=OuterRef("pk"), is_original=True
    )
    return titles.alias(countries_text=Cast("countries", TextField())).filter(
        Q(original_language="uk") | Q(countries_text__contains='"UA"') | Exists(original_ukrainian)
    )


def display_name_expression(language: str, *, akas: QuerySet | None = None) -> Expression:
    """title_display_name as SQL: TMDB's translation, else the region's best aka, else primary.

    `akas`: the LocalizedTitle rows to choose from (a migration passes its historical model's).
    """
    language = language_base(language)
    language = language if language in SITE_LANGUAGES else "en"
    names = [NullIf(KT(f"translations__{language}__title"), Value(""))]
    if language in DISPLAY_REGIONS:
        region, languages = DISPLAY_REGIONS[language]
        preference = Case(
            *(When(language=code, then=Value(rank)) for rank, code in enumerate(languages)),
            default=Value(len(languages)),
        )
        aka = (
            (LocalizedTitle.objects.all() if akas is None else akas)
            .filter(title=OuterRef("pk"), region=region, language__in=languages)
            .order_by(preference, "ordering", "pk")
            .values("name")[:1]
        )
        names.append(Subquery(aka))
    return Coalesce(*names, F("primary_title"), output_field=TextField())


@dataclass(frozen=True)
class SortKey:
    """One column of a list's order: a Title field, read as `expression` (a collated name)."""

    field: str
    expression: Expression
    is_descending: bool = False
    is_nullable: bool = False  # its nulls come last

    def order_by(self) -> OrderBy:
        if self.is_descending:
            return self.expression.desc(nulls_last=True if self.is_nullable else None)
        return self.expression.asc()


def title_sort_keys(sort: TitleSort, language: str) -> list[SortKey]:
    """A list's order, column by column; the IMDb id (unique) last, so the order is total."""
    votes, imdb_id = SortKey("votes", F("votes"), is_descending=True), SortKey("imdb_id", F("imdb_id"))
    if sort == TitleSort.RATING:
        return [SortKey("rating", F("rating"), is_descending=True, is_nullable=True), votes, imdb_id]
    if sort == TitleSort.YEAR:
        return [SortKey("start_year", F("start_year"), is_descending=True, is_nullable=True), votes, imdb_id]
    if sort == TitleSort.TITLE:
        # The stored name (enrichment keeps it), so that PostgreSQL reads a page in the
        # order of migration 0008's index instead of naming and sorting every title.
        language = language_base(language)
        language = language if language in NAME_FIELDS else "en"
        collation = collation_name(connection.vendor, language)
        field = NAME_FIELDS[language]
        return [SortKey(field, Collate(F(field), collation)), votes, imdb_id]
    return [votes, imdb_id]


def _ordering(sort: TitleSort, language: str) -> list:
    return [key.order_by() for key in title_sort_keys(sort, language)]


def titles_most_shown(*, count: int) -> list[str]:
    """The IMDb ids of the `count` titles the site shows most.

    No view counts are recorded yet (the trends app will count them), so these are the
    catalog's most voted titles, which is what the catalog lists first.
    """
    return list(title_list().values_list("imdb_id", flat=True)[:count])


# What `--missing` may ask for, and the empty value each field has when it is missing.
TMDB_MISSING = {"poster": Q(poster_path=""), "plot": Q(plot="")}


def titles_tmdb_due(*, missing: str | None = None, limit: int | None = None) -> list[str]:
    """IMDb ids of titles to ask TMDB about, most voted first.

    Without `missing`: titles TMDB was never asked about. With it: titles lacking that field
    ("poster" or "plot") that TMDB knows or was never asked about; a title TMDB did not
    know is not asked again here (name it explicitly to retry).
    """
    titles = Title.objects.filter(tmdb_checked_at__isnull=True)
    if missing is not None:
        titles = Title.objects.filter(TMDB_MISSING[missing]).filter(
            Q(tmdb_checked_at__isnull=True) | Q(tmdb_id__isnull=False)
        )
    ids = titles.order_by("-votes", "imdb_id").values_list("imdb_id", flat=True)
    return list(ids[:limit] if limit is not None else ids)


def titles_tmdb_unknown(*, imdb_ids: list[str]) -> set[str]:
    """Those of these titles TMDB was asked about and did not know."""
    return set(
        Title.objects.filter(imdb_id__in=imdb_ids, tmdb_checked_at__isnull=False, tmdb_id__isnull=True)
        .order_by()
        .values_list("imdb_id", flat=True)
    )


def genre_choices() -> list[str]:
    """Every genre name, alphabetically."""
    return list(Genre.objects.order_by("name").values_list("name", flat=True))


def decade_choices() -> list[Decade]:
    """The decades from the newest title's back to the oldest's.

    Two index lookups: listing the distinct years instead would scan every title.
    """
    years = Title.objects.filter(start_year__gte=FIRST_YEAR, start_year__lte=LAST_YEAR).aggregate(
        first=Min("start_year"), last=Max("start_year")
    )
    if years["first"] is None:
        return []
    newest, oldest = Decade.of_year(years["last"]), Decade.of_year(years["first"])
    return [Decade.of_index(index) for index in range(newest.index, oldest.index - 1, -1)]


# How many titles of the year a name is compared with when only TMDB's translations could
# hold it (they are not in `search_text`).
_TRANSLATION_CANDIDATES = 2000


def title_match(*, names: Sequence[str], year: int | None, imdb_id: str = "") -> Title | None:
    """The catalog title a movie found elsewhere (a cinema's listing) is, or None.

    By IMDb id when one is given and known; else a title of that year (±1, release years
    differ by country) known by any of the names: its primary or original title, an aka,
    or a TMDB translation, compared with case and accents folded. Among several, the most
    voted.
    """
    if imdb_id and IMDB_TITLE_ID.match(imdb_id):
        found = Title.objects.filter(imdb_id=imdb_id).first()
        if found is not None:
            return found
    wanted = {search_fold(name) for name in names if name and name.strip()}
    if not wanted:
        return None
    years = Q(start_year__gte=year - 1, start_year__lte=year + 1) if year else Q()
    by_search_text = Q()
    for name in names:
        if name and name.strip():
            by_search_text |= Q(search_text__contains=search_fold(name))
    candidates = list(
        Title.objects.filter(years, by_search_text)
        .prefetch_related("localized_titles")
        .order_by("-votes")[:50]
    )
    if year:
        candidates += (
            Title.objects.filter(years, tmdb_id__isnull=False)
            .exclude(pk__in=[title.pk for title in candidates])
            .only("pk", "primary_title", "original_title", "translations")
            .order_by("-votes")[:_TRANSLATION_CANDIDATES]
        )
    for title in candidates:
        known = [title.primary_title, title.original_title]
        known += [translation.get("title") or "" for translation in (title.translations or {}).values()]
        if title.pk and "localized_titles" in getattr(title, "_prefetched_objects_cache", {}):
            known += [aka.name for aka in title.localized_titles.all()]
        if wanted & {search_fold(name) for name in known if name}:
            return title
    return None

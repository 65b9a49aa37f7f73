"""Reads of the catalog: title lists and pages, display names, filter choices."""

import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Min, Prefetch, Q, QuerySet
from django.utils.translation import gettext

from apps.catalog.decades import FIRST_YEAR, LAST_YEAR, Decade
from apps.catalog.errors import TitleNotFound
from apps.catalog.models import Credit, CreditRole, Genre, LocalizedTitle, Title
from apps.catalog.search import search_fold

# The region whose name a visitor reading a language sees, and the aka languages accepted
# there, best first (IMDb leaves most akas' language blank).
_DISPLAY_REGIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "uk": ("UA", ("uk", "")),
    "ru": ("RU", ("ru", "")),
}
# Lists prefetch only the akas title_display_name reads, into this attribute, so that
# `title.localized_titles` never looks complete when it is not.
_DISPLAY_AKAS = "display_localized_titles"
_IMDB_TITLE_ID = re.compile(r"^tt\d{7,8}$")


@dataclass(frozen=True)
class TitlePeople:
    """A title's credits by role, each in credit order."""

    directors: list[Credit]
    writers: list[Credit]
    stars: list[Credit]


@dataclass(frozen=True)
class KnownAs:
    """One name a title goes by and the regions (or languages) that use it."""

    name: str
    regions: list[str]


def _display_akas() -> Prefetch:
    regions = [region for region, _languages in _DISPLAY_REGIONS.values()]
    return Prefetch(
        "localized_titles",
        queryset=LocalizedTitle.objects.filter(region__in=regions).order_by("ordering", "pk"),
        to_attr=_DISPLAY_AKAS,
    )


def title_list(
    *,
    query: str = "",
    genre: str | None = None,
    decade: Decade | None = None,
    title_type: str | None = None,
    min_rating: Decimal | None = None,
    include_adult: bool = False,
) -> QuerySet[Title]:
    """Titles matching a search and filters, most voted first, with genres and display names.

    The query matches any name a title is known by (case and script alike) or its exact
    IMDb id. Each title's `display_localized_titles` holds what title_display_name reads.
    """
    titles = Title.objects.all()
    folded = search_fold(query)
    if folded:
        titles = titles.filter(Q(search_text__contains=folded) | Q(imdb_id=query.strip()))
    if genre:
        titles = titles.filter(genres__name=genre)
    if decade is not None:
        titles = titles.filter(start_year__gte=decade.start, start_year__lte=decade.last_year)
    if title_type:
        titles = titles.filter(title_type=title_type)
    if min_rating is not None:
        titles = titles.filter(rating__gte=min_rating)
    if not include_adult:
        titles = titles.filter(is_adult=False)
    return titles.order_by("-votes", "imdb_id").prefetch_related("genres", _display_akas())


def titles_most_shown(*, count: int) -> list[str]:
    """The IMDb ids of the `count` titles the site shows most.

    No view counts are recorded yet (the trends app will count them), so these are the
    catalog's most voted titles, which is what the catalog lists first.
    """
    return list(title_list().values_list("imdb_id", flat=True)[:count])


def title_get(*, imdb_id: str) -> Title:
    """One title with its genres, credits (and people) in credit order and localized names."""
    credits = Credit.objects.select_related("person").order_by("role", "ordering", "pk")
    titles = Title.objects.prefetch_related(
        "genres",
        Prefetch("credits", queryset=credits),
        Prefetch("localized_titles", queryset=LocalizedTitle.objects.order_by("ordering", "pk")),
    )
    try:
        if not _IMDB_TITLE_ID.match(imdb_id):
            raise Title.DoesNotExist
        return titles.get(imdb_id=imdb_id)
    except Title.DoesNotExist:
        raise TitleNotFound(gettext("No title with the IMDb id %(id)s.") % {"id": imdb_id}) from None


def title_display_name(*, title: Title, language: str) -> str:
    """The name a visitor reading `language` knows the title by: the UA or RU aka, else primary.

    Reads prefetched akas (from title_list, titles_by_ids or title_get), so lists cost no query.
    """
    wanted = _DISPLAY_REGIONS.get(language.split("-")[0].lower())
    if wanted is None:
        return title.primary_title
    region, languages = wanted
    akas = getattr(title, _DISPLAY_AKAS, None)
    if akas is None:
        akas = title.localized_titles.all()
    candidates = [aka for aka in akas if aka.region == region and aka.language in languages]
    if not candidates:
        return title.primary_title
    best = min(candidates, key=lambda aka: (languages.index(aka.language), aka.ordering, aka.pk))
    return best.name


def title_people(*, title: Title) -> TitlePeople:
    """Directors, writers and stars from a title_get title's prefetched credits."""
    by_role: dict[str, list[Credit]] = {role: [] for role in CreditRole.values}
    for credit in title.credits.all():
        by_role.setdefault(credit.role, []).append(credit)
    return TitlePeople(
        directors=by_role[CreditRole.DIRECTOR],
        writers=by_role[CreditRole.WRITER],
        stars=by_role[CreditRole.STAR],
    )


def title_known_as(*, title: Title) -> list[KnownAs]:
    """A title_get title's localized names, each once, with the regions that use it."""
    names: dict[str, list[str]] = {}
    for aka in title.localized_titles.all():
        regions = names.setdefault(aka.name, [])
        place = aka.region or aka.language
        if place and place not in regions:
            regions.append(place)
    return [KnownAs(name=name, regions=regions) for name, regions in names.items()]


def titles_by_ids(*, imdb_ids: list[str]) -> list[Title]:
    """The stored titles among these ids, in the given order, with genres and display names."""
    wanted = list(dict.fromkeys(imdb_ids))
    if not wanted:
        return []
    found = {
        title.imdb_id: title
        for title in Title.objects.filter(imdb_id__in=wanted).prefetch_related("genres", _display_akas())
    }
    return [found[imdb_id] for imdb_id in wanted if imdb_id in found]


def title_recommendations(*, title: Title) -> list[Title]:
    """The stored titles a title recommends, in its order, never the title itself."""
    stored = title.recommendations if isinstance(title.recommendations, list) else []
    imdb_ids = [imdb_id for imdb_id in stored if isinstance(imdb_id, str) and imdb_id != title.imdb_id]
    return titles_by_ids(imdb_ids=imdb_ids)


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

"""Reads of the catalog for a title's page: the title, its names and texts in a language, its people, trailer and offers."""

import re
from dataclasses import dataclass

from django.db.models import (
    Prefetch,
)
from django.utils.translation import gettext

from apps.catalog.errors import TitleNotFound
from apps.catalog.models import Credit, CreditRole, LocalizedTitle, Title
from apps.catalog.names import DISPLAY_REGIONS, language_base, localized_name

# Lists prefetch only the akas title_display_name reads, into this attribute, so that
# `title.localized_titles` never looks complete when it is not.
DISPLAY_AKAS = "display_localized_titles"


IMDB_TITLE_ID = re.compile(r"^tt\d{7,8}$")


# The language a title's text falls back to when TMDB has none in the visitor's: IMDb's plot
# and TMDB's untranslated overviews are English.
_FALLBACK_LANGUAGE = "en"


# A YouTube video id: anything else in a stored trailer is not put in a player URL.
_YOUTUBE_KEY = re.compile(r"^[A-Za-z0-9_-]{6,20}$")


# TMDB's offer kinds, in the order the page lists them.
_WATCH_KINDS = ("flatrate", "rent", "buy")


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


@dataclass(frozen=True)
class TitleText:
    """A title's text (overview, tagline) and the language it is written in."""

    text: str
    language: str
    is_fallback: bool  # not in the visitor's language


@dataclass(frozen=True)
class Trailer:
    key: str  # YouTube's video id
    name: str


@dataclass(frozen=True)
class WatchProvider:
    name: str
    logo_path: str


@dataclass(frozen=True)
class WatchGroup:
    kind: str  # "flatrate", "rent" or "buy"
    providers: list[WatchProvider]


@dataclass(frozen=True)
class WatchOffers:
    """Where a title can be watched in Ukraine (TMDB's data by JustWatch) and TMDB's page of it."""

    link: str
    groups: list[WatchGroup]


def display_akas() -> Prefetch:
    regions = [region for region, _languages in DISPLAY_REGIONS.values()]
    return Prefetch(
        "localized_titles",
        queryset=LocalizedTitle.objects.filter(region__in=regions).order_by("ordering", "pk"),
        to_attr=DISPLAY_AKAS,
    )


def title_get(*, imdb_id: str) -> Title:
    """One title with its genres, credits (and people) in credit order and localized names."""
    credits = Credit.objects.select_related("person").order_by("role", "ordering", "pk")
    titles = Title.objects.prefetch_related(
        "genres",
        Prefetch("credits", queryset=credits),
        Prefetch("localized_titles", queryset=LocalizedTitle.objects.order_by("ordering", "pk")),
    )
    try:
        if not IMDB_TITLE_ID.match(imdb_id):
            raise Title.DoesNotExist
        return titles.get(imdb_id=imdb_id)
    except Title.DoesNotExist:
        raise TitleNotFound(gettext("No title with the IMDb id %(id)s.") % {"id": imdb_id}) from None


def _translation(title: Title, language: str, field: str) -> str:
    translations = title.translations if isinstance(title.translations, dict) else {}
    entry = translations.get(language)
    value = entry.get(field) if isinstance(entry, dict) else None
    return value.strip() if isinstance(value, str) else ""


def title_display_name(*, title: Title, language: str) -> str:
    """The name a visitor reading `language` knows the title by (`apps.catalog.names`): TMDB's
    translation, else the UA or RU aka, else the primary title.

    Reads prefetched akas (from title_list, titles_by_ids or title_get), so lists cost no query.
    """
    akas = getattr(title, DISPLAY_AKAS, None)
    if akas is None:
        akas = title.localized_titles.all()
    return localized_name(
        language=language, primary=title.primary_title, translations=title.translations, akas=akas
    )


def title_text(*, title: Title, language: str, field: str) -> TitleText | None:
    """A title's "overview" or "tagline" in `language`, else in English, else None.

    English is TMDB's English text, then (for the overview) IMDb's plot.
    """
    wanted = language_base(language)
    text = _translation(title, wanted, field)
    if text:
        return TitleText(text=text, language=wanted, is_fallback=False)
    text = _translation(title, _FALLBACK_LANGUAGE, field)
    if not text and field == "overview":
        text = title.plot.strip()
    if not text:
        return None
    return TitleText(text=text, language=_FALLBACK_LANGUAGE, is_fallback=wanted != _FALLBACK_LANGUAGE)


def title_has_plot(*, title: Title) -> bool:
    """Whether the title has a plot in any language: what plot-derived tiles are read from."""
    translations = title.translations if isinstance(title.translations, dict) else {}
    return bool(title.plot.strip()) or any(
        _translation(title, language, "overview") for language in translations
    )


def title_trailer(*, title: Title, language: str) -> Trailer | None:
    """The title's best trailer in `language`, else its best (stored best first), or None.

    Only trailers with a usable YouTube id count.
    """
    stored = title.trailers if isinstance(title.trailers, list) else []
    usable = [
        trailer
        for trailer in stored
        if isinstance(trailer, dict)
        and isinstance(trailer.get("key"), str)
        and _YOUTUBE_KEY.match(trailer["key"])
    ]
    if not usable:
        return None
    wanted = language_base(language)
    best = next((trailer for trailer in usable if trailer.get("language") == wanted), usable[0])
    name = best.get("name")
    return Trailer(key=best["key"], name=name.strip() if isinstance(name, str) else "")


def title_watch_offers(*, title: Title) -> WatchOffers | None:
    """Ukraine's streaming, rental and purchase offers, or None when there is none."""
    stored = title.watch_providers if isinstance(title.watch_providers, dict) else {}
    groups = []
    for kind in _WATCH_KINDS:
        offers = stored.get(kind)
        providers = [
            WatchProvider(name=offer["name"].strip(), logo_path=str(offer.get("logo_path") or ""))
            for offer in (offers if isinstance(offers, list) else [])
            if isinstance(offer, dict) and isinstance(offer.get("name"), str) and offer["name"].strip()
        ]
        if providers:
            groups.append(WatchGroup(kind=kind, providers=providers))
    if not groups:
        return None
    link = stored.get("link")
    return WatchOffers(
        link=link if isinstance(link, str) and link.startswith("https://") else "", groups=groups
    )


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
        for title in Title.objects.filter(imdb_id__in=wanted).prefetch_related("genres", display_akas())
    }
    return [found[imdb_id] for imdb_id in wanted if imdb_id in found]


def titles_by_pks(*, pks: list[int]) -> dict[int, Title]:
    """The stored titles among these primary keys, by key, with genres and display names (3 queries)."""
    if not pks:
        return {}
    titles = Title.objects.filter(pk__in=pks).prefetch_related("genres", display_akas())
    return {title.pk: title for title in titles}


def title_recommendations(*, title: Title) -> list[Title]:
    """The stored titles a title recommends, in its order, never the title itself."""
    stored = title.recommendations if isinstance(title.recommendations, list) else []
    imdb_ids = [imdb_id for imdb_id in stored if isinstance(imdb_id, str) and imdb_id != title.imdb_id]
    return titles_by_ids(imdb_ids=imdb_ids)

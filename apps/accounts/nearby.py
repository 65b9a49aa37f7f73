"""“Playing near you this week”: the person's watchlist, titles like the ones they liked, and
their favourite genres, joined with the sessions of their home city's next seven days.

A title is listed once, for the first reason that holds in this order: on the watchlist,
recommended by a title the person rated LIKED_FROM or more or keeps on the watchlist, one of
the favourite genres. Titles the person has seen are left out.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from apps.accounts.models import TitleMark, User
from apps.catalog.labels import genre_label
from apps.catalog.models import Title
from apps.catalog.selectors import title_display_name, titles_by_ids
from apps.showtimes.models import Location
from apps.showtimes.selectors import TitleThisWeek, location_titles_this_week

LIKED_FROM = 7
# Titles whose recommendations are looked at: the most recently marked ones.
RECOMMENDATION_SOURCES = 30
NEARBY_MAX = 24


@dataclass(frozen=True)
class NearbyTitle:
    title: Title
    name: str
    reason: str
    next_starts_at: dt.datetime
    next_day: dt.date  # the city page's day of the next session
    session_count: int


@dataclass(frozen=True)
class NearYou:
    location: Location | None  # None: no home city chosen yet
    titles: list[NearbyTitle]


def near_you(*, user: User, language: str, limit: int = NEARBY_MAX) -> NearYou:
    """What plays this week in the person's home city that they may want to see."""
    location = user.home_city
    if location is None:
        return NearYou(location=None, titles=[])
    marks = list(TitleMark.objects.filter(user=user).select_related("title").order_by("-updated_at"))
    seen = {mark.title_id for mark in marks if mark.seen_at is not None}
    reasons: dict[int, str] = {}

    listed = [mark.title_id for mark in marks if mark.watchlisted_at is not None]
    for title_id in listed:
        reasons.setdefault(title_id, _("On your watchlist"))

    liked = [
        mark.title for mark in marks if (mark.rating or 0) >= LIKED_FROM or mark.watchlisted_at is not None
    ][:RECOMMENDATION_SOURCES]
    recommended_by: dict[str, Title] = {}
    for source in liked:
        for imdb_id in source.recommendations if isinstance(source.recommendations, list) else []:
            recommended_by.setdefault(imdb_id, source)
    recommended_ids = dict(
        Title.objects.filter(imdb_id__in=list(recommended_by)).values_list("pk", "imdb_id")
    )
    for title_id, imdb_id in recommended_ids.items():
        source_name = title_display_name(title=recommended_by[imdb_id], language=language)
        reasons.setdefault(title_id, _("Because you liked %(title)s") % {"title": source_name})

    playing: dict[int, TitleThisWeek] = location_titles_this_week(
        location=location, title_ids=[*listed, *recommended_ids]
    )
    genres = list(user.favourite_genres.values_list("name", flat=True))
    if genres:
        by_genre = location_titles_this_week(location=location, genres=genres)
        for title_id, found in by_genre.items():
            playing.setdefault(title_id, found)
            reasons.setdefault(title_id, "")  # named below, once the titles' genres are read

    wanted = [title_id for title_id in playing if title_id not in seen]
    order = {title_id: number for number, title_id in enumerate(reasons)}
    wanted.sort(key=lambda title_id: (order[title_id], playing[title_id].next_starts_at))
    wanted = wanted[:limit]
    imdb_ids = dict(Title.objects.filter(pk__in=wanted).values_list("pk", "imdb_id"))
    titles = {title.pk: title for title in titles_by_ids(imdb_ids=[imdb_ids[pk] for pk in wanted])}
    found = []
    for title_id in wanted:
        title = titles.get(title_id)
        if title is None:  # deleted meanwhile
            continue
        reason = reasons[title_id] or _genre_reason(title, genres)
        found.append(
            NearbyTitle(
                title=title,
                name=title_display_name(title=title, language=language),
                reason=reason,
                next_starts_at=playing[title_id].next_starts_at,
                next_day=playing[title_id].next_day,
                session_count=playing[title_id].session_count,
            )
        )
    return NearYou(location=location, titles=found)


def _genre_reason(title: Title, favourite: list[str]) -> str:
    shared = [genre_label(genre.name) for genre in title.genres.all() if genre.name in favourite]
    return _("Your genres: %(genres)s") % {"genres": ", ".join(shared)}

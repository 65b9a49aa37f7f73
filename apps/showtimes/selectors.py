"""Reads of the showtimes app: a city, its coverage, a day's sessions (the API's and the pages')."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Count, Min, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.catalog.images import title_poster_url
from apps.catalog.models import Title
from apps.catalog.selectors import title_display_name, titles_by_ids
from apps.showtimes import planner
from apps.showtimes.errors import CityNotFound
from apps.showtimes.models import CityMovie, Location, Session, ShowtimesRun, Theater
from apps.showtimes.trust import screening_day, screening_day_bounds


def location_get(*, slug: str) -> Location:
    location = Location.objects.filter(slug=slug).first()
    if location is None:
        raise CityNotFound(gettext("No city “%(slug)s”.") % {"slug": slug})
    return location


@dataclass(frozen=True)
class Coverage:
    """How far ahead a city's schedule is known, in its own calendar."""

    today: dt.date
    window_end: dt.date
    covered_until: dt.date | None
    is_covered: bool


def location_today(*, location: Location) -> dt.date:
    return timezone.now().astimezone(ZoneInfo(location.time_zone)).date()


def location_coverage(*, location: Location) -> Coverage:
    today = location_today(location=location)
    horizon = settings.SHOWTIMES_HORIZON_DAYS
    return Coverage(
        today=today,
        window_end=today + dt.timedelta(days=horizon - 1),
        covered_until=location.covered_until,
        is_covered=not planner.coverage_is_short(
            covered_until=location.covered_until, today=today, horizon=horizon
        ),
    )


def location_last_run(*, location: Location) -> ShowtimesRun | None:
    return location.runs.order_by("-started_at", "-pk").first()


def day_movies(*, location: Location, day: dt.date, include_unverified: bool = False) -> list[CityMovie]:
    """The city's matched movies with sessions listed under `day`, each with `day_sessions`
    (not cancelled; verified only unless asked), ordered by start, with their theater."""
    start, end = screening_day_bounds(day=day, zone=ZoneInfo(location.time_zone))
    sessions = Session.objects.filter(starts_at__gte=start, starts_at__lt=end, cancelled_at__isnull=True)
    if not include_unverified:
        sessions = sessions.filter(verified=True)
    movies = (
        CityMovie.objects.filter(location=location, title__isnull=False, sessions__in=sessions)
        .distinct()
        .select_related("title")
        .prefetch_related(
            Prefetch(
                "sessions",
                queryset=sessions.select_related("theater").order_by("starts_at", "theater__name"),
                to_attr="day_sessions",
            )
        )
        .order_by("name")
    )
    return list(movies)


# ---------------------------------------------------------------------------
# The website's reads: the city picker, a city's schedule for a day, one session.
# ---------------------------------------------------------------------------


class TimeOfDay(models.TextChoices):
    """Parts of the city's day by the local start hour; the night runs past midnight to 07:00."""

    MORNING = "morning", _("Morning (before 12:00)")
    AFTERNOON = "afternoon", _("Afternoon (12:00–17:00)")
    EVENING = "evening", _("Evening (17:00–22:00)")
    NIGHT = "night", _("Night (after 22:00)")

    @classmethod
    def of_hour(cls, hour: int) -> "TimeOfDay":
        if 7 <= hour < 12:
            return cls.MORNING
        if 12 <= hour < 17:
            return cls.AFTERNOON
        if 17 <= hour < 22:
            return cls.EVENING
        return cls.NIGHT


class Language(models.TextChoices):
    """What Ukrainian visitors choose between: a Ukrainian dub or the original voices."""

    DUB = "dub", _("Ukrainian dub")
    SUBTITLES = "subtitles", _("Original with Ukrainian subtitles")
    ORIGINAL = "original", _("Original without Ukrainian subtitles")

    @classmethod
    def of_session(cls, session: Session) -> "Language | None":
        """None when the session does not say its audio language."""
        audio = session.audio_language.lower()
        if not audio:
            return None
        if audio == "uk":
            return cls.DUB
        return cls.SUBTITLES if session.subtitles.lower() == "uk" else cls.ORIGINAL


_LANGUAGE_QUERY = {
    Language.DUB: Q(audio_language__iexact="uk"),
    Language.SUBTITLES: ~Q(audio_language__iexact="uk") & ~Q(audio_language="") & Q(subtitles__iexact="uk"),
    Language.ORIGINAL: ~Q(audio_language__iexact="uk") & ~Q(audio_language="") & ~Q(subtitles__iexact="uk"),
}


@dataclass(frozen=True)
class ScheduleFilters:
    """What a visitor narrowed the city's schedule to; blank means any."""

    day: dt.date
    time_of_day: str = ""
    format: str = ""
    language: str = ""
    include_unverified: bool = False
    imdb_id: str = ""


@dataclass(frozen=True)
class TheaterSessions:
    """A movie's sessions in one cinema on one day, with when and where they were last checked."""

    theater: Theater
    sessions: list[Session]
    verified_at: dt.datetime | None
    sources: list[dict]


@dataclass(frozen=True)
class MovieSchedule:
    title: Title
    name: str
    poster_src: str
    theaters: list[TheaterSessions]


@dataclass(frozen=True)
class CitySchedule:
    """The day's movies after the filters, and what the page says when there are none."""

    movies: list[MovieSchedule]
    # Sessions on the day before any filter: "no sessions on this day" versus "none match".
    day_count: int
    hidden_unverified: int


@dataclass(frozen=True)
class Day:
    date: dt.date
    session_count: int


def location_suggestions() -> list[Location]:
    """The cities CineStream knows, for the picker's suggestions."""
    return list(Location.objects.order_by("city"))


def location_find(*, slug: str) -> Location | None:
    return Location.objects.filter(slug=slug).first()


def location_wants_run(*, location: Location) -> bool:
    """Uncovered, no run queued or running, and not waiting out a failure's retry time."""
    if location_coverage(location=location).is_covered:
        return False
    if location.status in (Location.Status.QUEUED, Location.Status.SCRAPING):
        return False
    waiting = location.status == Location.Status.FAILED and location.retry_at is not None
    return not (waiting and location.retry_at > timezone.now())


def _shown_sessions(location: Location, imdb_id: str = "") -> models.QuerySet[Session]:
    # Unmatched movies are not shown (their summary is for admins), nor cancelled sessions.
    sessions = Session.objects.filter(
        movie__location=location, movie__title__isnull=False, cancelled_at__isnull=True
    )
    if imdb_id:
        sessions = sessions.filter(movie__title__imdb_id=imdb_id)
    return sessions


def city_days(*, location: Location, include_unverified: bool = False, imdb_id: str = "") -> list[Day]:
    """The window's days from the city's today, each with how many sessions it has."""
    today = location_today(location=location)
    first, _end = screening_day_bounds(zone=ZoneInfo(location.time_zone), day=today)
    _start, last = screening_day_bounds(
        zone=ZoneInfo(location.time_zone),
        day=today + dt.timedelta(days=settings.SHOWTIMES_HORIZON_DAYS - 1),
    )
    sessions = _shown_sessions(location, imdb_id).filter(starts_at__gte=first, starts_at__lt=last)
    if not include_unverified:
        sessions = sessions.filter(verified=True)
    zone = ZoneInfo(location.time_zone)
    counts = Counter(
        screening_day(starts_at=starts_at, zone=zone)
        for starts_at in sessions.values_list("starts_at", flat=True)
    )
    days = (today + dt.timedelta(days=offset) for offset in range(settings.SHOWTIMES_HORIZON_DAYS))
    return [Day(date=day, session_count=counts[day]) for day in days]


TITLE_DAYS_SHOWN = 5


@dataclass(frozen=True)
class TitleShowtimes:
    """What a catalog title's page says about cinemas: the remembered city's next days with
    sessions, or only that the title plays somewhere (then the page offers the city picker)."""

    location: Location | None
    days: list[Day]
    plays_somewhere: bool


def title_showtimes(*, imdb_id: str, city_slug: str) -> TitleShowtimes | None:
    """The title's next days with verified sessions in the remembered city (at most
    TITLE_DAYS_SHOWN), else whether it plays in any city; None when there is nothing to say."""
    location = location_find(slug=city_slug) if city_slug else None
    if location is not None:
        days = [day for day in city_days(location=location, imdb_id=imdb_id) if day.session_count]
        if days:
            return TitleShowtimes(location=location, days=days[:TITLE_DAYS_SHOWN], plays_somewhere=True)
        # A remembered city where the title does not play says nothing: the visitor chose it.
        return None
    plays = (
        Session.objects.filter(
            movie__title__imdb_id=imdb_id,
            cancelled_at__isnull=True,
            verified=True,
            starts_at__gte=timezone.now(),
        )
        .only("pk")
        .exists()
    )
    return TitleShowtimes(location=None, days=[], plays_somewhere=True) if plays else None


@dataclass(frozen=True)
class TitleThisWeek:
    title_id: int
    next_starts_at: dt.datetime
    next_day: dt.date  # the day the next session is listed under on the city's page
    session_count: int


def location_titles_this_week(
    *,
    location: Location,
    title_ids: list[int] | None = None,
    genres: list[str] | None = None,
    days: int = 7,
) -> dict[int, TitleThisWeek]:
    """Titles with verified sessions in the city in the next `days` days, among these ids or
    of these genres, with their next session and how many there are, by title id."""
    now = timezone.now()
    sessions = _shown_sessions(location).filter(
        verified=True, starts_at__gte=now, starts_at__lt=now + dt.timedelta(days=days)
    )
    if title_ids is not None:
        sessions = sessions.filter(movie__title_id__in=title_ids)
    if genres is not None:
        sessions = sessions.filter(movie__title__genres__name__in=genres)
    rows = (
        sessions.values("movie__title_id")
        .annotate(next_starts_at=Min("starts_at"), session_count=Count("pk", distinct=True))
        .order_by()
    )
    zone = ZoneInfo(location.time_zone)
    return {
        row["movie__title_id"]: TitleThisWeek(
            title_id=row["movie__title_id"],
            next_starts_at=row["next_starts_at"],
            next_day=screening_day(starts_at=row["next_starts_at"], zone=zone),
            session_count=row["session_count"],
        )
        for row in rows
    }


def city_schedule(*, location: Location, filters: ScheduleFilters, language: str) -> CitySchedule:
    """The movies on a day in the city, each with its cinemas and times, after the filters.

    Movies are ordered by their first session of the day, cinemas by name, sessions by time.
    """
    start, end = screening_day_bounds(zone=ZoneInfo(location.time_zone), day=filters.day)
    day_sessions = _shown_sessions(location, filters.imdb_id).filter(starts_at__gte=start, starts_at__lt=end)
    counts = day_sessions.aggregate(
        verified_count=Count("pk", filter=Q(verified=True)),
        unverified_count=Count("pk", filter=Q(verified=False)),
    )
    if filters.include_unverified:
        day_count, hidden_unverified = counts["verified_count"] + counts["unverified_count"], 0
    else:
        day_count, hidden_unverified = counts["verified_count"], counts["unverified_count"]
        day_sessions = day_sessions.filter(verified=True)
    if filters.format:
        day_sessions = day_sessions.filter(format=filters.format)
    if filters.language in _LANGUAGE_QUERY:
        day_sessions = day_sessions.filter(_LANGUAGE_QUERY[Language(filters.language)])
    zone = ZoneInfo(location.time_zone)
    sessions = [
        session
        for session in day_sessions.select_related("theater", "movie__title").order_by(
            "starts_at", "theater__name"
        )
        if not filters.time_of_day
        or TimeOfDay.of_hour(session.starts_at.astimezone(zone).hour) == filters.time_of_day
    ]

    by_title: dict[str, dict[int, list[Session]]] = {}
    for session in sessions:
        by_title.setdefault(session.movie.title.imdb_id, {}).setdefault(session.theater_id, []).append(
            session
        )
    titles = {title.imdb_id: title for title in titles_by_ids(imdb_ids=list(by_title))}
    movies = []
    for imdb_id, by_theater in by_title.items():
        title = titles[imdb_id]
        theaters = [_theater_sessions(group) for group in by_theater.values()]
        theaters.sort(key=lambda group: group.theater.name)
        movies.append(
            MovieSchedule(
                title=title,
                name=title_display_name(title=title, language=language),
                poster_src=title_poster_url(title, "w342"),
                theaters=theaters,
            )
        )
    return CitySchedule(movies=movies, day_count=day_count, hidden_unverified=hidden_unverified)


def _theater_sessions(sessions: list[Session]) -> TheaterSessions:
    verified = [session.last_verified_at for session in sessions if session.last_verified_at]
    sources: dict[str, dict] = {}
    for session in sessions:
        for source in session.sources if isinstance(session.sources, list) else []:
            uri = source.get("uri") if isinstance(source, dict) else None
            if isinstance(uri, str) and uri.startswith(("https://", "http://")) and uri not in sources:
                sources[uri] = {"uri": uri, "title": source.get("title") or uri}
    return TheaterSessions(
        theater=sessions[0].theater,
        sessions=sessions,
        verified_at=max(verified) if verified else None,
        sources=list(sources.values()),
    )


def session_find(*, session_id: int) -> Session | None:
    """A shown session with its cinema, city and catalog title."""
    return (
        Session.objects.filter(pk=session_id, movie__title__isnull=False)
        .select_related("theater", "movie__location", "movie__title")
        .first()
    )

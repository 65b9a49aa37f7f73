"""Writes of the showtimes app: cities, the one run per city at a time, purging.

One run per city, however many visitors, server processes and workers ask at once: the
city's lock is its Location row. Taking it is one conditional UPDATE (a compare-and-set on
`status`, atomic on SQLite and PostgreSQL alike, so both modes share it): it succeeds for
one caller only while the city is idle, ready, failed and due, or held by a run whose
heartbeat (`updated_at`, renewed as the run works) is older than SHOWTIMES_LOCK_SECONDS,
which is how a city held by a worker that died is taken over. idle → queued (a request
enqueued the task) → scraping (the task or the command runs) → ready | failed.
"""

import datetime as dt
import re
import threading
import unicodedata
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import structlog
from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext

from apps.showtimes import planner
from apps.showtimes.errors import CityNotFound
from apps.showtimes.models import CityMovie, CoveredDay, Location, Session, SessionReport, ShowtimesRun
from apps.showtimes.runs import Progress, showtimes_run

logger = structlog.get_logger(__name__)

Status = Location.Status

# Ukrainian's national romanization (2010), which gives "kyiv", "lviv", "kharkiv"; Russian's
# extra letters after it. The start-of-word forms of є, ї, й, ю, я are handled below.
_LATIN = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh",
        "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n",
        "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "'": "", "’": "",
        "ы": "y", "э": "e", "ё": "e", "ъ": "",
    }
)  # fmt: skip
_WORD_START = {"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya"}


def city_slug(city: str) -> str:
    """The city's slug: its name romanized (Київ → kyiv), lower case, words joined by hyphens."""
    text = re.sub(r"(?<![^\W\d_])([єїйюя])", lambda match: _WORD_START[match[1]], city.strip().lower())
    text = unicodedata.normalize("NFKD", text.translate(_LATIN))
    text = "".join(char for char in text if not unicodedata.combining(char))
    # At most 64 characters: the stream's `city` tag takes no longer value (TAG_VALUE_MAX_CHARS).
    return re.sub(r"[^a-z0-9]+", "-", text)[:64].strip("-")


def location_get_or_create(*, city: str, country: str = "Ukraine", time_zone: str = "") -> Location:
    """The city by its slug, created idle when new (in `time_zone`, Europe/Kyiv by default)."""
    slug = city_slug(city)
    if not slug:
        raise CityNotFound(gettext("“%(city)s” is not a city name.") % {"city": city})
    zone = time_zone or "Europe/Kyiv"
    ZoneInfo(zone)  # an unknown zone fails here, before anything is stored
    location, _created = Location.objects.get_or_create(
        slug=slug, defaults={"city": city.strip(), "country": country.strip() or "Ukraine", "time_zone": zone}
    )
    return location


def location_pick(*, name: str) -> Location:
    """The city a visitor typed: a known one by name or slug, else a new idle Location.

    A new city costs nothing until its page queues a run.
    """
    name = " ".join(name.split())
    found = Location.objects.filter(city__iexact=name).first()
    return found if found is not None else location_get_or_create(city=name)


# The nightly extension asks "visited this week?": an hourly mark is precise enough, and a
# popular city's page then writes once an hour instead of once a view.
VISIT_MARK_EVERY = dt.timedelta(hours=1)


def location_visit(*, location: Location) -> None:
    """Note that someone opened the city; the nightly extension keeps such cities covered."""
    now = timezone.now()
    if location.last_visited_at is not None and now - location.last_visited_at < VISIT_MARK_EVERY:
        return
    Location.objects.filter(pk=location.pk).update(last_visited_at=now)
    location.last_visited_at = now


def _claimable(now: dt.datetime, *, is_forced: bool) -> Q:
    stale = now - dt.timedelta(seconds=settings.SHOWTIMES_LOCK_SECONDS)
    due = (
        Q(status=Status.FAILED)
        if is_forced
        else Q(status=Status.FAILED) & (Q(retry_at__isnull=True) | Q(retry_at__lte=now))
    )
    return (
        Q(status__in=[Status.IDLE, Status.READY])
        | due
        | Q(status__in=[Status.QUEUED, Status.SCRAPING], updated_at__lt=stale)
    )


def location_claim(*, location: Location, status: str, is_forced: bool = False) -> bool:
    """Take the city's lock, moving it to `status` (queued or scraping); False if another holds it.

    `is_forced` takes a failed city before its retry time (the shell command does).
    """
    now = timezone.now()
    claimed = Location.objects.filter(_claimable(now, is_forced=is_forced), pk=location.pk).update(
        status=status, updated_at=now
    )
    if claimed:
        location.status = status
    return bool(claimed)


def location_run_start(*, location: Location) -> bool:
    """Move a city its request queued (or whose run's worker died) to scraping; False when
    another worker has it or it has no run due (a task delivered twice, or late)."""
    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.SHOWTIMES_LOCK_SECONDS)
    started = Location.objects.filter(
        Q(status=Status.QUEUED) | Q(status=Status.SCRAPING, updated_at__lt=stale), pk=location.pk
    ).update(status=Status.SCRAPING, updated_at=now)
    return bool(started)


@dataclass(frozen=True)
class ShowtimesRequest:
    """What a request for a city's showtimes did: whether a run was queued, and the city now."""

    location: Location
    is_queued: bool
    is_covered: bool


def showtimes_request(*, location: Location) -> ShowtimesRequest:
    """Queue one run for the city unless its window is covered or a run is already on its way.

    Records the visit (the nightly extension keeps visited cities). Safe to call from every
    page view: at most one caller of many queues the run.
    """
    now = timezone.now()
    location_visit(location=location)
    today = now.astimezone(ZoneInfo(location.time_zone)).date()
    is_covered = not planner.coverage_is_short(
        covered_until=location.covered_until, today=today, horizon=settings.SHOWTIMES_HORIZON_DAYS
    )
    is_queued = False
    if not is_covered and location_claim(location=location, status=Status.QUEUED):
        showtimes_run_enqueue(location=location)
        is_queued = True
    location.refresh_from_db()
    return ShowtimesRequest(location=location, is_queued=is_queued, is_covered=is_covered)


def showtimes_run_enqueue(*, location: Location, model: str | None = None) -> None:
    """Send the city's run to a worker once the caller's transaction commits (to a thread of
    this process when SHOWTIMES_RUN_IN_THREAD: embedded mode's tasks would run in the request)."""
    from apps.showtimes.tasks import showtimes_run_task  # the task calls back into services

    if not settings.SHOWTIMES_RUN_IN_THREAD:
        transaction.on_commit(lambda: showtimes_run_task.delay(location.pk, model))
        return

    def run() -> None:
        try:
            showtimes_run_task(location.pk, model)
        finally:
            close_old_connections()

    transaction.on_commit(
        lambda: threading.Thread(target=run, name=f"showtimes-{location.slug}", daemon=True).start()
    )


def showtimes_city_run(
    *,
    location: Location,
    horizon: int | None = None,
    model: str | None = None,
    progress: Progress | None = None,
) -> ShowtimesRun:
    """Run the city now under its lock (the caller moved it to scraping)."""
    return showtimes_run(location=location, horizon=horizon, model=model, progress=progress)


def showtimes_retry_failed() -> int:
    """Queue a run for each failed city whose retry time has come; returns how many."""
    queued = 0
    for location in Location.objects.filter(status=Status.FAILED, retry_at__lte=timezone.now()):
        if location_claim(location=location, status=Status.QUEUED):
            showtimes_run_enqueue(location=location)
            queued += 1
    return queued


def showtimes_extend_visited(*, days: int = 7) -> int:
    """Queue a run for each city visited in the last `days` (its missing days only); returns how many."""
    queued = 0
    since = timezone.now() - dt.timedelta(days=days)
    for location in Location.objects.filter(last_visited_at__gte=since):
        if location_claim(location=location, status=Status.QUEUED):
            showtimes_run_enqueue(location=location)
            queued += 1
    return queued


@dataclass(frozen=True)
class PurgeReport:
    sessions: int
    movies: int


def showtimes_purge_expired(*, days: int | None = None) -> PurgeReport:
    """Delete sessions and city movies not seen (verified) for `days` (SHOWTIMES_EXPIRE_DAYS)."""
    before = timezone.now() - dt.timedelta(days=days or settings.SHOWTIMES_EXPIRE_DAYS)
    with transaction.atomic():
        sessions, _by_model = Session.objects.filter(
            Q(last_verified_at__lt=before) | Q(last_verified_at__isnull=True, first_seen_at__lt=before)
        ).delete()
        stale_movies = CityMovie.objects.filter(
            Q(last_seen_at__lt=before) | Q(last_seen_at__isnull=True, first_seen_at__lt=before)
        )
        CoveredDay.objects.filter(movie__in=stale_movies).delete()
        movies_deleted = stale_movies.count()
        stale_movies.delete()
    if sessions or movies_deleted:
        logger.info("showtimes_purged", sessions=sessions, movies=movies_deleted)
    return PurgeReport(sessions=sessions, movies=movies_deleted)


def session_reports_resolve(*, reports: QuerySet[SessionReport]) -> int:
    """Mark visitors' reports resolved; returns how many were open."""
    return reports.filter(resolved=False).update(resolved=True)


def session_report(*, session: Session, reason: str, comment: str = "") -> SessionReport:
    """File a visitor's report that a session is wrong; admins see it."""
    return SessionReport.objects.create(session=session, reason=reason, comment=comment.strip()[:1000])

"""One showtimes run for a city: cinemas, the movies playing, then each movie's missing days.

The steps (docs/architecture.md, "Showtimes runs, as built"): 1. the city's cinemas, one query (again only
after SHOWTIMES_CINEMAS_REFRESH_DAYS); 2. the movies now playing, one query, each matched to
the catalog; 3. for each matched movie the days apps/showtimes/planner.py plans, one query a
day across the city's cinemas. Movies are asked SHOWTIMES_PARALLEL_MOVIES at a time, each
movie's days in order so it can stop early. Answers are judged in apps/showtimes/trust.py;
what is believed is stored per (movie, day) against what was stored for that day (added,
changed, cancelled: apps/showtimes/schedule.py). Each step publishes a `progress` event as it
is stored, the end a `schedule` event in the transaction that stores the run's outcome.

A movie that matches no catalog title is looked up through TMDB (when TMDB_API_KEY is set):
the catalog picks TMDB's movie by its names and year and creates the title with TMDB's
poster and texts (apps/catalog/tmdb_enrich.py). One TMDB cannot place, or cannot give an
IMDb id for, is stored unmatched (title None), listed in the run's `unmatched` with the
reason in `tmdb` and not asked about: pages cannot show it; a later run that matches it plans
its whole window. TMDB failing never fails the run. After the movies step TMDB's now-playing
list for Ukraine is compared with Gemini's movies (`tmdb["now_playing"]`, in the admin).

The city's lock is its status row (apps/showtimes/services.py): the caller holds it; the run
renews it (`updated_at`) as it goes and releases it by leaving `scraping`.
"""

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from types import ModuleType
from zoneinfo import ZoneInfo

import structlog
from django.conf import settings
from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.translation import gettext

from apps.catalog.models import Title
from apps.catalog.selectors import title_match
from apps.scraping.gemini_records import GeminiReply, GeminiUsage, MovieFound
from apps.showtimes import planner, trust
from apps.showtimes.events import ShowtimesPayload, showtimes_event_publish
from apps.showtimes.models import CityMovie, CoveredDay, Location, ShowtimesRun, Theater
from apps.showtimes.schedule import day_schedule_apply, sessions_stored_by_day
from apps.showtimes.signals import city_sessions_stored
from apps.showtimes.tmdb_lookups import TMDB_SKIPPED, TmdbLookups

logger = structlog.get_logger(__name__)


Progress = Callable[[ShowtimesRun], None]


def gemini_client() -> ModuleType:
    """apps/scraping/gemini.py, imported when a run starts (it loads the google-genai SDK)."""
    from apps.scraping import gemini

    return gemini


@dataclass
class DayOutcome:
    day: dt.date
    verdict: trust.DayVerdict | None  # None: the answer was rejected whole
    rejected_reason: str = ""


@dataclass
class MovieOutcome:
    movie: CityMovie
    days: list[DayOutcome] = field(default_factory=list)
    skipped: list[dt.date] = field(default_factory=list)  # after an early stop
    calls: int = 0
    tokens: int = 0
    model: str = ""
    error: BaseException | None = None


class RunStopped(Exception):
    """A step failed in a way that ends the run (Gemini unavailable, misconfigured, budget spent)."""

    def __init__(self, error: BaseException, *, is_budget: bool) -> None:
        super().__init__(str(error))
        self.error = error
        self.is_budget = is_budget


def _fatal_errors(client: ModuleType) -> tuple[type[BaseException], ...]:
    return (client.GeminiUnavailable, client.GeminiConfigError, client.GeminiBudgetSpent)


def _stopped(client: ModuleType, error: BaseException) -> RunStopped:
    return RunStopped(error, is_budget=isinstance(error, client.GeminiBudgetSpent))


def _tokens(usage: GeminiUsage) -> int:
    return usage.total_tokens or usage.prompt_tokens + usage.output_tokens + usage.thinking_tokens


class CityRun:
    """The state of one run; `execute` drives it and always leaves the city ready or failed."""

    def __init__(
        self,
        *,
        location: Location,
        horizon: int | None = None,
        model: str | None = None,
        progress: Progress | None = None,
        client: ModuleType | None = None,
    ) -> None:
        self.location = location
        self.zone = ZoneInfo(location.time_zone)
        self.today = timezone.now().astimezone(self.zone).date()
        self.horizon = horizon or settings.SHOWTIMES_HORIZON_DAYS
        self.window = planner.window_days(today=self.today, horizon=self.horizon)
        self.model = model
        self.progress = progress
        self.client = client or gemini_client()
        self.run = ShowtimesRun.objects.create(location=location, model=model or settings.GEMINI_MODEL)
        self.rejected: Counter[str] = Counter()
        self.theaters: dict[str, Theater] = {}

    # --- the steps ---------------------------------------------------------

    def execute(self) -> ShowtimesRun:
        try:
            self._cinemas_step()
            movies = self._movies_step()
            self._days_step(movies)
        except RunStopped as stopped:
            self._fail(stopped)
        except Exception as error:
            # A bug must not leave the city `scraping` until its lock expires: it fails, and
            # the error goes on to the task's log.
            self._fail(RunStopped(error, is_budget=False))
            raise
        else:
            self._finish()
        return self.run

    def _count(self, reply: GeminiReply) -> None:
        self.run.calls += 1
        self.run.tokens += _tokens(reply.usage)
        if reply.model:
            self.run.model = reply.model

    def _ask(self, call: Callable[[], GeminiReply]) -> GeminiReply:
        try:
            reply = call()
        except (*_fatal_errors(self.client), self.client.GeminiAnswerRejected) as error:
            # Without the city's cinemas or movies there is nothing to ask about.
            self.run.calls += 1
            raise _stopped(self.client, error) from error
        self._count(reply)
        return reply

    def _cinemas_step(self) -> None:
        theaters = list(self.location.theaters.all())
        fresh_after = timezone.now() - dt.timedelta(days=settings.SHOWTIMES_CINEMAS_REFRESH_DAYS)
        is_fresh = theaters and all(
            theater.last_verified_at and theater.last_verified_at >= fresh_after for theater in theaters
        )
        if not is_fresh:
            reply = self._ask(
                lambda: self.client.cinemas_find(
                    city=self.location.city,
                    country=self.location.country,
                    purpose_key=f"{self.location.slug}:run {self.run.pk}",
                    model=self.model,
                )
            )
            now = timezone.now()
            with transaction.atomic():
                for found in reply.answer.cinemas:
                    name = found.name.strip()[:200]
                    if not name:
                        continue
                    Theater.objects.update_or_create(
                        location=self.location,
                        name=name,
                        defaults={
                            "chain": found.chain.strip()[:100],
                            "address": found.address.strip()[:300],
                            "website": trust._url(found.website),
                            "last_verified_at": now,
                        },
                    )
            theaters = list(self.location.theaters.all())
        self.theaters = {theater.name: theater for theater in theaters}
        self.run.cinemas_found = len(theaters)
        self._progress_publish()

    def _movies_step(self) -> list[CityMovie]:
        reply = self._ask(
            lambda: self.client.movies_find(
                city=self.location.city,
                country=self.location.country,
                cinemas=list(self.theaters),
                model=self.model,
            )
        )
        is_tmdb_on = bool(settings.TMDB_API_KEY.strip())
        if not is_tmdb_on:
            self.run.tmdb = {"skipped": TMDB_SKIPPED}
        lookups = TmdbLookups(record=self.run.tmdb, city=self.location.slug)
        # Matched (and TMDB asked) before the transaction: TMDB's answers take a while, and a
        # created title is the catalog's whatever becomes of this run.
        found_movies: dict[str, tuple[MovieFound, Title | None]] = {}
        tmdb_off_reason = ""
        for found in reply.answer.movies:
            name = found.title.strip()[:500]
            if not name or name in found_movies:
                continue
            title = title_match(
                names=[name, found.original_title], year=found.year, imdb_id=found.imdb_id.strip()
            )
            if title is None and is_tmdb_on:
                if tmdb_off_reason:
                    lookups.unmatched(name, tmdb_off_reason)
                else:
                    title, tmdb_off_reason = lookups.title_find(name, found)
            found_movies[name] = (found, title)
        now = timezone.now()
        matched: list[CityMovie] = []
        unmatched: list[str] = []
        with transaction.atomic():
            for name, (found, title) in found_movies.items():
                movie, _created = CityMovie.objects.update_or_create(
                    location=self.location,
                    name=name,
                    defaults={"title": title, "year": found.year, "last_seen_at": now},
                )
                if title is None:
                    unmatched.append(name)
                elif movie not in matched:
                    matched.append(movie)
        self.rejected[trust.UNMATCHED_MOVIE] += len(unmatched)
        self.run.unmatched = unmatched
        self.run.movies_found = len(matched) + len(unmatched)
        if is_tmdb_on:
            lookups.now_playing_compare(list(found_movies.values()))
        self._progress_publish()
        return matched

    def _days_step(self, movies: list[CityMovie]) -> None:
        asked: dict[int, set[dt.date]] = {movie.pk: set() for movie in movies}
        for movie_id, day in CoveredDay.objects.filter(
            movie__in=movies, day__gte=self.window[0], day__lte=self.window[-1]
        ).values_list("movie_id", "day"):
            asked[movie_id].add(day)
        plans = [
            (movie, planner.movie_days_plan(today=self.today, asked=asked[movie.pk], horizon=self.horizon))
            for movie in movies
        ]
        plans = [(movie, days) for movie, days in plans if days]
        self.run.days_planned = sum(len(days) for _movie, days in plans)
        self._progress_publish()
        if not plans:
            return
        runtimes = {movie.pk: movie.title.runtime_minutes if movie.title else None for movie in movies}
        cinemas = list(self.theaters)
        abort = threading.Event()
        parallel = settings.SHOWTIMES_PARALLEL_MOVIES
        if parallel <= 1:
            for movie, days in plans:
                self._movie_store(self._movie_ask(movie, days, runtimes[movie.pk], cinemas, abort))
            return
        # Threads only ask and judge; the stores and events happen here, one at a time, and
        # renew the city's lock while slow answers are awaited.
        with ThreadPoolExecutor(max_workers=parallel, thread_name_prefix="showtimes") as pool:
            pending: set[Future[MovieOutcome]] = {
                pool.submit(self._movie_ask_in_thread, movie, days, runtimes[movie.pk], cinemas, abort)
                for movie, days in plans
            }
            stop: RunStopped | None = None
            while pending:
                done, pending = wait(
                    pending, timeout=settings.SHOWTIMES_LOCK_SECONDS / 3, return_when=FIRST_COMPLETED
                )
                for future in done:
                    try:
                        self._movie_store(future.result())
                    except RunStopped as error:
                        stop = stop or error
                        abort.set()
                self._heartbeat()
            if stop is not None:
                raise stop

    def _movie_ask_in_thread(self, *args: object) -> MovieOutcome:
        try:
            return self._movie_ask(*args)  # type: ignore[arg-type]
        finally:
            close_old_connections()  # the client's ledger writes opened this thread's own

    def _movie_ask(
        self,
        movie: CityMovie,
        days: list[dt.date],
        runtime_minutes: int | None,
        cinemas: list[str],
        abort: threading.Event,
    ) -> MovieOutcome:
        outcome = MovieOutcome(movie=movie)
        found_per_day: list[int] = []
        for index, day in enumerate(days):
            if abort.is_set():
                break
            outcome.calls += 1
            try:
                reply = self.client.sessions_find(
                    city=self.location.city,
                    country=self.location.country,
                    movie=movie.name,
                    year=movie.year,
                    day=day,
                    cinemas=cinemas,
                    model=self.model,
                )
            except self.client.GeminiAnswerRejected as error:
                outcome.days.append(DayOutcome(day=day, verdict=None, rejected_reason=str(error)))
                continue
            except _fatal_errors(self.client) as error:
                outcome.error = error
                break
            outcome.tokens += _tokens(reply.usage)
            outcome.model = reply.model or outcome.model
            verdict = trust.day_answer_judge(
                reply=reply,
                day=day,
                window=self.window,
                zone=self.zone,
                cinemas=cinemas,
                runtime_minutes=runtime_minutes,
            )
            outcome.days.append(DayOutcome(day=day, verdict=verdict))
            found_per_day.append(len(verdict.sessions))
            if planner.movie_days_stop(found_per_day):
                outcome.skipped = days[index + 1 :]
                break
        return outcome

    # --- storing -----------------------------------------------------------

    def _movie_store(self, outcome: MovieOutcome) -> None:
        """Store one movie's answered days and publish the run's progress; raise RunStopped if
        the movie's asking ended the run (what it answered before that is kept)."""
        self.run.calls += outcome.calls
        self.run.tokens += outcome.tokens
        if outcome.model:
            self.run.model = outcome.model
        now = timezone.now()
        answered = [day for day in outcome.days if day.verdict is not None]
        self.rejected[trust.INVALID_ANSWER] += len(outcome.days) - len(answered)
        covered = [CoveredDay(movie=outcome.movie, day=day, sessions=0) for day in outcome.skipped]
        with transaction.atomic():
            stored = sessions_stored_by_day(
                movie=outcome.movie, days=[day.day for day in answered], zone=self.zone
            )
            for day_outcome in answered:
                verdict = day_outcome.verdict
                self.rejected.update(verdict.rejected)
                changes = day_schedule_apply(
                    movie=outcome.movie,
                    theaters=self.theaters,
                    drafts=verdict.sessions,
                    stored=stored.get(day_outcome.day, {}),
                    model=outcome.model,
                    now=now,
                )
                self.run.sessions_added += changes.added
                self.run.sessions_changed += changes.changed
                self.run.sessions_cancelled += changes.cancelled
                covered.append(
                    CoveredDay(movie=outcome.movie, day=day_outcome.day, sessions=len(verdict.sessions))
                )
                self.run.days_done += 1
            CoveredDay.objects.bulk_create(
                covered,
                update_conflicts=True,
                unique_fields=["movie", "day"],
                update_fields=["sessions", "asked_at"],
            )
            if answered:
                CityMovie.objects.filter(pk=outcome.movie.pk).update(last_seen_at=now)
            self._progress_publish()
        if outcome.error is not None:
            raise _stopped(self.client, outcome.error)

    def _run_save(self) -> None:
        self.run.rejected = {reason: count for reason, count in sorted(self.rejected.items()) if count}
        self.run.save()

    def _payload(self, kind: str, status: str, message: str = "") -> ShowtimesPayload:
        run = self.run
        counts = (
            {
                "added": run.sessions_added,
                "changed": run.sessions_changed,
                "cancelled": run.sessions_cancelled,
            }
            if kind == "schedule"
            else {}
        )
        return ShowtimesPayload(
            city=self.location.slug,
            kind=kind,
            status=status,
            run_id=run.pk,
            cinemas_found=run.cinemas_found,
            movies_found=run.movies_found,
            days_planned=run.days_planned,
            days_done=run.days_done,
            message=message,
            **counts,
        )

    def _heartbeat(self) -> None:
        Location.objects.filter(pk=self.location.pk, status=Location.Status.SCRAPING).update(
            updated_at=timezone.now()
        )

    def _progress_publish(self) -> None:
        with transaction.atomic():
            self._run_save()
            self._heartbeat()
            showtimes_event_publish(self._payload("progress", Location.Status.SCRAPING))
        if self.progress is not None:
            self.progress(self.run)

    def _covered_until(self) -> dt.date | None:
        """The last day up to which every matched movie seen today has every day asked."""
        movies = CityMovie.objects.filter(
            location=self.location, title__isnull=False, last_seen_at__gte=self.run.started_at
        )
        asked: dict[int, set[dt.date]] = {movie_id: set() for movie_id in movies.values_list("pk", flat=True)}
        for movie_id, day in CoveredDay.objects.filter(movie__in=movies, day__gte=self.today).values_list(
            "movie_id", "day"
        ):
            asked[movie_id].add(day)
        covered_until = self.window[-1]
        for days in asked.values():
            last = self.today - dt.timedelta(days=1)
            while last + dt.timedelta(days=1) in days:
                last += dt.timedelta(days=1)
            covered_until = min(covered_until, last)
        return covered_until if covered_until >= self.today else None

    def _finish(self) -> None:
        now = timezone.now()
        with transaction.atomic():
            self.run.status = ShowtimesRun.Status.DONE
            self.run.finished_at = now
            self._run_save()
            Location.objects.filter(pk=self.location.pk).update(
                status=Location.Status.READY,
                covered_until=self._covered_until(),
                last_run_at=now,
                last_error="",
                retry_at=None,
                updated_at=now,
            )
            showtimes_event_publish(self._payload("schedule", Location.Status.READY))
            city_sessions_stored.send(sender=Location, location=self.location)
        logger.info("showtimes_run_done", city=self.location.slug, run=self.run.pk, tokens=self.run.tokens)

    def _fail(self, stopped: RunStopped) -> None:
        now = timezone.now()
        retry_at = now + dt.timedelta(minutes=settings.SHOWTIMES_RETRY_MINUTES)
        if stopped.is_budget:
            # The budget is daily (UTC): asking again before it renews would only fail again.
            tomorrow = (now + dt.timedelta(days=1)).date()
            retry_at = max(retry_at, dt.datetime.combine(tomorrow, dt.time(0, 5), tzinfo=dt.UTC))
            message = gettext("Today's budget for finding showtimes is spent; we will try again tomorrow.")
        else:
            message = gettext("Showtimes could not be found just now; we will try again soon.")
        error = f"{type(stopped.error).__name__}: {stopped.error}"
        with transaction.atomic():
            self.run.status = (
                ShowtimesRun.Status.BUDGET_SPENT if stopped.is_budget else ShowtimesRun.Status.FAILED
            )
            self.run.finished_at = now
            self.run.error = error
            self._run_save()
            # What earlier runs stored stays: a failed run only says when it will try again.
            Location.objects.filter(pk=self.location.pk).update(
                status=Location.Status.FAILED,
                last_run_at=now,
                last_error=error,
                retry_at=retry_at,
                updated_at=now,
            )
            showtimes_event_publish(self._payload("schedule", Location.Status.FAILED, message))
            # The movies it finished before failing are stored and shown.
            city_sessions_stored.send(sender=Location, location=self.location)
        logger.warning("showtimes_run_failed", city=self.location.slug, run=self.run.pk, error=error)


def showtimes_run(
    *,
    location: Location,
    horizon: int | None = None,
    model: str | None = None,
    progress: Progress | None = None,
    client: ModuleType | None = None,
) -> ShowtimesRun:
    """Run the city's steps now; the caller holds the city's lock (status `scraping`)."""
    run = CityRun(location=location, horizon=horizon, model=model, progress=progress, client=client)
    return run.execute()

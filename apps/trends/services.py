"""Writes for the trends app: registrations, counting and flushing views, scores and leaderboards."""

import contextlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import structlog
from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from apps.catalog.models import Title
from apps.catalog.tmdb_enrich import tmdb_title_add, tmdb_titles_enrich
from apps.scraping.tmdb import TmdbNotConfigured, TmdbNotFound, TmdbUnavailable
from apps.trends.boards import GLOBAL, BoardsUnavailable, boards, city_board, genre_board
from apps.trends.counters import ViewBatch, ViewCounter, view_counter
from apps.trends.events import TOP_SIZE, TrendEntry, TrendPayload, trend_event_publish
from apps.trends.models import (
    AppliedFlush,
    MemberRatings,
    Registration,
    TitleViews,
    TrendScore,
    TrendSnapshot,
)
from apps.trends.scoring import ScoreInputs, ScoreParameters, score_compute, sessions_term
from apps.trends.selectors import (
    SERIES_TYPES,
    board_top,
    catalog_mean_rating,
    sessions_this_week,
    views_by_age,
    views_of_day,
)
from core.counting import batch_apply_once
from core.visitors import is_bot, visitor_key

logger = structlog.get_logger(__name__)

# The embedded mode has no beat: the process flushes its own counts this often, from a view.
EMBEDDED_FLUSH_SECONDS = 60
APPLIED_FLUSH_KEPT = timedelta(days=7)


# --- Views -------------------------------------------------------------------


def views_day() -> date:
    """The day a view counts on: UTC, so every process agrees wherever it runs."""
    return timezone.now().date()


def view_count(*, title_id: int) -> None:
    """Count one view of a title without touching the database (CounterUnavailable if refused)."""
    counter = view_counter()
    counter.add(title_id, day=views_day())
    if counter.in_memory and counter.counter.flush_due(EMBEDDED_FLUSH_SECONDS):
        views_flush(counter=counter)


def title_page_viewed(*, title_id: int, address: str, user_agent: str) -> bool:
    """Count a title page's view unless a bot opened it or the visitor reloaded it lately."""
    if is_bot(user_agent):
        return False
    visitor = visitor_key(address=address, user_agent=user_agent)
    # cache.add is atomic (SET NX in Redis): of two reloads at once only one counts.
    if not cache.add(
        f"{settings.TRENDS_REDIS_PREFIX}:seen:{visitor}:{title_id}", 1, settings.TRENDS_REVIEW_SECONDS
    ):
        return False
    view_count(title_id=title_id)
    return True


@dataclass
class FlushReport:
    batches: int = 0
    applied: int = 0  # batches added to the database by this flush
    skipped: int = 0  # batches an earlier flush had committed but not dropped
    views: int = 0
    title_ids: set[int] = field(default_factory=set)


_UPSERT = (
    "INSERT INTO {table} (title_id, day, views) VALUES (%s, %s, %s) "
    "ON CONFLICT (title_id, day) DO UPDATE SET views = {table}.views + EXCLUDED.views"
)


def _batch_apply(batch: ViewBatch) -> tuple[bool, set[int]]:
    """Add a batch's views in one transaction with its key; (False, …) when it was applied before."""
    title_ids = {title_id for title_id, _day in batch.counts}
    existing: set[int] = set()

    def apply() -> None:
        existing.update(Title.objects.filter(pk__in=title_ids).values_list("pk", flat=True))
        rows = [
            (title_id, day, views)
            for (title_id, day), views in sorted(batch.counts.items())
            if title_id in existing and views > 0
        ]
        if rows:
            table = connection.ops.quote_name(TitleViews._meta.db_table)
            with connection.cursor() as cursor:
                cursor.executemany(_UPSERT.format(table=table), rows)

    if not batch_apply_once(key=batch.key, applied=AppliedFlush, apply=apply, views=batch.views):
        return False, title_ids
    return True, existing


def views_flush(*, counter: ViewCounter | None = None) -> FlushReport:
    """Move counted views into TitleViews, batch by batch, then recompute the touched titles' scores.

    A batch is dropped from the counter only after its transaction committed; one left
    behind by a flush that died is applied by the next, unless it was committed already.
    """
    counter = counter or view_counter()
    report = FlushReport()
    for batch in counter.batches_take():
        report.batches += 1
        applied, title_ids = _batch_apply(batch)
        if applied:
            report.applied += 1
            report.views += batch.views
            report.title_ids |= title_ids
        else:
            report.skipped += 1
        counter.batch_drop(batch.key)
    # A batch key lives minutes (hours if flushes keep failing); its record is only needed while
    # the key may still be in Redis.
    AppliedFlush.objects.filter(applied_at__lt=timezone.now() - APPLIED_FLUSH_KEPT).delete()
    if report.batches:
        logger.info(
            "trends_views_flushed", batches=report.batches, views=report.views, skipped=report.skipped
        )
    if report.title_ids:
        scores_recompute(title_ids=report.title_ids)
    return report


# --- Scores and leaderboards --------------------------------------------------


@dataclass(frozen=True)
class _Computed:
    title_id: int
    score: float
    genres: tuple[str, ...]
    sessions_by_city: dict[str, int]
    sessions: int


def _scores_compute(title_ids: list[int]) -> tuple[list[_Computed], list[TrendScore], list[TrendSnapshot]]:
    parameters = ScoreParameters.from_settings()
    mean = catalog_mean_rating()
    today = views_day()
    now = timezone.now()
    views = views_by_age(title_ids=title_ids, today=today, window_days=settings.TRENDS_VIEWS_WINDOW_DAYS)
    views_today = views_of_day(title_ids=title_ids, day=today)
    sessions = sessions_this_week(title_ids=title_ids)
    genres: dict[int, list[str]] = {}
    for title_id, name in Title.genres.through.objects.filter(title_id__in=title_ids).values_list(
        "title_id", "genre__name"
    ):
        genres.setdefault(title_id, []).append(name)
    members = {row.title_id: row for row in MemberRatings.objects.filter(title_id__in=title_ids, votes__gt=0)}
    rows = Title.objects.filter(pk__in=title_ids).values_list(
        "pk", "rating", "votes", "tmdb_vote_average", "tmdb_vote_count", "tmdb_popularity"
    )
    computed, scores, snapshots = [], [], []
    for title_id, rating, votes, tmdb_rating, tmdb_votes, popularity in rows:
        by_city = sessions.get(title_id, {})
        inputs = ScoreInputs(
            views_by_age=views.get(title_id, {}),
            imdb_rating=float(rating) if rating is not None else None,
            imdb_votes=votes or 0,
            tmdb_rating=float(tmdb_rating) if tmdb_rating is not None else None,
            tmdb_votes=tmdb_votes or 0,
            popularity=popularity or 0.0,
            sessions=sum(by_city.values()),
            member_votes=members[title_id].votes if title_id in members else 0,
            member_total=members[title_id].total if title_id in members else 0,
        )
        score = score_compute(inputs, mean=mean, parameters=parameters)
        computed.append(
            _Computed(title_id, score.score, tuple(genres.get(title_id, ())), by_city, inputs.sessions)
        )
        scores.append(
            TrendScore(
                title_id=title_id,
                score=score.score,
                recent_views=score.recent_views,
                weighted_rating=score.weighted_rating,
                popularity=inputs.popularity,
                sessions=inputs.sessions,
                computed_at=now,
            )
        )
        snapshots.append(
            TrendSnapshot(title_id=title_id, day=today, score=score.score, views=views_today.get(title_id, 0))
        )
    return computed, scores, snapshots


def _board_scores(computed: list[_Computed]) -> dict[str, dict[int, float]]:
    parameters = ScoreParameters.from_settings()
    by_board: dict[str, dict[int, float]] = {GLOBAL: {}}
    for item in computed:
        by_board[GLOBAL][item.title_id] = item.score
        for genre in item.genres:
            by_board.setdefault(genre_board(genre), {})[item.title_id] = item.score
        for city, count in item.sessions_by_city.items():
            city_score = (
                item.score - sessions_term(item.sessions, parameters) + sessions_term(count, parameters)
            )
            by_board.setdefault(city_board(city), {})[item.title_id] = city_score
    return by_board


def _top_ids(board: str) -> list[int]:
    return [entry.title_id for entry in board_top(board=board, count=TOP_SIZE)]


def scores_recompute(*, title_ids: Iterable[int]) -> list[str]:
    """Recompute these titles' scores, store them and today's snapshot, update the boards.

    Returns the boards whose top 10 changed; each got one `trend` event.
    """
    ids = sorted(set(title_ids))
    if not ids:
        return []
    computed, scores, snapshots = _scores_compute(ids)
    by_board = _board_scores(computed)
    before = {board: _top_ids(board) for board in by_board}
    with transaction.atomic():
        TrendScore.objects.bulk_create(
            scores,
            update_conflicts=True,
            unique_fields=["title"],
            update_fields=[
                "score",
                "recent_views",
                "weighted_rating",
                "popularity",
                "sessions",
                "computed_at",
            ],
        )
        TrendSnapshot.objects.bulk_create(
            snapshots, update_conflicts=True, unique_fields=["title", "day"], update_fields=["score", "views"]
        )
    store = boards()
    for board, board_scores in by_board.items():
        try:
            store.update(board, board_scores)
        except BoardsUnavailable:
            break  # the database has the scores; readers rank from it until Redis is back
    changed = []
    with transaction.atomic():
        for board in by_board:
            after = board_top(board=board, count=TOP_SIZE)
            if [entry.title_id for entry in after] == before[board]:
                continue
            changed.append(board)
            imdb_ids = dict(
                Title.objects.filter(pk__in=[e.title_id for e in after]).values_list("pk", "imdb_id")
            )
            gone = {e.title_id for e in after} - set(imdb_ids)
            if gone:
                # Titles deleted from the catalog since Redis ranked them: off the board.
                with contextlib.suppress(BoardsUnavailable):
                    store.update(board, {}, removed=gone)
            top = [
                TrendEntry(imdb_id=imdb_ids[e.title_id], score=round(e.score, 4))
                for e in after
                if e.title_id in imdb_ids
            ]
            trend_event_publish(TrendPayload(board=board, top=top))
    return changed


def scores_refresh() -> int:
    """Recompute every title with a score or recent views (views age even when nobody looks)."""
    since = views_day().toordinal() - settings.TRENDS_VIEWS_WINDOW_DAYS
    ids = set(TrendScore.objects.values_list("title_id", flat=True))
    ids |= set(
        TitleViews.objects.filter(day__gte=date.fromordinal(since))
        .values_list("title_id", flat=True)
        .distinct()
    )
    for start in range(0, len(ids), 1000):
        scores_recompute(title_ids=sorted(ids)[start : start + 1000])
    return len(ids)


# --- Members' ratings --------------------------------------------------------------


def member_rating_change(*, title_id: int, before: int | None, after: int | None) -> None:
    """A member's rating of a title went from `before` to `after` (None: no rating); the title's
    score follows after the commit. Only the count and the sum are kept, never who rated."""
    if before == after:
        return
    votes_delta = (after is not None) - (before is not None)
    total_delta = (after or 0) - (before or 0)
    with transaction.atomic():
        MemberRatings.objects.get_or_create(title_id=title_id)
        MemberRatings.objects.filter(title_id=title_id).update(
            votes=F("votes") + votes_delta, total=F("total") + total_delta
        )
    transaction.on_commit(lambda: _scores_recompute_enqueue(title_id))


def _scores_recompute_enqueue(title_id: int) -> None:
    from apps.trends.tasks import scores_recompute_task  # the tasks module imports this one

    scores_recompute_task.delay([title_id])


# --- Registrations -------------------------------------------------------------


def registration_create(*, tmdb_id: int | None = None, imdb_id: str | None = None) -> Registration:
    """Follow a title by its TMDB (movie) or IMDb id; the same id again returns the same registration.

    A new registration, or one that failed or was missing at TMDB, is (re)fetched by a task.
    """
    from apps.trends.tasks import registration_fetch_task

    lookup = {"tmdb_id": tmdb_id} if tmdb_id is not None else {"imdb_id": imdb_id}
    try:
        with transaction.atomic():
            registration, created = Registration.objects.get_or_create(**lookup)
    except IntegrityError:  # registered at the same moment by another request
        registration, created = Registration.objects.get(**lookup), False
    if created or registration.status in (Registration.Status.FAILED, Registration.Status.MISSING):
        if not created:
            registration.status = Registration.Status.PENDING
            registration.save(update_fields=["status", "updated_at"])
        transaction.on_commit(lambda: registration_fetch_task.delay(registration.pk))
    return registration


def registration_refetch(*, registration: Registration) -> None:
    """Ask TMDB again about a registration whatever its status (the admin's action)."""
    from apps.trends.tasks import registration_fetch_task

    registration.status = Registration.Status.PENDING
    registration.save(update_fields=["status", "updated_at"])
    transaction.on_commit(lambda: registration_fetch_task.delay(registration.pk))


def _registration_end(registration: Registration, status: str, error: str = "") -> Registration:
    registration.status = status
    registration.last_error = error
    if status == Registration.Status.MISSING:
        registration.title = None  # gone from TMDB: no longer followed, kept only to say so
    registration.save(update_fields=["status", "last_error", "title", "updated_at"])
    logger.info("trends_registration", id=registration.pk, status=status, error=error)
    return registration


def registration_failed(*, registration_id: int, error: str, final: bool = True) -> None:
    """Note why TMDB could not be asked; `final` gives up, else it stays pending for a retry."""
    registration = Registration.objects.get(pk=registration_id)
    status = Registration.Status.FAILED if final else Registration.Status.PENDING
    _registration_end(registration, status, error)


def _stored_imdb_id(registration: Registration) -> str | None:
    """The IMDb id of the catalog title a registration names, when the catalog has it."""
    if registration.imdb_id is not None:
        return registration.imdb_id if Title.objects.filter(imdb_id=registration.imdb_id).exists() else None
    titles = Title.objects.filter(tmdb_id=registration.tmdb_id).exclude(title_type__in=SERIES_TYPES)
    return titles.order_by("pk").values_list("imdb_id", flat=True).first()


def registration_fetch(*, registration_id: int) -> Registration:
    """Ask TMDB about a registration's title, store it through the catalog, link it, schedule its score.

    TMDB not knowing the id leaves a `missing` tombstone (polling says so; registering again
    asks again); a refused key is `failed` with the reason. TmdbUnavailable (timeouts, 429s
    and 5xx the client's retries did not get past) propagates for the task to retry.
    """
    from apps.trends.tasks import scores_recompute_task

    registration = Registration.objects.get(pk=registration_id)
    try:
        # A title the catalog has is enriched straight away (TMDB's /find, then details); a
        # new one the catalog creates from TMDB (and enriches) first.
        imdb_id = _stored_imdb_id(registration)
        if imdb_id is None:
            title = tmdb_title_add(tmdb_id=registration.tmdb_id, imdb_id=registration.imdb_id or "")
            if title is None and registration.tmdb_id is None:
                raise TmdbNotFound(f"/find/{registration.imdb_id}: no title")
            if title is None:
                return _registration_end(
                    registration, Registration.Status.FAILED, "TMDB knows no IMDb id for it"
                )
            if title.tmdb_checked_at is None:  # created, but its enrichment failed
                raise TmdbUnavailable(f"{title.imdb_id}: TMDB failed while it was being added")
            imdb_id = title.imdb_id
        else:
            report = tmdb_titles_enrich(imdb_ids=[imdb_id])
            if report.failed:
                raise TmdbUnavailable("; ".join(report.problems) or "TMDB failed")
            if report.not_found:
                return _registration_end(registration, Registration.Status.MISSING, "TMDB no longer has it")
    except TmdbNotFound as exc:
        return _registration_end(registration, Registration.Status.MISSING, str(exc))
    except TmdbNotConfigured as exc:
        return _registration_end(registration, Registration.Status.FAILED, str(exc))
    title = Title.objects.get(imdb_id=imdb_id)
    registration.title = title
    # The other id too, unless another registration already follows the title by it.
    if (
        registration.tmdb_id is None
        and title.tmdb_id is not None
        and not Registration.objects.filter(tmdb_id=title.tmdb_id).exists()
    ):
        registration.tmdb_id = title.tmdb_id
    if registration.imdb_id is None and not Registration.objects.filter(imdb_id=imdb_id).exists():
        registration.imdb_id = imdb_id
    registration.save(update_fields=["title", "tmdb_id", "imdb_id", "updated_at"])
    _registration_end(registration, Registration.Status.READY)
    transaction.on_commit(lambda: scores_recompute_task.delay([title.pk]))
    return registration

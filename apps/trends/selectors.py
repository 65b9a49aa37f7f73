"""Reads for the trends app: ids to titles, leaderboards (Redis, else the database), inputs of the score."""

import contextlib
import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import structlog
from django.conf import settings
from django.core.cache import cache
from django.db.models import Avg, Case, Count, Q, Sum, When
from django.utils import timezone

from apps.catalog.models import Title
from apps.catalog.selectors import display_akas, title_display_name, titles_by_ids, titles_by_pks
from apps.trends.boards import GLOBAL, BoardsUnavailable, boards
from apps.trends.charts import ChartDay
from apps.trends.errors import RegistrationNotFound, TitleUnknown
from apps.trends.models import Registration, TitleViews, TrendScore, TrendSnapshot
from apps.trends.scoring import ScoreParameters, sessions_term

logger = structlog.get_logger(__name__)

SERIES_TYPES = ("tvSeries", "tvMiniSeries")
MEAN_RATING_KEY = "trends:catalog-mean-rating"
MEAN_RATING_SECONDS = 60 * 60
# Ids never change their title, so every process keeps the ones it has resolved (positive
# answers only: an unknown id may be registered a moment later).
_RESOLVED_MAX = 200_000
_resolved: dict[tuple[str, object], int] = {}
_resolved_lock = threading.Lock()


@dataclass(frozen=True)
class BoardEntry:
    title_id: int
    score: float


@dataclass(frozen=True)
class RankedTitle:
    rank: int
    title: Title
    score: float


def title_id_resolve(*, tmdb_id: int | None = None, imdb_id: str | None = None) -> int:
    """The catalog id of the title with this TMDB or IMDb id; TitleUnknown when there is none."""
    key = ("tmdb", tmdb_id) if tmdb_id is not None else ("imdb", imdb_id)
    found = _resolved.get(key)
    if found is not None:
        return found
    if tmdb_id is not None:
        # TMDB numbers movies and series apart, so one id may name one of each: the API's
        # tmdb_id is a movie's, as registration reads it.
        titles = Title.objects.filter(tmdb_id=tmdb_id).order_by(
            Case(When(title_type__in=SERIES_TYPES, then=1), default=0), "pk"
        )
    else:
        titles = Title.objects.filter(imdb_id=imdb_id)
    title_id = titles.values_list("pk", flat=True).first()
    if title_id is None:
        raise TitleUnknown(
            f"no title with {key[0]} id {key[1]}: register it first (POST /api/movies/register)"
        )
    with _resolved_lock:
        if len(_resolved) >= _RESOLVED_MAX:
            _resolved.clear()
        _resolved[key] = title_id
    return title_id


def registration_get(*, registration_id: int) -> Registration:
    try:
        return Registration.objects.select_related("title").get(pk=registration_id)
    except Registration.DoesNotExist:
        raise RegistrationNotFound(f"no registration {registration_id}") from None


def catalog_mean_rating() -> float | None:
    """C of the weighted rating: the mean IMDb rating over the catalog, asked at most hourly."""
    mean = cache.get(MEAN_RATING_KEY)
    if mean is None:
        mean = Title.objects.filter(rating__isnull=False).aggregate(mean=Avg("rating"))["mean"]
        mean = float(mean) if mean is not None else -1.0
        cache.set(MEAN_RATING_KEY, mean, MEAN_RATING_SECONDS)
    return None if mean < 0 else mean


def week_bounds(now: datetime | None = None) -> tuple[datetime, datetime]:
    """This week for showtimes: from the start of today (the site's zone) for seven days."""
    now = timezone.localtime(now)
    start = timezone.make_aware(datetime.combine(now.date(), time.min), now.tzinfo)
    return start, start + timedelta(days=7)


def sessions_this_week(*, title_ids: list[int] | None = None) -> dict[int, dict[str, int]]:
    """Sessions not cancelled this week, by title id and city slug (showtimes' tables, read only)."""
    from apps.showtimes.models import Session

    start, end = week_bounds()
    sessions = Session.objects.filter(
        starts_at__gte=start, starts_at__lt=end, cancelled_at__isnull=True, movie__title__isnull=False
    )
    if title_ids is not None:
        sessions = sessions.filter(movie__title_id__in=title_ids)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    rows = sessions.values("movie__title_id", "movie__location__slug").annotate(count=Count("pk")).order_by()
    for row in rows:
        counts[row["movie__title_id"]][row["movie__location__slug"]] = row["count"]
    return dict(counts)


def views_by_age(*, title_ids: list[int], today: date, window_days: int) -> dict[int, dict[int, int]]:
    """Flushed views of these titles in the window, by title id and age in days."""
    since = today - timedelta(days=window_days - 1)
    rows = TitleViews.objects.filter(title_id__in=title_ids, day__gte=since, day__lte=today).values_list(
        "title_id", "day", "views"
    )
    found: dict[int, dict[int, int]] = defaultdict(dict)
    for title_id, day, views in rows:
        found[title_id][(today - day).days] = views
    return dict(found)


def views_of_day(*, title_ids: list[int], day: date) -> dict[int, int]:
    rows = TitleViews.objects.filter(title_id__in=title_ids, day=day).values_list("title_id", "views")
    return dict(rows)


def title_views_total(*, title_id: int) -> int:
    return TitleViews.objects.filter(title_id=title_id).aggregate(total=Sum("views"))["total"] or 0


def board_top_from_db(*, board: str, count: int) -> list[BoardEntry]:
    """A board ranked from TrendScore: the truth, when Redis cannot say."""
    kind, _, name = board.partition(":")
    scores = TrendScore.objects.order_by("-score", "title_id")
    if kind == "genre":
        scores = scores.filter(title__genres__name=name)
    elif kind == "city":
        start, end = week_bounds()
        in_city = Q(
            movie__location__slug=name,
            starts_at__gte=start,
            starts_at__lt=end,
            cancelled_at__isnull=True,
        )
        from apps.showtimes.models import Session

        city_counts = dict(
            Session.objects.filter(in_city, movie__title__isnull=False)
            .values("movie__title_id")
            .annotate(count=Count("pk"))
            .order_by()
            .values_list("movie__title_id", "count")
        )
        parameters = ScoreParameters.from_settings()
        rows = TrendScore.objects.filter(title_id__in=list(city_counts)).values_list(
            "title_id", "score", "sessions"
        )
        ranked = sorted(
            (
                BoardEntry(
                    title_id,
                    score
                    - sessions_term(sessions, parameters)
                    + sessions_term(city_counts[title_id], parameters),
                )
                for title_id, score, sessions in rows
            ),
            key=lambda entry: (-entry.score, entry.title_id),
        )
        return ranked[:count]
    elif kind != GLOBAL:
        return []
    return [
        BoardEntry(title_id, score) for title_id, score in scores.values_list("title_id", "score")[:count]
    ]


def board_top(*, board: str, count: int = 10) -> list[BoardEntry]:
    """The board's best `count` titles: from Redis, else (down, or no copy yet) from the database."""
    store = boards()
    try:
        rows = store.top(board, count)
    except BoardsUnavailable:
        return board_top_from_db(board=board, count=count)
    if rows is not None:
        return [BoardEntry(title_id, score) for title_id, score in rows]
    entries = board_top_from_db(board=board, count=max(count, _board_size()))
    # Redis lost its copy (a restart): put it back for the next reader.
    with contextlib.suppress(BoardsUnavailable):
        store.replace(board, {entry.title_id: entry.score for entry in entries})
    return entries[:count]


def _board_size() -> int:
    return settings.TRENDS_BOARD_SIZE


def board_titles(*, board: str, count: int = 10) -> list[RankedTitle]:
    """The board's best titles with their catalog rows (genres and display names read with
    them), best first: four queries at most."""
    entries = board_top(board=board, count=count)
    titles = Title.objects.prefetch_related("genres", display_akas()).in_bulk(
        [entry.title_id for entry in entries]
    )
    ranked = [entry for entry in entries if entry.title_id in titles]
    return [
        RankedTitle(rank, titles[entry.title_id], entry.score) for rank, entry in enumerate(ranked, start=1)
    ]


@dataclass(frozen=True)
class TrendPoint:
    day: date
    score: float
    views: int


def title_trend_history(*, title_id: int, days: int = 30) -> list[TrendPoint]:
    """A title's daily score and views, oldest first (for a chart or a sparkline)."""
    since = timezone.now().date() - timedelta(days=days - 1)
    rows = (
        TrendSnapshot.objects.filter(title_id=title_id, day__gte=since)
        .order_by("day")
        .values_list("day", "score", "views")
    )
    return [TrendPoint(day, score, views) for day, score, views in rows]


# --- The dashboard and the charts ----------------------------------------------

CHART_DAYS = 30  # how far back a title's chart and sparklines reach
WEEK_DAYS = 7


def trend_days(
    *, title_ids: list[int], days: int = CHART_DAYS, current_scores: dict[int, float] | None = None
) -> dict[int, list[ChartDay]]:
    """Each title's days from its first with data (at most `days` ago) to today, two queries in all.

    Scores are the daily snapshots; views are TitleViews, the truth of every day (a batch
    flushed after midnight adds to yesterday's row but writes today's snapshot). A title
    whose score was not recomputed today gets today's from `current_scores`, when given.
    Titles without any data in the window are left out.
    """
    today = timezone.now().date()
    since = today - timedelta(days=days - 1)
    scores: dict[int, dict[date, float]] = defaultdict(dict)
    views: dict[int, dict[date, int]] = defaultdict(dict)
    for title_id, day, score in TrendSnapshot.objects.filter(
        title_id__in=title_ids, day__gte=since, day__lte=today
    ).values_list("title_id", "day", "score"):
        scores[title_id][day] = score
    for title_id, day, count in TitleViews.objects.filter(
        title_id__in=title_ids, day__gte=since, day__lte=today
    ).values_list("title_id", "day", "views"):
        views[title_id][day] = count
    for title_id, score in (current_scores or {}).items():
        scores[title_id].setdefault(today, score)
    found = {}
    for title_id in title_ids:
        known = set(scores.get(title_id, {})) | set(views.get(title_id, {}))
        if not known:
            continue
        first = min(known)
        found[title_id] = [
            ChartDay(
                day,
                scores.get(title_id, {}).get(day),
                views.get(title_id, {}).get(day, 0),
            )
            for day in (first + timedelta(days=offset) for offset in range((today - first).days + 1))
        ]
    return found


@dataclass(frozen=True)
class BoardRow:
    """A line of the dashboard: a ranked title with its numbers and recent days."""

    rank: int
    title: Title
    name: str
    score: float
    views_today: int
    views_week: int
    days: list[ChartDay]


def _views_in_last(days: list[ChartDay], count: int) -> int:
    since = timezone.now().date() - timedelta(days=count - 1)
    return sum(day.views for day in days if day.day >= since)


def _titles_of_genre(title_ids: list[int], genre: str) -> set[int]:
    return set(
        Title.genres.through.objects.filter(title_id__in=title_ids, genre__name=genre).values_list(
            "title_id", flat=True
        )
    )


def board_rows(*, board: str, count: int, language: str, genre: str | None = None) -> list[BoardRow]:
    """The board's best `count` titles for the dashboard, in a fixed number of queries.

    `genre` narrows a board that is not a genre's own (a city's) to that genre's titles.
    """
    if genre is None:
        entries = board_top(board=board, count=count)
    else:
        entries = board_top(board=board, count=max(count, _board_size()))
        of_genre = _titles_of_genre([entry.title_id for entry in entries], genre)
        entries = [entry for entry in entries if entry.title_id in of_genre][:count]
    ids = [entry.title_id for entry in entries]
    titles = titles_by_pks(pks=ids)
    history = trend_days(title_ids=ids)
    rows = []
    for entry in entries:
        title = titles.get(entry.title_id)
        if title is None:  # deleted since the board was written
            continue
        days = history.get(entry.title_id, [])
        rows.append(
            BoardRow(
                rank=len(rows) + 1,
                title=title,
                name=title_display_name(title=title, language=language),
                score=entry.score,
                views_today=_views_in_last(days, 1),
                views_week=_views_in_last(days, WEEK_DAYS),
                days=days,
            )
        )
    return rows


@dataclass(frozen=True)
class TitleTrend:
    """A title's trend page: its score's components (None before the first) and its days."""

    title: Title
    name: str
    score: TrendScore | None
    days: list[ChartDay]
    views_today: int
    views_week: int


def title_trend(*, imdb_id: str, language: str, days: int = CHART_DAYS) -> TitleTrend:
    """A catalog title's trend; TitleUnknown when the catalog has no such title."""
    found = titles_by_ids(imdb_ids=[imdb_id])
    if not found:
        raise TitleUnknown(f"no title with IMDb id {imdb_id}")
    title = found[0]
    score = TrendScore.objects.filter(title_id=title.pk).first()
    current = {title.pk: score.score} if score is not None else None
    history = trend_days(title_ids=[title.pk], days=days, current_scores=current).get(title.pk, [])
    return TitleTrend(
        title=title,
        name=title_display_name(title=title, language=language),
        score=score,
        days=history,
        views_today=_views_in_last(history, 1),
        views_week=_views_in_last(history, WEEK_DAYS),
    )


@dataclass(frozen=True)
class TitleSparkline:
    score: float
    days: list[ChartDay]


def title_sparkline(*, title_id: int, days: int = CHART_DAYS) -> TitleSparkline | None:
    """A title's current score and its last days' scores, or None before it has a score."""
    score = TrendScore.objects.filter(title_id=title_id).values_list("score", flat=True).first()
    if score is None:
        return None
    history = trend_days(title_ids=[title_id], days=days, current_scores={title_id: score})
    return TitleSparkline(score=score, days=history.get(title_id, []))


@dataclass(frozen=True)
class TitleViewsTotal:
    imdb_id: str
    name: str
    views: int


def titles_most_viewed(*, since: date, language: str, limit: int = 20) -> list[TitleViewsTotal]:
    """Titles by views counted (API and title pages) from `since` on, most viewed first."""
    rows = list(
        TitleViews.objects.filter(day__gte=since)
        .values("title_id")
        .annotate(total=Sum("views"))
        .order_by("-total", "title_id")[:limit]
    )
    titles = titles_by_pks(pks=[row["title_id"] for row in rows])
    return [
        TitleViewsTotal(title.imdb_id, title_display_name(title=title, language=language), row["total"])
        for row in rows
        if (title := titles.get(row["title_id"])) is not None
    ]


def trend_score_get(*, title_id: int) -> TrendScore | None:
    """The title's current score, or None before its first computation."""
    return TrendScore.objects.filter(title_id=title_id).first()

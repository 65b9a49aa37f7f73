"""Register a title to follow and count its views (django-ninja, under /api/ and /api/v1/); in
v1 also the leaderboards and a title's trend history."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import Path, Query, Router, Status

from apps.catalog.api_out import title_summary_out
from apps.showtimes.events import CITY_TAG
from apps.trends.boards import GLOBAL, city_board, genre_board
from apps.trends.events import GENRE_TAG
from apps.trends.models import IMDB_ID_PATTERN, Registration
from apps.trends.schemas import (
    BoardOut,
    BoardQuery,
    RankedTitleOut,
    RegistrationOut,
    TitleIdIn,
    TitleTrendOut,
    TitleTrendQuery,
    TrendDayOut,
    ViewOut,
)
from apps.trends.selectors import (
    board_titles,
    registration_get,
    title_id_resolve,
    title_trend_history,
    trend_score_get,
)
from apps.trends.services import registration_create, view_count
from cinestream.api_schemas import ErrorOut, ValidationErrorOut
from cinestream.api_versions import api_url
from cinestream.language import api_language

router = Router(tags=["trends"])
# Only under /api/v1/ (cinestream/api.py).
v1_router = Router(tags=["trends"])


def _registration_out(request: HttpRequest, registration: Registration) -> RegistrationOut:
    return RegistrationOut(
        id=registration.pk,
        status=registration.status,
        tmdb_id=registration.tmdb_id,
        imdb_id=registration.imdb_id,
        title_imdb_id=registration.title.imdb_id if registration.title else None,
        last_error=registration.last_error,
        poll=api_url(request, "registration_status", registration.pk),
    )


@router.post(
    "/movies/register",
    response={202: RegistrationOut, 422: ValidationErrorOut},
    summary="Follow a title by its TMDB or IMDb id",
)
def register_movie(request: HttpRequest, response: HttpResponse, payload: TitleIdIn):
    """Accepted at once; a task asks TMDB. The same id again answers with the same registration."""
    registration = registration_create(tmdb_id=payload.tmdb_id, imdb_id=payload.imdb_id)
    response["Location"] = api_url(request, "registration_status", registration.pk)
    return Status(202, _registration_out(request, registration))


@router.get(
    "/movies/register/{registration_id}",
    response={200: RegistrationOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="A registration's status",
)
def registration_status(request: HttpRequest, registration_id: int = Path(..., ge=1, le=2**63 - 1)):
    registration = registration_get(registration_id=registration_id)
    return Status(200, _registration_out(request, registration))


@router.post(
    "/movies/view",
    response={202: ViewOut, 404: ErrorOut, 422: ValidationErrorOut, 503: ErrorOut},
    summary="Count a view of a title",
)
def view_movie(request: HttpRequest, payload: TitleIdIn):
    """Counted without a database write; 404 for an id no catalog title has, 503 if not counted."""
    view_count(title_id=title_id_resolve(tmdb_id=payload.tmdb_id, imdb_id=payload.imdb_id))
    return Status(202, ViewOut(counted=True))


@router.post("/movies/view-baseline", response={202: ViewOut, 404: ErrorOut}, include_in_schema=False)
def view_baseline(request: HttpRequest, payload: TitleIdIn):
    """bench/views.py's baseline: the same parsing, no counting; exists only with DEBUG on."""
    if not settings.DEBUG:
        return Status(404, ErrorOut(code="not_found", message="not found"))
    return Status(202, ViewOut(counted=False))


def _board_out(request: HttpRequest, board: str, query: BoardQuery) -> BoardOut:
    language = api_language(request, query.lang)
    return BoardOut(
        board=board,
        titles=[
            RankedTitleOut(
                rank=ranked.rank, score=ranked.score, title=title_summary_out(ranked.title, language=language)
            )
            for ranked in board_titles(board=board, count=query.limit)
        ],
    )


@v1_router.get(
    "/trends",
    response={200: BoardOut, 422: ValidationErrorOut},
    summary="The global trend leaderboard",
)
def get_board(request: HttpRequest, query: Query[BoardQuery]) -> BoardOut:
    """The most trending titles, best first, with their scores (how a score is made: /trends/about)."""
    return _board_out(request, GLOBAL, query)


@v1_router.get(
    "/trends/genres/{genre}",
    response={200: BoardOut, 422: ValidationErrorOut},
    summary="A genre's trend leaderboard",
)
def get_genre_board(
    request: HttpRequest,
    query: Query[BoardQuery],
    genre: str = Path(..., pattern=f"^(?:{GENRE_TAG.pattern})$"),
) -> BoardOut:
    """The genre's most trending titles, best first; an unknown genre's board is empty."""
    return _board_out(request, genre_board(genre), query)


@v1_router.get(
    "/trends/cities/{slug}",
    response={200: BoardOut, 422: ValidationErrorOut},
    summary="A city's trend leaderboard",
)
def get_city_board(
    request: HttpRequest, query: Query[BoardQuery], slug: str = Path(..., pattern=f"^(?:{CITY_TAG.pattern})$")
) -> BoardOut:
    """What is trending where it plays in the city: its sessions this week weigh in; an unknown
    city's board is empty."""
    return _board_out(request, city_board(slug), query)


@v1_router.get(
    "/titles/{imdb_id}/trend",
    response={200: TitleTrendOut, 404: ErrorOut, 422: ValidationErrorOut},
    summary="A title's trend score and its daily history",
)
def get_title_trend(
    request: HttpRequest, query: Query[TitleTrendQuery], imdb_id: str = Path(..., pattern=IMDB_ID_PATTERN)
) -> TitleTrendOut:
    title_id = title_id_resolve(imdb_id=imdb_id)
    score = trend_score_get(title_id=title_id)
    return TitleTrendOut(
        imdb_id=imdb_id,
        score=score.score if score else None,
        computed_at=score.computed_at if score else None,
        history=[
            TrendDayOut(day=point.day, score=point.score, views=point.views)
            for point in title_trend_history(title_id=title_id, days=query.days)
        ],
    )

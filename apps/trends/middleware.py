"""Counts a view when a title page is shown, without the catalog knowing the trends app."""

from collections.abc import Callable
from inspect import iscoroutinefunction

import structlog
from asgiref.sync import sync_to_async
from django.http import HttpRequest, HttpResponse
from django.utils.decorators import sync_and_async_middleware

from apps.trends.counters import CounterUnavailable
from apps.trends.errors import TitleUnknown
from apps.trends.selectors import title_id_resolve
from apps.trends.services import title_page_viewed

logger = structlog.get_logger(__name__)
TITLE_PAGE = "catalog:detail"


def _is_title_page(request: HttpRequest, response: HttpResponse) -> bool:
    match = getattr(request, "resolver_match", None)
    return bool(
        request.method == "GET" and response.status_code == 200 and match and match.view_name == TITLE_PAGE
    )


def _title_page_count(request: HttpRequest) -> None:
    try:
        title_page_viewed(
            title_id=title_id_resolve(imdb_id=request.resolver_match.kwargs["imdb_id"]),
            address=request.META.get("REMOTE_ADDR", ""),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except (TitleUnknown, CounterUnavailable) as exc:
        # The page was shown; a view that cannot be counted must not break it.
        logger.warning("trends_page_view_not_counted", error=str(exc))


@sync_and_async_middleware
def title_page_views_middleware(get_response: Callable) -> Callable:
    """Works in sync and async stacks, like the project's other middleware."""
    if iscoroutinefunction(get_response):

        async def middleware(request: HttpRequest) -> HttpResponse:
            response = await get_response(request)
            if _is_title_page(request, response):
                await sync_to_async(_title_page_count)(request)
            return response

    else:

        def middleware(request: HttpRequest) -> HttpResponse:
            response = get_response(request)
            if _is_title_page(request, response):
                _title_page_count(request)
            return response

    return middleware

"""Counts the site's pages as they are served (apps/analytics/services.page_view_count)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from apps.analytics.services import page_view_count

# Machinery, not pages a visitor reads.
NOT_PAGES = ("/static/", "/api/", "/admin/", "/healthz", "/favicon")


def _is_page(request: HttpRequest, response: HttpResponse) -> bool:
    return (
        request.method == "GET"
        and response.status_code == 200
        and response.get("Content-Type", "").startswith("text/html")
        and not request.path_info.startswith(NOT_PAGES)
    )


def page_views_middleware(get_response: Callable) -> Callable:
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if _is_page(request, response):
            page_view_count(
                path=request.path_info,  # without a deployment prefix such as /cinestream
                address=request.META.get("REMOTE_ADDR", ""),
                user_agent=request.headers.get("User-Agent", ""),
            )
        return response

    return middleware

"""Middleware that shapes how Django runs the request stack under ASGI."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


def one_thread_middleware(get_response: Callable) -> Callable:
    """Innermost and sync-only, so Django runs the whole middleware stack in one thread.

    Under ASGI, Django runs an async-capable stack on the event loop, and there each
    MiddlewareMixin (sessions, CSRF, auth, messages…) calls its hooks through
    sync_to_async: about a dozen thread hand-offs per request, which cost more than the
    hooks themselves (bench/views.py). A sync-only middleware innermost makes every
    middleware above it run sync: one hand-off in, one to reach the view.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        return get_response(request)

    return middleware

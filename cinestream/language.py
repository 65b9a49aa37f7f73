"""Language choice: a signed-in person's profile language, else the visitor's UA/EN/RU switch,
else Ukrainian.

Django's LocaleMiddleware would fall back to the browser's Accept-Language; CineStream
is Ukrainian first, so a visitor sees Ukrainian until they pick another language, and
the pick (a cookie set by Django's set_language view) is remembered across visits. Signing
in puts the profile's language into the session (apps/accounts/signals.py), where it wins
over the cookie on any device the person uses.
"""

from collections.abc import Callable
from inspect import iscoroutinefunction

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.decorators import sync_and_async_middleware

# The signed-in person's profile language, kept in their session.
SESSION_LANGUAGE_KEY = "profile_language"


def language_from_request(request: HttpRequest) -> str:
    """The supported language the person or visitor chose, or LANGUAGE_CODE for anything else."""
    # No session yet when the sign-in limit answers "busy" (outermost middleware).
    session = getattr(request, "session", None)
    chosen = (session.get(SESSION_LANGUAGE_KEY, "") if session is not None else "") or request.COOKIES.get(
        settings.LANGUAGE_COOKIE_NAME, ""
    )
    try:
        return translation.get_supported_language_variant(chosen) if chosen else settings.LANGUAGE_CODE
    except LookupError:
        return settings.LANGUAGE_CODE


def _language_activate(request: HttpRequest) -> str:
    language = language_from_request(request)
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return language


def _language_mark(response: HttpResponse, language: str) -> HttpResponse:
    patch_vary_headers(response, ("Cookie",))
    response.headers.setdefault("Content-Language", language)
    return response


@sync_and_async_middleware
def language_middleware(get_response: Callable) -> Callable:
    """Activate the visitor's language for the request; works in sync and async stacks."""
    if iscoroutinefunction(get_response):

        async def middleware(request: HttpRequest) -> HttpResponse:
            language = _language_activate(request)
            return _language_mark(await get_response(request), language)

    else:

        def middleware(request: HttpRequest) -> HttpResponse:
            language = _language_activate(request)
            return _language_mark(get_response(request), language)

    return middleware


def api_language(request: HttpRequest, asked: str) -> str:
    """The language an API reply names things in: `asked` (a `lang` parameter) when given,
    else the site's language cookie, else what the client accepts."""
    return asked or translation.get_language_from_request(request)

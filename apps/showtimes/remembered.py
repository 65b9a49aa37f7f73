"""The city a visitor last opened, so that /showtimes/ and title pages open on it.

A signed-in person's is kept in their session (sign-in puts the profile's home city there). A
visitor's is kept in a cookie that the city page's script writes (static/js/showtimes-live.js),
not the server: the city page then sets no cookie, so it is the same page for every visitor
and the page cache (core/page_cache.py) can serve it. Picking a city in the form sets the
cookie from the server, so picking remembers without JavaScript too.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponse

CITY_SESSION_KEY = "showtimes_city"
CITY_COOKIE = "showtimes_city"
CITY_COOKIE_AGE = 365 * 24 * 60 * 60
SLUG_MAX = 100


def remembered_city_slug(request: HttpRequest) -> str:
    """The session's city (a signed-in person's), else the visitor's cookie, else ""."""
    return request.session.get(CITY_SESSION_KEY, "") or request.COOKIES.get(CITY_COOKIE, "")[:SLUG_MAX]


def city_remember(request: HttpRequest, slug: str) -> None:
    """Remember the city a signed-in person opened (a visitor's script does it for them)."""
    if request.user.is_authenticated and request.session.get(CITY_SESSION_KEY) != slug:
        request.session[CITY_SESSION_KEY] = slug


def city_cookie_set(response: HttpResponse, slug: str) -> HttpResponse:
    """The visitor's pick, remembered by the server: the picker's redirect sets it."""
    response.set_cookie(
        CITY_COOKIE,
        slug,
        max_age=CITY_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    return response

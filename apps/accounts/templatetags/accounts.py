"""Tags other apps' templates load by name: `title_marks` (the title page's rating, "seen",
watchlist and alert forms), `session_calendar` (a session's "+ My calendar" button),
`city_save` (a city page's "save city" button) and `my_cities_first` (the showtimes index's
"your cities").

The catalog and showtimes import nothing of accounts (dependencies point accounts → them);
their templates ask this library by name instead.
"""

from django import template
from django.conf import settings
from django.http import HttpRequest

from apps.accounts.calendar_feed import marked_session_ids
from apps.accounts.models import RATING_MAX, RATING_MIN
from apps.accounts.saved_cities import MyCity, my_cities
from apps.accounts.selectors import film_alert_get, title_mark_get
from apps.catalog.models import Title
from apps.showtimes.models import Location, Session
from apps.showtimes.selectors import location_titles_this_week

register = template.Library()


@register.inclusion_tag("accounts/_title_marks.html", takes_context=True)
def title_marks(context: template.Context, title: Title) -> dict:
    """`{% title_marks title %}`: the signed-in person's marks on the title, or an invitation."""
    request = context["request"]
    user = request.user
    mark = title_mark_get(user=user, title_id=title.pk) if user.is_authenticated else None
    alert = None
    plays_at_home = False
    if user.is_authenticated and user.home_city_id is not None:
        alert = film_alert_get(user=user, title_id=title.pk)
        plays_at_home = bool(
            location_titles_this_week(
                location=user.home_city, title_ids=[title.pk], days=settings.SHOWTIMES_HORIZON_DAYS + 1
            )
        )
    return {
        "alert": alert,
        "plays_at_home": plays_at_home,
        "request": request,
        "user": user,
        "title": title,
        "mark": mark,
        "scale": range(RATING_MIN, RATING_MAX + 1),
        "csrf_token": context.get("csrf_token"),
    }


# Marked session ids, read once per request however many sessions a page lists.
_MARKED_ATTR = "_accounts_marked_session_ids"


def _marked(request: HttpRequest) -> set[int]:
    if not hasattr(request, _MARKED_ATTR):
        setattr(request, _MARKED_ATTR, marked_session_ids(user=request.user))
    return getattr(request, _MARKED_ATTR)


@register.inclusion_tag("accounts/_session_calendar.html", takes_context=True)
def session_calendar(context: template.Context, session: Session) -> dict:
    """`{% session_calendar session %}`: put the session in (or out of) the person's feed."""
    request = context["request"]
    is_signed_in = request.user.is_authenticated
    return {
        "request": request,
        "session": session,
        "is_signed_in": is_signed_in,
        "is_marked": is_signed_in and session.pk in _marked(request),
        "csrf_token": context.get("csrf_token"),
    }


# The person's cities, read once per request (the city page's button and the index's list).
_CITIES_ATTR = "_accounts_my_cities"


def _cities(request: HttpRequest) -> list[MyCity]:
    if not hasattr(request, _CITIES_ATTR):
        setattr(request, _CITIES_ATTR, my_cities(user=request.user))
    return getattr(request, _CITIES_ATTR)


@register.inclusion_tag("accounts/_city_save.html", takes_context=True)
def city_save(context: template.Context, location: Location) -> dict:
    """`{% city_save location %}`: a signed-in person's "save city" button on a city's page."""
    request = context["request"]
    is_signed_in = request.user.is_authenticated
    mine = (
        next((city for city in _cities(request) if city.location.pk == location.pk), None)
        if is_signed_in
        else None
    )
    return {
        "request": request,
        "location": location,
        "is_signed_in": is_signed_in,
        "city": mine,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("accounts/_my_cities.html", takes_context=True)
def my_cities_first(context: template.Context) -> dict:
    """`{% my_cities_first %}`: the showtimes index's "your cities", before every known city."""
    request = context["request"]
    cities = _cities(request) if request.user.is_authenticated else []
    return {"cities": [city.location for city in cities if city.is_active]}

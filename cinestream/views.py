"""Site-wide pages that gather several apps."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from apps.accounts.nearby import near_you
from apps.showtimes.remembered import remembered_city_slug
from apps.showtimes.selectors import location_find
from apps.stream.selectors import event_last_id, events_recent
from core.page_cache import shared_cache

FEED_SIZE = 8
NEAR_YOU_ON_HOME = 6


@shared_cache
def home(request: HttpRequest) -> HttpResponse:
    # The feed resumes from the id read here, so nothing published meanwhile is missed.
    last_id = event_last_id()
    recent = events_recent(event_type="movie", limit=FEED_SIZE)
    # The showtimes card opens the city the visitor picked last time, if any.
    city = location_find(slug=remembered_city_slug(request))
    context = {"feed_events": recent, "feed_last_id": last_id, "showtimes_city": city}
    if request.user.is_authenticated:
        context["near"] = near_you(user=request.user, language=get_language(), limit=NEAR_YOU_ON_HOME)
    return render(request, "home.html", context)

"""Site-wide pages that gather several apps."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.stream.selectors import event_last_id, events_recent

FEED_SIZE = 8


def home(request: HttpRequest) -> HttpResponse:
    # The feed resumes from the id read here, so nothing published meanwhile is missed.
    last_id = event_last_id()
    recent = events_recent(event_type="movie", limit=FEED_SIZE)
    return render(request, "home.html", {"feed_events": recent, "feed_last_id": last_id})

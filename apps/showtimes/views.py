"""Showtimes pages: the city picker, a city's schedule by day, a movie's sessions, .ics, reports."""

import datetime
import re
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.catalog.selectors import title_display_name, titles_by_ids
from apps.showtimes.ics import session_ics
from apps.showtimes.models import Location, SessionFormat, SessionReport
from apps.showtimes.remembered import city_cookie_set, city_remember, remembered_city_slug
from apps.showtimes.selectors import (
    Language,
    ScheduleFilters,
    TimeOfDay,
    city_days,
    city_schedule,
    location_find,
    location_last_run,
    location_suggestions,
    location_today,
    location_wants_run,
    session_find,
)
from apps.showtimes.services import (
    city_slug,
    location_pick,
    location_visit,
    session_report,
    showtimes_request,
)
from apps.stream.selectors import event_last_id
from core.page_cache import shared_cache

# The visitor's city, remembered in their session.
CITY_NAME_MAX = 60
# Words of letters joined by a space, hyphen, apostrophe or dot: "Ivano-Frankivsk", "Кам'янське".
CITY_NAME = re.compile(r"[^\W\d_]+(?:(?:[ '’ʼ-]|\. ?)[^\W\d_]+)*\.?")


@shared_cache
def index(request: HttpRequest) -> HttpResponse:
    remembered = location_find(slug=remembered_city_slug(request))
    context = {"suggestions": location_suggestions(), "remembered": remembered}
    return render(request, "showtimes/index.html", context)


def pick(request: HttpRequest) -> HttpResponse:
    """The picker's GET form: a known city or any typed name, then that city's page."""
    name = " ".join(request.GET.get("city", "").split())[:CITY_NAME_MAX]
    if not name:
        messages.error(request, _("Type the name of a city."))
        return redirect("showtimes:index")
    # A new city costs a Gemini run once opened: take only what can be a city's name.
    if not CITY_NAME.fullmatch(name) or not city_slug(name):
        messages.error(request, _("No city is called “%(name)s”.") % {"name": name})
        return redirect("showtimes:index")
    location = location_pick(name=name)
    return city_cookie_set(redirect("showtimes:city", slug=location.slug), location.slug)


def _filters(request: HttpRequest, location: Location, imdb_id: str = "") -> ScheduleFilters:
    """The page's GET parameters; a value the page does not offer counts as not given."""
    today = location_today(location=location)
    try:
        day = datetime.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = today
    if not 0 <= (day - today).days < settings.SHOWTIMES_HORIZON_DAYS:
        day = today
    time_of_day = request.GET.get("time", "")
    format_ = request.GET.get("format", "")
    language = request.GET.get("language", "")
    return ScheduleFilters(
        day=day,
        time_of_day=time_of_day if time_of_day in TimeOfDay.values else "",
        format=format_ if format_ in SessionFormat.values else "",
        language=language if language in Language.values else "",
        include_unverified=request.GET.get("unverified") == "1",
        imdb_id=imdb_id,
    )


def _querystring(filters: ScheduleFilters, **changes: object) -> str:
    params = {
        "day": filters.day.isoformat(),
        "time": filters.time_of_day,
        "format": filters.format,
        "language": filters.language,
        "unverified": "1" if filters.include_unverified else "",
    }
    params.update({name: str(value) if value else "" for name, value in changes.items()})
    return urlencode({name: value for name, value in params.items() if value})


@shared_cache
def city(request: HttpRequest, slug: str, imdb_id: str = "") -> HttpResponse:
    location = location_find(slug=slug)
    if location is None:
        raise Http404(_("CineStream does not know this city yet."))
    city_remember(request, location.slug)
    location_visit(location=location)
    if location_wants_run(location=location):
        showtimes_request(location=location)
    language = get_language()
    movie_name = ""
    if imdb_id:
        titles = titles_by_ids(imdb_ids=[imdb_id])
        if not titles:
            raise Http404(_("No title with the IMDb id %(id)s.") % {"id": imdb_id})
        movie_name = title_display_name(title=titles[0], language=language)
    filters = _filters(request, location, imdb_id)
    schedule = city_schedule(location=location, filters=filters, language=language)
    days = city_days(location=location, include_unverified=filters.include_unverified, imdb_id=imdb_id)
    context = {
        "location": location,
        "suggestions": location_suggestions(),
        "filters": filters,
        "schedule": schedule,
        "days": [(day, _querystring(filters, day=day.date.isoformat())) for day in days],
        "today": days[0].date,
        "tomorrow": days[1].date,
        "is_searching": location.status in (Location.Status.QUEUED, Location.Status.SCRAPING),
        "run": location_last_run(location=location),
        "time_choices": TimeOfDay.choices,
        "format_choices": SessionFormat.choices,
        "language_choices": Language.choices,
        "show_unverified_query": _querystring(filters, unverified="1"),
        "imdb_id": imdb_id,
        "movie_name": movie_name,
        "feed_last_id": event_last_id(),
    }
    # Times and days on the page are the city's, whatever the server's zone.
    is_fragment = request.GET.get("fragment") == "1"
    with timezone.override(location.time_zone):
        response = render(
            request, "showtimes/_results.html" if is_fragment else "showtimes/city.html", context
        )
    if is_fragment or context["is_searching"]:
        # The page's script asks for the fragment when the schedule has just changed, and a
        # schedule still filling in changes by the second: never an older copy of either.
        add_never_cache_headers(response)
    return response


def session_calendar(request: HttpRequest, session_id: int) -> HttpResponse:
    session = session_find(session_id=session_id)
    if session is None:
        raise Http404(_("This session is no longer listed."))
    name = title_display_name(title=session.movie.title, language=get_language())
    body = session_ics(session=session, name=name, domain=request.get_host().split(":")[0])
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cinestream-session-{session.pk}.ics"'
    return response


def _report_allowed(request: HttpRequest) -> bool:
    """At most SHOWTIMES_REPORTS_PER_HOUR reports an hour from one visitor (session, else address)."""
    if not request.session.session_key:
        request.session.save()
    visitor = request.session.session_key or request.META.get("REMOTE_ADDR", "")
    key = f"showtimes:reports:{visitor}"
    cache.add(key, 0, timeout=60 * 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=60 * 60)
        count = 1
    return count <= settings.SHOWTIMES_REPORTS_PER_HOUR


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, session_id: int) -> HttpResponse:
    session = session_find(session_id=session_id)
    if session is None:
        raise Http404(_("This session is no longer listed."))
    location = session.movie.location
    error, status = "", 200
    if request.method == "POST":
        reason = request.POST.get("reason", "")
        if reason not in SessionReport.Reason.values:
            error, status = _("Choose what is wrong."), 400
        elif not _report_allowed(request):
            error, status = _("You have sent many reports in the last hour. Please try again later."), 429
        else:
            session_report(session=session, reason=reason, comment=request.POST.get("comment", ""))
            messages.success(
                request, _("Thank you: the report was sent, and an editor will check the session.")
            )
            with timezone.override(location.time_zone):
                day = timezone.localtime(session.starts_at).date()
            url = reverse("showtimes:city", kwargs={"slug": location.slug})
            return redirect(f"{url}?{urlencode({'day': day.isoformat()})}")
    context = {
        "session": session,
        "location": location,
        "name": title_display_name(title=session.movie.title, language=get_language()),
        "reasons": SessionReport.Reason.choices,
        "error": error,
    }
    with timezone.override(location.time_zone):
        return render(request, "showtimes/report.html", context, status=status)

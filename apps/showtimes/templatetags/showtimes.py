"""Template filters for showtimes pages (a session's language in the visitor's words), and the
`title_showtimes` tag the catalog's title page loads: the catalog imports nothing of showtimes
(dependencies point showtimes → catalog), its template asks this library by name instead."""

import datetime

from django import template
from django.utils import formats, timezone
from django.utils.timesince import timesince
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from apps.showtimes.models import Session
from apps.showtimes.remembered import remembered_city_slug
from apps.showtimes.selectors import Language, title_showtimes

register = template.Library()

# Short labels for a session chip; the filter's select uses the longer Language labels.
_SHORT = {
    Language.DUB: _("Ukrainian dub"),
    Language.SUBTITLES: _("Original, UA subtitles"),
    Language.ORIGINAL: _("Original"),
}


@register.filter
def session_language(session: Session) -> str:
    """`{{ session|session_language }}`: "Ukrainian dub", "Original with Ukrainian subtitles", …"""
    language = Language.of_session(session)
    return "" if language is None else str(_SHORT[language])


@register.filter
def session_language_code(session: Session) -> str:
    language = Language.of_session(session)
    return "" if language is None else language.value


# Django's English TIME_FORMAT ("P") writes "7 p.m." and "noon"; a schedule reads better
# with every minute shown. Ukrainian and Russian keep their 24-hour "H:i".
_CLOCK_FORMATS = {"en": "g:i A"}


@register.filter
def clock(value: datetime.datetime) -> str:
    """`{{ session.starts_at|clock }}`: the local time as the visitor's language writes a schedule."""
    local = timezone.localtime(value)
    return formats.date_format(local, _CLOCK_FORMATS.get(get_language() or "", "TIME_FORMAT"))


@register.filter
def ago(value: datetime.datetime | None) -> str:
    """`{{ group.verified_at|ago }}`: "5 hours", one unit only; a visitor needs no minutes here."""
    return timesince(value, depth=1) if value else ""


@register.inclusion_tag("showtimes/_title_showtimes.html", takes_context=True)
def title_sessions(context: template.Context, imdb_id: str) -> dict:
    """`{% title_sessions title.imdb_id %}`: "In cinemas in Kyiv" with the next days' session
    counts when the visitor's remembered city shows the title, a city picker link when only
    other cities do, nothing otherwise."""
    request = context.get("request")
    city_slug = remembered_city_slug(request) if request is not None else ""
    return {"imdb_id": imdb_id, "showtimes": title_showtimes(imdb_id=imdb_id, city_slug=city_slug)}

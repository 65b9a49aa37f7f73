"""Reads for analytics: the footer's counter and the admin's dashboard."""

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.cache import cache
from django.db.models import Sum
from django.utils import timezone

from apps.analytics.models import DailyVisits, PageViews

# The flush runs every minute and rewrites them; a day covers a beat that stopped.
TOTALS_SECONDS = 24 * 60 * 60
TOTALS_CACHE_KEY = "analytics:visitor-totals"


def visits_day() -> date:
    """The day a visit counts on: the site's own (Europe/Kyiv), as the footer's "today" reads."""
    return timezone.localdate()


@dataclass(frozen=True)
class VisitorTotals:
    page_views: int
    today: int
    visitors_today: int


def visitor_totals_read() -> VisitorTotals:
    """Page views ever and today, unique visitors today, as the flushes stored them."""
    today = DailyVisits.objects.filter(day=visits_day()).first()
    total = DailyVisits.objects.aggregate(total=Sum("page_views"))["total"] or 0
    return VisitorTotals(
        page_views=total,
        today=today.page_views if today else 0,
        visitors_today=today.visitors if today else 0,
    )


def visitor_totals() -> VisitorTotals | None:
    """The footer's numbers, as the last flush left them in the cache (None before any flush):
    a page reads no database for them."""
    return cache.get(TOTALS_CACHE_KEY)


# --- The admin's dashboard ------------------------------------------------------

DASHBOARD_DAYS = 30


@dataclass(frozen=True)
class DayVisits:
    day: date
    page_views: int
    visitors: int


def visits_by_day(*, days: int = DASHBOARD_DAYS) -> list[DayVisits]:
    """The last `days` days, oldest first, a day with no visit included as zeros."""
    today = visits_day()
    first = today - timedelta(days=days - 1)
    stored = {row.day: row for row in DailyVisits.objects.filter(day__gte=first, day__lte=today)}
    out = []
    for offset in range(days):
        day = first + timedelta(days=offset)
        row = stored.get(day)
        out.append(DayVisits(day, row.page_views if row else 0, row.visitors if row else 0))
    return out


@dataclass(frozen=True)
class PathViews:
    path: str
    views: int


def pages_most_viewed(*, days: int = DASHBOARD_DAYS, limit: int = 20) -> list[PathViews]:
    first = visits_day() - timedelta(days=days - 1)
    rows = (
        PageViews.objects.filter(day__gte=first)
        .values("path")
        .annotate(total=Sum("views"))
        .order_by("-total", "path")[:limit]
    )
    return [PathViews(row["path"], row["total"]) for row in rows]


# /showtimes/<city>/ and /showtimes/<city>/<movie>/: the city is the first part after the prefix.
_CITY_PAGE = re.compile(r"^/showtimes/(?P<slug>[-a-z0-9_]+)/(?:[^/]+/)?$")
_NOT_CITIES = {"pick", "session"}


def cities_opened(*, days: int = DASHBOARD_DAYS, limit: int = 20) -> list[PathViews]:
    """Views of each city's showtimes pages (the slug), most opened first."""
    first = visits_day() - timedelta(days=days - 1)
    totals: dict[str, int] = defaultdict(int)
    rows = (
        PageViews.objects.filter(day__gte=first, path__startswith="/showtimes/")
        .values("path")
        .annotate(total=Sum("views"))
    )
    for row in rows:
        match = _CITY_PAGE.match(row["path"])
        if match and match["slug"] not in _NOT_CITIES:
            totals[match["slug"]] += row["total"]
    ranked = sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:limit]
    return [PathViews(slug, views) for slug, views in ranked]

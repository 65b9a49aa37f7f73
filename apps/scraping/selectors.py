"""Reads of the scraping app's own records: what Gemini cost, how much TMDB was asked."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from apps.scraping.models import GeminiCall, TmdbCallDay


@dataclass(frozen=True)
class GeminiSpend:
    day: dt.date
    calls: int
    tokens: int
    cost_usd: Decimal


def gemini_spend_on(*, day: dt.date) -> GeminiSpend:
    """What Gemini requests cost on one calendar day of settings.TIME_ZONE (every outcome)."""
    zone = timezone.get_default_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    totals = GeminiCall.objects.filter(created_at__gte=start, created_at__lt=end).aggregate(
        calls=Count("id"), tokens=Sum("total_tokens"), cost=Sum("cost_usd")
    )
    return GeminiSpend(
        day=day,
        calls=totals["calls"],
        tokens=totals["tokens"] or 0,
        cost_usd=totals["cost"] or Decimal(0),
    )


def gemini_spend_today() -> GeminiSpend:
    """Today's Gemini spend, the day the daily budget counts (settings.TIME_ZONE, not UTC)."""
    return gemini_spend_on(day=timezone.localdate(timezone=timezone.get_default_timezone()))


@dataclass(frozen=True)
class UsageDay:
    day: dt.date
    calls: int
    failed: int
    tokens: int = 0
    cost_usd: Decimal = Decimal(0)


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=offset) for offset in range((last - first).days + 1)]


def gemini_usage_by_day(*, first: dt.date, last: dt.date) -> list[UsageDay]:
    """Gemini requests, failures, tokens and cost per day of settings.TIME_ZONE, zeros included."""
    zone = timezone.get_default_timezone()
    start = dt.datetime.combine(first, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    rows = (
        GeminiCall.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(day=TruncDate("created_at", tzinfo=zone))
        .values("day")
        .annotate(
            calls=Count("id"),
            failed=Count("id", filter=~Q(outcome=GeminiCall.Outcome.OK)),
            tokens=Sum("total_tokens"),
            cost=Sum("cost_usd"),
        )
    )
    found = {row["day"]: row for row in rows}
    return [
        UsageDay(day, row["calls"], row["failed"], row["tokens"] or 0, row["cost"] or Decimal(0))
        if (row := found.get(day))
        else UsageDay(day, 0, 0)
        for day in _days(first, last)
    ]


def tmdb_usage_by_day(*, first: dt.date, last: dt.date) -> list[UsageDay]:
    """TMDB requests and failures per day (TMDB charges nothing), zeros included."""
    rows = (
        TmdbCallDay.objects.filter(day__gte=first, day__lte=last)
        .values("day")
        .annotate(calls=Sum("calls"), failed=Sum("failed"))
    )
    found = {row["day"]: row for row in rows}
    return [
        UsageDay(day, row["calls"], row["failed"]) if (row := found.get(day)) else UsageDay(day, 0, 0)
        for day in _days(first, last)
    ]

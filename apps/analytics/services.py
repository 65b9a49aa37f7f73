"""Writes for analytics: counting page views and visitors, flushing them, the audit trail."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import structlog
from django.core.cache import cache
from django.db import connection, models
from django.db.models import Value
from django.db.models.functions import Greatest
from django.utils import timezone

from apps.analytics.counters import page_views_counter, visitor_set
from apps.analytics.models import AppliedVisitsBatch, AuditEvent, DailyVisits, PageViews
from apps.analytics.selectors import (
    TOTALS_CACHE_KEY,
    TOTALS_SECONDS,
    visitor_totals_read,
    visits_day,
)
from core.counting import CountBatch, CountingUnavailable, MemoryBatchCounter, batch_apply_once
from core.visitors import is_bot, visitor_key

logger = structlog.get_logger(__name__)

# The embedded mode has no beat: the process flushes its own counts this often, from a view.
EMBEDDED_FLUSH_SECONDS = 60
APPLIED_KEPT = timedelta(days=7)
PATH_MAX = 200


def page_view_count(*, path: str, address: str, user_agent: str) -> bool:
    """Count a page view and its visitor without a database write; False for bots and when the
    count could not be taken (the page is served all the same)."""
    if is_bot(user_agent):
        return False
    day = visits_day()
    counter = page_views_counter()
    try:
        counter.add(f"{day.isoformat()}|{path[:PATH_MAX]}")
        visitor_set().add(day, visitor_key(address=address, user_agent=user_agent, salt=day.isoformat()))
    except CountingUnavailable as exc:
        logger.warning("analytics_page_view_not_counted", error=str(exc))
        return False
    if isinstance(counter, MemoryBatchCounter) and counter.flush_due(EMBEDDED_FLUSH_SECONDS):
        visits_flush()
    return True


@dataclass
class VisitsFlushReport:
    batches: int = 0
    applied: int = 0
    skipped: int = 0
    page_views: int = 0


_PAGES_UPSERT = (
    "INSERT INTO {table} (day, path, views) VALUES (%s, %s, %s) "
    "ON CONFLICT (day, path) DO UPDATE SET views = {table}.views + EXCLUDED.views"
)
_DAYS_UPSERT = (
    "INSERT INTO {table} (day, page_views, visitors) VALUES (%s, %s, 0) "
    "ON CONFLICT (day) DO UPDATE SET page_views = {table}.page_views + EXCLUDED.page_views"
)


def _parse(batch: CountBatch) -> dict[tuple[date, str], int]:
    counts = {}
    for field, views in batch.counts.items():
        day, path = field.split("|", 1)
        counts[date.fromisoformat(day), path] = views
    return counts


def _batch_apply(counts: dict[tuple[date, str], int]) -> None:
    per_day: dict[date, int] = defaultdict(int)
    for (day, _path), views in counts.items():
        per_day[day] += views
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.executemany(
            _PAGES_UPSERT.format(table=quote(PageViews._meta.db_table)),
            [(day, path, views) for (day, path), views in sorted(counts.items()) if views > 0],
        )
        cursor.executemany(
            _DAYS_UPSERT.format(table=quote(DailyVisits._meta.db_table)), sorted(per_day.items())
        )


def visits_flush() -> VisitsFlushReport:
    """Move counted page views into PageViews and DailyVisits, batch by batch (a batch is dropped
    only after its commit; see core.counting), then store today's and yesterday's visitors."""
    counter = page_views_counter()
    report = VisitsFlushReport()
    for batch in counter.batches_take():
        report.batches += 1
        counts = _parse(batch)
        if batch_apply_once(
            key=batch.key, applied=AppliedVisitsBatch, apply=lambda c=counts: _batch_apply(c)
        ):
            report.applied += 1
            report.page_views += sum(counts.values())
        else:
            report.skipped += 1
        counter.batch_drop(batch.key)
    AppliedVisitsBatch.objects.filter(applied_at__lt=timezone.now() - APPLIED_KEPT).delete()
    today = visits_day()
    for day in (today - timedelta(days=1), today):
        try:
            visitors = visitor_set().count(day)
        except CountingUnavailable:
            continue
        if visitors:
            DailyVisits.objects.get_or_create(day=day)
            # Only ever up: a count read from a Redis that lost its data must not erase the day's.
            DailyVisits.objects.filter(day=day).update(visitors=Greatest("visitors", Value(visitors)))
    cache.set(TOTALS_CACHE_KEY, visitor_totals_read(), TOTALS_SECONDS)
    if report.batches:
        logger.info("analytics_visits_flushed", batches=report.batches, page_views=report.page_views)
    return report


# --- Audit trail --------------------------------------------------------------


def audit_record(
    *,
    action: str,
    actor: Any = None,
    target: models.Model | None = None,
    outcome: str = "",
    details: dict | None = None,
) -> AuditEvent:
    """Append who (a user, else the system) did `action` to `target` and how it went."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor_id=user.pk if user else None,
        actor=(user.get_username() if user else str(actor or "system"))[:254],
        action=action[:64],
        object_type=target._meta.label_lower if target is not None else "",
        object_id=str(target.pk)[:64] if target is not None else "",
        object_repr=str(target)[:200] if target is not None else "",
        outcome=outcome[:32],
        details=details or {},
    )

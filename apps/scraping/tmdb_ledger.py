"""TMDB requests counted per day and endpoint (TmdbCallDay), for the admin's usage report."""

import structlog
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from apps.scraping.models import TmdbCallDay

logger = structlog.get_logger(__name__)

_UPSERT = (
    "INSERT INTO {table} (day, endpoint, calls, failed) VALUES (%s, %s, 1, %s) "
    "ON CONFLICT (day, endpoint) DO UPDATE SET calls = {table}.calls + 1, "
    "failed = {table}.failed + EXCLUDED.failed"
)


def tmdb_call_record(*, endpoint: str, ok: bool) -> None:
    """Count one request (retries inside it are TMDB's 429/5xx answers, not more calls)."""
    table = connection.ops.quote_name(TmdbCallDay._meta.db_table)
    try:
        # A savepoint: a failed count must not abort the caller's transaction.
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(_UPSERT.format(table=table), [timezone.localdate(), endpoint[:32], 0 if ok else 1])
    except DatabaseError as exc:
        # The ledger is a report: a request already made must not fail for it.
        logger.warning("tmdb_call_not_recorded", error=str(exc))

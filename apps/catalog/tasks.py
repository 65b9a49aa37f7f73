from celery import shared_task
from django.conf import settings

from apps.catalog.pipeline.enrich import pending_enrich, recommendations_buckets_refresh
from apps.catalog.services import imdb_datasets_import
from apps.scraping.imdb_datasets import DatasetFiles, DatasetUnavailable


@shared_task(autoretry_for=(DatasetUnavailable,), retry_backoff=600, max_retries=5)
def imdb_datasets_refresh_task() -> dict:
    """Re-import IMDb's datasets (IMDB_DATASETS_URL); idempotent, unchanged titles publish nothing."""
    result = imdb_datasets_import(
        DatasetFiles(),
        types=frozenset(settings.IMDB_DATASETS_TYPES),
        min_votes=settings.IMDB_DATASETS_MIN_VOTES,
    )
    report = result.titles
    return {"inserted": report.inserted, "updated": report.updated, "unchanged": report.unchanged}


@shared_task
def pending_enrich_task() -> int:
    """Finish what an interrupted ingest left pending (enrichment and events); returns the events."""
    return pending_enrich()


@shared_task
def recommendations_buckets_refresh_task() -> int:
    """Refresh recommendations where a (decade, genre) top changed; returns the events."""
    return recommendations_buckets_refresh()

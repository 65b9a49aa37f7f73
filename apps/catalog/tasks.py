from celery import shared_task
from django.conf import settings

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

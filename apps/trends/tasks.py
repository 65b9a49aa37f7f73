from celery import shared_task

from apps.scraping.tmdb import TmdbUnavailable
from apps.trends.services import (
    registration_failed,
    registration_fetch,
    scores_recompute,
    scores_refresh,
    views_flush,
)

REGISTRATION_RETRIES = 5


@shared_task(bind=True, max_retries=REGISTRATION_RETRIES, acks_late=True)
def registration_fetch_task(self, registration_id: int) -> str:
    """Fetch a registration's title from TMDB; returns its status.

    TMDB unavailable (its 429s and 5xx outlasted the client's own retries) is retried with
    a growing pause, then reported as `failed`; never raised out of the worker. In-process
    (eager) it is reported at once: a web request must not wait minutes.
    """
    try:
        return registration_fetch(registration_id=registration_id).status
    except TmdbUnavailable as exc:
        final = self.request.is_eager or self.request.retries >= self.max_retries
        registration_failed(registration_id=registration_id, error=str(exc), final=final)
        if final:
            return "failed"
        raise self.retry(exc=exc, countdown=min(600, 15 * 2**self.request.retries)) from exc


@shared_task
def views_flush_task() -> dict:
    """Every minute (beat): counted views to the database, then the touched titles' scores."""
    report = views_flush()
    return {
        "batches": report.batches,
        "applied": report.applied,
        "skipped": report.skipped,
        "views": report.views,
    }


@shared_task
def scores_recompute_task(title_ids: list[int]) -> list[str]:
    return scores_recompute(title_ids=title_ids)


@shared_task
def scores_refresh_task() -> int:
    return scores_refresh()

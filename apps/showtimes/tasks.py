from celery import shared_task

from apps.showtimes.models import Location
from apps.showtimes.services import (
    location_run_start,
    showtimes_city_run,
    showtimes_extend_visited,
    showtimes_purge_expired,
    showtimes_retry_failed,
)


@shared_task
def showtimes_run_task(location_id: int, model: str | None = None) -> dict:
    """The city's run a request queued; a duplicate delivery finds the city taken and does nothing.

    Not retried by Celery: a failed run sets the city's retry_at, which the retry beat honours.
    """
    location = Location.objects.filter(pk=location_id).first()
    if location is None or not location_run_start(location=location):
        return {"skipped": True}
    run = showtimes_city_run(location=location, model=model)
    return {"run": run.pk, "status": run.status}


@shared_task
def showtimes_retry_failed_task() -> int:
    return showtimes_retry_failed()


@shared_task
def showtimes_extend_visited_task() -> int:
    """Cities visited this week get their missing days (the planner asks nothing for covered ones)."""
    return showtimes_extend_visited(days=7)


@shared_task
def showtimes_purge_expired_task() -> dict:
    report = showtimes_purge_expired()
    return {"sessions": report.sessions, "movies": report.movies}

from celery import shared_task

from apps.stream.services import events_prune


@shared_task
def events_prune_task() -> int:
    """Delete events past the retention window (STREAM_RETENTION_DAYS)."""
    return events_prune()

from celery import shared_task

from apps.analytics.services import visits_flush


@shared_task(acks_late=True)
def visits_flush_task() -> int:
    """Every minute (beat): counted page views and visitors into the database."""
    return visits_flush().page_views

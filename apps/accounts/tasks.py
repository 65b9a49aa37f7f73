from celery import shared_task

from apps.accounts.alerts import film_alerts_send
from apps.accounts.trends_report import trends_report_send


@shared_task
def film_alerts_send_task(location_id: int) -> int:
    """Idempotent: each alert is claimed once (see apps/accounts/alerts.py)."""
    return film_alerts_send(location_id=location_id)


@shared_task
def trends_report_send_task(early: bool) -> int:
    """Idempotent: each person's week is claimed once (see apps/accounts/trends_report.py)."""
    return len(trends_report_send(early=early).sent)

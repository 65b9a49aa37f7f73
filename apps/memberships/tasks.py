from celery import shared_task

from .receipts import payment_receipt_send
from .services import grace_periods_expire, subscriptions_reconcile


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def payment_receipt_send_task(payment_id: int) -> bool:
    """Idempotent: the payment is claimed before its mail (apps/memberships/receipts.py)."""
    return payment_receipt_send(payment_id=payment_id)


@shared_task
def memberships_reconcile_task() -> dict[str, int]:
    """Daily: each provider's word on open subscriptions fixes drift; then expired graces."""
    counts = subscriptions_reconcile()
    counts["grace_expired"] = grace_periods_expire()
    return counts

"""Receipts by e-mail: one per succeeded payment, in the payer's language."""

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from .models import Payment


def payment_receipt_send(*, payment_id: int) -> bool:
    """Mail the receipt of a succeeded payment once. The payment is claimed (receipt_sent)
    before the mail and released if sending fails, so a retried task cannot mail twice."""
    claimed = Payment.objects.filter(
        pk=payment_id, status=Payment.Status.SUCCEEDED, receipt_sent=False
    ).update(receipt_sent=True)
    if not claimed:
        return False
    payment = Payment.objects.select_related("user", "checkout", "subscription__plan").get(pk=payment_id)
    email = payment.user.email if payment.user else (payment.checkout.email if payment.checkout else "")
    if not email:
        return False
    language = payment.user.language if payment.user else "uk"
    try:
        with translation.override(language):
            context = {
                "payment": payment,
                "plan": payment.subscription.plan if payment.subscription else None,
            }
            subject = render_to_string("memberships/email/receipt_subject.txt", context).strip()
            body = render_to_string("memberships/email/receipt_message.txt", context)
        send_mail(subject, body, None, [email])
    except OSError:
        with transaction.atomic():
            Payment.objects.filter(pk=payment_id).update(receipt_sent=False)
        raise
    return True

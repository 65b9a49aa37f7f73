"""Receipts: in the payer's language, to the donor's address for a donation, once."""

import smtplib
import uuid
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from apps.memberships.models import Checkout, Payment
from apps.memberships.providers.base import Money, PaymentFact, ProviderEvent
from apps.memberships.receipts import payment_receipt_send
from apps.memberships.services import provider_event_apply
from tests.support.accounts import user_create

pytestmark = pytest.mark.django_db


def _donation_paid(*, user=None, email="") -> Payment:
    checkout = Checkout.objects.create(
        user=user, email=email, kind="donation", amount=Decimal("150.50"), currency="UAH", provider="stripe"
    )
    provider_event_apply(
        ProviderEvent(
            provider="stripe",
            event_id=f"evt_{uuid.uuid4().hex}",
            occurred_at=timezone.now(),
            reference=str(checkout.pk),
            payment=PaymentFact(
                provider_payment_id=f"pi_{uuid.uuid4().hex[:8]}",
                status="succeeded",
                money=Money(amount=Decimal("150.50"), currency="UAH"),
            ),
        )
    )
    assert Checkout.objects.get(pk=checkout.pk).status == "paid"
    return Payment.objects.get(checkout=checkout)


@pytest.mark.parametrize(
    ("language", "subject"),
    [("uk", "квитанція на 150,50 UAH"), ("en", "receipt for 150.50 UAH"), ("ru", "квитанция на 150,50 UAH")],
)
def test_the_receipt_speaks_the_payers_language(language, subject):
    payment = _donation_paid(user=user_create(f"{language}@example.com", language=language))

    assert payment_receipt_send(payment_id=payment.pk)

    assert subject in mail.outbox[0].subject


def test_an_anonymous_donor_gets_the_receipt_at_the_address_they_gave():
    payment = _donation_paid(email="donor@example.com")

    payment_receipt_send(payment_id=payment.pk)
    payment_receipt_send(payment_id=payment.pk)

    assert [message.to for message in mail.outbox] == [["donor@example.com"]]


def test_a_receipt_that_smtp_refused_is_sent_on_the_retry(settings, monkeypatch):
    payment = _donation_paid(email="donor@example.com")

    def refuse(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("apps.memberships.receipts.send_mail", refuse)
    with pytest.raises(smtplib.SMTPException):
        payment_receipt_send(payment_id=payment.pk)
    assert not Payment.objects.get(pk=payment.pk).receipt_sent
    monkeypatch.undo()

    assert payment_receipt_send(payment_id=payment.pk)
    assert len(mail.outbox) == 1

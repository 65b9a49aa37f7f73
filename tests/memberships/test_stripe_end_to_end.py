"""Stripe end to end: our pages start a checkout with the real client, the Stripe stand-in
takes the payment and POSTs its signed webhooks to our live endpoint, and what a supporter
notices (perks, the billing page, receipts) follows."""

import time
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from apps.analytics.models import AuditEvent
from apps.memberships.models import Checkout, Payment, Subscription, WebhookEvent
from apps.memberships.perks import FREE, perks_for
from apps.memberships.services import subscriptions_reconcile
from tests.standins.stripe import Fault, StripeStandin
from tests.support.memberships import perks_forget
from tests.support.scraping import eventually

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def stripe_live(live_server, stripe_standin, tasks_in_process) -> StripeStandin:
    """The stand-in sending its webhooks to our endpoint on pytest-django's live server."""
    stripe_standin.webhook_url = live_server.url + reverse("memberships:webhook", args=["stripe"])
    return stripe_standin


def _perks(user):
    perks_forget(user)
    return perks_for(user)


def _subscribe(client, standin: StripeStandin, *, interval: str = "month") -> Subscription:
    """Olena picks Supporter with Stripe on the plans page, and pays on Stripe's page."""
    started = client.post(
        reverse("memberships:checkout"),
        {"plan": "supporter", "interval": interval, "currency": "UAH", "provider": "stripe"},
    )
    assert started.status_code == 303
    assert started["Location"].startswith(f"{standin.base_url}/c/pay/cs_test_")
    session_id = started["Location"].rsplit("/", 1)[-1]
    standin.checkout_pay(session_id)
    return Subscription.objects.get(provider_subscription_id=standin.get(session_id)["subscription"])


def _statuses(deliveries) -> list[int]:
    return [delivery.status for delivery in deliveries]


def test_subscribing_turns_the_perks_on_and_mails_a_receipt(olena, olena_client, stripe_live):
    assert _perks(olena) == FREE

    subscription = _subscribe(olena_client, stripe_live)

    assert _statuses(stripe_live.deliveries) == [200, 200, 200]
    perks = _perks(olena)
    assert perks.plan == "supporter"
    assert perks.api_key
    assert subscription.status == "active"
    assert subscription.interval == "month"
    assert subscription.customer_id.startswith("cus_")
    assert (
        int(subscription.current_period_end.timestamp())
        == (stripe_live.get(subscription.provider_subscription_id)["items"]["data"][0]["current_period_end"])
    )
    payment = Payment.objects.get(subscription=subscription)
    assert (payment.status, payment.amount, payment.currency) == ("succeeded", Decimal("99.00"), "UAH")
    assert not payment.is_flagged
    assert Checkout.objects.get(pk=subscription.checkout_id).status == "paid"
    assert [message.to for message in mail.outbox] == [["olena@example.com"]]
    billing = olena_client.get(reverse("memberships:billing")).content.decode()
    assert 'data-testid="subscription" data-status="active"' in billing
    assert 'data-testid="payment" data-status="succeeded"' in billing


def test_duplicate_webhooks_change_nothing(olena, olena_client, stripe_live):
    _subscribe(olena_client, stripe_live)
    audited = AuditEvent.objects.count()

    again = stripe_live.events_resend(list(stripe_live.events))

    assert _statuses(again) == [200, 200, 200]
    assert Subscription.objects.count() == 1
    assert Payment.objects.count() == 1
    assert AuditEvent.objects.count() == audited
    assert len(mail.outbox) == 1
    assert WebhookEvent.objects.count() == 3


def test_an_older_webhook_arriving_late_does_not_undo_a_newer_state(olena, olena_client, stripe_live):
    subscription = _subscribe(olena_client, stripe_live)
    stripe_live.webhook_url, endpoint = "", stripe_live.webhook_url  # Stripe holds them back
    stripe_live.advance(60)
    (ending,) = stripe_live.subscription_cancel(subscription.provider_subscription_id)
    stripe_live.advance(60)
    (ended,) = stripe_live.subscription_cancel(subscription.provider_subscription_id, at_period_end=False)
    stripe_live.webhook_url = endpoint

    delivered = stripe_live.events_resend([ended, ending])

    assert _statuses(delivered) == [200, 200]
    subscription.refresh_from_db()
    assert subscription.status == "canceled"
    assert WebhookEvent.objects.get(event_id=ending["id"]).outcome == "stale"
    assert _perks(olena) == FREE


@pytest.mark.parametrize(
    "tamper",
    [
        {"secret": "whsec_forged_by_someone"},
        {"timestamp": int(time.time()) - 3600},  # a replay of an old delivery
        {"body": b'{"id": "evt_forged", "type": "invoice.paid"}'},
    ],
    ids=["forged", "replayed", "tampered"],
)
def test_forged_replayed_and_tampered_webhooks_are_refused(olena, olena_client, stripe_live, tamper):
    subscription = _subscribe(olena_client, stripe_live)
    stripe_live.webhook_url, endpoint = "", stripe_live.webhook_url
    (deleted,) = stripe_live.subscription_cancel(subscription.provider_subscription_id, at_period_end=False)
    stripe_live.webhook_url = endpoint

    refused = stripe_live.event_send(deleted, **tamper)

    assert refused.status == 400
    subscription.refresh_from_db()
    assert subscription.status == "active"
    assert not WebhookEvent.objects.filter(event_id=deleted["id"]).exists()
    assert _perks(olena).plan == "supporter"


def test_a_renewal_extends_the_period_with_a_second_payment(olena, olena_client, stripe_live):
    subscription = _subscribe(olena_client, stripe_live)
    first_end = subscription.current_period_end

    stripe_live.renewal_succeed(subscription.provider_subscription_id)

    subscription.refresh_from_db()
    assert subscription.current_period_end > first_end
    assert list(Payment.objects.filter(subscription=subscription).values_list("status", flat=True)) == [
        "succeeded",
        "succeeded",
    ]
    assert len(mail.outbox) == 2


def test_a_failed_renewal_keeps_the_perks_in_grace_until_stripe_cancels(olena, olena_client, stripe_live):
    subscription = _subscribe(olena_client, stripe_live)
    stripe_live.advance(60)

    stripe_live.renewal_fail(subscription.provider_subscription_id)

    assert _statuses(stripe_live.deliveries[-2:]) == [200, 200]
    subscription.refresh_from_db()
    assert subscription.status == "past_due"
    assert subscription.grace_until is not None
    assert _perks(olena).plan == "supporter"
    failed = Payment.objects.get(subscription=subscription, status="failed")
    assert failed.amount == Decimal("99.00")
    billing = olena_client.get(reverse("memberships:billing")).content.decode()
    assert 'data-testid="subscription-grace"' in billing

    stripe_live.advance(60)  # Stripe's retries are exhausted: it cancels
    stripe_live.subscription_cancel(subscription.provider_subscription_id, at_period_end=False)

    subscription.refresh_from_db()
    assert subscription.status == "canceled"
    assert _perks(olena) == FREE


def test_cancelling_from_the_billing_page_ends_at_the_period_end(olena, olena_client, stripe_live):
    subscription = _subscribe(olena_client, stripe_live)
    stripe_live.advance(60)

    olena_client.post(reverse("memberships:cancel", args=[subscription.pk]))

    (asked,) = stripe_live.requests_seen(f"/v1/subscriptions/{subscription.provider_subscription_id}")
    assert asked.params == {"cancel_at_period_end": "true"}
    # Stripe confirms with customer.subscription.updated once it has answered the request.
    eventually(lambda: Subscription.objects.get(pk=subscription.pk).cancel_at_period_end)
    subscription.refresh_from_db()
    assert subscription.status == "active"
    assert _perks(olena).plan == "supporter"  # paid up until the period ends
    assert (
        'data-testid="subscription-ends"' in olena_client.get(reverse("memberships:billing")).content.decode()
    )

    stripe_live.advance(60)  # the period is over: Stripe ends the subscription
    stripe_live.subscription_cancel(subscription.provider_subscription_id, at_period_end=False)

    subscription.refresh_from_db()
    assert subscription.status == "canceled"
    assert _perks(olena) == FREE


def test_refunds_show_on_the_payment(olena, olena_client, stripe_live):
    subscription = _subscribe(olena_client, stripe_live)
    (charge,) = stripe_live.charges_of(subscription.provider_subscription_id)
    stripe_live.advance(60)

    stripe_live.refund(charge["id"], 2550)
    payment = Payment.objects.get(subscription=subscription)
    assert (payment.status, payment.refunded_amount) == ("partially_refunded", Decimal("25.50"))

    stripe_live.advance(60)
    stripe_live.refund(charge["id"])
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("refunded", Decimal("99.00"))
    assert Payment.objects.count() == 1
    # refund.created, a type of no use to us, is answered 200 like the rest: Stripe stops sending it.
    assert [delivery.event_type for delivery in stripe_live.deliveries[-2:]] == [
        "charge.refunded",
        "refund.created",
    ]
    assert set(_statuses(stripe_live.deliveries)) == {200}


def test_a_donation_is_recorded_as_paid(olena_client, stripe_live):
    started = olena_client.post(
        reverse("memberships:donate"), {"amount": "150,50", "currency": "UAH", "provider": "stripe"}
    )
    assert started.status_code == 303
    session_id = started["Location"].rsplit("/", 1)[-1]

    stripe_live.checkout_pay(session_id)

    payment = Payment.objects.get()
    assert (payment.status, payment.amount, payment.currency) == ("succeeded", Decimal("150.50"), "UAH")
    assert payment.provider_payment_id == stripe_live.get(session_id)["payment_intent"]
    assert Checkout.objects.get(provider_reference=session_id).status == "paid"


def test_reconciliation_fixes_what_no_webhook_said(olena, olena_client, stripe_live):
    subscription = _subscribe(olena_client, stripe_live)
    stripe_live.subscription_change_silently(subscription.provider_subscription_id, status="canceled")

    counts = subscriptions_reconcile()

    assert counts == {"checked": 1, "fixed": 1, "failed": 0}
    subscription.refresh_from_db()
    assert subscription.status == "canceled"
    assert _perks(olena) == FREE
    assert AuditEvent.objects.filter(action="membership.subscription.canceled").exists()


def test_a_refund_stripe_cannot_place_yet_fails_and_lands_when_resent(olena, olena_client, stripe_live):
    """charge.refunded asks Stripe which invoice the charge paid; while Stripe fails, the
    endpoint answers 5xx (Stripe retries the delivery) and nothing changes."""
    subscription = _subscribe(olena_client, stripe_live)
    (charge,) = stripe_live.charges_of(subscription.provider_subscription_id)
    stripe_live.fault_add(Fault("/v1/invoice_payments", 503), count=3)
    stripe_live.advance(60)

    refunded, _refund_created = stripe_live.refund(charge["id"])

    assert stripe_live.deliveries[-2].status >= 500
    assert Payment.objects.get(subscription=subscription).status == "succeeded"
    assert not WebhookEvent.objects.filter(event_id=refunded["id"]).exists()

    (retried,) = stripe_live.events_resend([refunded])

    assert retried.status == 200
    assert Payment.objects.get(subscription=subscription).status == "refunded"


def test_the_first_webhooks_in_any_order_make_one_paid_subscription(olena, olena_client, stripe_live):
    """Stripe does not promise an order: the invoice may come before the checkout's completion."""
    endpoint, stripe_live.webhook_url = stripe_live.webhook_url, ""
    started = olena_client.post(
        reverse("memberships:checkout"),
        {"plan": "supporter", "interval": "year", "currency": "USD", "provider": "stripe"},
    )
    stripe_live.checkout_pay(started["Location"].rsplit("/", 1)[-1])
    stripe_live.webhook_url = endpoint

    delivered = stripe_live.events_resend(list(reversed(stripe_live.events)))

    assert _statuses(delivered) == [200, 200, 200]
    subscription = Subscription.objects.get()
    assert (subscription.status, subscription.interval) == ("active", "year")
    payment = Payment.objects.get()
    assert (payment.subscription, payment.amount, payment.currency) == (subscription, Decimal("49.00"), "USD")
    assert not payment.is_flagged
    assert _perks(olena).plan == "supporter"


def test_the_portal_button_leads_to_stripes_portal(olena, olena_client, stripe_live):
    subscription = _subscribe(olena_client, stripe_live)

    opened = olena_client.post(reverse("memberships:portal", args=[subscription.pk]))

    assert opened.status_code == 303
    assert opened["Location"].startswith(f"{stripe_live.base_url}/p/session/bps_")
    (asked,) = stripe_live.requests_seen("/v1/billing_portal/sessions")
    assert asked.params["customer"] == subscription.customer_id
    assert asked.params["return_url"].endswith(reverse("memberships:billing"))

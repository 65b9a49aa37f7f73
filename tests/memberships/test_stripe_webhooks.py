"""Stripe's webhooks through the real client: the signature check, and each event type that
matters translated into the facts the memberships app applies."""

import time
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.test import override_settings

from apps.memberships.providers import provider_get
from apps.memberships.providers.base import Money, ProviderEvent, WebhookRejected
from tests.memberships.test_stripe_client import DONATION, SUPPORTER_MONTHLY
from tests.standins.stripe import StripeStandin
from tests.standins.stripe_wire import new_id, signature_header


def _received(standin: StripeStandin, event: dict, **signing) -> list[ProviderEvent]:
    body, headers = standin.signed(event, **signing)
    return provider_get("stripe").webhook_events(body, headers)


def _only(standin: StripeStandin, event: dict) -> ProviderEvent:
    (found,) = _received(standin, event)
    assert found.provider == "stripe"
    assert found.event_id == event["id"]
    assert found.occurred_at == datetime.fromtimestamp(event["created"], tz=UTC)
    return found


def _subscribe(standin: StripeStandin) -> str:
    started = provider_get("stripe").checkout_start(SUPPORTER_MONTHLY)
    standin.checkout_pay(started.provider_reference)
    return standin.get(started.provider_reference)["subscription"]


def _period_end(standin: StripeStandin, subscription_id: str) -> datetime:
    item = standin.get(subscription_id)["items"]["data"][0]
    return datetime.fromtimestamp(item["current_period_end"], tz=UTC)


# ---------------------------------------------------------------- the signature


def test_a_webhook_signed_with_the_endpoint_secret_is_accepted(stripe_standin):
    _subscribe(stripe_standin)

    assert _received(stripe_standin, stripe_standin.events[0])


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        ({"secret": "whsec_someone_else"}, "No signatures found matching"),
        ({"timestamp": int(time.time()) - 301}, "Timestamp outside the tolerance zone"),
    ],
)
def test_a_forged_or_stale_signature_is_rejected(stripe_standin, tamper, reason):
    _subscribe(stripe_standin)

    with pytest.raises(WebhookRejected, match=reason):
        _received(stripe_standin, stripe_standin.events[0], **tamper)


def test_the_tolerance_is_the_setting(stripe_standin):
    _subscribe(stripe_standin)
    ten_seconds_ago = int(time.time()) - 10

    assert _received(stripe_standin, stripe_standin.events[0], timestamp=ten_seconds_ago)
    with (
        override_settings(PAYMENTS_WEBHOOK_TOLERANCE_SECONDS=5),
        pytest.raises(WebhookRejected, match="tolerance"),
    ):
        _received(stripe_standin, stripe_standin.events[0], timestamp=ten_seconds_ago)


def test_a_tampered_body_is_rejected(stripe_standin):
    _subscribe(stripe_standin)
    body, headers = stripe_standin.signed(stripe_standin.events[0])

    with pytest.raises(WebhookRejected, match="No signatures found matching"):
        provider_get("stripe").webhook_events(body.replace(b"chk_monthly_1", b"chk_someone_else"), headers)


def test_a_webhook_without_a_signature_is_rejected(stripe_standin):
    _subscribe(stripe_standin)
    body, headers = stripe_standin.signed(stripe_standin.events[0])
    del headers["Stripe-Signature"]

    with pytest.raises(WebhookRejected, match="No Stripe-Signature header"):
        provider_get("stripe").webhook_events(body, headers)


def test_a_signed_body_that_is_not_an_event_is_rejected(stripe_standin):
    body = "not json at all"
    signature = signature_header(body, secret=stripe_standin.webhook_secret, timestamp=int(time.time()))
    headers = {"stripe-signature": signature}  # header names in any case

    with pytest.raises(WebhookRejected, match="unparsable"):
        provider_get("stripe").webhook_events(body.encode(), headers)


def test_event_types_that_change_nothing_of_ours_are_ignored(stripe_standin):
    _subscribe(stripe_standin)
    event = {**stripe_standin.events[0], "id": new_id("evt"), "type": "customer.updated"}

    assert _received(stripe_standin, event) == []


# ---------------------------------------------------------------- what each event says


def test_paying_a_subscription_checkout_activates_it_until_the_period_end(stripe_standin):
    subscription_id = _subscribe(stripe_standin)
    completed, created, paid = stripe_standin.events

    assert [event["type"] for event in stripe_standin.events] == [
        "checkout.session.completed",
        "customer.subscription.created",
        "invoice.paid",
    ]
    session = _only(stripe_standin, completed)
    assert session.reference == "chk_monthly_1"
    assert session.customer_id.startswith("cus_")
    assert session.subscription.provider_subscription_id == subscription_id
    assert session.subscription.status == "active"
    assert session.payment is None

    started = _only(stripe_standin, created)
    assert started.reference == "chk_monthly_1"
    assert started.subscription.status == "active"
    assert started.subscription.interval == "month"
    assert started.subscription.current_period_end == _period_end(stripe_standin, subscription_id)
    assert started.subscription.cancel_at_period_end is False

    invoice = _only(stripe_standin, paid)
    assert invoice.reference == "chk_monthly_1"
    assert invoice.customer_id == session.customer_id
    assert invoice.payment.provider_payment_id == paid["data"]["object"]["id"]
    assert invoice.payment.status == "succeeded"
    assert invoice.payment.money == Money(amount=Decimal("99.00"), currency="UAH")
    assert invoice.payment.receipt_url.endswith(paid["data"]["object"]["id"])
    assert invoice.subscription.status == "active"
    assert invoice.subscription.current_period_end == _period_end(stripe_standin, subscription_id)


def test_a_paid_donation_is_one_succeeded_payment(stripe_standin):
    started = provider_get("stripe").checkout_start(DONATION)
    stripe_standin.checkout_pay(started.provider_reference)
    (completed,) = stripe_standin.events

    donation = _only(stripe_standin, completed)

    assert donation.reference == "chk_donation_1"
    assert donation.subscription is None
    assert (
        donation.payment.provider_payment_id
        == stripe_standin.get(started.provider_reference)["payment_intent"]
    )
    assert donation.payment.status == "succeeded"
    assert donation.payment.money == Money(amount=Decimal("4.99"), currency="USD")
    assert str(donation.payment.money.amount) == "4.99"


def test_a_renewal_extends_the_period_with_a_new_payment(stripe_standin):
    subscription_id = _subscribe(stripe_standin)
    first_end = _period_end(stripe_standin, subscription_id)

    paid, updated = stripe_standin.renewal_succeed(subscription_id)

    renewal = _only(stripe_standin, paid)
    assert paid["type"] == "invoice.paid"
    assert renewal.payment.status == "succeeded"
    assert renewal.payment.provider_payment_id != stripe_standin.events[2]["data"]["object"]["id"]
    assert renewal.subscription.current_period_end > first_end
    assert renewal.subscription.current_period_end == _period_end(stripe_standin, subscription_id)
    assert (
        _only(stripe_standin, updated).subscription.current_period_end
        == renewal.subscription.current_period_end
    )


def test_a_failed_renewal_makes_the_subscription_past_due(stripe_standin):
    subscription_id = _subscribe(stripe_standin)

    failed, updated = stripe_standin.renewal_fail(subscription_id)

    assert failed["type"] == "invoice.payment_failed"
    declined = _only(stripe_standin, failed)
    assert declined.reference == "chk_monthly_1"
    assert declined.payment.status == "failed"
    assert declined.payment.money == Money(amount=Decimal("99.00"), currency="UAH")
    assert declined.payment.receipt_url  # Stripe's invoice page, where the card can be changed
    assert declined.subscription.status == "past_due"
    assert declined.subscription.current_period_end is None  # a failure does not lengthen the period
    assert _only(stripe_standin, updated).subscription.status == "past_due"


def test_cancelling_at_period_end_then_the_end(stripe_standin):
    subscription_id = _subscribe(stripe_standin)

    (updated,) = stripe_standin.subscription_cancel(subscription_id)
    (deleted,) = stripe_standin.subscription_cancel(subscription_id, at_period_end=False)

    pending = _only(stripe_standin, updated).subscription
    assert (pending.status, pending.cancel_at_period_end) == ("active", True)
    ended = _only(stripe_standin, deleted).subscription
    assert (ended.status, ended.cancel_at_period_end) == ("canceled", False)


def test_refunds_of_a_subscription_payment_name_its_invoice(stripe_standin):
    subscription_id = _subscribe(stripe_standin)
    invoice_id = stripe_standin.events[2]["data"]["object"]["id"]
    (charge,) = stripe_standin.charges_of(subscription_id)

    partly, _refund = stripe_standin.refund(charge["id"], 2550)
    fully, _refund = stripe_standin.refund(charge["id"])

    part = _only(stripe_standin, partly).payment
    assert (part.provider_payment_id, part.status) == (invoice_id, "partially_refunded")
    assert part.refunded == Money(amount=Decimal("25.50"), currency="UAH")
    assert part.money == Money(amount=Decimal("99.00"), currency="UAH")
    whole = _only(stripe_standin, fully).payment
    assert (whole.provider_payment_id, whole.status) == (invoice_id, "refunded")
    assert whole.refunded == Money(amount=Decimal("99.00"), currency="UAH")


def test_a_refunded_donation_names_its_payment_intent(stripe_standin):
    started = provider_get("stripe").checkout_start(DONATION)
    stripe_standin.checkout_pay(started.provider_reference)
    (charge,) = stripe_standin.charges_of(started.provider_reference)

    refunded, refund_created = stripe_standin.refund(charge["id"])

    fact = _only(stripe_standin, refunded).payment
    assert fact.provider_payment_id == charge["payment_intent"]
    assert fact.status == "refunded"
    assert fact.refunded == Money(amount=Decimal("4.99"), currency="USD")
    # The refund's own event carries one refund's amount, not the total: charge.refunded says it all.
    assert _received(stripe_standin, refund_created) == []


@pytest.mark.parametrize(
    ("stripe_status", "ours"),
    [
        ("trialing", "active"),
        ("active", "active"),
        ("past_due", "past_due"),
        ("unpaid", "past_due"),
        ("canceled", "canceled"),
        ("incomplete_expired", "canceled"),
        ("incomplete", "incomplete"),
        ("paused", "incomplete"),
    ],
)
def test_stripes_subscription_statuses_map_onto_ours(stripe_standin, stripe_status, ours):
    subscription_id = _subscribe(stripe_standin)
    stripe_standin.subscription_change_silently(subscription_id, status=stripe_status)
    created = stripe_standin.events[1]
    event = {
        **created,
        "id": new_id("evt"),
        "type": "customer.subscription.updated",
        "data": {"object": stripe_standin.get(subscription_id)},
    }

    assert _only(stripe_standin, event).subscription.status == ours


def test_events_in_the_older_api_shape_are_read_too(stripe_standin):
    """Before 2025-03-31 the period end sat on the subscription and the invoice named its
    subscription and PaymentIntent directly; an endpoint pinned to such a version sends that."""
    subscription_id = _subscribe(stripe_standin)
    _completed, created, paid = stripe_standin.events
    subscription = created["data"]["object"]
    for item in subscription["items"]["data"]:
        del item["current_period_end"]
    subscription["current_period_end"] = 1_900_000_000
    subscription["items"]["data"][0]["plan"] = subscription["items"]["data"][0].pop("price")["recurring"]
    invoice = paid["data"]["object"]
    details = invoice.pop("parent")["subscription_details"]
    invoice.update(subscription=subscription_id, subscription_details={"metadata": details["metadata"]})

    old_subscription = _only(stripe_standin, created).subscription
    old_invoice = _only(stripe_standin, paid)

    assert old_subscription.current_period_end == datetime.fromtimestamp(1_900_000_000, tz=UTC)
    assert old_subscription.interval == "month"
    assert old_invoice.subscription.provider_subscription_id == subscription_id
    assert old_invoice.reference == "chk_monthly_1"


def test_the_same_event_twice_says_the_same(stripe_standin):
    _subscribe(stripe_standin)
    paid = stripe_standin.events[2]

    assert _received(stripe_standin, paid) == _received(stripe_standin, paid)


def test_an_invoice_of_nothing_is_no_payment(stripe_standin):
    _subscribe(stripe_standin)
    paid = stripe_standin.events[2]
    trial = {**paid, "id": new_id("evt"), "data": {"object": {**paid["data"]["object"], "amount_paid": 0}}}

    free = _only(stripe_standin, trial)

    assert free.payment is None
    assert free.subscription.status == "active"

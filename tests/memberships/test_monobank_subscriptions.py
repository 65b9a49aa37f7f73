"""monobank's regular payments through the real client: the first payment on the hosted page,
renewals, a failed renewal, cancellation, and what reconciliation reads."""

from datetime import UTC, datetime, timedelta

import pytest
import requests

from apps.memberships.money import money
from apps.memberships.providers.base import CheckoutRequest, ProviderEvent
from apps.memberships.providers.monobank import MonobankClient, provider_from_settings
from tests.standins.monobank import Delivery, MonobankStandin


def _client() -> MonobankClient:
    client = provider_from_settings()
    assert client is not None
    return client


def _subscribe(standin: MonobankStandin, interval: str = "month") -> str:
    started = _client().checkout_start(
        CheckoutRequest(
            mode="subscription",
            reference="chk_supporter",
            price=money("99.00", "UAH"),
            interval=interval,
            description="CineStream Supporter, monthly",
            success_url="https://cinestream.example/memberships/thanks/",
            cancel_url="https://cinestream.example/memberships/",
            webhook_url=standin.sink_url,
        )
    )
    return started.provider_reference


def _events(deliveries: list[Delivery]) -> list[ProviderEvent]:
    return [
        event for sent in deliveries for event in _client().webhook_events(sent.body, {"X-Sign": sent.sign})
    ]


def test_paying_on_monobanks_page_starts_the_subscription(monobank_standin):
    subscription_id = _subscribe(monobank_standin)
    page = requests.get(f"{monobank_standin.base_url}/pay/{subscription_id}", timeout=5)
    assert "99.00 UAH" in page.text

    paid = requests.post(
        f"{monobank_standin.base_url}/pay/{subscription_id}",
        data={"outcome": "success"},
        allow_redirects=False,
        timeout=10,
    )

    assert paid.headers["Location"] == "https://cinestream.example/memberships/thanks/"
    processing, charged, activated = _events(monobank_standin.deliveries)
    # monobank echoes no reference for a regular payment: the client remembered it.
    assert {event.reference for event in (processing, charged, activated)} == {"chk_supporter"}
    assert processing.payment.status == "pending"
    assert charged.payment.status == "succeeded"
    assert charged.payment.money == money("99.00", "UAH")
    assert charged.subscription.provider_subscription_id == subscription_id
    assert charged.subscription.status == "active"
    assert charged.subscription.interval == "month"
    assert activated.subscription.status == "active"
    assert activated.payment is None
    period_end = charged.subscription.current_period_end
    assert timedelta(days=27) < period_end - datetime.now(UTC) < timedelta(days=32)


def test_a_renewal_moves_the_period_on(monobank_standin):
    subscription_id = _subscribe(monobank_standin, "year")
    monobank_standin.subscription_charge(subscription_id)
    first_end = _client().subscription_state(subscription_id).current_period_end

    (_, renewed) = _events(monobank_standin.subscription_charge(subscription_id))

    assert renewed.payment.status == "succeeded"
    assert renewed.subscription.interval == "year"
    assert renewed.subscription.current_period_end.year == first_end.year + 1


def test_a_failed_renewal_is_past_due_while_monobank_tries_again(monobank_standin):
    subscription_id = _subscribe(monobank_standin)
    monobank_standin.subscription_charge(subscription_id)
    due = datetime.now(UTC) - timedelta(hours=1)
    monobank_standin.subscription_change(
        subscription_id, silent=True, nextChargeDate=due.strftime("%Y-%m-%dT%H:%M:%SZ")
    )

    (_, failed) = _events(monobank_standin.subscription_charge(subscription_id, succeed=False))

    assert failed.payment.status == "failed"
    assert failed.subscription.status == "past_due"
    assert failed.reference == "chk_supporter"


def test_cancelling_keeps_the_paid_period_and_stops_renewals(monobank_standin):
    subscription_id = _subscribe(monobank_standin)
    monobank_standin.subscription_charge(subscription_id)
    paid_until = _client().subscription_state(subscription_id).current_period_end
    monobank_standin.deliveries.clear()

    cancelled = _client().subscription_cancel(subscription_id)

    assert cancelled.status == "active"
    assert cancelled.cancel_at_period_end is True
    assert cancelled.current_period_end == paid_until
    (told,) = _events(monobank_standin.deliveries)
    assert told.subscription == cancelled
    assert monobank_standin.subscriptions[subscription_id]["status"] == "cancelled"


def test_a_cancelled_subscription_past_its_period_is_canceled(monobank_standin):
    subscription_id = _subscribe(monobank_standin)
    monobank_standin.subscription_charge(subscription_id)
    monobank_standin.subscription_change(
        subscription_id, silent=True, status="cancelled", nextChargeDate="2026-01-01T00:00:00Z", endDate=""
    )

    state = _client().subscription_state(subscription_id)

    assert state.status == "canceled"
    assert state.current_period_end == datetime(2026, 1, 1, tzinfo=UTC)


def test_an_unpaid_subscription_is_incomplete(monobank_standin):
    assert _client().subscription_state(_subscribe(monobank_standin)).status == "incomplete"


def test_reconciliation_sees_a_change_no_webhook_told(monobank_standin):
    subscription_id = _subscribe(monobank_standin)
    monobank_standin.subscription_charge(subscription_id)
    monobank_standin.subscription_change(subscription_id, silent=True, status="cancelled")

    assert _client().subscription_state(subscription_id).cancel_at_period_end is True
    assert monobank_standin.deliveries[-1].data.get("status") != "cancelled"


def test_reconciliation_reads_an_invoice_changed_silently(monobank_standin):
    started = _client().checkout_start(
        CheckoutRequest(
            mode="payment",
            reference="chk_drift",
            price=money("20", "UAH"),
            description="CineStream: a donation",
            success_url="https://cinestream.example/thanks/",
            cancel_url="https://cinestream.example/",
            webhook_url=monobank_standin.sink_url,
        )
    )
    monobank_standin.invoice_change(started.provider_reference, silent=True, status="success")

    event = _client().invoice_event(started.provider_reference)

    assert (event.reference, event.payment.status) == ("chk_drift", "succeeded")
    assert monobank_standin.deliveries == []


@pytest.mark.parametrize("body", [b'{"subscriptionId": ""}', b'{"status": "active"}'])
def test_a_subscription_webhook_without_its_id_is_refused(monobank_standin, body):
    from apps.memberships.providers.base import WebhookRejected

    with pytest.raises(WebhookRejected):
        _client().webhook_events(body, {"X-Sign": monobank_standin.sign(body)})

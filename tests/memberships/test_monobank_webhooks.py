"""monobank's webhooks through the real client: the ECDSA signature, the public key's cache,
and what each invoice status means for a payment."""

import base64
import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.memberships.money import money
from apps.memberships.providers.base import CheckoutRequest, ProviderEvent, WebhookRejected
from apps.memberships.providers.monobank import MonobankClient, provider_from_settings
from tests.standins.monobank import MonobankStandin


def _client() -> MonobankClient:
    client = provider_from_settings()
    assert client is not None
    return client


def _invoice(standin: MonobankStandin, amount: str = "250.00", currency: str = "UAH") -> str:
    started = _client().checkout_start(
        CheckoutRequest(
            mode="payment",
            reference="chk_42",
            price=money(amount, currency),
            description="CineStream: a donation",
            success_url="https://cinestream.example/thanks/",
            cancel_url="https://cinestream.example/",
            webhook_url=standin.sink_url,
        )
    )
    return started.provider_reference


def _event(standin: MonobankStandin, invoice_id: str, **changes: object) -> ProviderEvent:
    body, headers = standin.webhook_signed(invoice_id, **changes)
    (event,) = _client().webhook_events(body, headers)
    return event


def test_a_paid_donation_is_a_succeeded_payment_of_its_amount(monobank_standin):
    invoice_id = _invoice(monobank_standin)
    _, success = monobank_standin.invoice_pay(invoice_id)

    (event,) = _client().webhook_events(success.body, {"X-Sign": success.sign})

    assert event.provider == "monobank"
    assert event.reference == "chk_42"
    assert event.payment.provider_payment_id == invoice_id
    assert event.payment.status == "succeeded"
    assert event.payment.money.amount == Decimal("250.00")
    assert event.payment.money.currency == "UAH"
    assert event.payment.refunded is None
    assert event.event_id == f"{invoice_id}:success:{success.data['modifiedDate']}"
    assert event.occurred_at == datetime.fromisoformat(success.data["modifiedDate"])
    assert event.occurred_at.tzinfo is not None


def test_the_same_webhook_twice_is_the_same_event(monobank_standin):
    invoice_id = _invoice(monobank_standin)
    _, success = monobank_standin.invoice_pay(invoice_id)

    again = monobank_standin.webhook_resend(success)
    first = _client().webhook_events(success.body, {"X-Sign": success.sign})
    second = _client().webhook_events(again.body, {"X-Sign": again.sign})

    assert first == second


def test_webhooks_arriving_out_of_order_carry_the_order_they_happened_in(monobank_standin):
    invoice_id = _invoice(monobank_standin)
    processing, success = monobank_standin.invoice_pay(invoice_id)

    (late,) = _client().webhook_events(processing.body, {"X-Sign": processing.sign})
    (early,) = _client().webhook_events(success.body, {"X-Sign": success.sign})

    assert late.payment.status == "pending"
    assert late.occurred_at < early.occurred_at
    assert late.event_id != early.event_id


@pytest.mark.parametrize("status", ["created", "processing", "hold"])
def test_an_unfinished_invoice_is_pending(monobank_standin, status):
    assert _event(monobank_standin, _invoice(monobank_standin), status=status).payment.status == "pending"


def test_a_declined_card_is_a_failed_payment_with_monobanks_reason(monobank_standin):
    invoice_id = _invoice(monobank_standin)
    _, failure = monobank_standin.invoice_pay(invoice_id, succeed=False)

    (event,) = _client().webhook_events(failure.body, {"X-Sign": failure.sign})

    assert event.payment.status == "failed"
    assert event.payment.failure_reason == "Недостатньо коштів"


def test_an_expired_invoice_is_a_failed_payment(monobank_standin):
    event = _event(monobank_standin, _invoice(monobank_standin), status="expired")

    assert (event.payment.status, event.payment.failure_reason) == ("failed", "expired")


def test_a_whole_refund_is_refunded(monobank_standin):
    invoice_id = _invoice(monobank_standin)
    monobank_standin.invoice_pay(invoice_id)
    reversed_ = monobank_standin.invoice_refund(invoice_id)

    (event,) = _client().webhook_events(reversed_.body, {"X-Sign": reversed_.sign})

    assert event.payment.status == "refunded"
    assert event.payment.refunded == money("250.00", "UAH")


def test_part_refunds_add_up_until_the_whole_is_refunded(monobank_standin):
    invoice_id = _invoice(monobank_standin)
    monobank_standin.invoice_pay(invoice_id)

    first = monobank_standin.invoice_refund(invoice_id, 10000)
    second = monobank_standin.invoice_refund(invoice_id, 5050)
    last = monobank_standin.invoice_refund(invoice_id)
    events = [_client().webhook_events(sent.body, {"X-Sign": sent.sign})[0] for sent in (first, second, last)]

    assert [event.payment.status for event in events] == [
        "partially_refunded",
        "partially_refunded",
        "refunded",
    ]
    assert [event.payment.refunded.amount for event in events] == [
        Decimal("100.00"),
        Decimal("150.50"),
        Decimal("250.00"),
    ]
    assert len({event.event_id for event in events}) == 3


def test_a_dollar_invoice_is_in_dollars(monobank_standin):
    invoice_id = _invoice(monobank_standin, "4.99", "USD")

    assert _event(monobank_standin, invoice_id, status="success").payment.money == money("4.99", "USD")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_refunded_money_is_exact_to_the_kopiyka(monobank_standin, data):
    amount = data.draw(st.integers(min_value=1, max_value=10**9), label="amount")
    refunds = data.draw(st.lists(st.integers(min_value=1, max_value=amount), max_size=4), label="refunds")
    kept = []
    for refund in refunds:
        if sum(kept) + refund <= amount:
            kept.append(refund)
    body = {
        "invoiceId": "p2_hypothesis",
        "status": "reversed" if kept else "success",
        "amount": amount,
        "ccy": 980,
        "finalAmount": amount - sum(kept),
        "modifiedDate": "2026-12-03T18:00:00Z",
        "reference": "chk",
        "cancelList": [{"status": "success", "amount": refund, "ccy": 980} for refund in kept],
    }
    raw = json.dumps(body).encode()

    (event,) = _client().webhook_events(raw, {"X-Sign": monobank_standin.sign(raw)})

    assert event.payment.money.amount == Decimal(amount) / 100
    assert event.payment.money.amount.as_tuple().exponent == -2
    if kept:
        assert event.payment.refunded.amount == Decimal(sum(kept)) / 100
        assert event.payment.status == ("refunded" if sum(kept) == amount else "partially_refunded")
    else:
        assert (event.payment.status, event.payment.refunded) == ("succeeded", None)


def test_a_forged_signature_is_refused(monobank_standin):
    body, headers = monobank_standin.webhook_signed(_invoice(monobank_standin), status="success", forged=True)

    with pytest.raises(WebhookRejected, match="X-Sign"):
        _client().webhook_events(body, headers)


def test_a_body_changed_after_signing_is_refused(monobank_standin):
    body, headers = monobank_standin.webhook_signed(_invoice(monobank_standin), status="processing")
    tampered = body.replace(b'"processing"', b'"success"')

    with pytest.raises(WebhookRejected):
        _client().webhook_events(tampered, headers)


@pytest.mark.parametrize("headers", [{}, {"X-Sign": ""}, {"X-Sign": "not base64!"}])
def test_a_webhook_without_a_usable_signature_is_refused(monobank_standin, headers):
    body, _ = monobank_standin.webhook_signed(_invoice(monobank_standin), status="success")

    with pytest.raises(WebhookRejected):
        _client().webhook_events(body, headers)


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b"{}",
        b'{"invoiceId": "p2_x", "status": "paid", "amount": 100, "modifiedDate": "2026-12-03T18:00:00Z"}',
        b'{"invoiceId": "p2_x", "status": "success", "amount": 100.0, "modifiedDate": "2026-12-03T18:00:00Z"}',
        b'{"invoiceId": "p2_x", "status": "success", "amount": "100", "modifiedDate": "2026-12-03T18:00:00Z"}',
        b'{"invoiceId": "p2_x", "status": "success", "amount": 100, "ccy": 978, "modifiedDate": "2026-12-03T18:00:00Z"}',
        b'{"invoiceId": "p2_x", "status": "success", "amount": 100, "modifiedDate": "yesterday"}',
    ],
)
def test_a_signed_body_that_is_no_invoice_is_refused(monobank_standin, body):
    with pytest.raises(WebhookRejected):
        _client().webhook_events(body, {"X-Sign": monobank_standin.sign(body)})


def test_headers_are_found_whatever_their_case(monobank_standin):
    body, headers = monobank_standin.webhook_signed(_invoice(monobank_standin), status="success")

    (event,) = _client().webhook_events(body, {"x-sign": headers["X-Sign"]})

    assert event.payment.status == "succeeded"


def test_the_public_key_is_fetched_once_for_many_webhooks(monobank_standin):
    invoice_id = _invoice(monobank_standin)

    for status in ("processing", "success", "success", "hold", "processing"):
        _event(monobank_standin, invoice_id, status=status)

    assert monobank_standin.pubkey_fetches == 1


def test_a_rotated_key_is_fetched_again_once_and_then_trusted(monobank_standin):
    invoice_id = _invoice(monobank_standin)
    _event(monobank_standin, invoice_id, status="processing")

    monobank_standin.key_rotate()
    event = _event(monobank_standin, invoice_id, status="success")
    _event(monobank_standin, invoice_id, status="success")

    assert event.payment.status == "succeeded"
    assert monobank_standin.pubkey_fetches == 2


def test_forged_webhooks_cannot_make_the_key_be_fetched_again_and_again(monobank_standin):
    invoice_id = _invoice(monobank_standin)
    _event(monobank_standin, invoice_id, status="processing")

    for _ in range(5):
        body, headers = monobank_standin.webhook_signed(invoice_id, status="success", forged=True)
        with pytest.raises(WebhookRejected):
            _client().webhook_events(body, headers)

    assert monobank_standin.pubkey_fetches == 2


def test_a_signature_by_another_curve_is_refused(monobank_standin):
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    body, _ = monobank_standin.webhook_signed(_invoice(monobank_standin), status="success")
    other = ec.generate_private_key(ec.SECP256K1()).sign(body, ec.ECDSA(hashes.SHA256()))

    with pytest.raises(WebhookRejected):
        _client().webhook_events(body, {"X-Sign": base64.b64encode(other).decode()})


def test_an_old_webhook_is_not_refused_for_its_age(monobank_standin):
    """monobank sends no timestamp and retries late: an old state is ordered, not refused."""
    event = _event(
        monobank_standin, _invoice(monobank_standin), status="success", modifiedDate="2020-01-01T00:00:00Z"
    )

    assert event.occurred_at == datetime(2020, 1, 1, tzinfo=UTC)


def test_a_key_that_cannot_be_fetched_is_no_verdict_on_the_webhook(monobank_standin):
    """Unavailable, not rejected: the endpoint fails with a 5xx and monobank sends it again."""
    from apps.memberships.providers.base import ProviderUnavailable
    from tests.standins.monobank import Fault

    body, headers = monobank_standin.webhook_signed(_invoice(monobank_standin), status="success")
    monobank_standin.fault_add(Fault("/api/merchant/pubkey", status=503), count=3)

    with pytest.raises(ProviderUnavailable):
        _client().webhook_events(body, headers)
    assert _client().webhook_events(body, headers)[0].payment.status == "succeeded"

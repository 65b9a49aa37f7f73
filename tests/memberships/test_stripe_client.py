"""The Stripe client's requests, against the Stripe stand-in: what Stripe receives, and how
its refusals and failures reach us."""

from decimal import Decimal

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.memberships.providers import provider_get, providers_configured
from apps.memberships.providers.base import (
    CheckoutRequest,
    Money,
    ProviderRefused,
    ProviderUnavailable,
)
from apps.memberships.providers.stripe import provider_from_settings
from tests.standins.stripe import Fault, StripeStandin

SUPPORTER_MONTHLY = CheckoutRequest(
    mode="subscription",
    reference="chk_monthly_1",
    price=Money(amount=Decimal("99.00"), currency="UAH"),
    interval="month",
    description="CineStream Supporter, monthly",
    email="fan@example.com",
    success_url="https://cinestream.example/memberships/done/?session={CHECKOUT_SESSION_ID}",
    cancel_url="https://cinestream.example/memberships/plans/",
    webhook_url="https://cinestream.example/memberships/webhooks/stripe/",
    locale="uk",
)
DONATION = SUPPORTER_MONTHLY.model_copy(
    update={
        "mode": "payment",
        "reference": "chk_donation_1",
        "price": Money(amount=Decimal("4.99"), currency="USD"),
        "interval": None,
        "description": "A donation to CineStream",
        "locale": "ru",
    }
)


def _stripe(standin: StripeStandin):
    provider = provider_get("stripe")
    assert provider is not None
    return provider


def _subscribed(standin: StripeStandin) -> str:
    started = _stripe(standin).checkout_start(SUPPORTER_MONTHLY)
    standin.checkout_pay(started.provider_reference)
    return standin.get(started.provider_reference)["subscription"]


def test_stripe_is_offered_only_with_both_keys(stripe_standin):
    assert "stripe" in providers_configured()

    with override_settings(STRIPE_WEBHOOK_SECRET=""):
        assert provider_from_settings() is None
    with override_settings(STRIPE_SECRET_KEY=""):
        assert provider_get("stripe") is None


def test_subscription_checkout_sends_minor_units_reference_and_a_locale_stripe_knows(stripe_standin):
    started = _stripe(stripe_standin).checkout_start(SUPPORTER_MONTHLY)

    (seen,) = stripe_standin.requests_seen("/v1/checkout/sessions")
    line = seen.params["line_items"][0]
    assert seen.params["mode"] == "subscription"
    assert line["price_data"] == {
        "currency": "uah",
        "unit_amount": "9900",
        "product_data": {"name": "CineStream Supporter, monthly"},
        "recurring": {"interval": "month"},
    }
    assert line["quantity"] == "1"
    assert seen.params["client_reference_id"] == "chk_monthly_1"
    assert seen.params["metadata"] == {"reference": "chk_monthly_1"}
    assert seen.params["subscription_data"] == {"metadata": {"reference": "chk_monthly_1"}}
    assert seen.params["customer_email"] == "fan@example.com"
    # Checkout has no Ukrainian page; "auto" follows the visitor's browser.
    assert seen.params["locale"] == "auto"
    assert seen.params["success_url"] == SUPPORTER_MONTHLY.success_url
    assert seen.api_key.startswith("sk_test_")
    assert seen.idempotency_key == "cinestream-checkout-chk_monthly_1"
    assert started.provider_reference.startswith("cs_test_")
    assert started.redirect_url == f"{stripe_standin.base_url}/c/pay/{started.provider_reference}"


def test_donation_checkout_is_a_one_off_payment_for_a_known_customer(stripe_standin):
    customer_id = stripe_standin.get(_subscribed(stripe_standin))["customer"]

    _stripe(stripe_standin).checkout_start(DONATION.model_copy(update={"customer_id": customer_id}))

    seen = stripe_standin.requests_seen("/v1/checkout/sessions")[-1]
    assert seen.params["mode"] == "payment"
    assert seen.params["line_items"][0]["price_data"]["unit_amount"] == "499"
    assert seen.params["line_items"][0]["price_data"]["currency"] == "usd"
    assert "recurring" not in seen.params["line_items"][0]["price_data"]
    assert seen.params["payment_intent_data"]["metadata"] == {"reference": "chk_donation_1"}
    assert seen.params["customer"] == customer_id
    assert "customer_email" not in seen.params
    assert seen.params["locale"] == "ru"


def test_starting_the_same_checkout_twice_gives_the_same_session(stripe_standin):
    first = _stripe(stripe_standin).checkout_start(SUPPORTER_MONTHLY)
    again = _stripe(stripe_standin).checkout_start(SUPPORTER_MONTHLY)

    assert again == first
    assert len(stripe_standin.requests_seen("/v1/checkout/sessions")) == 2


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cents=st.integers(min_value=1, max_value=10**9),
    currency=st.sampled_from(["UAH", "USD"]),
)
def test_any_price_reaches_stripe_as_exact_minor_units(stripe_standin, cents, currency):
    price = Money(amount=Decimal(cents).scaleb(-2), currency=currency)

    _stripe(stripe_standin).checkout_start(
        DONATION.model_copy(update={"price": price, "reference": f"chk_{cents}_{currency}"})
    )

    sent = stripe_standin.requests_seen("/v1/checkout/sessions")[-1].params["line_items"][0]["price_data"]
    assert sent["unit_amount"] == str(cents)
    assert sent["currency"] == currency.lower()


def test_the_same_reference_with_another_price_is_refused(stripe_standin):
    _stripe(stripe_standin).checkout_start(SUPPORTER_MONTHLY)
    other_price = SUPPORTER_MONTHLY.model_copy(
        update={"price": Money(amount=Decimal("1.00"), currency="UAH")}
    )

    with pytest.raises(ProviderRefused, match="Keys for idempotent requests"):
        _stripe(stripe_standin).checkout_start(other_price)


def test_a_wrong_api_key_is_refused_naming_the_setting(stripe_standin):
    with (
        override_settings(STRIPE_SECRET_KEY="sk_test_wrong0000000000000000000000"),
        pytest.raises(ProviderRefused, match=r"STRIPE_SECRET_KEY.*Invalid API Key provided: sk_test_"),
    ):
        _stripe(stripe_standin).checkout_start(SUPPORTER_MONTHLY)


def test_a_restricted_key_without_the_permission_is_refused_naming_the_setting(stripe_standin):
    message = "The provided key 'rk_test_***abcd' does not have the required permissions for this endpoint."
    stripe_standin.fault_add(Fault("/v1/subscriptions/", 403, message))

    with pytest.raises(ProviderRefused, match=r"STRIPE_SECRET_KEY.*does not have the required permissions"):
        _stripe(stripe_standin).subscription_state("sub_any")


def test_an_unknown_subscription_is_refused_with_stripes_message(stripe_standin):
    with pytest.raises(ProviderRefused, match=r"HTTP 404.*No such subscription: 'sub_missing'"):
        _stripe(stripe_standin).subscription_state("sub_missing")


def test_an_unknown_customer_is_refused_with_stripes_message(stripe_standin):
    with pytest.raises(ProviderRefused, match="No such customer: 'cus_gone'"):
        _stripe(stripe_standin).portal_url("cus_gone", "https://cinestream.example/billing/")


def test_stripe_errors_are_retried_twice_before_giving_up(stripe_standin):
    stripe_standin.fault_add(Fault("/v1/checkout/sessions", 500), count=2)
    started = _stripe(stripe_standin).checkout_start(SUPPORTER_MONTHLY)

    assert started.provider_reference.startswith("cs_test_")
    assert [seen.status for seen in stripe_standin.requests_seen()] == [500, 500, 200]

    stripe_standin.fault_add(Fault("/v1/subscriptions/", 503), count=3)
    with pytest.raises(ProviderUnavailable, match="HTTP 503"):
        _stripe(stripe_standin).subscription_state("sub_any")


def test_an_unreachable_stripe_is_unavailable(stripe_standin):
    stripe_standin.stop()

    with pytest.raises(ProviderUnavailable, match="unreachable"):
        _stripe(stripe_standin).checkout_start(SUPPORTER_MONTHLY)


def test_the_portal_is_stripes_page_for_the_customer(stripe_standin):
    customer_id = stripe_standin.get(_subscribed(stripe_standin))["customer"]

    url = _stripe(stripe_standin).portal_url(customer_id, "https://cinestream.example/billing/")

    (seen,) = stripe_standin.requests_seen("/v1/billing_portal/sessions")
    assert seen.params == {"customer": customer_id, "return_url": "https://cinestream.example/billing/"}
    assert url.startswith(f"{stripe_standin.base_url}/p/session/bps_")


def test_cancelling_keeps_the_subscription_until_its_period_ends(stripe_standin):
    subscription_id = _subscribed(stripe_standin)

    fact = _stripe(stripe_standin).subscription_cancel(subscription_id)

    assert fact.status == "active"
    assert fact.cancel_at_period_end is True
    assert stripe_standin.requests_seen(f"/v1/subscriptions/{subscription_id}")[-1].params == {
        "cancel_at_period_end": "true"
    }
    assert stripe_standin.events_of("customer.subscription.updated")[-1]["data"]["object"][
        "cancel_at_period_end"
    ]


def test_the_state_stripe_reports_is_read_afresh(stripe_standin):
    subscription_id = _subscribed(stripe_standin)
    stripe_standin.subscription_change_silently(
        subscription_id, status="unpaid", current_period_end=1_900_000_000
    )

    fact = _stripe(stripe_standin).subscription_state(subscription_id)

    assert fact.status == "past_due"
    assert fact.current_period_end.timestamp() == 1_900_000_000
    assert fact.interval == "month"

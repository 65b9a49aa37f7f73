"""The monobank client's calls, run against the stand-in: checkouts, configuration, errors."""

from decimal import Decimal

import pytest
from django.test import override_settings

from apps.memberships.money import money
from apps.memberships.providers import providers_configured
from apps.memberships.providers.base import CheckoutRequest, ProviderRefused, ProviderUnavailable
from apps.memberships.providers.monobank import MonobankClient, provider_from_settings
from tests.standins.monobank import Fault, MonobankStandin


def _request(standin: MonobankStandin, **changes: object) -> CheckoutRequest:
    fields = {
        "mode": "payment",
        "reference": "chk_donation_1",
        "price": money("150.50", "UAH"),
        "description": "CineStream: a donation",
        "email": "viewer@example.com",
        "success_url": "https://cinestream.example/memberships/thanks/",
        "cancel_url": "https://cinestream.example/memberships/",
        "webhook_url": standin.sink_url,
    }
    return CheckoutRequest(**{**fields, **changes})


def _client() -> MonobankClient:
    client = provider_from_settings()
    assert client is not None
    return client


def test_a_donation_becomes_an_invoice_in_kopiyky_carrying_our_reference(monobank_standin):
    started = _client().checkout_start(_request(monobank_standin))

    (created,) = monobank_standin.requests_seen("/api/merchant/invoice/create")
    assert created.body["amount"] == 15050
    assert created.body["ccy"] == 980
    assert created.body["merchantPaymInfo"]["reference"] == "chk_donation_1"
    assert created.body["merchantPaymInfo"]["destination"] == "CineStream: a donation"
    assert created.body["webHookUrl"] == monobank_standin.sink_url
    assert created.body["redirectUrl"] == "https://cinestream.example/memberships/thanks/"
    assert started.provider_reference in monobank_standin.invoices
    assert started.redirect_url == f"{monobank_standin.base_url}/pay/{started.provider_reference}"


def test_dollars_are_asked_by_their_iso_number(monobank_standin):
    _client().checkout_start(_request(monobank_standin, price=money("4.99", "USD")))

    (created,) = monobank_standin.requests_seen("/api/merchant/invoice/create")
    assert (created.body["amount"], created.body["ccy"]) == (499, 840)


def test_a_merchant_without_dollars_is_refused_with_monobanks_words(monobank_standin):
    monobank_standin.currencies = {980}

    with pytest.raises(ProviderRefused, match="currency 840 is not allowed"):
        _client().checkout_start(_request(monobank_standin, price=money("4.99", "USD")))


@pytest.mark.parametrize(("interval", "wire"), [("month", "1m"), ("year", "1y")])
def test_a_supporter_plan_becomes_a_regular_payment(monobank_standin, interval, wire):
    started = _client().checkout_start(
        _request(monobank_standin, mode="subscription", interval=interval, price=money("99", "UAH"))
    )

    (created,) = monobank_standin.requests_seen("/api/merchant/subscription/create")
    assert created.body["amount"] == 9900
    assert created.body["interval"] == wire
    assert created.body["webHookUrls"] == {
        "chargeUrl": monobank_standin.sink_url,
        "statusUrl": monobank_standin.sink_url,
    }
    assert started.provider_reference in monobank_standin.subscriptions


def test_a_subscription_without_an_interval_is_refused_before_any_call(monobank_standin):
    with pytest.raises(ProviderRefused):
        _client().checkout_start(_request(monobank_standin, mode="subscription"))

    assert monobank_standin.requests_seen() == []


def test_the_provider_is_hidden_without_a_token_and_offered_with_one(monobank_standin):
    assert providers_configured()["monobank"].has_portal is False
    with override_settings(MONOBANK_TOKEN=""):
        assert provider_from_settings() is None
        assert "monobank" not in providers_configured()


def test_a_wrong_token_names_the_setting_to_fix(monobank_standin):
    with (
        override_settings(MONOBANK_TOKEN="not-the-token"),
        pytest.raises(ProviderRefused, match="MONOBANK_TOKEN"),
    ):
        _client().checkout_start(_request(monobank_standin))


def test_a_bad_request_is_refused_with_monobanks_err_text(monobank_standin):
    with pytest.raises(ProviderRefused, match="subscription not found"):
        _client().subscription_state("s2_unknown")


@pytest.mark.parametrize("status", [429, 500, 503])
def test_a_passing_trouble_is_tried_again(monobank_standin, status):
    monobank_standin.fault_add(Fault("/api/merchant/invoice/create", status=status), count=2)

    started = _client().checkout_start(_request(monobank_standin))

    assert [seen.status for seen in monobank_standin.requests_seen("/api/merchant/invoice/create")] == [
        status,
        status,
        200,
    ]
    assert started.provider_reference in monobank_standin.invoices


def test_trouble_that_outlasts_the_retries_is_unavailable(monobank_standin):
    monobank_standin.fault_add(Fault("/api/merchant/invoice/create", status=502), count=5)

    with pytest.raises(ProviderUnavailable):
        _client().checkout_start(_request(monobank_standin))

    assert len(monobank_standin.requests_seen("/api/merchant/invoice/create")) == 3


def test_a_hanging_monobank_is_unavailable_after_the_timeout(monobank_standin):
    monobank_standin.fault_add(Fault("/api/merchant/invoice/create", delay=1.0), count=2)

    with (
        override_settings(PAYMENTS_TIMEOUT_SECONDS=0.2, MONOBANK_RETRY_ATTEMPTS=2),
        pytest.raises(ProviderUnavailable, match="Timeout"),
    ):
        _client().checkout_start(_request(monobank_standin))


def test_an_unreachable_monobank_is_unavailable(monobank_standin):
    with (
        override_settings(MONOBANK_BASE_URL="http://127.0.0.1:9", MONOBANK_RETRY_ATTEMPTS=1),
        pytest.raises(ProviderUnavailable),
    ):
        _client().checkout_start(_request(monobank_standin))


def test_money_is_never_a_float_on_the_wire(monobank_standin):
    _client().checkout_start(_request(monobank_standin, price=money(Decimal("0.01"), "UAH")))

    (created,) = monobank_standin.requests_seen("/api/merchant/invoice/create")
    assert created.body["amount"] == 1
    assert type(created.body["amount"]) is int

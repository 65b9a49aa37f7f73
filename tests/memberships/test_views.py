"""Memberships' pages and the webhook endpoint's answers.

The provider here is a tiny in-test PaymentProvider standing in the Stripe module's slot: these
are unit tests of the views' mapping (404/400/200, 303 to the provider's page, what is shown),
not of a client; the clients are tested against their stand-in servers.
"""

import logging
from collections.abc import Mapping
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

import apps.memberships.providers.stripe as stripe_slot
from apps.memberships.models import Checkout, Plan, Subscription
from apps.memberships.providers.base import (
    CheckoutRequest,
    CheckoutStarted,
    PaymentFact,
    ProviderEvent,
    ProviderUnavailable,
    SubscriptionFact,
    WebhookRejected,
)
from tests.support.accounts import user_create
from tests.support.memberships import supporter_make

pytestmark = pytest.mark.django_db


class InTestProvider:
    """Signs its webhooks with a shared word; remembers what it was asked."""

    name = "stripe"
    supports_subscriptions = True
    has_portal = False

    def __init__(self) -> None:
        self.checkouts: list[CheckoutRequest] = []
        self.cancelled: list[str] = []

    def checkout_start(self, request: CheckoutRequest) -> CheckoutStarted:
        self.checkouts.append(request)
        return CheckoutStarted(
            provider_reference="cs_1", redirect_url=f"https://pay.example/{request.reference}"
        )

    def webhook_events(self, body: bytes, headers: Mapping[str, str]) -> list[ProviderEvent]:
        if headers.get("X-Signature") != "right":
            raise WebhookRejected("bad signature")
        return [ProviderEvent.model_validate_json(line) for line in body.decode().splitlines()]

    def subscription_state(self, provider_subscription_id: str) -> SubscriptionFact:
        raise NotImplementedError

    def subscription_cancel(self, provider_subscription_id: str) -> SubscriptionFact:
        self.cancelled.append(provider_subscription_id)
        return SubscriptionFact(
            provider_subscription_id=provider_subscription_id, status="active", cancel_at_period_end=True
        )

    def portal_url(self, customer_id: str, return_url: str) -> str:
        raise NotImplementedError


@pytest.fixture
def provider(monkeypatch) -> InTestProvider:
    made = InTestProvider()
    monkeypatch.setattr(stripe_slot, "provider_from_settings", lambda: made)
    return made


def _person(language: str = "en", email: str = "olena@example.com"):
    return user_create(email, language=language)


def _signed_in(client: Client, user) -> Client:
    client.force_login(user, backend="allauth.account.auth_backends.AuthenticationBackend")
    return client


# --- The webhook endpoint ---------------------------------------------------------------


def test_a_webhook_for_an_unknown_provider_is_404(client, provider):
    assert (
        client.post("/memberships/webhooks/paypal/", b"{}", content_type="application/json").status_code
        == 404
    )


def test_a_badly_signed_webhook_is_400_and_logged(client, provider, caplog):
    with caplog.at_level(logging.WARNING):
        reply = client.post(
            "/memberships/webhooks/stripe/", b"{}", content_type="application/json", HTTP_X_SIGNATURE="forged"
        )

    assert reply.status_code == 400
    assert "membership_webhook_rejected" in caplog.text
    assert "bad signature" in caplog.text


def test_a_verified_webhook_is_applied_once_and_answered_200(client, provider):
    olena = _person()
    checkout = Checkout.objects.create(
        user=olena,
        kind="subscription",
        plan=Plan.objects.get(code="supporter"),
        interval="month",
        amount=Decimal("99"),
        currency="UAH",
        provider="stripe",
    )
    event = ProviderEvent(
        provider="stripe",
        event_id="evt_1",
        occurred_at=timezone.now(),
        reference=str(checkout.pk),
        subscription=SubscriptionFact(provider_subscription_id="sub_1", status="active"),
        payment=PaymentFact(
            provider_payment_id="pi_1", status="succeeded", money={"amount": "99.00", "currency": "UAH"}
        ),
    )
    body = event.model_dump_json().encode()

    def post():
        return client.post(
            "/memberships/webhooks/stripe/", body, content_type="application/json", HTTP_X_SIGNATURE="right"
        )

    assert post().status_code == 200
    assert post().status_code == 200  # the provider's retry: answered, changes nothing
    assert Subscription.objects.get().status == "active"


def test_the_webhook_takes_no_csrf_token_and_no_get(provider):
    strict = Client(enforce_csrf_checks=True)

    assert (
        strict.post("/memberships/webhooks/stripe/", b"", content_type="application/json").status_code == 400
    )
    assert strict.get("/memberships/webhooks/stripe/").status_code == 405


# --- Plans and checkout -----------------------------------------------------------------


def test_the_plans_page_shows_prices_in_both_currencies_in_the_languages_number_format(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get("/memberships/").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "uk"
    ukrainian = client.get("/memberships/").content.decode()

    assert "99.00 UAH or 4.99 USD a month" in english
    assert "990.00 UAH or 49.00 USD a year" in english
    assert "99,00" in ukrainian
    assert "4,99" in ukrainian


def test_without_a_provider_the_plans_page_offers_no_payment(client):
    page = client.get("/memberships/").content.decode()

    assert 'data-testid="checkout-supporter-' not in page
    assert 'data-testid="no-providers"' in page


def test_with_a_provider_each_paid_plan_gets_its_button(client, provider):
    page = client.get("/memberships/").content.decode()

    assert 'data-testid="checkout-supporter-stripe"' in page
    assert 'data-testid="checkout-free-' not in page


def test_a_visitor_must_sign_in_before_subscribing(client, provider):
    reply = client.post(
        "/memberships/checkout/",
        {"plan": "supporter", "interval": "month", "currency": "UAH", "provider": "stripe"},
    )

    assert reply.status_code == 302
    assert "/accounts/login/" in reply["Location"]
    assert not provider.checkouts


def test_subscribing_sends_the_person_to_the_providers_page_with_our_reference(client, provider):
    _signed_in(client, _person())

    reply = client.post(
        "/memberships/checkout/",
        {"plan": "supporter", "interval": "year", "currency": "USD", "provider": "stripe"},
    )

    checkout = Checkout.objects.get()
    assert reply.status_code == 303
    assert reply["Location"] == f"https://pay.example/{checkout.pk}"
    sent = provider.checkouts[0]
    assert (sent.mode, sent.price.amount, sent.price.currency, sent.interval) == (
        "subscription",
        Decimal("49.00"),
        "USD",
        "year",
    )
    assert sent.success_url.endswith(f"/memberships/checkout/{checkout.pk}/done/")
    assert sent.webhook_url.endswith("/memberships/webhooks/stripe/")
    assert sent.locale == "en"


def test_the_checkout_form_needs_the_csrf_token(provider):
    strict = Client(enforce_csrf_checks=True)
    _signed_in(strict, _person())

    reply = strict.post(
        "/memberships/checkout/",
        {"plan": "supporter", "interval": "month", "currency": "UAH", "provider": "stripe"},
    )

    assert reply.status_code == 403


def test_the_return_page_waits_for_the_webhook(client, provider):
    _signed_in(client, _person())
    client.post(
        "/memberships/checkout/",
        {"plan": "supporter", "interval": "month", "currency": "UAH", "provider": "stripe"},
    )
    checkout = Checkout.objects.get()

    waiting = client.get(f"/memberships/checkout/{checkout.pk}/done/").content.decode()
    assert 'data-state="open"' in waiting
    assert not Subscription.objects.exists()  # coming back is no proof of payment

    Checkout.objects.filter(pk=checkout.pk).update(status="paid")  # as the webhook leaves it
    assert 'data-state="paid"' in client.get(f"/memberships/checkout/{checkout.pk}/done/").content.decode()


# --- Donations ------------------------------------------------------------------------


def test_a_visitor_donates_an_amount_of_their_own(client, provider):
    reply = client.post("/memberships/donate/", {"amount": "150,50", "currency": "UAH", "provider": "stripe"})

    assert reply.status_code == 303
    sent = provider.checkouts[0]
    assert (sent.mode, sent.price.amount, sent.interval) == ("payment", Decimal("150.50"), None)
    assert Checkout.objects.get().user is None


def test_a_donation_amount_with_three_decimals_is_refused_with_a_message(client, provider):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    reply = client.post("/memberships/donate/", {"amount": "50.001", "currency": "UAH", "provider": "stripe"})

    assert reply.status_code == 400
    assert "at most two decimal places" in reply.content.decode()
    assert not provider.checkouts


# --- The footer's donation button -------------------------------------------------------


def test_the_donation_button_is_hidden_with_no_provider_and_no_url(client, settings):
    settings.DONATION_URL = None

    assert 'data-testid="donate-button"' not in client.get("/memberships/").content.decode()


def test_the_donation_button_links_out_to_donation_url_without_a_provider(client, settings):
    settings.DONATION_URL = "https://send.monobank.ua/jar/cinestream"

    page = client.get("/memberships/").content.decode()

    assert 'href="https://send.monobank.ua/jar/cinestream" rel="noopener external"' in page


@pytest.mark.parametrize(
    ("language", "label"),
    [("uk", "Підтримати CineStream"), ("en", "Support CineStream"), ("ru", "Поддержать CineStream")],
)
def test_the_donation_button_opens_our_donation_page_with_a_provider(client, provider, language, label):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    page = client.get("/").content.decode()

    assert 'href="/memberships/donate/" data-testid="donate-button">' + label in page


# --- Billing ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "renews", "status"),
    [("en", "Renews on", "Active"), ("uk", "Поновиться", "Активна"), ("ru", "Продлится", "Активна")],
)
def test_the_billing_page_lists_the_subscription_and_payments(client, language, renews, status):
    person = _person(language)
    supporter_make(person)

    page = _signed_in(client, person).get("/memberships/billing/").content.decode()

    assert renews in page
    assert status.lower() in page.lower()
    assert page.count('data-testid="payment"') == 1


def test_the_billing_page_shows_the_grace_notice_after_a_failed_renewal(client):
    person = _person()
    supporter_make(person, status="past_due")

    page = _signed_in(client, person).get("/memberships/billing/").content.decode()

    assert 'data-testid="subscription-grace"' in page
    assert "your perks stay on until" in page


def test_cancelling_asks_the_provider_and_waits_for_its_webhook(client, provider):
    person = _person()
    subscription = supporter_make(person)

    reply = _signed_in(client, person).post(f"/memberships/billing/subscriptions/{subscription.pk}/cancel/")

    assert reply.status_code == 302
    assert provider.cancelled == [subscription.provider_subscription_id]
    subscription.refresh_from_db()
    assert not subscription.cancel_at_period_end  # until the provider's webhook says so


def test_nobody_cancels_someone_elses_subscription(client, provider):
    subscription = supporter_make(_person(email="taras@example.com"))

    reply = _signed_in(client, _person()).post(
        f"/memberships/billing/subscriptions/{subscription.pk}/cancel/"
    )

    assert reply.status_code == 404
    assert not provider.cancelled


def test_billing_needs_a_signed_in_person(client):
    assert client.get("/memberships/billing/").status_code == 302


def test_a_provider_that_fails_to_open_its_page_leaves_nothing_charged(client, provider, monkeypatch):
    def refuse(request):
        raise ProviderUnavailable("timeout")

    monkeypatch.setattr(provider, "checkout_start", refuse)
    _signed_in(client, _person())

    reply = client.post(
        "/memberships/checkout/",
        {"plan": "supporter", "interval": "month", "currency": "UAH", "provider": "stripe"},
        follow=True,
    )

    assert "Nothing was charged" in reply.content.decode()
    assert Checkout.objects.get().status == "failed"


def test_a_provider_with_a_portal_sends_the_person_there(client, provider, monkeypatch):
    provider.has_portal = True
    monkeypatch.setattr(
        provider, "portal_url", lambda customer_id, return_url: f"https://portal.example/{customer_id}"
    )
    person = _person()
    subscription = supporter_make(person)
    _signed_in(client, person)

    page = client.get("/memberships/billing/").content.decode()
    reply = client.post(f"/memberships/billing/subscriptions/{subscription.pk}/portal/")

    assert 'data-testid="subscription-portal"' in page
    assert reply.status_code == 303
    assert reply["Location"] == f"https://portal.example/{subscription.customer_id}"

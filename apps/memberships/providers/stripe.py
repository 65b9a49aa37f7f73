"""Stripe through its official SDK (`stripe.StripeClient`): Checkout Sessions, the customer
portal, subscriptions, and signed webhooks translated into `ProviderEvent`s.

The SDK does the wire work: form encoding, `Authorization: Bearer`, `Stripe-Version`,
idempotency keys on every POST, two retries with backoff on connection errors, 409 and 5xx
(`MAX_NETWORK_RETRIES`), and the webhook signature check (`Stripe-Signature: t=…,v1=…`, an
HMAC-SHA256 of "t.body" with the endpoint's whsec_ secret, refused when older than
PAYMENTS_WEBHOOK_TOLERANCE_SECONDS). This module maps our requests onto its calls and its
errors onto ours, once, here.

Which payment a fact is about (`provider_payment_id`): a subscription's payments are its
invoices (`in_…`, whose hosted page is the receipt); a one-off donation is its PaymentIntent
(`pi_…`). A refund arrives on the charge, which in current API versions names neither, so
`charge.refunded` asks Stripe which invoice the charge's PaymentIntent paid, if any.

Two API shapes are read: newer versions (2025-03-31 "basil" on) moved `current_period_end`
onto the subscription's items and the invoice's subscription under
`parent.subscription_details`; the webhook endpoint's own version decides which one arrives.
"""

import functools
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

import stripe
import structlog
from django.conf import settings
from pydantic import ValidationError

from ..money import MoneyError, from_minor, to_minor
from .base import (
    CheckoutRequest,
    CheckoutStarted,
    Money,
    PaymentFact,
    ProviderEvent,
    ProviderRefused,
    ProviderUnavailable,
    SubscriptionFact,
    WebhookRejected,
)

logger = structlog.get_logger(__name__)

NAME = "stripe"
MAX_NETWORK_RETRIES = 2
# Stripe Checkout has no Ukrainian page (docs.stripe.com/js/appendix/supported_locales) and
# refuses an unknown locale with a 400; "auto" shows the visitor's browser language.
CHECKOUT_LOCALES = {"uk": "auto", "en": "en", "ru": "ru"}
# Every status Stripe documents for a subscription. `paused` (a trial ended without a card)
# is not paid for, so it is what `incomplete` is to us: no perks, may still become active.
SUBSCRIPTION_STATUSES = {
    "trialing": "active",
    "active": "active",
    "past_due": "past_due",
    "unpaid": "past_due",
    "canceled": "canceled",
    "incomplete_expired": "canceled",
    "incomplete": "incomplete",
    "paused": "incomplete",
}
INTERVALS = ("month", "year")

T = TypeVar("T")


class _Unparsable(Exception):
    """A verified event whose object lacks what its type promises."""


def provider_from_settings() -> "StripeProvider | None":
    """A client when both the API key and the webhook secret are set, else None (hidden)."""
    if not (settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET):
        return None
    return StripeProvider(
        client=_client(
            settings.STRIPE_SECRET_KEY, settings.STRIPE_BASE_URL, settings.PAYMENTS_TIMEOUT_SECONDS
        ),
        webhook_secret=settings.STRIPE_WEBHOOK_SECRET,
    )


@functools.lru_cache(maxsize=4)
def _client(secret_key: str, base_url: str, timeout_seconds: float) -> stripe.StripeClient:
    # One SDK client per configuration, so its HTTP sessions (one per thread) keep their
    # connections to Stripe between requests.
    return stripe.StripeClient(
        secret_key,
        base_addresses={"api": base_url},
        http_client=stripe.RequestsClient(timeout=timeout_seconds),
        max_network_retries=MAX_NETWORK_RETRIES,
    )


def _stripe_call(what: str, call: Callable[[], T]) -> T:
    """Run one SDK call; its errors become ProviderRefused (our request was wrong, retrying
    will not help) or ProviderUnavailable (Stripe or the network failed after the retries)."""
    try:
        return call()
    except (stripe.AuthenticationError, stripe.PermissionError) as exc:  # 401, or 403 for a restricted key
        raise ProviderRefused(
            f"Stripe refused the API key in STRIPE_SECRET_KEY ({what}): {exc.user_message}"
        ) from exc
    except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
        raise ProviderUnavailable(f"Stripe unreachable or busy ({what}): {exc.user_message}") from exc
    except stripe.StripeError as exc:
        status = exc.http_status
        if status is None or status >= 500:
            raise ProviderUnavailable(f"Stripe failed ({what}, HTTP {status}): {exc.user_message}") from exc
        raise ProviderRefused(f"Stripe refused {what} (HTTP {status}): {exc.user_message}") from exc


def _at(timestamp: int) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=UTC)


def _money(minor: int, currency: str) -> Money:
    return from_minor(minor, currency.upper())  # type: ignore[arg-type]


def _id(value: Any) -> str:
    """An expandable field: an id, an expanded object, or null."""
    if isinstance(value, Mapping):
        return value.get("id") or ""
    return value or ""


def _header(headers: Mapping[str, str], name: str) -> str | None:
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    return None


def subscription_fact(subscription: Mapping[str, Any], *, deleted: bool = False) -> SubscriptionFact:
    """A Stripe Subscription object as our fact, in either API shape."""
    try:
        status = "canceled" if deleted else SUBSCRIPTION_STATUSES[subscription["status"]]
    except KeyError as exc:
        raise _Unparsable(f"subscription status {subscription.get('status')!r}") from exc
    items = (subscription.get("items") or {}).get("data") or []
    period_end = subscription.get("current_period_end") or max(
        (item["current_period_end"] for item in items if item.get("current_period_end")), default=None
    )
    interval = None
    for item in items:
        recurring = (item.get("price") or {}).get("recurring") or (item.get("plan") or {})
        interval = recurring.get("interval")
        if interval:
            break
    # Newer API versions may cancel by setting `cancel_at` to the period's end instead.
    cancel_at = subscription.get("cancel_at")
    at_period_end = bool(subscription.get("cancel_at_period_end")) or (
        cancel_at is not None and period_end is not None and cancel_at >= period_end
    )
    return SubscriptionFact(
        provider_subscription_id=subscription["id"],
        status=status,  # type: ignore[arg-type]
        current_period_end=_at(period_end) if period_end else None,
        cancel_at_period_end=at_period_end and status != "canceled",
        interval=interval if interval in INTERVALS else None,
    )


class StripeProvider:
    """The PaymentProvider for Stripe; built by `provider_from_settings()`."""

    name = NAME
    supports_subscriptions = True
    has_portal = True

    def __init__(self, *, client: stripe.StripeClient, webhook_secret: str) -> None:
        self._client = client
        self._webhook_secret = webhook_secret

    # Requests we make

    def checkout_start(self, request: CheckoutRequest) -> CheckoutStarted:
        price_data: dict[str, Any] = {
            "currency": request.price.currency.lower(),
            "unit_amount": to_minor(request.price),
            "product_data": {"name": request.description},
        }
        params: dict[str, Any] = {
            "mode": request.mode,
            "line_items": [{"price_data": price_data, "quantity": 1}],
            "client_reference_id": request.reference,
            "metadata": {"reference": request.reference},
            "success_url": request.success_url,
            "cancel_url": request.cancel_url,
            "locale": CHECKOUT_LOCALES[request.locale],
        }
        # The reference is copied onto what the session creates, so the later webhooks about
        # the subscription, its invoices or the donation's payment name it too.
        if request.mode == "subscription":
            if request.interval is None:
                raise ProviderRefused("a subscription checkout needs an interval")
            price_data["recurring"] = {"interval": request.interval}
            params["subscription_data"] = {"metadata": {"reference": request.reference}}
        else:
            params["payment_intent_data"] = {
                "description": request.description,
                "metadata": {"reference": request.reference},
            }
        if request.customer_id:
            params["customer"] = request.customer_id
        elif request.email:
            params["customer_email"] = request.email
        session = _stripe_call(
            "creating a Checkout Session",
            lambda: self._client.v1.checkout.sessions.create(
                params=params,  # type: ignore[arg-type]
                # A retried start of the same checkout gets the same session back.
                options={"idempotency_key": f"cinestream-checkout-{request.reference}"},
            ),
        )
        return CheckoutStarted(provider_reference=session.id, redirect_url=session.url or "")

    def subscription_state(self, provider_subscription_id: str) -> SubscriptionFact:
        subscription = _stripe_call(
            f"reading subscription {provider_subscription_id}",
            lambda: self._client.v1.subscriptions.retrieve(provider_subscription_id),
        )
        return self._fact_or_unavailable(subscription.to_dict())

    def subscription_cancel(self, provider_subscription_id: str) -> SubscriptionFact:
        subscription = _stripe_call(
            f"cancelling subscription {provider_subscription_id}",
            lambda: self._client.v1.subscriptions.update(
                provider_subscription_id, params={"cancel_at_period_end": True}
            ),
        )
        return self._fact_or_unavailable(subscription.to_dict())

    def portal_url(self, customer_id: str, return_url: str) -> str:
        session = _stripe_call(
            "opening the customer portal",
            lambda: self._client.v1.billing_portal.sessions.create(
                params={"customer": customer_id, "return_url": return_url}
            ),
        )
        return session.url

    @staticmethod
    def _fact_or_unavailable(subscription: Mapping[str, Any]) -> SubscriptionFact:
        try:
            return subscription_fact(subscription)
        except (_Unparsable, KeyError, TypeError, ValidationError) as exc:
            raise ProviderUnavailable(f"Stripe answered a subscription we cannot read: {exc}") from exc

    # Webhooks

    def webhook_events(self, body: bytes, headers: Mapping[str, str]) -> list[ProviderEvent]:
        """Verify the signature with the SDK, then translate; unknown types give []."""
        try:
            event = self._client.construct_event(
                body,
                _header(headers, "Stripe-Signature"),
                self._webhook_secret,
                tolerance=settings.PAYMENTS_WEBHOOK_TOLERANCE_SECONDS,
            )
        except stripe.SignatureVerificationError as exc:
            raise WebhookRejected(f"stripe: {exc.user_message}") from exc
        except ValueError as exc:  # not UTF-8, not JSON, or not a snapshot event
            raise WebhookRejected(f"stripe: unparsable body: {exc}") from exc
        data = event.to_dict()
        event_type = data.get("type", "")
        translate = _TRANSLATIONS.get(event_type)
        if translate is None:
            return []
        try:
            facts = translate(self, data["data"]["object"])
            return [
                ProviderEvent(provider=NAME, event_id=data["id"], occurred_at=_at(data["created"]), **fact)
                for fact in facts
            ]
        except (_Unparsable, KeyError, TypeError, ValueError, MoneyError, ValidationError) as exc:
            raise WebhookRejected(f"stripe: {event_type} {data.get('id')} unparsable: {exc!r}") from exc

    def _checkout_completed(self, session: Mapping[str, Any], *, failed: bool = False) -> list[dict]:
        found: dict[str, Any] = {
            "reference": session.get("client_reference_id")
            or (session.get("metadata") or {}).get("reference", ""),
            "customer_id": _id(session.get("customer")),
        }
        paid = session.get("payment_status") in ("paid", "no_payment_required")
        if session["mode"] == "subscription":
            found["subscription"] = SubscriptionFact(
                provider_subscription_id=_id(session["subscription"]),
                status="incomplete" if failed or not paid else "active",
            )
        elif session["mode"] == "payment":
            found["payment"] = PaymentFact(
                provider_payment_id=_id(session["payment_intent"]),
                status="failed" if failed else "succeeded" if paid else "pending",
                money=_money(session["amount_total"], session["currency"]),
            )
        else:
            return []  # setup mode: nothing paid, nothing of ours
        return [found]

    def _checkout_async_failed(self, session: Mapping[str, Any]) -> list[dict]:
        return self._checkout_completed(session, failed=True)

    def _invoice(self, invoice: Mapping[str, Any], *, paid: bool) -> list[dict]:
        details = (invoice.get("parent") or {}).get("subscription_details") or {}
        subscription_id = _id(details.get("subscription") or invoice.get("subscription"))
        metadata = (
            details.get("metadata") or (invoice.get("subscription_details") or {}).get("metadata") or {}
        )
        currency = invoice["currency"]
        found: dict[str, Any] = {
            "reference": metadata.get("reference", ""),
            "customer_id": _id(invoice.get("customer")),
        }
        amount = invoice["amount_paid" if paid else "amount_due"]
        if amount:  # an invoice of 0 (a trial, a full discount) is no payment
            # No failure_reason: the invoice carries no decline reason (only its charge does, in
            # English), and the billing page shows the reason as given; the status says it.
            found["payment"] = PaymentFact(
                provider_payment_id=invoice["id"],
                status="succeeded" if paid else "failed",
                money=_money(amount, currency),
                receipt_url=invoice.get("hosted_invoice_url") or "",
            )
        if subscription_id:
            # The paid period is the one the invoice's lines bill for; after a failure the
            # period end is left out (None: unknown), so a grace period is not lengthened by it.
            lines = (invoice.get("lines") or {}).get("data") or []
            period_end = max((line["period"]["end"] for line in lines if line.get("period")), default=None)
            found["subscription"] = SubscriptionFact(
                provider_subscription_id=subscription_id,
                status="active" if paid else "past_due",
                current_period_end=_at(period_end) if paid and period_end else None,
            )
        return [found]

    def _invoice_paid(self, invoice: Mapping[str, Any]) -> list[dict]:
        return self._invoice(invoice, paid=True)

    def _invoice_failed(self, invoice: Mapping[str, Any]) -> list[dict]:
        return self._invoice(invoice, paid=False)

    def _subscription(self, subscription: Mapping[str, Any]) -> list[dict]:
        return [
            {
                "reference": (subscription.get("metadata") or {}).get("reference", ""),
                "customer_id": _id(subscription.get("customer")),
                "subscription": subscription_fact(subscription),
            }
        ]

    def _subscription_deleted(self, subscription: Mapping[str, Any]) -> list[dict]:
        return [
            {
                "reference": (subscription.get("metadata") or {}).get("reference", ""),
                "customer_id": _id(subscription.get("customer")),
                "subscription": subscription_fact(subscription, deleted=True),
            }
        ]

    def _charge_refunded(self, charge: Mapping[str, Any]) -> list[dict]:
        """`charge.refunded` carries the charge's total refunded so far, for full and partial
        refunds alike (the `refund.*` events carry one refund each and are not needed)."""
        amount, refunded = charge["amount"], charge["amount_refunded"]
        payment_intent = _id(charge.get("payment_intent"))
        payment_id = (
            _id(charge.get("invoice")) or self._invoice_of(payment_intent) or payment_intent or charge["id"]
        )
        return [
            {
                "customer_id": _id(charge.get("customer")),
                "payment": PaymentFact(
                    provider_payment_id=payment_id,
                    status="refunded" if refunded >= amount else "partially_refunded",
                    money=_money(amount, charge["currency"]),
                    refunded=_money(refunded, charge["currency"]),
                    receipt_url=charge.get("receipt_url") or "",
                ),
            }
        ]

    def _invoice_of(self, payment_intent: str) -> str:
        """The invoice a PaymentIntent paid, or "" for a one-off payment."""
        if not payment_intent:
            return ""
        payments = _stripe_call(
            f"finding the invoice of {payment_intent}",
            lambda: self._client.v1.invoice_payments.list(
                params={"payment": {"type": "payment_intent", "payment_intent": payment_intent}, "limit": 1}
            ),
        )
        for invoice_payment in payments.data:
            return _id(invoice_payment.invoice)
        return ""


_TRANSLATIONS: dict[str, Callable[[StripeProvider, Mapping[str, Any]], list[dict]]] = {
    "checkout.session.completed": StripeProvider._checkout_completed,
    "checkout.session.async_payment_succeeded": StripeProvider._checkout_completed,
    "checkout.session.async_payment_failed": StripeProvider._checkout_async_failed,
    "invoice.paid": StripeProvider._invoice_paid,
    "invoice.payment_succeeded": StripeProvider._invoice_paid,
    "invoice.payment_failed": StripeProvider._invoice_failed,
    "customer.subscription.created": StripeProvider._subscription,
    "customer.subscription.updated": StripeProvider._subscription,
    "customer.subscription.deleted": StripeProvider._subscription_deleted,
    "charge.refunded": StripeProvider._charge_refunded,
}

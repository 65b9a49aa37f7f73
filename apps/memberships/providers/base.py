"""What every payment provider's client gives the memberships app, and nothing more.

Each provider (Stripe, monobank) is one module beside this one that turns our requests into
its REST calls and its signed webhooks into `ProviderEvent`s. Money crosses this boundary only
as `Money` (a Decimal in major units and a currency), never as a float or minor units: each
client converts to cents or kopiyky at its own edge.
"""

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict

Currency = Literal["UAH", "USD"]
Interval = Literal["month", "year"]
PaymentStatus = Literal["pending", "succeeded", "failed", "refunded", "partially_refunded"]
SubscriptionStatus = Literal["incomplete", "active", "past_due", "canceled"]


class _Fact(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Money(_Fact):
    amount: Decimal  # major units: Decimal("99.00") UAH, Decimal("4.99") USD
    currency: Currency


class CheckoutRequest(_Fact):
    mode: Literal["subscription", "payment"]
    # Our Checkout's id: every provider echoes it back (Stripe client_reference_id and
    # metadata, monobank merchantPaymInfo.reference) so a webhook finds what it pays for.
    reference: str
    price: Money
    interval: Interval | None = None  # subscription mode only
    description: str  # shown on the provider's page: "CineStream Supporter, monthly"
    email: str = ""
    customer_id: str = ""  # the provider's customer id when we already know it
    success_url: str
    cancel_url: str
    webhook_url: str  # our absolute webhook URL, for providers that take it per request
    locale: Literal["uk", "en", "ru"] = "uk"


class CheckoutStarted(_Fact):
    provider_reference: str  # Stripe Checkout Session id; monobank invoiceId or subscriptionId
    redirect_url: str  # the provider's hosted page the visitor is sent to


class PaymentFact(_Fact):
    provider_payment_id: str
    status: PaymentStatus
    money: Money
    refunded: Money | None = None
    receipt_url: str = ""
    failure_reason: str = ""


class SubscriptionFact(_Fact):
    provider_subscription_id: str
    status: SubscriptionStatus
    current_period_end: datetime | None = None
    cancel_at_period_end: bool = False
    interval: Interval | None = None


class ProviderEvent(_Fact):
    """One verified fact from a provider. The memberships services apply it idempotently
    (`event_id` seen before: nothing changes) and in order (a fact older than `occurred_at` of
    what is stored never overwrites it). They find what it is about by `reference`, else by
    the subscription's id, else by `customer_id`."""

    provider: str
    event_id: str
    occurred_at: datetime  # aware; when the provider's state became true
    reference: str = ""
    customer_id: str = ""
    payment: PaymentFact | None = None
    subscription: SubscriptionFact | None = None


class PaymentsError(Exception):
    """Base of what a provider client raises; the message is safe to log, never to show."""


class WebhookRejected(PaymentsError):
    """Bad or missing signature, stale timestamp, unparsable body: the webhook answers 400."""


class ProviderUnavailable(PaymentsError):
    """Timeouts, 5xx and refused connections after the client's retries."""


class ProviderRefused(PaymentsError):
    """The provider answered 4xx to a request we made (bad key, bad amount…)."""


class PaymentProvider(Protocol):
    name: str  # "stripe" | "monobank": the webhook path and what is stored on each record
    supports_subscriptions: bool
    has_portal: bool

    def checkout_start(self, request: CheckoutRequest) -> CheckoutStarted: ...

    def webhook_events(self, body: bytes, headers: Mapping[str, str]) -> list[ProviderEvent]:
        """Verify the signature over the raw body, then translate; raises WebhookRejected."""
        ...

    def subscription_state(self, provider_subscription_id: str) -> SubscriptionFact:
        """What the provider says now (the daily reconciliation)."""
        ...

    def subscription_cancel(self, provider_subscription_id: str) -> SubscriptionFact:
        """Cancel at the end of the paid period."""
        ...

    def portal_url(self, customer_id: str, return_url: str) -> str:
        """The provider's own page for managing a subscription; only when `has_portal`."""
        ...

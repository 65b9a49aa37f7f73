"""Checkouts out to the providers, and verified provider events back into our state.

The rules `provider_event_apply` keeps, in this order:
1. An event id seen before changes nothing (WebhookEvent, unique per provider).
2. What it is about is found by our `reference` (a Checkout), else by the provider's
   subscription id, else by its customer id.
3. A fact whose `occurred_at` is older than the row's `state_at` changes nothing: providers
   retry and reorder deliveries, and an old "active" must never undo a newer "canceled".
4. A failed renewal (past_due) keeps the perks until `grace_until` (MEMBERSHIP_GRACE_DAYS).
5. Every change is written to the audit trail; a payment whose amount or currency differs
   from its checkout is stored flagged and audited, never taken as the plan's price.
"""

import re
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

import structlog
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.analytics.services import audit_record

from .errors import CheckoutNotStarted, DonationAmountInvalid, PlanUnavailable, ProviderNotConfigured
from .models import Checkout, Interval, Payment, Plan, Subscription, WebhookEvent
from .money import MoneyError, money
from .providers import provider_get
from .providers.base import (
    CheckoutRequest,
    PaymentFact,
    PaymentsError,
    ProviderEvent,
    SubscriptionFact,
)

logger = structlog.get_logger(__name__)

# What a visitor may give at once: a floor that covers the providers' fees, a ceiling
# against typos (an extra zero) and card testing.
DONATION_LIMITS: dict[str, tuple[Decimal, Decimal]] = {
    "UAH": (Decimal("10"), Decimal("100000")),
    "USD": (Decimal("1"), Decimal("5000")),
}

_DONATION_TYPED = re.compile(r"[0-9]{1,7}(?:[.,][0-9]{1,2})?")


@dataclass(frozen=True)
class CheckoutUrls:
    success_url: str
    cancel_url: str
    webhook_url: str


def donation_amount_parse(*, amount: str, currency: str) -> Decimal:
    """A donation as typed: a decimal with at most two places, within DONATION_LIMITS."""
    if currency not in DONATION_LIMITS:
        raise DonationAmountInvalid(f"unknown currency {currency!r}")
    typed = amount.strip()
    # Digits and one separator only: Decimal() alone would take "1e3", "NaN" and "Infinity".
    if not _DONATION_TYPED.fullmatch(typed):
        raise DonationAmountInvalid("not an amount with at most two decimal places")
    try:
        value = money(typed.replace(",", "."), currency).amount  # type: ignore[arg-type]
    except (MoneyError, InvalidOperation, ValueError) as exc:
        raise DonationAmountInvalid("not an amount with at most two decimal places") from exc
    low, high = DONATION_LIMITS[currency]
    if not low <= value <= high:
        raise DonationAmountInvalid(f"between {low} and {high} {currency}")
    return value


def checkout_begin(
    *,
    user,
    kind: str,
    currency: str,
    provider_name: str,
    urls: CheckoutUrls,
    plan_code: str = "",
    interval: str = "",
    amount: Decimal | None = None,
    email: str = "",
    locale: str = "uk",
) -> str:
    """Create a Checkout, open it at the provider and return the provider's page to send the
    visitor to. Nothing about payment state is decided here: that waits for the webhook."""
    provider = provider_get(provider_name)
    if provider is None:
        raise ProviderNotConfigured(provider_name)
    if kind == Checkout.Kind.SUBSCRIPTION:
        plan = Plan.objects.filter(code=plan_code, is_active=True).exclude(code="free").first()
        if plan is None or interval not in Interval.values or not provider.supports_subscriptions:
            raise PlanUnavailable(plan_code)
        price = plan.price(interval=interval, currency=currency)
        description = f"CineStream {plan.name_en}, {'monthly' if interval == 'month' else 'yearly'}"
        mode = "subscription"
    else:
        plan, interval, mode = None, "", "payment"
        price = donation_amount_parse(amount=str(amount), currency=currency)
        description = "CineStream donation"
    checkout = Checkout.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        email=email or getattr(user, "email", "") or "",
        kind=kind,
        plan=plan,
        interval=interval,
        amount=price,
        currency=currency,
        provider=provider.name,
    )
    customer_id = ""
    if checkout.user is not None:
        known = Subscription.objects.filter(user=checkout.user, provider=provider.name).exclude(
            customer_id=""
        )
        customer_id = known.values_list("customer_id", flat=True).first() or ""
    request = CheckoutRequest(
        mode=mode,
        reference=str(checkout.pk),
        price=money(price, currency),  # type: ignore[arg-type]
        interval=interval or None,
        description=description,
        email=checkout.email,
        customer_id=customer_id,
        success_url=urls.success_url.replace("{reference}", str(checkout.pk)),
        cancel_url=urls.cancel_url.replace("{reference}", str(checkout.pk)),
        webhook_url=urls.webhook_url,
        locale=locale if locale in ("uk", "en", "ru") else "uk",  # type: ignore[arg-type]
    )
    try:
        started = provider.checkout_start(request)
    except PaymentsError as exc:
        logger.warning("membership_checkout_not_started", provider=provider.name, error=str(exc))
        checkout.status = Checkout.Status.FAILED
        checkout.save(update_fields=["status"])
        raise CheckoutNotStarted(provider.name) from exc
    checkout.provider_reference = started.provider_reference
    checkout.save(update_fields=["provider_reference"])
    audit_record(
        action=f"membership.checkout.{kind}", actor=checkout.user, target=checkout, outcome="started"
    )
    return started.redirect_url


def provider_event_apply(event: ProviderEvent, *, source: str = "webhook") -> str:
    """Apply one verified provider event; returns what happened ("applied", "duplicate",
    "stale", "unmatched"). Safe to call with the same event any number of times."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                seen = WebhookEvent.objects.create(
                    provider=event.provider, event_id=event.event_id, outcome=""
                )
        except IntegrityError:
            return "duplicate"
        checkout = _checkout_locked(event.reference) or _checkout_of_subscription_locked(event)
        subscription = _subscription_locked(event, checkout)
        outcomes = []
        if event.subscription is not None:
            subscription, outcome = _subscription_fact_apply(
                event, event.subscription, subscription, checkout, source
            )
            outcomes.append(outcome)
        if event.payment is not None:
            outcomes.append(_payment_fact_apply(event, event.payment, subscription, checkout, source))
        outcome = _outcome_overall(outcomes)
        seen.outcome = outcome
        seen.save(update_fields=["outcome"])
    logger.info("membership_event_applied", provider=event.provider, event_id=event.event_id, outcome=outcome)
    return outcome


def _outcome_overall(outcomes: list[str]) -> str:
    for name in ("applied", "stale", "unmatched"):
        if name in outcomes:
            return name
    return "ignored"


def _checkout_locked(reference: str) -> Checkout | None:
    try:
        pk = uuid.UUID(reference)
    except ValueError:
        return None
    return Checkout.objects.select_for_update().filter(pk=pk).first()


def _checkout_of_subscription_locked(event: ProviderEvent) -> Checkout | None:
    """A provider that echoes no reference of ours on a subscription (monobank's regular
    payments) gave its subscription id back when the checkout started: that finds it."""
    if event.subscription is None or not event.subscription.provider_subscription_id:
        return None
    return (
        Checkout.objects.select_for_update()
        .filter(provider=event.provider, provider_reference=event.subscription.provider_subscription_id)
        .first()
    )


def _subscription_locked(event: ProviderEvent, checkout: Checkout | None) -> Subscription | None:
    rows = Subscription.objects.select_for_update().filter(provider=event.provider)
    if event.subscription is not None:
        # A fact about a subscription is applied to that subscription only: one not seen yet
        # is created from its checkout, never written over the customer's older one.
        return rows.filter(provider_subscription_id=event.subscription.provider_subscription_id).first()
    if checkout is not None:
        found = rows.filter(checkout=checkout).first()
        if found is not None:
            return found
    if event.customer_id:
        return rows.filter(customer_id=event.customer_id).order_by("-created_at").first()
    return None


def _subscription_fact_apply(
    event: ProviderEvent,
    fact: SubscriptionFact,
    subscription: Subscription | None,
    checkout: Checkout | None,
    source: str,
) -> tuple[Subscription | None, str]:
    if subscription is None:
        if checkout is None or checkout.user is None or checkout.plan is None:
            logger.warning(
                "membership_subscription_unmatched", provider=event.provider, event_id=event.event_id
            )
            return None, "unmatched"
        subscription = Subscription(
            user=checkout.user,
            plan=checkout.plan,
            interval=fact.interval or checkout.interval,
            checkout=checkout,
            provider=event.provider,
            provider_subscription_id=fact.provider_subscription_id,
            state_at=event.occurred_at,
        )
    elif subscription.state_at > event.occurred_at:
        return subscription, "stale"
    before = (subscription.status, subscription.cancel_at_period_end, subscription.current_period_end)
    is_new = subscription.pk is None
    subscription.status = fact.status
    subscription.cancel_at_period_end = fact.cancel_at_period_end
    if fact.current_period_end is not None:
        subscription.current_period_end = fact.current_period_end
    if fact.interval:
        subscription.interval = fact.interval
    if event.customer_id:
        subscription.customer_id = event.customer_id
    if fact.status == Subscription.Status.PAST_DUE:
        # Only on entering past_due: a later failed retry must not extend an expired grace.
        if before[0] != Subscription.Status.PAST_DUE or is_new:
            subscription.grace_until = timezone.now() + timedelta(days=settings.MEMBERSHIP_GRACE_DAYS)
    else:
        subscription.grace_until = None
    subscription.state_at = event.occurred_at
    subscription.save()
    if (
        checkout is not None
        and fact.status == Subscription.Status.ACTIVE
        and checkout.status != Checkout.Status.PAID
    ):
        checkout.status = Checkout.Status.PAID
        checkout.save(update_fields=["status"])
    after = (subscription.status, subscription.cancel_at_period_end, subscription.current_period_end)
    if is_new or before != after:
        _audit(
            f"membership.subscription.{_subscription_change_name(before, after, is_new)}",
            subscription,
            event,
            source,
            status=subscription.status,
            current_period_end=subscription.current_period_end.isoformat()
            if subscription.current_period_end
            else None,
            cancel_at_period_end=subscription.cancel_at_period_end,
            grace_until=subscription.grace_until.isoformat() if subscription.grace_until else None,
        )
    return subscription, "applied"


def _subscription_change_name(before: tuple, after: tuple, is_new: bool) -> str:
    status, cancel_at_period_end, _period_end = after
    if is_new or before[0] != status:
        return status
    if before[1] != cancel_at_period_end:
        return "cancel_at_period_end" if cancel_at_period_end else "resumed"
    return "renewed"


def _payment_fact_apply(
    event: ProviderEvent,
    fact: PaymentFact,
    subscription: Subscription | None,
    checkout: Checkout | None,
    source: str,
) -> str:
    payment = (
        Payment.objects.select_for_update()
        .filter(provider=event.provider, provider_payment_id=fact.provider_payment_id)
        .first()
    )
    if payment is not None and payment.state_at > event.occurred_at:
        return "stale"
    expected = checkout or (subscription.checkout if subscription is not None else None)
    if payment is None:
        user = (checkout.user if checkout else None) or (subscription.user if subscription else None)
        if user is None and expected is None:
            logger.warning("membership_payment_unmatched", provider=event.provider, event_id=event.event_id)
        payment = Payment(
            provider=event.provider,
            provider_payment_id=fact.provider_payment_id,
            user=user,
            checkout=checkout or expected,
            subscription=subscription,
        )
    elif subscription is not None and payment.subscription_id is None:
        payment.subscription = subscription
    before = (payment.status, payment.refunded_amount) if payment.pk else None
    payment.amount = fact.money.amount
    payment.currency = fact.money.currency
    payment.status = fact.status
    payment.refunded_amount = fact.refunded.amount if fact.refunded is not None else payment.refunded_amount
    payment.receipt_url = fact.receipt_url or payment.receipt_url
    payment.failure_reason = fact.failure_reason
    if fact.status == Payment.Status.SUCCEEDED and payment.paid_at is None:
        payment.paid_at = event.occurred_at
    was_flagged = payment.is_flagged
    if expected is not None and (fact.money.amount, fact.money.currency) != (
        expected.amount,
        expected.currency,
    ):
        payment.is_flagged = True
    payment.state_at = event.occurred_at
    payment.save()
    if payment.is_flagged and not was_flagged:
        _audit(
            "membership.payment.flagged",
            payment,
            event,
            source,
            outcome="amount_mismatch",
            paid=f"{fact.money.amount} {fact.money.currency}",
            expected=f"{expected.amount} {expected.currency}" if expected else "",
        )
    if before != (payment.status, payment.refunded_amount):
        _audit(
            f"membership.payment.{payment.status}",
            payment,
            event,
            source,
            amount=f"{payment.amount} {payment.currency}",
            refunded=str(payment.refunded_amount),
        )
    if checkout is not None and checkout.kind == Checkout.Kind.DONATION:
        status = {
            Payment.Status.SUCCEEDED: Checkout.Status.PAID,
            Payment.Status.FAILED: Checkout.Status.FAILED,
        }.get(payment.status)
        if status and checkout.status != status:
            checkout.status = status
            checkout.save(update_fields=["status"])
    if payment.status == Payment.Status.SUCCEEDED and not payment.receipt_sent:
        from .tasks import payment_receipt_send_task  # the task module imports these services

        payment_id = payment.pk
        transaction.on_commit(lambda: payment_receipt_send_task.delay(payment_id))
    return "applied"


def _audit(action: str, target, event: ProviderEvent, source: str, *, outcome: str = "", **details) -> None:
    audit_record(
        action=action,
        actor=target.user if target.user_id else f"{event.provider} {source}",
        target=target,
        outcome=outcome or source,
        details={"provider": event.provider, "event_id": event.event_id, "source": source, **details},
    )


def subscription_cancel_request(*, subscription: Subscription) -> None:
    """Ask the provider to end the subscription at its period's end. Our state still waits for
    the webhook that confirms it."""
    provider = provider_get(subscription.provider)
    if provider is None:
        raise ProviderNotConfigured(subscription.provider)
    try:
        provider.subscription_cancel(subscription.provider_subscription_id)
    except PaymentsError as exc:
        logger.warning("membership_cancel_failed", provider=subscription.provider, error=str(exc))
        raise CheckoutNotStarted(subscription.provider) from exc
    audit_record(
        action="membership.subscription.cancel_requested", actor=subscription.user, target=subscription
    )


def subscription_portal_url(*, subscription: Subscription, return_url: str) -> str:
    provider = provider_get(subscription.provider)
    if provider is None or not provider.has_portal or not subscription.customer_id:
        raise ProviderNotConfigured(subscription.provider)
    try:
        return provider.portal_url(subscription.customer_id, return_url)
    except PaymentsError as exc:
        raise CheckoutNotStarted(subscription.provider) from exc


def subscriptions_reconcile(*, now: datetime | None = None) -> dict[str, int]:
    """Ask each provider for the state of every subscription not canceled and apply what
    differs, as an event of its own (audited with source "reconciliation")."""
    now = now or timezone.now()
    counts = {"checked": 0, "fixed": 0, "failed": 0}
    open_subscriptions = Subscription.objects.exclude(status=Subscription.Status.CANCELED).exclude(
        provider_subscription_id=""
    )
    for subscription in open_subscriptions.iterator():
        provider = provider_get(subscription.provider)
        if provider is None:
            continue
        counts["checked"] += 1
        try:
            fact = provider.subscription_state(subscription.provider_subscription_id)
        except PaymentsError as exc:
            counts["failed"] += 1
            logger.warning("membership_reconcile_failed", subscription=subscription.pk, error=str(exc))
            continue
        current_period_end = fact.current_period_end or subscription.current_period_end
        stored = (subscription.status, subscription.cancel_at_period_end, subscription.current_period_end)
        if (fact.status, fact.cancel_at_period_end, current_period_end) == stored:
            continue
        event = ProviderEvent(
            provider=subscription.provider,
            event_id=f"reconcile:{subscription.pk}:{now.date().isoformat()}",
            occurred_at=now,
            customer_id=subscription.customer_id,
            subscription=fact,
        )
        if provider_event_apply(event, source="reconciliation") == "applied":
            counts["fixed"] += 1
    return counts


def grace_periods_expire(*, now: datetime | None = None) -> int:
    """Close the grace of past-due subscriptions whose `grace_until` has passed (the perks
    already stopped at that moment; this leaves the trail and the billing page saying so)."""
    now = now or timezone.now()
    expired = 0
    with transaction.atomic():
        due = Subscription.objects.select_for_update().filter(
            status=Subscription.Status.PAST_DUE, grace_until__lte=now
        )
        for subscription in due:
            subscription.grace_until = None
            subscription.save(update_fields=["grace_until"])
            audit_record(
                action="membership.subscription.grace_expired",
                actor="system",
                target=subscription,
                outcome="expired",
            )
            expired += 1
    return expired

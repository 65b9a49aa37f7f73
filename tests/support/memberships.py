"""Memberships for tests: supporters made the way a provider's webhooks would leave them."""

import uuid
from datetime import timedelta
from importlib import import_module

from django.apps import apps as django_apps
from django.utils import timezone

from apps.memberships.models import Checkout, Plan, Subscription
from apps.memberships.providers.base import Money, PaymentFact, ProviderEvent, SubscriptionFact
from apps.memberships.services import provider_event_apply

PERIOD_DAYS = {"month": 30, "year": 365}


def plans_ensure() -> None:
    """The plans the data migration seeds, again: a transactional test's flush (live servers)
    empties every table, and later tests of a reused database would find no plans."""
    seed = import_module("apps.memberships.migrations.0002_plans_seed")
    seed.plans_seed(django_apps, None)


def perks_forget(user) -> None:
    """perks_for remembers its answer on the user object (per request); tests reuse objects."""
    user.__dict__.pop("_membership_perks", None)


def supporter_make(
    user, *, interval: str = "month", status: str = "active", provider: str = "stripe"
) -> Subscription:
    """A Supporter subscription in `status`, written through `provider_event_apply` as the
    provider's webhooks would: the checkout, the first payment, the subscription's facts."""
    plans_ensure()
    plan = Plan.objects.get(code="supporter")
    price = plan.price(interval=interval, currency="UAH")
    checkout = Checkout.objects.create(
        user=user,
        kind=Checkout.Kind.SUBSCRIPTION,
        plan=plan,
        interval=interval,
        amount=price,
        currency="UAH",
        provider=provider,
        provider_reference=f"cs_test_{uuid.uuid4().hex[:12]}",
    )
    now = timezone.now()
    subscription_id = f"sub_{uuid.uuid4().hex[:12]}"
    customer_id = f"cus_{uuid.uuid4().hex[:12]}"
    period_end = now + timedelta(days=PERIOD_DAYS[interval])

    def event(at, **facts) -> ProviderEvent:
        return ProviderEvent(
            provider=provider,
            event_id=f"evt_{uuid.uuid4().hex}",
            occurred_at=at,
            reference=str(checkout.pk),
            customer_id=customer_id,
            **facts,
        )

    def subscription_fact(state: str, **fields) -> SubscriptionFact:
        return SubscriptionFact(
            provider_subscription_id=subscription_id,
            status=state,
            current_period_end=period_end,
            interval=interval,
            **fields,
        )

    started = now - timedelta(minutes=5)
    provider_event_apply(
        event(
            started,
            subscription=subscription_fact("active"),
            payment=PaymentFact(
                provider_payment_id=f"pi_{uuid.uuid4().hex[:12]}",
                status="succeeded",
                money=Money(amount=price, currency="UAH"),
            ),
        )
    )
    if status == "past_due":
        provider_event_apply(event(now, subscription=subscription_fact("past_due")))
    elif status == "canceling":  # canceled at the period's end, still paid up
        provider_event_apply(event(now, subscription=subscription_fact("active", cancel_at_period_end=True)))
    elif status == "canceled":
        provider_event_apply(event(now, subscription=subscription_fact("canceled")))
    perks_forget(user)
    return Subscription.objects.get(provider=provider, provider_subscription_id=subscription_id)

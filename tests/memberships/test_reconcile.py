"""The daily reconciliation: each provider's word on open subscriptions fixes drift.

The provider is an in-test PaymentProvider in the Stripe module's slot (a unit test of the
reconciliation's rules; the clients' `subscription_state` is tested against their stand-ins).
"""

from collections.abc import Mapping
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

import apps.memberships.providers.stripe as stripe_slot
from apps.analytics.models import AuditEvent
from apps.memberships.models import Subscription, WebhookEvent
from apps.memberships.perks import FREE, perks_for
from apps.memberships.providers.base import ProviderUnavailable, SubscriptionFact
from apps.memberships.services import subscriptions_reconcile
from apps.memberships.tasks import memberships_reconcile_task
from tests.support.accounts import user_create
from tests.support.memberships import perks_forget, supporter_make

pytestmark = pytest.mark.django_db


class StatesProvider:
    name = "stripe"
    supports_subscriptions = True
    has_portal = False

    def __init__(self) -> None:
        self.states: dict[str, SubscriptionFact] = {}
        self.unavailable = False

    def subscription_state(self, provider_subscription_id: str) -> SubscriptionFact:
        if self.unavailable:
            raise ProviderUnavailable("timeout")
        return self.states[provider_subscription_id]

    def checkout_start(self, request):  # pragma: no cover - not asked here
        raise NotImplementedError

    def webhook_events(self, body: bytes, headers: Mapping[str, str]):  # pragma: no cover
        raise NotImplementedError

    def subscription_cancel(self, provider_subscription_id: str):  # pragma: no cover
        raise NotImplementedError

    def portal_url(self, customer_id: str, return_url: str) -> str:  # pragma: no cover
        raise NotImplementedError


@pytest.fixture
def provider(monkeypatch) -> StatesProvider:
    made = StatesProvider()
    monkeypatch.setattr(stripe_slot, "provider_from_settings", lambda: made)
    return made


def test_a_cancellation_whose_webhook_was_lost_is_found_and_applied(provider):
    olena = user_create("olena@example.com")
    subscription = supporter_make(olena)
    provider.states[subscription.provider_subscription_id] = SubscriptionFact(
        provider_subscription_id=subscription.provider_subscription_id, status="canceled"
    )

    counts = subscriptions_reconcile()

    assert counts == {"checked": 1, "fixed": 1, "failed": 0}
    assert Subscription.objects.get().status == "canceled"
    perks_forget(olena)
    assert perks_for(olena) == FREE
    row = AuditEvent.objects.get(action="membership.subscription.canceled")
    assert row.outcome == "reconciliation"
    assert WebhookEvent.objects.filter(event_id__startswith=f"reconcile:{subscription.pk}:").exists()


def test_agreeing_states_change_nothing_and_a_second_run_the_same_day_is_idempotent(provider):
    subscription = supporter_make(user_create("olena@example.com"))
    provider.states[subscription.provider_subscription_id] = SubscriptionFact(
        provider_subscription_id=subscription.provider_subscription_id,
        status="active",
        current_period_end=subscription.current_period_end,
    )

    assert subscriptions_reconcile()["fixed"] == 0
    provider.states[subscription.provider_subscription_id] = SubscriptionFact(
        provider_subscription_id=subscription.provider_subscription_id,
        status="active",
        current_period_end=subscription.current_period_end + timedelta(days=30),
    )
    assert subscriptions_reconcile()["fixed"] == 1
    assert subscriptions_reconcile()["fixed"] == 0  # the day's event id was applied already


def test_a_provider_that_does_not_answer_is_counted_and_changes_nothing(provider):
    supporter_make(user_create("olena@example.com"))
    provider.unavailable = True

    assert subscriptions_reconcile() == {"checked": 1, "fixed": 0, "failed": 1}
    assert Subscription.objects.get().status == "active"


def test_the_task_and_the_command_also_expire_graces(provider):
    subscription = supporter_make(user_create("olena@example.com"), status="past_due")
    Subscription.objects.update(grace_until=timezone.now() - timedelta(minutes=1))
    provider.states[subscription.provider_subscription_id] = SubscriptionFact(
        provider_subscription_id=subscription.provider_subscription_id,
        status="past_due",
        current_period_end=subscription.current_period_end,
    )

    assert memberships_reconcile_task()["grace_expired"] == 1
    out = StringIO()
    call_command("reconcile_memberships", stdout=out)
    assert "grace_expired: 0" in out.getvalue()

"""Provider events applied to memberships: once, in order, with grace, audited, mailed once."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from apps.analytics.models import AuditEvent
from apps.memberships.models import Checkout, Payment, Plan, Subscription, WebhookEvent
from apps.memberships.perks import FREE, perks_for
from apps.memberships.providers.base import Money, PaymentFact, ProviderEvent, SubscriptionFact
from apps.memberships.services import grace_periods_expire, provider_event_apply
from tests.support.memberships import perks_forget, supporter_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def checkout(olena) -> Checkout:
    """Olena left for Stripe's page to pay 99 UAH a month."""
    return Checkout.objects.create(
        user=olena,
        kind=Checkout.Kind.SUBSCRIPTION,
        plan=Plan.objects.get(code="supporter"),
        interval="month",
        amount=Decimal("99.00"),
        currency="UAH",
        provider="stripe",
    )


def _event(checkout, *, at, status="active", payment=None, cancel=False, event_id=None, period_days=30):
    return ProviderEvent(
        provider="stripe",
        event_id=event_id or f"evt_{uuid.uuid4().hex}",
        occurred_at=at,
        reference=str(checkout.pk) if checkout else "",
        customer_id="cus_olena",
        subscription=SubscriptionFact(
            provider_subscription_id="sub_olena",
            status=status,
            current_period_end=at + timedelta(days=period_days),
            cancel_at_period_end=cancel,
            interval="month",
        )
        if status
        else None,
        payment=payment,
    )


def _paid(amount="99.00", currency="UAH", *, payment_id="pi_1", status="succeeded", refunded=None):
    return PaymentFact(
        provider_payment_id=payment_id,
        status=status,
        money=Money(amount=Decimal(amount), currency=currency),
        refunded=Money(amount=Decimal(refunded), currency=currency) if refunded else None,
    )


def _perks(user):
    perks_forget(user)
    return perks_for(user)


def test_a_paid_subscription_turns_the_perks_on(olena, checkout):
    assert _perks(olena) == FREE

    outcome = provider_event_apply(_event(checkout, at=timezone.now(), payment=_paid()))

    assert outcome == "applied"
    perks = _perks(olena)
    assert perks.plan == "supporter"
    assert perks.api_key
    assert perks.calendar_feed
    assert perks.saved_cities_max == 10
    assert perks.alerts_max == 50
    assert perks.api_write_rate == "600/minute"
    assert Checkout.objects.get(pk=checkout.pk).status == Checkout.Status.PAID


def test_the_same_event_twice_changes_nothing(olena, checkout):
    event = _event(checkout, at=timezone.now(), payment=_paid())

    assert provider_event_apply(event) == "applied"
    audited = AuditEvent.objects.count()
    assert provider_event_apply(event) == "duplicate"

    assert Subscription.objects.count() == 1
    assert Payment.objects.count() == 1
    assert AuditEvent.objects.count() == audited
    assert WebhookEvent.objects.get(event_id=event.event_id).outcome == "applied"


def test_an_older_event_arriving_late_never_overwrites_a_newer_state(olena, checkout):
    now = timezone.now()
    provider_event_apply(_event(checkout, at=now - timedelta(minutes=1), payment=_paid()))
    provider_event_apply(_event(checkout, at=now, status="canceled"))

    # Delivered late: the "active" of a minute before the cancellation.
    late = provider_event_apply(_event(checkout, at=now - timedelta(seconds=30), status="active"))

    assert late == "stale"
    assert Subscription.objects.get().status == "canceled"
    assert _perks(olena) == FREE


def test_a_failed_renewal_keeps_the_perks_for_the_grace_period(olena, checkout, settings):
    settings.MEMBERSHIP_GRACE_DAYS = 7
    now = timezone.now()
    provider_event_apply(_event(checkout, at=now - timedelta(days=30), payment=_paid()))

    provider_event_apply(
        _event(checkout, at=now, status="past_due", payment=_paid(payment_id="pi_2", status="failed"))
    )

    subscription = Subscription.objects.get()
    assert subscription.status == "past_due"
    assert timedelta(days=6) < subscription.grace_until - now <= timedelta(days=7, seconds=5)
    assert _perks(olena).plan == "supporter"
    assert AuditEvent.objects.filter(action="membership.subscription.past_due").exists()
    assert Payment.objects.get(provider_payment_id="pi_2").status == "failed"


def test_once_the_grace_runs_out_the_perks_stop_and_a_later_failure_does_not_restart_it(olena, checkout):
    now = timezone.now()
    provider_event_apply(_event(checkout, at=now - timedelta(days=9), payment=_paid()))
    provider_event_apply(_event(checkout, at=now - timedelta(days=8), status="past_due"))
    Subscription.objects.update(grace_until=now - timedelta(days=1))

    assert grace_periods_expire() == 1
    assert _perks(olena) == FREE
    assert AuditEvent.objects.filter(action="membership.subscription.grace_expired").count() == 1

    provider_event_apply(_event(checkout, at=now, status="past_due"))  # the provider's next retry failed
    assert Subscription.objects.get().grace_until is None
    assert _perks(olena) == FREE


def test_a_renewal_after_a_failure_restores_everything(olena, checkout):
    now = timezone.now()
    provider_event_apply(_event(checkout, at=now - timedelta(days=2), payment=_paid()))
    provider_event_apply(_event(checkout, at=now - timedelta(days=1), status="past_due"))

    provider_event_apply(_event(checkout, at=now, payment=_paid(payment_id="pi_2"), period_days=31))

    subscription = Subscription.objects.get()
    assert subscription.status == "active"
    assert subscription.grace_until is None
    assert _perks(olena).plan == "supporter"


def test_cancelled_at_period_end_keeps_the_perks_until_the_period_ends(olena, checkout):
    now = timezone.now()
    provider_event_apply(_event(checkout, at=now - timedelta(minutes=1), payment=_paid()))

    provider_event_apply(_event(checkout, at=now, status="canceled", cancel=True, period_days=3))
    assert _perks(olena).plan == "supporter"
    assert AuditEvent.objects.filter(action="membership.subscription.canceled").exists()

    Subscription.objects.update(current_period_end=now - timedelta(seconds=1))
    assert _perks(olena) == FREE


def test_refunds_whole_and_partial_are_recorded_and_audited(olena, checkout):
    now = timezone.now()
    provider_event_apply(_event(checkout, at=now - timedelta(minutes=2), payment=_paid()))

    provider_event_apply(
        _event(
            checkout,
            at=now - timedelta(minutes=1),
            status=None,
            payment=_paid(status="partially_refunded", refunded="40.00"),
        )
    )
    payment = Payment.objects.get()
    assert (payment.status, payment.refunded_amount) == ("partially_refunded", Decimal("40.00"))

    provider_event_apply(
        _event(checkout, at=now, status=None, payment=_paid(status="refunded", refunded="99.00"))
    )
    payment.refresh_from_db()
    assert (payment.status, payment.refunded_amount) == ("refunded", Decimal("99.00"))
    assert {"membership.payment.partially_refunded", "membership.payment.refunded"} <= set(
        AuditEvent.objects.values_list("action", flat=True)
    )


def test_a_payment_that_does_not_match_its_checkout_is_kept_flagged_and_audited(olena, checkout):
    provider_event_apply(_event(checkout, at=timezone.now(), status=None, payment=_paid("9.90")))

    payment = Payment.objects.get()
    assert payment.is_flagged
    assert payment.amount == Decimal("9.90")
    flagged = AuditEvent.objects.get(action="membership.payment.flagged")
    assert flagged.details["paid"] == "9.90 UAH"
    assert flagged.details["expected"] == "99.00 UAH"


def test_every_change_is_in_the_audit_trail(olena, checkout):
    provider_event_apply(_event(checkout, at=timezone.now(), payment=_paid()))

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"membership.subscription.active", "membership.payment.succeeded"} <= actions
    row = AuditEvent.objects.get(action="membership.subscription.active")
    assert row.actor == "olena@example.com"
    assert row.details["provider"] == "stripe"


def test_the_receipt_is_mailed_once_in_the_payers_language(
    olena, checkout, django_capture_on_commit_callbacks, tasks_in_process
):
    olena.language = "en"
    olena.save()
    event = _event(checkout, at=timezone.now(), payment=_paid())

    with django_capture_on_commit_callbacks(execute=True):
        provider_event_apply(event)
    with django_capture_on_commit_callbacks(execute=True):
        provider_event_apply(event)
        # A later event about the same payment (its receipt URL arrived) mails nothing more.
        provider_event_apply(_event(checkout, at=timezone.now(), status=None, payment=_paid()))

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["olena@example.com"]
    assert "receipt" in mail.outbox[0].subject.lower()
    assert "99.00 UAH" in mail.outbox[0].subject
    assert Payment.objects.get().receipt_sent


def test_an_event_about_nothing_we_know_is_recorded_and_changes_nothing(db):
    event = ProviderEvent(
        provider="stripe",
        event_id="evt_stranger",
        occurred_at=timezone.now(),
        subscription=SubscriptionFact(provider_subscription_id="sub_stranger", status="active"),
    )

    assert provider_event_apply(event) == "unmatched"
    assert not Subscription.objects.exists()


def test_a_renewal_found_by_the_subscription_id_alone(olena, checkout):
    now = timezone.now()
    provider_event_apply(_event(checkout, at=now - timedelta(days=30), payment=_paid()))

    renewal = _event(None, at=now, payment=_paid(payment_id="pi_renewal"), period_days=60)
    provider_event_apply(renewal)

    payment = Payment.objects.get(provider_payment_id="pi_renewal")
    assert payment.user == olena
    assert payment.subscription == Subscription.objects.get()
    assert not payment.is_flagged


def test_supporter_make_leaves_what_webhooks_would(olena):
    subscription = supporter_make(olena, interval="year")

    assert subscription.status == "active"
    assert subscription.interval == "year"
    assert Payment.objects.get(subscription=subscription).amount == Decimal("990.00")
    assert perks_for(olena).plan == "supporter"


@pytest.mark.parametrize(
    ("status", "plan"),
    [("active", "supporter"), ("past_due", "supporter"), ("canceling", "supporter"), ("canceled", "free")],
)
def test_perks_follow_the_subscription_state(olena, status, plan):
    supporter_make(olena, status=status)

    assert perks_for(olena).plan == plan


def test_perks_cost_one_query_and_are_remembered_for_the_request(olena, django_assert_num_queries):
    supporter_make(olena)

    with django_assert_num_queries(1):
        perks_for(olena)
        perks_for(olena)


def test_a_new_subscription_of_a_returning_customer_leaves_the_old_one_alone(olena, checkout):
    now = timezone.now()
    provider_event_apply(_event(checkout, at=now - timedelta(days=40), payment=_paid()))
    provider_event_apply(_event(checkout, at=now - timedelta(days=10), status="canceled"))
    second = Checkout.objects.create(
        user=olena,
        kind="subscription",
        plan=checkout.plan,
        interval="month",
        amount=Decimal("99.00"),
        currency="UAH",
        provider="stripe",
    )

    fact = SubscriptionFact(provider_subscription_id="sub_again", status="active", interval="month")
    provider_event_apply(
        ProviderEvent(
            provider="stripe",
            event_id="evt_again",
            occurred_at=now,
            reference=str(second.pk),
            customer_id="cus_olena",
            subscription=fact,
        )
    )

    statuses = dict(Subscription.objects.values_list("provider_subscription_id", "status"))
    assert statuses == {"sub_olena": "canceled", "sub_again": "active"}

"""Reads of memberships: what a user has, what the plans page and billing page show."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from .models import ApiKey, Payment, Plan, Subscription


def _giving_perks(now) -> Q:
    status = Subscription.Status
    return (
        Q(status=status.ACTIVE)
        | Q(status=status.PAST_DUE, grace_until__gt=now)
        | Q(status=status.CANCELED, cancel_at_period_end=True, current_period_end__gt=now)
    )


def subscription_with_perks(*, user) -> Subscription | None:
    """The user's subscription that gives perks now (the latest paid-up one), with its plan."""
    return (
        Subscription.objects.filter(_giving_perks(timezone.now()), user=user)
        .select_related("plan")
        .order_by("-current_period_end", "-pk")
        .first()
    )


def plans_offered() -> list[Plan]:
    return list(Plan.objects.filter(is_active=True).order_by("price_uah", "code"))


def plan_by_code(*, code: str) -> Plan | None:
    return Plan.objects.filter(code=code).first()


def subscriptions_of(*, user) -> QuerySet[Subscription]:
    """The user's subscriptions that got past the checkout, newest first."""
    return (
        Subscription.objects.filter(user=user)
        .exclude(status=Subscription.Status.INCOMPLETE)
        .select_related("plan")
        .order_by("-created_at")
    )


def payments_of(*, user) -> QuerySet[Payment]:
    return (
        Payment.objects.filter(user=user)
        .select_related("subscription__plan", "checkout")
        .order_by("-state_at")
    )


def api_keys_of(*, user) -> QuerySet[ApiKey]:
    return ApiKey.objects.filter(user=user, revoked_at__isnull=True)

"""Plans, checkouts, subscriptions, payments and the webhooks that moved them.

Payment and subscription state is written only by `services.provider_event_apply`, from
verified provider events: `state_at` on each stateful row is the `occurred_at` of the fact
last applied, so an older fact never overwrites a newer one.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cinestream.env import rate_parse

from .perks import Perks

MONEY = {"max_digits": 10, "decimal_places": 2}


class Interval(models.TextChoices):
    MONTH = "month", _("monthly")
    YEAR = "year", _("yearly")


class Currency(models.TextChoices):
    UAH = "UAH", "UAH"
    USD = "USD", "USD"


class Plan(models.Model):
    """A plan defined in the admin: its prices and the perks it gives (1:1 with `Perks`)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    name_ru = models.CharField(_("name (Russian)"), max_length=80)
    price_uah = models.DecimalField(_("monthly price, UAH"), default=Decimal("0"), **MONEY)
    price_usd = models.DecimalField(_("monthly price, USD"), default=Decimal("0"), **MONEY)
    price_year_uah = models.DecimalField(_("yearly price, UAH"), default=Decimal("0"), **MONEY)
    price_year_usd = models.DecimalField(_("yearly price, USD"), default=Decimal("0"), **MONEY)
    is_active = models.BooleanField(_("offered"), default=True)
    api_key = models.BooleanField(_("personal API key"), default=False)
    api_write_rate = models.CharField(
        _("API write rate"), max_length=32, blank=True, help_text=_("For example 600/minute.")
    )
    saved_cities_max = models.PositiveSmallIntegerField(_("saved cities at most"), default=1)
    alerts_max = models.PositiveSmallIntegerField(_("film alerts at most"), default=5)
    calendar_feed = models.BooleanField(_("calendar feed"), default=False)
    trends_report_early = models.BooleanField(_("trends report a day early"), default=False)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["price_uah", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(price_uah__gte=0, price_usd__gte=0, price_year_uah__gte=0, price_year_usd__gte=0),
                name="memberships_plan_prices_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (translation.get_language() or "uk")[:2]
        return getattr(self, f"name_{language}", "") or self.name_uk

    def clean(self) -> None:
        # The API's throttle reads this rate; one it cannot read would fall back to the
        # anonymous limit without a word.
        if self.api_write_rate and rate_parse(self.api_write_rate) is None:
            raise ValidationError(
                {"api_write_rate": _("Write it as requests per period, such as 600/minute.")}
            )
        if self.api_key and not self.api_write_rate:
            raise ValidationError({"api_write_rate": _("A plan with API keys needs their write rate.")})

    def price(self, *, interval: str, currency: str) -> Decimal:
        suffix = "" if interval == Interval.MONTH else "_year"
        return getattr(self, f"price{suffix}_{currency.lower()}")

    def perks(self) -> Perks:
        return Perks(
            plan=self.code,
            api_key=self.api_key,
            api_write_rate=self.api_write_rate,
            saved_cities_max=self.saved_cities_max,
            alerts_max=self.alerts_max,
            calendar_feed=self.calendar_feed,
            trends_report_early=self.trends_report_early,
        )


class Checkout(models.Model):
    """One visit to a provider's page; its id is the `reference` the provider echoes back."""

    class Kind(models.TextChoices):
        SUBSCRIPTION = "subscription", _("subscription")
        DONATION = "donation", _("donation")

    class Status(models.TextChoices):
        OPEN = "open", _("waiting for the provider")
        PAID = "paid", _("paid")
        FAILED = "failed", _("failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    email = models.EmailField(_("e-mail for the receipt"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.PROTECT)
    interval = models.CharField(_("interval"), max_length=8, choices=Interval.choices, blank=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    provider = models.CharField(_("provider"), max_length=16)
    provider_reference = models.CharField(_("provider's reference"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("checkout")
        verbose_name_plural = _("checkouts")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="memberships_checkout_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.currency} ({self.provider})"


class Subscription(models.Model):
    class Status(models.TextChoices):
        INCOMPLETE = "incomplete", _("incomplete")
        ACTIVE = "active", pgettext_lazy("subscription status", "active")
        PAST_DUE = "past_due", _("renewal failed")
        CANCELED = "canceled", _("canceled")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership_subscriptions"
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT)
    interval = models.CharField(_("interval"), max_length=8, choices=Interval.choices)
    checkout = models.ForeignKey(
        Checkout, null=True, blank=True, on_delete=models.SET_NULL, related_name="subscriptions"
    )
    provider = models.CharField(_("provider"), max_length=16)
    provider_subscription_id = models.CharField(_("provider's subscription id"), max_length=255)
    customer_id = models.CharField(_("provider's customer id"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.INCOMPLETE)
    current_period_end = models.DateTimeField(_("paid until"), null=True, blank=True)
    cancel_at_period_end = models.BooleanField(_("ends at the period's end"), default=False)
    grace_until = models.DateTimeField(_("perks kept until"), null=True, blank=True)
    state_at = models.DateTimeField(_("state as of"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_subscription_id"], name="memberships_subscription_unique"
            )
        ]
        indexes = [models.Index(fields=["user", "status"]), models.Index(fields=["provider", "customer_id"])]

    def __str__(self) -> str:
        return f"{self.plan} {self.get_interval_display()} ({self.provider} {self.provider_subscription_id})"


class Payment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SUCCEEDED = "succeeded", _("paid")
        FAILED = "failed", _("failed")
        REFUNDED = "refunded", _("refunded")
        PARTIALLY_REFUNDED = "partially_refunded", _("partially refunded")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="membership_payments",
    )
    checkout = models.ForeignKey(Checkout, null=True, blank=True, on_delete=models.SET_NULL)
    subscription = models.ForeignKey(Subscription, null=True, blank=True, on_delete=models.SET_NULL)
    provider = models.CharField(_("provider"), max_length=16)
    provider_payment_id = models.CharField(_("provider's payment id"), max_length=255)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices)
    refunded_amount = models.DecimalField(_("refunded"), default=Decimal("0"), **MONEY)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    # The amount or currency is not what the checkout asked for: kept, audited, never
    # taken as the plan's price.
    is_flagged = models.BooleanField(_("amount mismatch"), default=False)
    receipt_url = models.URLField(_("receipt"), max_length=500, blank=True)
    failure_reason = models.CharField(_("failure reason"), max_length=255, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    receipt_sent = models.BooleanField(_("receipt e-mailed"), default=False)
    state_at = models.DateTimeField(_("state as of"))

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-state_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_payment_id"], name="memberships_payment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} ({self.provider} {self.provider_payment_id})"


class WebhookEvent(models.Model):
    """Each provider event applied once: its id seen again changes nothing."""

    provider = models.CharField(_("provider"), max_length=16)
    event_id = models.CharField(_("event id"), max_length=255)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    outcome = models.CharField(_("outcome"), max_length=32)

    class Meta:
        verbose_name = _("provider event")
        verbose_name_plural = _("provider events")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="memberships_webhookevent_unique")
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.event_id}"


class ApiKey(models.Model):
    """A supporter's key for the public API. Only a hash of the secret is stored: the key is
    shown once, when made."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys")
    prefix = models.CharField(_("prefix"), max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}…"

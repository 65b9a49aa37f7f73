"""Admin for memberships: plans are edited here; subscriptions, payments and provider events
are read-only, since their state comes only from the providers' verified webhooks."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.admin import HTTPS_URL_FIELDS

from .models import ApiKey, Checkout, Payment, Plan, Subscription, WebhookEvent


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name_en",
        "price_uah",
        "price_usd",
        "price_year_uah",
        "price_year_usd",
        "is_active",
    ]
    list_filter = ["is_active"]
    fieldsets = (
        (None, {"fields": ("code", "name_uk", "name_en", "name_ru", "is_active")}),
        (_("Prices"), {"fields": ("price_uah", "price_usd", "price_year_uah", "price_year_usd")}),
        (
            _("Perks"),
            {
                "fields": (
                    "api_key",
                    "api_write_rate",
                    "saved_cities_max",
                    "alerts_max",
                    "calendar_feed",
                    "trends_report_early",
                )
            },
        ),
    )


class ReadOnlyAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URL_FIELDS

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["user", "plan", "interval", "provider", "status", "current_period_end", "grace_until"]
    list_filter = ["status", "provider", "interval", "cancel_at_period_end"]
    search_fields = ["user__email", "provider_subscription_id", "customer_id"]
    list_select_related = ["user", "plan"]


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ["provider_payment_id", "user", "amount", "currency", "status", "is_flagged", "paid_at"]
    list_filter = ["status", "provider", "is_flagged", "currency"]
    search_fields = ["user__email", "provider_payment_id"]
    list_select_related = ["user"]


@admin.register(Checkout)
class CheckoutAdmin(ReadOnlyAdmin):
    list_display = ["id", "kind", "user", "amount", "currency", "provider", "status", "created_at"]
    list_filter = ["kind", "status", "provider"]
    search_fields = ["user__email", "email", "provider_reference"]
    list_select_related = ["user"]


@admin.register(WebhookEvent)
class WebhookEventAdmin(ReadOnlyAdmin):
    list_display = ["provider", "event_id", "outcome", "received_at"]
    list_filter = ["provider", "outcome"]
    search_fields = ["event_id"]


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnlyAdmin):
    list_display = ["prefix", "user", "created_at", "revoked_at"]
    search_fields = ["user__email", "prefix"]
    list_select_related = ["user"]

"""Admin for the scraping app: is IMDb blocking us, how did the last runs go, what Gemini costs."""

from django.conf import settings
from django.contrib import admin
from django.db.models import Count, Sum
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from apps.scraping.circuit import circuit_close
from apps.scraping.models import GeminiCall, ScrapeCircuit, ScrapeRun, TmdbCallDay
from apps.scraping.selectors import gemini_spend_today


@admin.register(ScrapeCircuit)
class ScrapeCircuitAdmin(admin.ModelAdmin):
    list_display = ("name", "is_open", "consecutive_blocks", "reason", "opened_at", "reopens_at")
    readonly_fields = ("name", "consecutive_blocks", "reason", "opened_at", "reopens_at", "updated_at")
    actions = ("close_now",)

    @admin.display(boolean=True, description=_("open"))
    def is_open(self, circuit: ScrapeCircuit) -> bool:
        return circuit.is_open

    @admin.action(description=_("Close the circuit: resume scraping now"))
    def close_now(self, request, queryset) -> None:
        for circuit in queryset:
            circuit_close(name=circuit.name)

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ScrapeRun)
class ScrapeRunAdmin(admin.ModelAdmin):
    list_display = (
        "started_at",
        "kind",
        "target",
        "languages",
        "status",
        "pages",
        "records",
        "blocked",
        "failed",
        "finished_at",
    )
    list_filter = ("status", "kind")
    readonly_fields = [field.name for field in ScrapeRun._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(GeminiCall)
class GeminiCallAdmin(admin.ModelAdmin):
    """The Gemini ledger: one row per request; the list's totals and today's spend above it."""

    list_display = (
        "created_at",
        "purpose",
        "city",
        "model",
        "outcome",
        "prompt_tokens",
        "output_tokens",
        "thinking_tokens",
        "total_tokens",
        "grounded",
        "latency_ms",
        "cost_usd",
    )
    list_filter = ("outcome", "purpose", "model", "grounded")
    date_hierarchy = "created_at"
    search_fields = ("city", "purpose_key", "error")
    readonly_fields = [field.name for field in GeminiCall._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if changelist is not None:  # not on a redirect or an error page
            response.context_data["gemini_totals"] = changelist.queryset.aggregate(
                calls=Count("id"), tokens=Sum("total_tokens"), cost=Sum("cost_usd")
            )
            response.context_data["gemini_today"] = gemini_spend_today()
            response.context_data["gemini_token_budget"] = settings.GEMINI_DAILY_TOKEN_BUDGET
            response.context_data["gemini_cost_budget"] = settings.GEMINI_DAILY_COST_BUDGET_USD
            response.context_data["gemini_time_zone"] = settings.TIME_ZONE
        return response


@admin.register(TmdbCallDay)
class TmdbCallDayAdmin(admin.ModelAdmin):
    list_display = ("day", "endpoint", "calls", "failed")
    list_filter = ("endpoint",)
    date_hierarchy = "day"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

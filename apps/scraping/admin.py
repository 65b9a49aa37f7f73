"""Admin for the scraping app: is IMDb blocking us, and how did the last runs go."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from apps.scraping.circuit import circuit_close
from apps.scraping.models import ScrapeCircuit, ScrapeRun


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

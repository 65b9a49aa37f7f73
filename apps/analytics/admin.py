"""Admin for analytics: the audit trail (read-only) and the daily counts."""

from django.contrib import admin
from django.http import HttpRequest

from apps.analytics.models import AuditEvent, DailyVisits


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_repr", "outcome"]
    list_filter = ["action", "object_type", "outcome", "at"]
    search_fields = ["actor", "action", "object_type", "object_id", "object_repr"]
    date_hierarchy = "at"
    list_per_page = 100


@admin.register(DailyVisits)
class DailyVisitsAdmin(ReadOnlyAdmin):
    list_display = ["day", "page_views", "visitors"]
    date_hierarchy = "day"

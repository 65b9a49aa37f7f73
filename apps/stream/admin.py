"""The event log in the admin: read-only, since clients have already seen these events."""

from django.contrib import admin

from apps.stream.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("id", "type", "created_at")
    list_filter = ("type",)
    search_fields = ("payload",)
    date_hierarchy = "created_at"
    readonly_fields = ("id", "type", "payload", "tags", "created_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

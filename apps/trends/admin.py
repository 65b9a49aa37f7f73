"""Admin for the trends app: registrations can be asked again; counts and scores are read-only."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from apps.trends.models import Registration, TrendScore
from apps.trends.services import registration_refetch


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ("id", "tmdb_id", "imdb_id", "status", "title", "updated_at")
    list_filter = ("status",)
    search_fields = ("imdb_id", "tmdb_id")
    readonly_fields = ("title", "status", "last_error", "created_at", "updated_at")
    actions = ("ask_again",)

    @admin.action(description=_("Ask TMDB again"))
    def ask_again(self, request: HttpRequest, queryset: QuerySet[Registration]) -> None:
        for registration in queryset:
            registration_refetch(registration=registration)


@admin.register(TrendScore)
class TrendScoreAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "score",
        "recent_views",
        "weighted_rating",
        "popularity",
        "sessions",
        "computed_at",
    )
    list_select_related = ("title",)
    readonly_fields = list_display

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
